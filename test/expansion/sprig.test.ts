import { fromJson, GoMap, renderGoTemplate, stringMap } from '../../src/expansion/gotemplate';

/**
 * Every sprig v3.3.0 function Argo CD v3.5.1 exposes, ported from sprig's own tests (Masterminds/sprig@v3.3.0
 * <file>_test.go, test name in each group) and from Go's semantics (strings are bytes, JSON numbers float64,
 * int64 arithmetic). Templates run as Argo CD's Render.Replace runs them: `renderGoTemplate` with the params.
 */
// `labels` is a map[string]string, as a cluster's labels are in the cluster generator's params.
const data = { ...fromJson({ name: 'prod-1', n: 3, list: ['a', 'b'] }) as GoMap, labels: stringMap({ env: 'prod' }) };
const run = (t: string, params = data) => renderGoTemplate(t, params, 'default');

const CASES: [string, string, string][] = [
  // strings_test.go
  ['TestSubstr', '{{"fooo" | substr 0 3 }}', 'foo'],
  ['TestSubstr (end past the length)', '{{"foo" | substr 0 10 }}', 'foo'],
  ['TestTrunc', '{{ "foooooo" | trunc 3 }}', 'foo'],
  ['TestTrunc (negative)', '{{ "baaaaaar" | trunc -3 }}', 'aar'],
  ['TestTrunc (negative past the length)', '{{ "baaaaaar" | trunc -999 }}', 'baaaaaar'],
  ['TestTrunc (zero)', '{{ "baaaaaz" | trunc 0 }}', ''],
  ['TestQuote', '{{quote "a" "b" "c"}}', '"a" "b" "c"'],
  ['TestQuote (escaped)', '{{quote "\\"a\\"" "b" "c"}}', '"\\"a\\"" "b" "c"'],
  ['TestQuote (numbers)', '{{quote 1 2 3 }}', '"1" "2" "3"'],
  ['TestSquote', '{{squote "a" "b" "c"}}', "'a' 'b' 'c'"],
  ['TestSquote (numbers)', '{{squote 1 2 3 }}', "'1' '2' '3'"],
  ['TestSplit', '{{$v := "foo$bar$baz" | split "$"}}{{$v._0}}', 'foo'],
  ['TestSplitn', '{{$v := "foo$bar$baz" | splitn "$" 2}}{{$v._0}} {{$v._1}}', 'foo bar$baz'],
  ['TestToString', '{{ toString 1 | kindOf }}', 'string'],
  ['TestToStrings', '{{ $s := list 1 2 3 | toStrings }}{{ index $s 1 | kindOf }}', 'string'],
  ['TestJoin', '{{ tuple "a" "b" "c" | join "-" }}', 'a-b-c'],
  ['TestJoin (numbers)', '{{ tuple 1 2 3 | join "-" }}', '1-2-3'],
  ['TestBase64EncodeDecode', '{{b64enc "coffee"}} {{b64dec "Y29mZmVl"}}', 'Y29mZmVl coffee'],
  ['TestBase32EncodeDecode', '{{b32enc "coffee"}} {{b32dec "MNXWMZTFMU======"}}', 'MNXWMZTFMU====== coffee'],
  ['TestCat', '{{$b := "b"}}{{"c" | cat "a" $b}}', 'a b c'],
  ['TestIndent', '{{indent 4 "a\\nb\\nc"}}', '    a\n    b\n    c'],
  ['TestNindent', '{{nindent 4 "a\\nb\\nc"}}', '\n    a\n    b\n    c'],
  ['TestReplace', '{{"I Am Henry VIII" | replace " " "-"}}', 'I-Am-Henry-VIII'],
  ['TestPlural', '{{$num := len "two"}}{{$num}} {{$num | plural "1 char" "chars"}}', '3 chars'],
  ['TestPlural (one)', '{{len "t" | plural "cheese" "%d chars"}}', 'cheese'],
  ['TestAbbrev', '{{ "hello world" | abbrev 5 }} {{ abbrevboth 5 10 "1234 5678 9123" }}', 'he... ...5678...'],
  ['TestUntitle/TestTitle', '{{ title "hello world" }} {{ untitle "Hello World" }}', 'Hello World hello world'],
  ['TestSnakeCase/TestCamelCase/TestKebabCase', '{{ snakecase "FirstName" }} {{ camelcase "http_server" }} {{ kebabcase "FirstName" }}', 'first_name HttpServer first-name'],
  ['TestSwapCase (goutils: lower after a space or at the start becomes title case)', '{{ swapcase "This Is A.Test" }}', 'tHIS iS a.tEST'],
  ['TestWrap', '{{ wrap 5 "Hello World" }}', 'Hello\nWorld'],
  ['TestWrapWith', '{{ "Hello World" | wrapWith 5 "\\t" }}', 'Hello\tWorld'],
  ['TestTrimAll/TestTrimPrefix/TestTrimSuffix', '{{ trimAll "$" "$5.00$" }} {{ trimPrefix "-" "-hello" }} {{ trimSuffix "-" "hello-" }}', '5.00 hello hello'],
  ['TestContains/TestHasPrefix/TestHasSuffix', '{{ contains "cat" "catch" }} {{ hasPrefix "cat" "catch" }} {{ hasSuffix "cat" "catch" }}', 'true true false'],
  ['TestInitials/TestNospace', '{{ initials "First Try" }} {{ nospace "h e l l o " }}', 'FT hello'],
  ['TestSha256sum/TestSha1sum/TestAdler32sum', '{{ sha1sum "abc" }} {{ adler32sum "abc" }}', 'a9993e364706816aba3e25717850c26c9cd0d89d 38600999'],
  ['TestSha512sum', '{{ sha512sum "abc" | trunc 16 }}', 'ddaf35a193617aba'],
  ['TestRepeat', '{{ repeat 3 "-" }}', '---'],
  ['TestUpper/TestLower (unicode.ToUpper rune by rune: ß stays)', '{{ upper "straße" }} {{ lower "ÀB" }}', 'STRAßE àb'],
  // list_test.go
  ['TestTuple', '{{$t := tuple 1 "a" "foo"}}{{index $t 2}}{{index $t 0 }}{{index $t 1}}', 'foo1a'],
  ['TestPush', '{{ $t := tuple 1 2 3 4  }}{{ append $t 5 | join "-" }}', '1-2-3-4-5'],
  ['TestPush ([]string from regexSplit)', '{{ $t := regexSplit "/" "foo/bar/baz" -1 }}{{ append $t "qux" | join "-" }}', 'foo-bar-baz-qux'],
  ['TestChunk', '{{ range ( tuple 1 2 3 4 5 6 7 8 | chunk 3 ) }}{{. | join "-"}}|{{end}}', '1-2-3|4-5-6|7-8|'],
  ['TestChunk (empty)', '{{ tuple | chunk 3 | len }}', '0'],
  ['TestPrepend', '{{ $t := tuple 1 2 3 4  }}{{ prepend $t 0 | join "-" }}', '0-1-2-3-4'],
  ['TestFirst', '{{ list 1 2 3 | first }} {{ list | first }} {{ regexSplit "/src/" "foo/src/bar" -1 | first }}', '1 <no value> foo'],
  ['TestLast', '{{ list 1 2 3 | last }} {{ list | last }}', '3 <no value>'],
  ['TestInitial/TestRest', '{{ list 1 2 3 | initial }} {{ list 1 2 3 | rest }} {{ list | rest }}', '[1 2] [2 3] []'],
  ['TestReverse', '{{ list 1 2 3 | reverse }} {{ list | reverse }}', '[3 2 1] []'],
  ['TestCompact', '{{ list 1 0 "" "hello" | compact }}', '[1 hello]'],
  ['TestUniq', '{{ list 1 2 3 4 | uniq }} {{ list "a" "b" "c" "d" "a" | uniq }}', '[1 2 3 4] [a b c d]'],
  ['TestWithout', '{{ without (list 1 2 3 4) 1 3 }} {{ without (list 1 2 3 4) 5 }}', '[2 4] [1 2 3 4]'],
  ['TestHas', '{{ list 1 2 3 | has 1 }} {{ list 1 2 3 | has 4 }} {{ regexSplit "/" "a/b" -1 | has "b" }}', 'true false true'],
  ['TestSlice', '{{ slice (list 1 2 3) }} {{ slice (list 1 2 3) 0 1 }} {{ slice (list 1 2 3) 1 3 }}', '[1 2 3] [1] [2 3]'],
  ['TestConcat', '{{ concat (list 1 2) (list 3) }} {{ concat (list 1 2) (list 3 4) (list) }}', '[1 2 3] [1 2 3 4]'],
  ['TestSortAlpha', '{{ list "c" "a" "b" | sortAlpha }} {{ list 2 1 4 3 | sortAlpha }}', '[a b c] [1 2 3 4]'],
  ['TestUntil', '{{range $i, $e := until 5}}{{$i}}{{$e}}{{end}} {{range $i, $e := until -5}}{{$i}}{{$e}} {{end}}', '0011223344 00 1-1 2-2 3-3 4-4 '],
  ['TestUntilStep', '{{range $i, $e := untilStep 3 6 1}}{{$i}}{{$e}}{{end}}|{{range $i, $e := untilStep 0 -10 -2}}{{$i}}{{$e}} {{end}}|{{range untilStep 3 0 1}}x{{end}}', '031425|00 1-2 2-4 3-6 4-8 |'],
  ['TestSeq', '{{ seq 3 }}|{{ seq 1 3 }}|{{ seq 3 -1 }}|{{ seq 0 2 6 }}|{{ seq 6 -2 0 }}|{{ seq 1 -1 5 }}', '1 2 3|1 2 3|3 2 1 0 -1|0 2 4 6|6 4 2 0|'],
  // numeric_test.go
  ['TestBiggest/TestMax', '{{ biggest 1 2 3 345 5 6 7}} {{ max 345 }}', '345 345'],
  ['TestMaxf', '{{ maxf 1 2 3 345.7 5 6 7}}', '345.7'],
  ['TestMin/TestMinf', '{{ min 1 2 3 345 5 6 7}} {{ minf 1.4 2 3 345.6 5 6 7}}', '1 1.4'],
  ['TestAdd1/TestAdd1f', '{{ 3 | add1 }} {{ 3.4 | add1f }}', '4 4.4'],
  ['TestAdd/TestAddf', '{{ 3 | add 1 2}} {{ 3 | addf 1.5 2.2}}', '6 6.7'],
  ['TestDiv/TestDivf', '{{ 4 | div 5 }} {{ 2 | divf 5 4 }}', '1 0.625'],
  ['TestMul/TestMulf', '{{ 1 | mul "2" 3 "4"}} {{ 1.2 | mulf "2.4" 10 "4"}}', '24 115.2'],
  ['TestSub/TestSubf', '{{ 3 | sub 14 }} {{ 3 | subf 4.5 1 }}', '11 0.5'],
  ['TestCeil/TestFloor/TestRound', '{{ ceil 1.5 }} {{ floor 1.5 }} {{ round 123.5555 3 }} {{ round 123.55555 3 0.5 }}', '2 1 123.556 123.556'],
  ['TestToFloat64/TestToInt64/TestToInt', '{{ float64 "102" }} {{ int64 "102" }} {{ int "102" }} {{ int 102.2 }} {{ int64 "0x1f" }}', '102 102 102 102 31'],
  ['TestToDecimal', '{{ toDecimal "777" }} {{ toDecimal "0770" }} {{ toDecimal "abc" }}', '511 504 0'],
  ['TestToDecimal (a Go octal constant is already 511, read again as octal)', '{{ toDecimal 0777 }}', '329'],
  ['TestAtoi', '{{ atoi "42" }} {{ atoi "x" }}', '42 0'],
  // defaults_test.go
  ['TestDefault', '{{"" | default "foo"}} {{default "foo" 234}} {{default "foo" 2.34}} {{ .Nothing | default "123" }} {{ default "123" }}', 'foo 234 2.34 123 123'],
  ['TestEmpty', '{{ empty 1 }} {{ empty 0 }} {{ empty "" }} {{ empty 0.0 }} {{ empty false }} {{ empty .Nothing }}', 'false true true true true true'],
  ['TestCoalesce', '{{ coalesce 1 }} {{ coalesce "" 0 nil 2 }} {{ coalesce }}', '1 2 <no value>'],
  ['TestAll/TestAny', '{{ all 1 }} {{ all "" 0 nil 2 }} {{ all }} {{ any "" 0 nil 2 }} {{ any }}', 'true false true true false'],
  ['TestTernary', '{{ true | ternary "foo" "bar" }} {{ false | ternary "foo" "bar" }}', 'foo bar'],
  ['TestToJson/TestToPrettyJson/TestToRawJson', '{{ dict "Top" (dict "bool" true "string" "test" "number" 42) | toJson }}', '{"Top":{"bool":true,"number":42,"string":"test"}}'],
  ['TestToRawJson (no HTML escaping)', '{{ dict "a" "<&>" | toRawJson }} {{ dict "a" "<&>" | toJson }}', '{"a":"<&>"} {"a":"\\u003c\\u0026\\u003e"}'],
  ['TestToPrettyJson', '{{ dict "a" 1 "b" (list 1 2) | toPrettyJson }}', '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}'],
  ['TestFromJson/TestMustFromJson', '{{ (fromJson "{\\"a\\": 1}").a }} {{ fromJson "not json" }}', '1 <no value>'],
  // dict_test.go
  ['TestDict', '{{$t := dict "I" "shot" "the" "albatross"}}{{$t.the}} {{$t.I}}', 'albatross shot'],
  ['TestDict (odd arguments: the last key gets "")', '{{ dict "a" | toJson }}', '{"a":""}'],
  ['TestKeys', '{{ dict "foo" 1 "bar" 2 | keys | sortAlpha }} {{ dict | keys }}', '[bar foo] []'],
  ['TestPick', '{{- $d := dict "one" 1 "two" 222222 }}{{ pick $d "two" -}}', 'map[two:222222]'],
  ['TestOmit', '{{- $d := dict "one" 1 "two" 222222 }}{{ omit $d "one" -}}', 'map[two:222222]'],
  ['TestGet', '{{- $d := dict "one" 1 }}{{ get $d "one" }} {{ get (dict) "two" }}|', '1 |'],
  ['TestSet/TestUnset', '{{- $d := dict "one" 1 }}{{ $_ := set $d "two" 2 }}{{ $_ := unset $d "one" }}{{ $d }}', 'map[two:2]'],
  ['TestHasKey', '{{- $d := dict "one" 1 }}{{ hasKey $d "one" }} {{ hasKey $d "two" }}', 'true false'],
  ['TestPluck', '{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }}', '[1 3]'],
  ['TestValues', '{{- $d := dict "a" 1 "b" 2 }}{{ values $d | sortAlpha | join "," }}', '1,2'],
  ['TestDeepCopy', '{{- $one := dict "foo" (dict "bar" "baz") "qux" true -}}{{ deepCopy $one }}', 'map[foo:map[bar:baz] qux:true]'],
  ['TestDig', '{{- $d := dict "a" (dict "b" (dict "c" 1)) }}{{ dig "a" "b" "c" "" $d }} {{ dig "a" "z" "def" $d }}', '1 def'],
  ['TestMerge', '{{ merge (dict "a" 1 "b" (dict "x" 1)) (dict "a" 2 "b" (dict "y" 2) "c" 3) }}', 'map[a:1 b:map[x:1 y:2] c:3]'],
  ['TestMergeOverwrite', '{{ mergeOverwrite (dict "a" 1 "b" (dict "x" 1)) (dict "a" 2 "b" (dict "y" 2)) }}', 'map[a:2 b:map[x:1 y:2]]'],
  // reflect_test.go
  ['TestTypeOf', '{{ typeOf 1 }} {{ typeOf 1.5 }} {{ typeOf "a" }} {{ typeOf (list) }} {{ typeOf (dict) }} {{ typeOf (add 1 2) }} {{ typeOf nil }}', 'int float64 string []interface {} map[string]interface {} int64 <nil>'],
  ['TestKindOf/TestKindIs/TestTypeIs/TestTypeIsLike', '{{ kindOf 1 }} {{ kindIs "slice" (list) }} {{ typeIs "float64" 1.5 }} {{ typeIsLike "float64" 1.5 }}', 'int true true true'],
  ['TestDeepEqual', '{{ deepEqual (list 1 2) (list 1 2) }} {{ deepEqual 1 1.0 }}', 'true false'],
  // regex_test.go
  ['TestRegexMatch', '{{ regexMatch "^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\\\.[a-zA-Z]{2,}$" "test@acme.com" }}', 'true'],
  ['TestRegexFindAll', '{{ regexFindAll "a{2}" "aaaaaa" -1 | len }} {{ regexFindAll "a{2}" "aaaaaa" 2 | len }} {{ regexFindAll "a{2}" "none" -1 | len }}', '3 2 0'],
  ['TestRegexFind', '{{ regexFind "fo.?" "foorbar" }} {{ regexFind "fo.?" "none" }}|', 'foo |'],
  ['TestRegexReplaceAll', '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "T" }} {{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1" }} {{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }} {{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}', '-T-T- --xx- --- -W-xxW-'],
  ['TestRegexReplaceAllLiteral', '{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "$1" }} {{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}', '-$1-$1- -${1}-${1}-'],
  ['TestRegexSplit', '{{ regexSplit "a" "banana" -1 | len }} {{ regexSplit "a" "banana" 2 }} {{ regexSplit "z+" "pizza" -1 }}', '4 [b nana] [pi a]'],
  ['TestRegexQuoteMeta', '{{ regexQuoteMeta "1.2.3" }} {{ regexQuoteMeta "pretzel" }}', '1\\.2\\.3 pretzel'],
  // url_test.go
  ['TestUrlParse', '{{ $u := urlParse "https://user:pass@host.com:8080/path?q=1#frag" }}{{ $u.scheme }} {{ $u.host }} {{ $u.hostname }} {{ $u.path }} {{ $u.query }} {{ $u.fragment }} {{ $u.userinfo }}', 'https host.com:8080 host.com /path q=1 frag user:pass'],
  ['TestUrlJoin', '{{ urlJoin (dict "scheme" "https" "host" "host.com" "path" "/path" "query" "q=1") }}', 'https://host.com/path?q=1'],
  // semver_test.go
  ['TestSemverCompare', '{{ semverCompare "1.2.3" "1.2.3" }} {{ semverCompare "^1.2.0" "1.2.3" }} {{ semverCompare "^1.2.0" "2.2.3" }}', 'true true false'],
  ['TestSemver', '{{ $s := semver "1.2.3-beta.1+c0ff33" }}{{ $s.Prerelease }} {{ $s.Major }} {{ $s.Metadata }} {{ $s.Original }}', 'beta.1 1 c0ff33 1.2.3-beta.1+c0ff33'],
  // date_test.go TestDuration: only a string or an int64 is read (a template's int constant is 0)
  ['TestDuration', '{{ duration "1" }} {{ duration "60" }} {{ duration "3601" }} {{ duration 3600 }} {{ duration (int64 90061) }}', '1s 1m0s 1h0m1s 0s 25h1m1s'],
  // paths (functions.go: path.Base/Dir/Clean/Ext/IsAbs)
  ['TestBase/TestDir/TestExt/TestClean', '{{ base "foo/bar" }} {{ dir "foo/bar/baz" }} {{ ext "foo.bar" }} {{ clean "foo/../../bar" }} {{ isAbs "/foo" }}', 'bar foo/bar .bar ../bar true'],
  // Argo CD's own (applicationset/utils/utils_test.go TestSlugify, TestSanitizeName)
  ['Argo CD slugify (default 50, smart truncation)', '{{ slugify "Hello, World! This is a very long title that is going to be slugified" }}', 'hello-world-this-is-a-very-long-title-that-is'],
  ['Argo CD slugify (max size, no smart truncation)', '{{ slugify 10 false "Hello World, a slug" }}', 'hello-worl'],
  ['Argo CD normalize', '{{ normalize "Some_Name.With/Chars" }}', 'some-name.with-chars'],
];

