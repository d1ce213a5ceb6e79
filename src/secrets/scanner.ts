/**
 * The secret scanner: the one module every check of "no secret reaches Git" goes through. The object pipeline
 * scans every object it serializes (`scanDocument`), synth scans every file of the final tree before writing
 * it (`scanTreeFiles`), `cdk8s-fleet validate` scans a tree on disk with the same functions, and the plan
 * and diff hide values with `redactIfSecret`.
 *
 * A document is walked value by value. Each string is checked against the credential formats
 * (scanner-rules.ts), against its key's name (`password`, `apiKey`, `DB_PASSWORD`, an env var's `name`), and
 * again after decoding what it may wrap: base64 (wrapped at any column), `data:` URLs, percent-encoding, JSON,
 * and `key=value` / `key: value` lines (env files, properties, connection strings, embedded YAML). Map keys are
 * checked too. Kinds add what structure tells (scanner-kinds.ts). Findings never quote a secret: they name the
 * JSON pointer, the format and the length, and at most a format's public prefix (`ghp_…`).
 */
import { applyKindPolicy } from './scanner-kinds';
import { FORMAT_RULES, FORMAT_TRIGGER, isPlaceholderText, splitTemplate, trimPunctuation } from './scanner-rules';
import { base64Bytes, binaryKeyKind, bytesAsText, classifyKey, dataUrlPayloads, isSecretLiteral, KeyClass, percentDecoded } from './scanner-values';
import { toYaml } from '../gitops/yaml';
import { jsonPointerToken } from '../private/util';
import { parseYamlDocument, parseYamlDocuments } from '../private/yaml-input';

/** One credential found in a document. */
export interface SecretFinding {
  /** The rule (a `SecretScanRule` value). */
  readonly rule: string;
  /** JSON pointer of the value in the document (`''` for the document itself). */
  readonly pointer: string;
  /** Where inside the value, when it was decoded: `base64-decoded, JSON /auths/x/auth`, `line 3 'DB_PASSWORD'`. */
  readonly detail?: string;
  /** What the value holds, redacted: `holds an AWS access key ID ('AKIA…', 20 chars)`. */
  readonly what: string;
}

