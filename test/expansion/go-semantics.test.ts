import { fromJson, renderGoTemplate } from '../../src/expansion/gotemplate';
import { formatFloat } from '../../src/expansion/gotemplate/float';
import { sprint, sprintf } from '../../src/expansion/gotemplate/fmt';
import { encodeFloat, marshal, unmarshal } from '../../src/expansion/gotemplate/json';
import { compileRegexp } from '../../src/expansion/gotemplate/regexp';
import { GoInt } from '../../src/expansion/gotemplate/values';

/**
 * Go's semantics on the values a template sees: JSON numbers are float64, template constants int (or float64
 * when written like one), sprig arithmetic int64. Rows ported from go/src/fmt/fmt_test.go (fmtTests),
 * go/src/strconv/ftoa_test.go (ftoatests), go/src/encoding/json/encode_test.go and go/src/regexp/find_test.go
 * (findTests), each cited by its table; Go 1.26 (argo-cd v3.5.1's go.mod).
 */

describe('fmt (go/src/fmt/fmt_test.go fmtTests)', () => {
  const f64 = (n: number) => n;
  const int = (n: number) => BigInt(n);
  test.each<[string, unknown[], string]>([
    // basic string / bytes
    ['%s', ['abc'], 'abc'],
    ['%q', ['abc'], '"abc"'],
    ['%x', ['abc'], '616263'],
    ['% x', ['abc'], '61 62 63'],
    ['%#x', ['abc'], '0x616263'],
    ['%X', ['xyz'], '78797A'],
    ['%5s', ['abc'], '  abc'],
    ['%-5s', ['abc'], 'abc  '],
    ['%05s', ['abc'], '00abc'],
    ['%.2s', ['abc'], 'ab'],
    ['%.5q', ['abcdefghijklmnopqrstuvwxyz'], '"abcde"'],
    ['%q', ['\u263a'], '"☺"'],
    ['%+q', ['\u263a'], '"\\u263a"'],
    ['%#q', ['`'], '"`"'],
    ['%#q', ['abc'], '`abc`'],
    // integers
    ['%d', [int(12345)], '12345'],
    ['%v', [int(-12345)], '-12345'],
    ['%+d', [int(12345)], '+12345'],
    ['% d', [int(12345)], ' 12345'],
    ['%.3d', [int(7)], '007'],
    ['%08d', [int(-12)], '-0000012'],
    ['%-8d|', [int(12)], '12      |'],
    ['%b', [int(7)], '111'],
    ['%o', [int(8)], '10'],
    ['%#o', [int(8)], '010'],
    ['%O', [int(8)], '0o10'],
    ['%x', [int(255)], 'ff'],
    ['%#X', [int(255)], '0XFF'],
    ['%c', [int(0x263a)], '☺'],
    ['%q', [int(0x263a)], "'☺'"],
    ['%U', [int(0x263a)], 'U+263A'],
    ['%#U', [int(0x263a)], "U+263A '☺'"],
    ['%.0d', [int(0)], ''],
    // floats
    ['%v', [f64(1e6)], '1e+06'],
    ['%v', [f64(123456)], '123456'],
    ['%v', [f64(1.5)], '1.5'],
    ['%f', [f64(1.0)], '1.000000'],
    ['%.2f', [f64(1.005)], '1.00'],
    ['%.0f', [f64(2.5)], '2'],
    ['%.0f', [f64(3.5)], '4'],
    ['%e', [f64(1.0)], '1.000000e+00'],
    ['%E', [f64(1.0)], '1.000000E+00'],
    ['%g', [f64(1.0)], '1'],
    ['%g', [f64(100000000)], '1e+08'],
    ['%.3g', [f64(3.14159)], '3.14'],
    ['%G', [f64(1e-7)], '1E-07'],
    ['%+.3e', [f64(0.0)], '+0.000e+00'],
    ['%8.2f', [f64(3.14159)], '    3.14'],
    ['%-8.2f|', [f64(3.14159)], '3.14    |'],
    ['%08.2f', [f64(-3.14159)], '-0003.14'],
    ['%#g', [f64(1.0)], '1.00000'],
    ['%#.0f', [f64(1.0)], '1.'],
    ['%x', [f64(1.0)], '0x1p+00'],
    ['%b', [f64(1.0)], '4503599627370496p-52'],
    ['%v', [f64(Infinity)], '+Inf'],
    ['%5.1f', [f64(NaN)], '  NaN'],
    // booleans
    ['%t', [true], 'true'],
    ['%v', [false], 'false'],
    // wrong verbs and arguments
    ['%d', [f64(3)], '%!d(float64=3)'],
    ['%s', [f64(1.5)], '%!s(float64=1.5)'],
    ['%d', ['hi'], '%!d(string=hi)'],
    ['%t', [int(1)], '%!t(int=1)'],
    ['%z', [int(1)], '%!z(int=1)'],
    ['%d', [null], '%!d(<nil>)'],
    ['%v', [null], '<nil>'],
    ['%s', [], '%!s(MISSING)'],
    ['%d %d', [int(1)], '1 %!d(MISSING)'],
    ['%s', ['a', int(2)], 'a%!(EXTRA int=2)'],
    ['%!', [], '%!!(MISSING)'],
    ['%', [], '%!(NOVERB)'],
    ['%[2]d %[1]d', [int(1), int(2)], '2 1'],
    ['%[3]d', [int(1), int(2)], '%!d(BADINDEX)'],
    ['%*d', [int(5), int(3)], '    3'],
    ['%-*d|', [int(5), int(3)], '3    |'],
    ['%*d', ['x', int(3)], '%!(BADWIDTH)3'],
    ['%.*d', [int(-1), int(3)], '%!(BADPREC)3'],
    ['%T', [f64(1)], 'float64'],
    ['%T', [null], '<nil>'],
    ['%%', [], '%'],
    // composite values: the verb applies to each element
    ['%v', [fromJson(['a', 1])], '[a 1]'],
    ['%d', [fromJson([1, 2])], '[%!d(float64=1) %!d(float64=2)]'],
    ['%v', [fromJson({ b: 2, a: [1] })], 'map[a:[1] b:2]'],
    ['%d', [fromJson({ a: 1 })], 'map[%!d(string=a):%!d(float64=1)]'],
    ['%v', [fromJson([null])], '[<nil>]'],
    ['%v', [new GoInt('int64', 5n)], '5'],
    ['%d', [new GoInt('uint64', 18446744073709551615n)], '18446744073709551615'],
  ])('Sprintf(%j, ...) ', (format, args, expected) => {
    expect(sprintf(format, args as any)).toBe(expected);
  });

  test('Sprint puts a space between operands when neither is a string (print.go doPrint)', () => {
    expect(sprint([BigInt(1), BigInt(2), 'a', BigInt(3), 'b', 'c'])).toBe('1 2a3bc');
    expect(sprint([1.5, null])).toBe('1.5 <nil>');
  });
});