describe('sprig v3.3.0 functions (ported from sprig\'s tests)', () => {
  test.each(CASES)('%s: %s', (_name, template, expected) => {
    expect(run(template)).toBe(expected);
  });
});

describe('sprig panics and errors, as text/template reports them', () => {
  test.each([
    ['a list function on a non-list', '{{ first "abc" }}', 'error calling first: Cannot find first on type string'],
    ['a list function on nil dereferences a nil type', '{{ first nil }}', 'error calling first: runtime error: invalid memory address or nil pointer dereference'],
    ['concat of a non-list', '{{ concat (list 1) "x" }}', 'error calling concat: Cannot concat type string as list'],
    ['substr out of range panics', '{{ substr 5 3 "abcdef" }}', 'error calling substr: runtime error: slice bounds out of range [5:3]'],
    ['repeat with a negative count panics', '{{ repeat -1 "x" }}', 'error calling repeat: strings: negative Repeat count'],
    ['div by zero panics', '{{ div 1 0 }}', 'error calling div: runtime error: integer divide by zero'],
    ['regexFind uses MustCompile', '{{ regexFind "a(" "a" }}', 'error calling regexFind: regexp: Compile(`a(`): error parsing regexp: missing closing ): `a(`'],
    ['mustRegexFind returns the error', '{{ mustRegexFind "a(" "a" }}', 'error calling mustRegexFind: error parsing regexp: missing closing ): `a(`'],
    ['RE2 has no lookahead', '{{ mustRegexMatch "a(?=b)" "ab" }}', 'error calling mustRegexMatch: error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
    ['RE2 has no backreferences', '{{ mustRegexMatch "(a)\\\\1" "aa" }}', 'error calling mustRegexMatch: error parsing regexp: invalid escape sequence: `\\1`'],
    ['mustFromJson reports the syntax error', '{{ mustFromJson "{" }}', 'error calling mustFromJson: unexpected end of JSON input'],
    ['mustFromJson: a bad character', '{{ mustFromJson "[1,]" }}', "error calling mustFromJson: invalid character ']' looking for beginning of value"],
    ['dig on a non-map', '{{ dig "a" "x" "s" }}', 'error calling dig: interface conversion: interface {} is string, not map[string]interface {}'],
    ['fail', '{{ fail "boom" }}', 'error calling fail: boom'],
    ['an int64 result where an int is expected (trunc (sub …))', '{{ trunc (sub 5 2) "abcdef" }}', 'wrong type for value; expected int; got int64'],
    ['a float64 parameter where an int is expected', '{{ trunc .n "abcdef" }}', 'wrong type for value; expected int; got float64'],
    ['a float constant where an int is expected', '{{ trunc 1.5 "abc" }}', 'expected integer; found 1.5'],
    ['a map[string]string where sprig wants map[string]interface{}', '{{ hasKey .labels "env" }}', 'wrong type for value; expected map[string]interface {}; got map[string]string'],
    ['time functions cannot be previewed', '{{ now }}', 'error calling now: now cannot be previewed offline'],
    ['random functions cannot be previewed', '{{ randAlphaNum 5 }}', 'error calling randAlphaNum: randAlphaNum cannot be previewed offline'],
    ['crypto functions cannot be previewed', '{{ genPrivateKey "rsa" }}', 'error calling genPrivateKey: genPrivateKey cannot be previewed offline'],
  ])('%s', (_name, template, message) => {
    expect(() => run(template)).toThrow(message);
  });

  test('functions Argo CD removes are not defined (a parse error, as in Argo CD)', () => {
    for (const name of ['env', 'expandenv', 'getHostByName']) {
      expect(() => run(`{{ ${name} "x" }}`)).toThrow(`template: base:1: function "${name}" not defined`);
    }
  });

  test('a function that cannot be previewed only fails when it runs (a template mentioning it still parses)', () => {
    expect(run('{{ if false }}{{ now }}{{ end }}ok')).toBe('ok');
  });
});