/** The object or file a finding is in, for allowances. */
export interface ScanSubject {
  /** Tree-relative file path, when known. */
  readonly file?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** A reviewable exception (`SecretScan.allow`), as plain data. */
export interface SecretAllowanceData {
  readonly file?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly pointer: string;
  readonly rule?: string;
  readonly reason: string;
}

/** Options for scanning one document. */
export interface ScanOptions {
  /** Where the document is placed: `argocd`, `bootstrap` or `workload` (cluster and repository Secrets differ). */
  readonly role?: string;
}

/** How many layers of encoding (base64 in JSON in base64 …) are opened. */
const MAX_LAYERS = 4;
/** Deeper nesting is refused: nothing a Kubernetes object holds nests this deep. */
const MAX_NESTING = 256;
/** Strings longer than this are not parsed as JSON or decoded (an object is at most 1.5 MiB in etcd). */
const MAX_DECODED = 8 * 1024 * 1024;
/** Findings reported per document before the rest are summarized. */
const MAX_FINDINGS = 50;

const KEYWORD_TRIGGER = /pass|pwd|secret|token|key|auth|cred|contrase/i;
const BASE64_PEM = /LS0tLS1CRUdJTi|0tLS0tQkVHSU4|tLS0tLUJFR0lO/;
/** A string that may be base64 as a whole (wrapped at any column). */
const BASE64_CANDIDATE = /^[A-Za-z0-9+/_\s=-]+$/; // one class: linear; base64Bytes checks the padding
/** `key = value`, `key: value`, `"key": "value"`, `--key=value`, `Key=Value;` in text (a SOPS `ENC[…]` value whole). */
const ASSIGNMENT = /(?:^|[\s;&,{(?-])["']?([A-Za-z_][A-Za-z0-9_.\-]{0,100})["']?[ \t]*(?::=|=>|=|:)[ \t]*("[^"\n]*"|'[^'\n]*'|ENC\[[^\]\n]{0,8192}\]|[^\s;&,"'#]+)/g;

interface Layer {
  /** The pointer of the value in the document, once inside a decoded layer. */
  readonly outer?: string;
  /** What was decoded to get here. */
  readonly details: readonly string[];
  /** Whether pointers are inside decoded JSON. */
  readonly json: boolean;
  readonly depth: number;
}

const TOP: Layer = { details: [], json: false, depth: 0 };

/**
 * Scans one document (a Kubernetes object, Helm values, any YAML or JSON data) and returns every finding in
 * document order.
 */
export function scanDocument(document: unknown, options: ScanOptions = {}): SecretFinding[] {
  const scan = new DocumentScan();
  const skip = applyKindPolicy(document, options.role, {
    finding: (rule, pointer, what) => scan.report(rule, pointer, what, TOP),
    scanString: (value, pointer) => scan.string(value, pointer, undefined, TOP),
  });
  scan.walk(document, '', undefined, TOP, 0, skip);
  return scan.result();
}

/** Scans a text that is not a document (a reason, a name): formats and `key=value` lines only. */
export function scanText(text: string): SecretFinding[] {
  const scan = new DocumentScan();
  scan.string(text, '', undefined, TOP);
  return scan.result();
}

/** A file of a GitOps tree, as written. */
export interface TreeFileContent {
  /** Tree-relative path, '/'-separated. */
  readonly path: string;
  /** The bytes, as text. */
  readonly content: string;
  /**
   * Whether the file's objects were already scanned one by one (`scanDocument` in the object pipeline): then
   * the file's bytes get the credential-format check only, as a backstop; otherwise it is parsed and scanned
   * in full.
   */
  readonly objectsScanned?: boolean;
  /**
   * The sha256 of `content`, when known: files with equal hashes share one credential-format check (cheaper
   * than keying them by their text, which is hashed again for every file).
   */
  readonly hash?: string;
}

/** Text that may hold a credential format (FORMAT_TRIGGER without URLs; those are checked by `hasUrlCredentialShape`). */
const TEXT_TRIGGER = new RegExp(FORMAT_TRIGGER.source.replace('|:\\/\\/', ''));

/** Whether a text has a URL with user info or a query: one pass over `://` occurrences, each token read once. */
function hasUrlCredentialShape(text: string): boolean {
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at)) {
    let end = at + 3;
    while (end < text.length && !/[\s'"]/.test(text[end])) end++;
    const token = text.slice(at + 3, end);
    if (token.includes('@') || token.includes('=')) return true;
    at = end;
  }
  return false;
}

/**
 * What the credential-format check of `scanTreeFiles` (files whose objects were scanned one by one) knows and
 * learns about contents, by sha256: a content found quiet (nothing in it looks like a credential format) by an
 * earlier synth with the same library is quiet again, and its bytes are not read.
 */
export interface QuietContents {
  /** Hashes of contents known quiet. */
  readonly known?: ReadonlySet<string>;
  /** Filled with the hashes of the contents found or known quiet in this scan. */
  readonly found?: Set<string>;
}

/**
 * Scans every file of a tree (what synth is about to write, or what `validate` read) and returns one problem
 * per finding, `<path>: <Kind 'name'> <pointer> holds …`. Files with identical bytes are scanned once.
 */
export function scanTreeFiles(files: Iterable<TreeFileContent>, allowances: readonly SecretAllowanceData[] = [], quiet?: QuietContents): string[] {
  const problems: string[] = [];
  const cache = new Map<string, Array<{ document: unknown; findings: SecretFinding[] }>>();
  /** Whether a text may hold what an object scan cannot see, by hash or by text (60k files may share a few thousand). */
  const byHash = new Map<string, boolean>();
  const byText = new Map<string, boolean>();
  for (const file of files) {
    if (file.objectsScanned) {
      const triggers = file.hash !== undefined ? byHash : byText;
      const key = file.hash ?? file.content;
      let triggered = triggers.get(key);
      if (triggered === undefined) {
        const knownQuiet = file.hash !== undefined && quiet?.known?.has(file.hash) === true;
        triggered = !knownQuiet && (TEXT_TRIGGER.test(file.content) || hasUrlCredentialShape(file.content));
        triggers.set(key, triggered);
        if (!triggered && file.hash !== undefined) quiet?.found?.add(file.hash);
      }
      if (!triggered) continue;
    }
    const role = roleOfPath(file.path);
    const cacheKey = `${role}\n${file.content}`;
    let scanned = cache.get(cacheKey);
    if (!scanned) {
      scanned = documentsOf(file.content).map(document => ({
        document,
        findings: typeof document === 'string' ? scanText(document) : scanDocument(document, { role }),
      }));
      cache.set(cacheKey, scanned);
    }
    for (const { document, findings } of scanned) {
      const subject = subjectOf(document, file.path);
      const label = subject.kind && subject.name ? `${subject.kind} '${subject.name}' ` : '';
      for (const f of withoutAllowed(findings, subject, allowances)) problems.push(`${file.path}: ${label}${findingText(f)}`);
    }
  }
  return problems;
}

/** The documents of a file: YAML (one or more) or JSON; text that parses as neither is one text document. */
function documentsOf(content: string): unknown[] {
  try {
    return parseYamlDocuments(content, 'tree file').filter(d => d !== undefined && d !== null);
  } catch {
    return [content];
  }
}

/** Where a tree path is placed, as synth places it: `bootstrap/`, `argocd/`, the rest workload. */
export function roleOfPath(path: string): string {
  if (path.startsWith('bootstrap/')) return 'bootstrap';
  if (path.startsWith('argocd/') || path.startsWith('flux/')) return 'argocd';
  return 'workload';
}

/**
 * A text as an error message may quote it (`show()`): a password in a URL becomes `***`, and a text that holds
 * any other credential is replaced by what it holds (`‹redacted: a GitHub token ('ghp_…', 40 chars)›`).
 */
export function redactForMessage(text: string): string {
  const masked = text.replace(/(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/?#@"'`]{1,256}:)([^\s/?#@"'`]{1,256})@/gi,
    (match, before: string, password: string) => (isPlaceholderText(password) ? match : `${before}***@`));
  const finding = scanText(masked).find(f => f.rule !== 'basic-auth-url');
  return finding ? `‹redacted: ${finding.what.replace(/^holds /, '')}›` : masked;
}

/** One line per finding: `/data/x (base64-decoded) holds … [rule]`. */
export function findingText(f: SecretFinding): string {
  const where = [f.pointer, f.detail ? `(${f.detail})` : ''].filter(Boolean).join(' ');
  return `${where ? `${where} ` : ''}${f.what}; secrets must never be written to Git [${f.rule}]`;
}

/** The findings an allowance does not cover, and the allowances that covered one. */
export function withoutAllowed(findings: SecretFinding[], subject: ScanSubject, allowances: readonly SecretAllowanceData[] = []): SecretFinding[] {
  if (findings.length === 0 || allowances.length === 0) return findings;
  return findings.filter(f => !allowances.some(a => allows(a, f, subject)));
}

/** Whether an allowance covers a finding in a subject. */
export function allows(a: SecretAllowanceData, f: SecretFinding, subject: ScanSubject): boolean {
  if (a.pointer !== f.pointer || (a.rule !== undefined && a.rule !== f.rule)) return false;
  if (a.file !== undefined) return subject.file === a.file;
  return subject.kind === a.kind && subject.name === a.name && (a.namespace === undefined || subject.namespace === a.namespace);
}

/** The kind, name and namespace of an object, for allowances. */
export function subjectOf(document: any, file?: string): ScanSubject {
  const meta = document !== null && typeof document === 'object' ? document.metadata : undefined;
  return {
    file,
    kind: typeof document?.kind === 'string' ? document.kind : undefined,
    name: typeof meta?.name === 'string' ? meta.name : undefined,
    namespace: typeof meta?.namespace === 'string' ? meta.namespace : undefined,
  };
}

/**
 * The value to show for `value` at `pointer` of the file `file` in a plan or diff: unchanged, or
 * `‹redacted, N chars›` when it is (or holds) a secret: a Secret's `data`/`stringData`, anything the scanner
 * would report, a value under a secret-named key. Objects and arrays are redacted leaf by leaf.
 */
export function redactIfSecret(file: string, pointer: string, value: unknown): unknown {
  const tokens = pointer.split('/').slice(1).map(t => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  const inSecret = /(?:^|\/)Secret\.[^/]*$/.test(file) && (tokens[0] === 'data' || tokens[0] === 'stringData') && tokens.length >= 1;
  const redact = (v: unknown, key: string | undefined, forced: boolean): unknown => {
    if (typeof v === 'string') {
      if (forced || scanValue(v, key).length > 0) return `‹redacted, ${v.length} chars›`;
      return v;
    }
    if (Array.isArray(v)) return v.map(item => redact(item, key, forced));
    if (v !== null && typeof v === 'object') {
      const pairName = typeof (v as any).name === 'string' ? (v as any).name : undefined;
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, redact(item, k === 'value' && pairName ? pairName : k, forced)]));
    }
    return v;
  };
  return redact(value, tokens[tokens.length - 1], inSecret);
}

/** Findings for one value under a key. */
function scanValue(value: string, key: string | undefined): SecretFinding[] {
  const scan = new DocumentScan();
  scan.string(value, '', key, TOP);
  return scan.result();
}

/** The YAML of `secret-scan-allowances.yaml`. */
export function allowancesYaml(allowances: readonly SecretAllowanceData[]): string {
  return '# Values the secret scanner reports that the program declares are not secrets (SecretScan.allow).\n'
    + toYaml({ allowances: allowances.map(a => ({ ...a })) });
}

/** The allowances of a tree, read from its `secret-scan-allowances.yaml` text. Throws an InputError on bad YAML. */
export function parseAllowancesYaml(text: string, label: string = 'secret-scan-allowances.yaml'): SecretAllowanceData[] {
  const doc = parseYamlDocument(text, label) as any;
  const list = doc?.allowances;
  if (!Array.isArray(list)) return [];
  return list
    .filter((a: any) => a && typeof a.pointer === 'string' && typeof a.reason === 'string')
    .map((a: any) => allowanceData({
      file: str(a.file), kind: str(a.kind), name: str(a.name), namespace: str(a.namespace), pointer: a.pointer, rule: str(a.rule), reason: a.reason,
    }));
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function allowanceData(a: Record<string, string | undefined>): SecretAllowanceData {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as unknown as SecretAllowanceData;
}

/**
 * A JSON pointer, built only when a finding needs it: a string, or a token under a parent pointer (scanning
 * 60,000 objects must not build a string per value).
 */
type Pointer = string | { readonly up: Pointer; readonly token: string };

function pointerText(p: Pointer): string {
  if (typeof p === 'string') return p;
  return `${pointerText(p.up)}/${jsonPointerToken(p.token)}`;
}

class DocumentScan {
  private readonly findings: SecretFinding[] = [];
  private readonly seen = new Set<string>();
  private dropped = 0;

  public result(): SecretFinding[] {
    if (this.dropped > 0) {
      return [...this.findings, { rule: 'too-many-findings', pointer: '', what: `holds ${this.dropped} more findings (only the first ${MAX_FINDINGS} are listed)` }];
    }
    return this.findings;
  }

  public report(rule: string, at: Pointer, what: string, layer: Layer): void {
    const pointer = pointerText(at);
    const finding: SecretFinding = layer.outer === undefined
      ? { rule, pointer, what, ...(layer.details.length ? { detail: layer.details.join(', ') } : {}) }
      : { rule, pointer: layer.outer, what, detail: [...layer.details, ...(layer.json ? [`JSON ${pointer || '/'}`] : [])].join(', ') };
    const key = `${finding.rule}\n${finding.pointer}`; // one finding per rule and value
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.findings.length >= MAX_FINDINGS) this.dropped++;
    else this.findings.push(finding);
  }

  public walk(value: unknown, pointer: Pointer, key: string | undefined, layer: Layer, nesting: number, skip?: Set<string>): void {
    if (skip && skip.size > 0 && nesting <= 8 && skip.has(pointerText(pointer))) return;
    if (typeof value === 'string') {
      this.string(value, pointer, key, layer);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (nesting > MAX_NESTING) {
      this.report('unscannable', pointer, `is nested more than ${MAX_NESTING} levels deep, too deep to scan for secrets`, layer);
      return;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) this.walk(value[i], { up: pointer, token: String(i) }, key, layer, nesting + 1, skip);
      return;
    }
    const object = value as Record<string, unknown>;
    if (typeof object.kty === 'string') {
      const jwk = privateJwkMembers(object);
      if (jwk) this.report('private-key', pointer, `holds a private JSON Web Key (kty ${String(object.kty)}, private member${jwk.length > 1 ? 's' : ''} ${jwk.join(', ')})`, layer);
    }
    // `{name, value}` (env vars, Helm parameters, plugin env) and `{key, value}` pairs: the value is named by the pair.
    const pairName = typeof object.name === 'string' ? object.name : typeof object.key === 'string' ? object.key : undefined;
    for (const k of Object.keys(object)) {
      if (k.length >= 16) this.keyText(k, pointer, layer);
      this.walk(object[k], { up: pointer, token: k }, k === 'value' && pairName !== undefined ? pairName : k, layer, nesting + 1, skip);
    }
  }

  /** A map key: credential formats only (a PEM block used as a key is still a key). */
  private keyText(key: string, pointer: Pointer, layer: Layer): void {
    const before = this.findings.length + this.dropped;
    this.string(key, pointer, undefined, layer);
    if (this.findings.length + this.dropped > before) {
      const last = this.findings[this.findings.length - 1];
      if (last && !last.what.startsWith('holds a map key')) {
        this.findings[this.findings.length - 1] = { ...last, what: `holds a map key that ${last.what.replace(/^holds /, 'is ')}` };
      }
    }
  }

  public string(s: string, pointer: Pointer, key: string | undefined, layer: Layer): void {
    if (s.length === 0) return;
    // A string shorter than the shortest format (`xoxa-` + 8) holds no format, encoding or embedded line
    // unless it has one of these characters.
    const short = s.length < 13 && s.indexOf('@') < 0 && s.indexOf('%') < 0 && s.indexOf('=') < 0 && s.indexOf(':') < 0;
    // 1. Credential formats. A value that is a format's known placeholder (`AKIAIOSFODNN7EXAMPLE`) is not
    // judged by its key either; a value a format matched needs no second finding by its key.
    let formatted = false;
    if (!short && FORMAT_TRIGGER.test(s)) {
      const whole = s.trim();
      for (const rule of FORMAT_RULES) {
        rule.pattern.lastIndex = 0;
        for (let m = rule.pattern.exec(s); m; m = rule.pattern.exec(s)) {
          const credential = m[1] !== undefined && rule.id !== 'basic-auth-url' ? m[1] : m[0];
          if (rule.accept && !rule.accept(credential)) {
            if (credential === whole) formatted = true;
            continue;
          }
          this.report(rule.id, pointer, `holds ${rule.what} (${redacted(credential, rule.prefix)})`, layer);
          formatted = true;
          break;
        }
      }
    }
    // 2. The key's name.
    const keyClass = formatted || key === undefined ? undefined : classifyKey(key);
    if (keyClass !== undefined && keywordSecret(s, keyClass)) {
      this.report('secret-keyword', pointer, `holds a literal ${keyClass === KeyClass.PASSWORD ? 'password' : 'secret'} under the key '${shortKey(key!)}' (${s.length} chars)`, layer);
    }
    if (short || layer.depth >= MAX_LAYERS || s.length > MAX_DECODED) return;
    const deeper = (detail: string, json = false): Layer => ({
      outer: layer.outer ?? pointerText(pointer),
      details: [...layer.details, ...(layer.json ? [`JSON ${pointerText(pointer) || '/'}`] : []), detail],
      json,
      depth: layer.depth + 1,
    });
    // 3. Encodings.
    const bytes = s.length >= 16 && BASE64_CANDIDATE.test(s) ? base64Bytes(s) : undefined;
    if (bytes) this.bytes(bytes, pointer, deeper('base64-decoded'), layer);
    else if (BASE64_PEM.test(s)) this.base64Runs(s, pointer, layer, deeper);
    if (s.indexOf('%') >= 0) {
      const percent = percentDecoded(s);
      if (percent !== undefined && percent !== s) this.string(percent, '', undefined, deeper('percent-decoded'));
    }
    if (s.indexOf(':') >= 0 && /data:/i.test(s)) for (const payload of dataUrlPayloads(s)) this.bytes(payload, '', deeper('data: URL payload'), layer);
    const first = s.trimStart()[0];
    if (first === '{' || first === '[') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(s);
      } catch {
        parsed = undefined;
      }
      if (parsed !== null && typeof parsed === 'object') {
        const inner: Layer = { ...deeper('JSON', true), details: [...layer.details, ...(layer.json ? [`JSON ${pointerText(pointer) || '/'}`] : [])] };
        this.walk(parsed, '', key, inner, 0);
        return;
      }
    }
    // 4. `key=value` and `key: value` inside text.
    if ((s.indexOf('=') >= 0 || s.indexOf(':') >= 0) && KEYWORD_TRIGGER.test(s)) this.assignments(s, pointer, deeper);
  }

  private bytes(bytes: Buffer, pointer: Pointer, inner: Layer, layer: Layer): void {
    const text = bytesAsText(bytes);
    if (text !== undefined) {
      this.string(text, '', undefined, inner);
      return;
    }
    const kind = binaryKeyKind(bytes);
    if (kind) this.report('private-key', pointer, `holds ${kind} (base64, ${bytes.length} bytes)`, layer);
  }

  /** Base64 runs (PEM-encoded key material wrapped at any column) inside a longer text. */
  private base64Runs(s: string, pointer: Pointer, layer: Layer, deeper: (d: string) => Layer): void {
    const runs = /[A-Za-z0-9+/]{16,}(?:[ \t]*\r?\n[ \t]*[A-Za-z0-9+/]{4,})*={0,2}/g;
    let count = 0;
    for (let m = runs.exec(s); m && count < 1000; m = runs.exec(s), count++) {
      if (!BASE64_PEM.test(m[0])) continue;
      const run = m[0].replace(/\s+/g, '').replace(/=+$/, '');
      // The run may start mid-quantum (a prefix glued to it): try the four alignments.
      for (let shift = 0; shift < 4; shift++) {
        const body = run.slice(shift);
        const text = Buffer.from(body.slice(0, body.length - (body.length % 4)), 'base64').toString('latin1');
        if (/-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY/i.test(text)) {
          this.report('private-key', pointer, `holds a base64-encoded PEM private key (${m[0].length} chars)`, layer);
          return;
        }
      }
      this.string(m[0], pointer, undefined, deeper('base64 run'));
    }
  }

  private assignments(s: string, pointer: Pointer, deeper: (d: string) => Layer): void {
    const re = new RegExp(ASSIGNMENT.source, 'g'); // this method recurses: a shared lastIndex would be clobbered
    let count = 0;
    let line = 1;
    let lineCountedTo = 0;
    for (let m = re.exec(s); m && count < 10_000; m = re.exec(s), count++) {
      const key = m[1];
      if (classifyKey(key) === undefined) continue;
      for (let i = s.indexOf('\n', lineCountedTo); i >= 0 && i < m.index + 1; i = s.indexOf('\n', i + 1)) line++;
      lineCountedTo = m.index + 1;
      const value = m[2].replace(/^(['"])(.*)\1$/s, '$2');
      this.string(value, pointer, key, deeper(`line ${line} '${shortKey(key)}'`));
    }
  }
}

/** Whether a string under a key of `keyClass` is a secret, with templates' literal parts judged alone. */
function keywordSecret(value: string, keyClass: KeyClass): boolean {
  if (value.length > 4096) return false; // a document, not a value: its lines are scanned one by one
  if (value.includes('{{')) {
    const outside = trimPunctuation(splitTemplate(value).outside);
    return outside !== '' && isSecretLiteral(outside, KeyClass.SECRET);
  }
  return isSecretLiteral(value, keyClass);
}

/** The private members of a JSON Web Key (RFC 7518 §6.2.2 EC `d`, §6.3.2 RSA `d p q dp dq qi oth`, §6.4 oct `k`; RFC 8037 OKP `d`). */
function privateJwkMembers(o: Record<string, unknown>): string[] | undefined {
  if (typeof o.kty !== 'string' || !['RSA', 'EC', 'OKP', 'oct'].includes(o.kty)) return undefined;
  const members = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].filter(m => typeof o[m] === 'string' && (o[m] as string).length > 0);
  return members.length ? members : undefined;
}

/** A credential as messages may show it: its format's public prefix and its length, never its characters. */
function redacted(credential: string, prefix: number | undefined): string {
  return prefix ? `'${credential.slice(0, prefix)}…', ${credential.length} chars` : `${credential.length} chars`;
}

function shortKey(key: string): string {
  return key.length > 60 ? `${key.slice(0, 60)}…` : key;
}