describe('strconv.FormatFloat (go/src/strconv/ftoa_test.go ftoatests)', () => {
  test.each<[number, string, number, string]>([
    [1, 'e', 5, '1.00000e+00'], [1, 'f', 5, '1.00000'], [1, 'g', 5, '1'], [1, 'g', -1, '1'],
    [20, 'g', -1, '20'], [1234567.8, 'g', -1, '1.2345678e+06'], [200000, 'g', -1, '200000'], [2000000, 'g', -1, '2e+06'],
    [1e10, 'g', -1, '1e+10'], [400, 'g', 2, '4e+02'], [40, 'g', 2, '40'], [4, 'g', 2, '4'], [0.4, 'g', 2, '0.4'],
    [0.04, 'g', 2, '0.04'], [0.004, 'g', 2, '0.004'], [0.0004, 'g', 2, '0.0004'], [0.00004, 'g', 2, '4e-05'],
    [12345, 'g', 3, '1.23e+04'], [12345, 'f', 3, '12345.000'], [123456789, 'e', -1, '1.23456789e+08'],
    [1e23, 'e', 17, '9.99999999999999916e+22'], [1e23, 'f', 17, '99999999999999991611392.00000000000000000'],
    [1e23, 'g', 17, '9.9999999999999992e+22'], [1e23, 'g', -1, '1e+23'], [100, 'x', -1, '0x1.9p+06'],
    [5e-324, 'g', -1, '5e-324'], [1.7976931348623157e308, 'g', -1, '1.7976931348623157e+308'],
    [-1, 'g', -1, '-1'], [0, 'g', -1, '0'], [-0, 'g', -1, '-0'], [0.5, 'f', 0, '0'], [1.5, 'f', 0, '2'],
    [2.5, 'f', 0, '2'], [1.25, 'f', 1, '1.2'], [1.35, 'f', 1, '1.4'],
  ])('FormatFloat(%d, %s, %d)', (x, f, prec, expected) => {
    expect(formatFloat(x, f, prec)).toBe(expected);
  });
});

describe('encoding/json (go/src/encoding/json/encode_test.go)', () => {
  test.each<[unknown, string]>([
    [{ b: 1, a: [true, null, 'x'] }, '{"a":[true,null,"x"],"b":1}'],
    ['<html>&', '"\\u003chtml\\u003e\\u0026"'],
    ['\u2028\u2029', '"\\u2028\\u2029"'],
    ['\b\f\n\r\t\u0001', '"\\b\\f\\n\\r\\t\\u0001"'],
    [1e21, '1e+21'], [1e20, '100000000000000000000'], [1e-6, '0.000001'], [1e-7, '1e-7'], [-0, '-0'], [0.1, '0.1'], [123456789, '123456789'],
    [[], '[]'], [{}, '{}'],
  ])('Marshal(%j)', (value, expected) => {
    expect(marshal(fromJson(value))).toBe(expected);
  });

  test('MarshalIndent uses two spaces, keeps empty containers compact', () => {
    expect(marshal(fromJson({ a: [], b: { c: 1 } }), true, '  ')).toBe('{\n  "a": [],\n  "b": {\n    "c": 1\n  }\n}');
  });

  test('NaN and ±Inf are an UnsupportedValueError', () => {
    expect(() => encodeFloat(NaN)).toThrow('json: unsupported value: NaN');
    expect(() => encodeFloat(-Infinity)).toThrow('json: unsupported value: -Inf');
  });

  test.each<[string, string]>([
    ['', 'unexpected end of JSON input'],
    ['{', 'unexpected end of JSON input'],
    ['x', "invalid character 'x' looking for beginning of value"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['[1 2]', "invalid character '2' after array element"],
    ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair"],
    ['tru', 'unexpected end of JSON input'],
    ['trux', "invalid character 'x' in literal true (expecting 'e')"],
    ['01', "invalid character '1' after top-level value"],
    ['1.', 'unexpected end of JSON input'],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['-', 'unexpected end of JSON input'],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
  ])('Unmarshal(%j) fails as Go\'s scanner does', (text, message) => {
    expect(() => unmarshal(text)).toThrow(message);
  });

  test('Unmarshal decodes numbers as float64 and the last duplicate key wins', () => {
    expect(unmarshal('{"a": 1, "a": 2.5, "b": [1e3]}')).toEqual({ a: 2.5, b: [1000] });
  });
});

describe('regexp: RE2 syntax and Go\'s search loops (go/src/regexp/find_test.go findTests)', () => {
  // Each row: pattern, text, the matches FindAllString returns.
  test.each<[string, string, string[] | undefined]>([
    ['', '', ['']],
    ['^abcdefg', 'abcdefg', ['abcdefg']],
    ['a+', 'baaab', ['aaa']],
    ['abcd..', 'abcdef', ['abcdef']],
    ['a', 'a', ['a']],
    ['x', 'y', undefined],
    ['b', 'abc', ['b']],
    ['.', 'a', ['a']],
    ['.*', 'abcdef', ['abcdef']],
    ['^', 'abcde', ['']],
    ['$', 'abcde', ['']],
    ['^abcd$', 'abcd', ['abcd']],
    ['^bcd', 'abcdef', undefined],
    ['^abcd$', 'abcde', undefined],
    ['a+', 'baaab', ['aaa']],
    ['a*', 'baaab', ['', 'aaa', '']],
    ['[a-z]+', 'abcd', ['abcd']],
    ['[^a-z]+', 'ab1234cd', ['1234']],
    ['[a\\-\\]z]+', 'az]-bcz', ['az]-', 'z']],
    ['[^\\n]+', 'abcd\n', ['abcd']],
    ['[日本語]+', '日本語日本語', ['日本語日本語']],
    ['日本語+', '日本語', ['日本語']],
    ['日本語+', '日本語語語語', ['日本語語語語']],
    ['()', '', ['']],
    ['(a)', 'a', ['a']],
    ['(.)(.)', '日a', ['日a']],
    ['(.*)', '', ['']],
    ['(.*)', 'abcd', ['abcd']],
    ['(..)(..)', 'abcd', ['abcd']],
    ['(([^xyz]*)(d))', 'abcd', ['abcd']],
    ['((a|b|c)*(d))', 'abcd', ['abcd']],
    ['(((a|b|c)*)(d))', 'abcd', ['abcd']],
    ['\\a\\f\\n\\r\\t\\v', '\u0007\f\n\r\t\v', ['\u0007\f\n\r\t\v']],
    ['[\\a\\f\\n\\r\\t\\v]+', '\u0007\f\n\r\t\v', ['\u0007\f\n\r\t\v']],
    ['a*(|(b))c*', 'aacc', ['aacc']],
    ['(.*).*', 'ab', ['ab']],
    ['[.]', '.', ['.']],
    ['/$', '/abc/', ['/']],
    ['/$', '/abc', undefined],
    ['.', 'abc', ['a', 'b', 'c']],
    ['(.)', 'abc', ['a', 'b', 'c']],
    ['.(.)', 'abcd', ['ab', 'cd']],
    ['ab*', 'abbaab', ['abb', 'a', 'ab']],
    ['a(b*)', 'abbaab', ['abb', 'a', 'ab']],
    ['ab$', 'cab', ['ab']],
    ['axxb$', 'axxcb', undefined],
    ['data', 'daXY data', ['data']],
    ['da(.)a$', 'daXY data', ['data']],
    ['zx+', 'zzx', ['zx']],
    ['ab$', 'abcab', ['ab']],
    ['(aa)*$', 'a', ['']],
    ['(?:.|(?:.a))', '', undefined],
    ['(?:A(?:A|a))', 'Aa', ['Aa']],
    ['(?:A|(?:A|a))', 'a', ['a']],
    ['(a){0}', '', ['']],
    ['(?-s)(?:(?:^).)', '\n', undefined],
    ['(?s)(?:(?:^).)', '\n', ['\n']],
    ['(?:(?:^).)', '\n', undefined],
    ['\\b', 'x', ['', '']],
    ['\\b', 'xx', ['', '']],
    ['\\b', 'x y', ['', '', '', '']],
    ['\\B', 'x', undefined],
    ['\\B', 'xx', ['']],
    ['\\B', 'x y', undefined],
    ['\\B', 'xx yy', ['', '']],
    ['(|a)*', 'aa', ['', '', '']],
    ['0A|0[aA]', '0a', ['0a']],
    ['0[aA]|0A', '0a', ['0a']],
    ['[a-c]*', '\u65e5', ['', '']],
    ['[^\u65e5]', 'abc\u65e5def', ['a', 'b', 'c', 'd', 'e', 'f']],
    ['[^\\S\\s]', 'abcd', undefined],
    ['(?i)\\W', 'k', undefined],
    ['\\!\\"\\#', '!"#', ['!"#']],
  ])('FindAllString(%j, %j)', (pattern, text, expected) => {
    expect(compileRegexp(pattern).findAllString(text, -1)).toEqual(expected);
  });

  test('FindAllString honours n (findTests rows `a` on "bababaab" with max 0…5)', () => {
    const re = compileRegexp('a');
    expect(re.findAllString('bababaab', 0)).toBeUndefined();
    expect(re.findAllString('bababaab', 1)).toEqual(['a']);
    expect(re.findAllString('bababaab', 3)).toEqual(['a', 'a', 'a']);
    expect(re.findAllString('bababaab', 5)).toEqual(['a', 'a', 'a', 'a']);
  });

  test('matching is linear: a catastrophic pattern for a backtracking engine returns at once', () => {
    const long = 'a'.repeat(20_000) + '!';
    expect(compileRegexp('^(a+)+$').matchString(long)).toBe(false);
    expect(compileRegexp('(x+x+)+y').matchString('x'.repeat(5_000))).toBe(false);
  });

  test.each<[string, string]>([
    ['a(?=b)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
    ['a(?!b)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?!`'],
    ['(?<=a)b', 'error parsing regexp: invalid named capture: `(?<=a)b`'],
    ['(a)\\1', 'error parsing regexp: invalid escape sequence: `\\1`'],
    ['a**', 'error parsing regexp: invalid nested repetition operator: `**`'],
    ['a{1001}', 'error parsing regexp: invalid repeat count: `{1001}`'],
    ['[z-a]', 'error parsing regexp: invalid character class range: `z-a`'],
    ['(', 'error parsing regexp: missing closing ): `(`'],
    [')', 'error parsing regexp: unexpected ): `)`'],
    ['\\Z', 'error parsing regexp: invalid escape sequence: `\\Z`'],
    ['x{2}{3}', 'error parsing regexp: invalid nested repetition operator: `{2}{3}`'],
  ])('%j is rejected with Go\'s message (go/src/regexp/syntax/parse_test.go invalidRegexps)', (pattern, message) => {
    expect(() => compileRegexp(pattern)).toThrow(message);
  });

  test('ReplaceAllString expands $1, ${name} and $$ as Go\'s Expand (regexp/all_test.go replaceTests)', () => {
    const re = compileRegexp('(?P<first>[a-z]+) (?P<last>[a-z]+)');
    expect(re.replaceAllString('jane doe', '${last}, ${first}')).toBe('doe, jane');
    expect(re.replaceAllString('jane doe', '$last$$')).toBe('doe$');
    expect(compileRegexp('a*').replaceAllString('baaac', 'x')).toBe('xbxcx');
    expect(compileRegexp('b*').replaceAllString('abc', 'x')).toBe('xaxcx');
    expect(compileRegexp('(x)?').replaceAllString('a', '[$1]')).toBe('[]a[]');
  });

  test('Split (regexp/all_test.go splitTests)', () => {
    expect(compileRegexp('a').split('banana', -1)).toEqual(['b', 'n', 'n', '']);
    expect(compileRegexp('a').split('banana', 0)).toBeUndefined();
    expect(compileRegexp('a').split('banana', 1)).toEqual(['banana']);
    expect(compileRegexp('a').split('banana', 2)).toEqual(['b', 'nana']);
    expect(compileRegexp('z+').split('pizza', -1)).toEqual(['pi', 'a']);
    expect(compileRegexp('').split('abc', -1)).toEqual(['a', 'b', 'c']);
    expect(compileRegexp('x*').split('', -1)).toEqual(['']);
  });
});

describe('text/template on JSON-decoded values', () => {
  const data = fromJson({ replicas: 3, ratio: 0.5, big: 1e6, name: 'web', list: [1, 2] });
  test.each<[string, string]>([
    ['{{ .replicas }} {{ .ratio }} {{ .big }}', '3 0.5 1e+06'],
    ['{{ printf "%d" .replicas }}', '%!d(float64=3)'],
    ['{{ printf "%v-%s" .replicas .name }}', '3-web'],
    ['{{ printf "%.0f" .replicas }}', '3'],
    ['{{ int .replicas }} {{ printf "%d" (int .replicas) }}', '3 3'],
    ['{{ eq .replicas 3.0 }} {{ lt .ratio 1.0 }} {{ gt .replicas 2.5 }}', 'true true true'],
    ['{{ len .list }} {{ index .list 0 }}', '2 1'],
    ['{{ add .replicas 1 }} {{ mul .ratio 4 }}', '4 0'],
    ['{{ .list }} {{ toJson .list }}', '[1 2] [1,2]'],
  ])('%s', (template, expected) => {
    expect(renderGoTemplate(template, data, 'default')).toBe(expected);
  });

  test.each<[string, string]>([
    ['{{ eq .replicas 3 }}', 'error calling eq: incompatible types for comparison'],
    ['{{ lt .name 1 }}', 'error calling lt: incompatible types for comparison'],
    ['{{ lt .list 1 }}', 'error calling lt: invalid type for comparison'],
    ['{{ eq .list .list }}', 'error calling eq: non-comparable type [%!s(float64=1) %!s(float64=2)]: []interface {}'],
    ['{{ index .list 1.0 }}', 'error calling index: cannot index slice/array with type float64'],
    ['{{ index .list 2 }}', 'error calling index: reflect: slice index out of range'],
    ['{{ index .list 3 }}', 'error calling index: index out of range: 3'],
    ['{{ .name.x }}', "can't evaluate field x in type interface {}"],
    ['{{ $n := .name }}{{ $n.x }}', "can't evaluate field x in type string"],
  ])('%s fails as in Go', (template, message) => {
    expect(() => renderGoTemplate(template, data, 'default')).toThrow(message);
  });
});
