import { VERDICT_CACHE, verdictKey } from './verdict-cache';
import { toYaml } from './yaml';
import { show } from '../private/errors';
import { imagesOf } from '../private/images';
import { unsyncableKind } from '../private/kinds';
import { schemaValidatorModule } from '../private/lazy';
import { Placement } from '../private/placement';
import { objectQuantityErrors } from '../private/quantity';
import { sopsAgeRecipients } from '../private/secret-markers';
import { sopsObjectProblems } from '../private/sops-object';
import { escapeSurrogates, isWellFormed, jsonPointerToken, pushAll, sha256 } from '../private/util';
import { findingText, scanDocument, SecretAllowanceData, subjectOf, withoutAllowed } from '../secrets/scanner';

/** The per-object half of rendering that needs no construct tree: validation, secret scan, serialization. */
export interface ProcessOptions {
  /** Validate against the pinned schemas. */
  readonly validateSchemas: boolean;
  /** `apiVersion/kind` keys written without schema validation. */
  readonly unvalidatedKinds: ReadonlySet<string>;
  /** Findings of the secret scanner the program allows (`SecretScan.allow`). */
  readonly secretAllowances?: readonly SecretAllowanceData[];
  /** The tree-relative file, when one object is one known file (Helm values files), for `file` allowances. */
  readonly file?: string;
  /**
   * The validated-content cache's keys of objects known clean (`verdict-cache.ts`). When given, each result
   * carries its key, and an object whose key is known skips validation and the object scan.
   */
  readonly knownClean?: ReadonlySet<string>;
  /**
   * Of the known-clean objects, those whose YAML an earlier synth found quiet in the tree's byte scan (no
   * credential-format trigger): verdict key → sha256 of that YAML. Such an object's result carries the hash
   * and serializes only when its content is read (`deferred`), which a re-synth that writes nothing never does.
   */
  readonly knownHashes?: ReadonlyMap<string, string>;
}

/** What processing one object yields. */
export interface ProcessedObject {
  /** The YAML file content ('' when serialization failed). */
  readonly content: string;
  /** Problems: schema errors, secrets, serialization errors. */
  readonly problems: string[];
  /** Container images, for workload objects. */
  readonly images?: string[];
  /** sha256 of `content`, for the tree manifest. */
  readonly hash: string;
  /** The object's key in the validated-content cache, when it is clean and the cache is in use. */
  readonly verdictKey?: string;
  /**
   * Set when `content` is serialized on first read (from the object's JSON text): the object is known clean and
   * `hash` is the hash an earlier synth recorded for the same text (`ProcessOptions.knownHashes`).
   */
  readonly deferred?: true;
}

const TEMPLATE_PARAM = /%%tp\d+%%/;

/** Kinds the library itself writes that no pinned schema covers (Kustomize's kustomization.yaml). */
const LIBRARY_KINDS = new Set(['kustomize.config.k8s.io/v1beta1/Kustomization', 'viaduct.ai/v1/ksops']);

/**
 * Validates, scans and serializes one object. It runs on the main thread or on the object pipeline's worker
 * and must give the same answer on both: the worker receives the object as JSON text, so anything JSON cannot
 * carry (NaN, Infinity, undefined in an array, functions, class instances) is reported here, with its JSON
 * pointer, before anything else looks at the object (and such objects are never sent to the worker).
 */
export function processObject(
  input: any, role: Placement['role'], options: ProcessOptions, text?: string, memo?: Map<string, ProcessedObject>,
): ProcessedObject {
  const data = jsonDataCheck(input);
  if (data.errors.length > 0) return { content: '', problems: data.errors, hash: sha256('') };
  // Properties whose value is undefined are not data (JSON and YAML drop them): check what is written.
  const json = data.lossless ? input : JSON.parse(JSON.stringify(input));
  if (!options.knownClean) return processData(json, role, options, undefined);
  // `text`, when given, is the JSON text `json` was parsed from (the worker's input): the same as stringifying it.
  const jsonText = text ?? JSON.stringify(json);
  const verdict = verdictKey(jsonText, role, options);
  // The key is a function of everything the result depends on (the JSON text, the role and the options): equal
  // objects (a workload's Namespace or ConfigMap in each of its variants) are processed once per pipeline.
  return processKeyed(json, role, options, jsonText, verdict, options.knownClean.has(verdict), memo);
}

/**
 * `processObject` of lossless JSON data (`jsonDataCheck`) whose verdict key the caller has computed from `text`,
 * its JSON text, and looked up in the cache (`known`: the cache knows it clean). The object pipeline's main
 * thread keys every object this way when the cache knows some, and sends only the rest to its worker.
 */
export function processKeyed(
  json: any, role: Placement['role'], options: ProcessOptions, text: string, verdict: string, known: boolean, memo?: Map<string, ProcessedObject>,
): ProcessedObject {
  const done = memo?.get(verdict);
  if (done !== undefined) return done;
  const result = processData(json, role, options, verdict, text, known);
  memo?.set(verdict, result);
  return result;
}

/**
 * `processObject` of JSON data, with its verdict key (and the JSON text it hashes) when the cache is in use, and
 * whether the cache knows that key clean.
 */
function processData(json: any, role: Placement['role'], options: ProcessOptions, verdict: string | undefined, text?: string, known = false): ProcessedObject {
  if (verdict !== undefined && known) {
    // Validated and scanned clean by an earlier synth, with the same library and options: serialized only, and
    // only when read if that synth recorded the YAML's hash (a function of the same JSON text and library).
    const hash = options.knownHashes?.get(verdict);
    if (hash !== undefined && text !== undefined) return deferredResult(text, hash, role === 'workload' ? imagesOf(json) : undefined, verdict);
    const content = toYaml(json);
    return { content, problems: [], images: role === 'workload' ? imagesOf(json) : undefined, hash: sha256(content), verdictKey: verdict };
  }
  const problems: string[] = [];
  // A SOPS-encrypted manifest (written by SopsSecret): checked as encrypted, its plain part validated and scanned.
  const sops = sopsAgeRecipients(json) !== undefined;
  if (sops) pushAll(problems, sopsObjectProblems(json, role, options.validateSchemas));
  const key = `${json.apiVersion}/${json.kind}`;
  const unsyncable = options.validateSchemas ? unsyncableKind(json.apiVersion, json.kind) : undefined;
  if (unsyncable !== undefined) problems.push(`'${key}' is ${unsyncable}: no object of it is stored, so Argo CD cannot keep one in sync from Git`);
  if (options.validateSchemas && !options.unvalidatedKinds.has(key) && !LIBRARY_KINDS.has(key) && !sops) {
    // Loaded on first use: a re-synth whose objects are all known clean never loads Ajv (60–70 ms).
    const schemaErrors = schemaValidatorModule().SchemaValidator.get().validate(json);
    if (schemaErrors === undefined) {
      problems.push(`no pinned schema for '${key}'; list it in FleetApp 'unvalidatedKinds' to write it without validation`);
    } else {
      for (const e of schemaErrors) problems.push(`schema: ${e}`);
    }
  }
  pushAll(problems, objectQuantityErrors(json));
  const unicode = unicodeProblems(json);
  pushAll(problems, unicode);
  let content = '';
  try {
    // (toYaml refuses a lone surrogate too: reported above, with its pointer)
    if (unicode.length === 0) content = toYaml(json);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (!sops) {
    const findings = withoutAllowed(scanDocument(json, { role }), subjectOf(json, options.file), options.secretAllowances);
    for (const f of findings) problems.push(findingText(f));
  }
  if (TEMPLATE_PARAM.test(content)) {
    problems.push('holds a TemplateParam outside an ApplicationSet template (only ApplicationSets render them)');
  }
  const clean = problems.length === 0 ? verdict : undefined;
  return { content, problems, images: role === 'workload' ? imagesOf(json) : undefined, hash: sha256(content), verdictKey: clean };
}

/**
 * The result of a known-clean object whose YAML's hash is known: `content` is `toYaml` of the JSON text, made on
 * first read (the text, not the object, so that nothing done to the object afterwards can change it; for JSON
 * data the same YAML as the object's own: test/gitops/object-pipeline.test.ts). The YAML made must have the
 * recorded hash, which the tree's manifest records for it: a cache that says otherwise (edited by hand) fails
 * the synth, naming the file to delete, before the writer writes anything.
 */
export function deferredResult(text: string, hash: string, images: string[] | undefined, verdict: string): ProcessedObject {
  let content: string | undefined;
  return {
    get content() {
      if (content === undefined) {
        const yaml = toYaml(JSON.parse(text));
        if (sha256(yaml) !== hash) {
          throw new Error(`the validated-content cache (${VERDICT_CACHE}) records another YAML hash for an object (verdict key ${verdict.slice(0, 12)}…); delete the file and synthesize again`);
        }
        content = yaml;
      }
      return content;
    },
    problems: [],
    images,
    hash,
    verdictKey: verdict,
    deferred: true,
  };
}

/** At most this many strings that are not Unicode are reported per object. */
const MAX_UNICODE_PROBLEMS = 20;

/**
 * Strings (keys included) that are not well-formed Unicode: a lone surrogate (half of a UTF-16 pair, as slicing a
 * string between the halves of an emoji leaves) is no character. YAML writes it as a `\uD800` escape, which
 * go-yaml (gopkg.in/yaml.v2 and v3 scannerc.go, `yaml_parser_scan_flow_scalar`, behind sigs.k8s.io/yaml in Argo
 * CD and kubectl, and kustomize's kyaml) refuses: "found invalid Unicode character escape code". Each is reported
 * by its JSON pointer, with the surrogate written out as its escape.
 */
function unicodeProblems(json: unknown): string[] {
  const problems: string[] = [];
  if (wellFormed(json)) return problems; // (the common case, without building pointers)
  const visit = (v: unknown, pointer: string): void => {
    if (problems.length >= MAX_UNICODE_PROBLEMS) return;
    if (typeof v === 'string') {
      if (!isWellFormed(v)) problems.push(`${pointer || '/'}: ${show(escapeSurrogates(v))} holds a lone surrogate, which is not a Unicode character: ${NOT_UNICODE}`);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, `${pointer}/${i}`));
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      const here = `${pointer}/${jsonPointerToken(escapeSurrogates(k))}`;
      if (!isWellFormed(k) && problems.length < MAX_UNICODE_PROBLEMS) {
        problems.push(`${here}: the key ${show(escapeSurrogates(k))} holds a lone surrogate, which is not a Unicode character: ${NOT_UNICODE}`);
      }
      visit(x, here);
    }
  };
  visit(json, '');
  return problems;
}

const NOT_UNICODE = 'YAML would write it as an escape that Argo CD, kubectl and kustomize refuse ("found invalid Unicode character escape code")';

/** Whether every string and key of JSON data is well-formed Unicode. */
function wellFormed(v: unknown): boolean {
  if (typeof v === 'string') return isWellFormed(v);
  if (v === null || typeof v !== 'object') return true;
  if (Array.isArray(v)) {
    for (const x of v) if (!wellFormed(x)) return false;
    return true;
  }
  for (const k in v) {
    if (!isWellFormed(k) || !wellFormed((v as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** What `jsonDataCheck` found. */
export interface JsonDataCheck {
  /** Values JSON and YAML cannot carry, each `<JSON pointer>: <why>`. */
  readonly errors: string[];
  /** Whether a JSON round trip gives back exactly this value (no errors, no undefined-valued properties). */
  readonly lossless: boolean;
}

/** Checks that a value is JSON data: finite numbers, strings, booleans, null, plain arrays and objects. */
export function jsonDataCheck(value: unknown): JsonDataCheck {
  // The common case first, without building pointers: most objects are plain data.
  const quick = quickDataCheck(value, 0);
  if (quick !== ERROR) return { errors: [], lossless: quick === LOSSLESS };
  const errors: string[] = [];
  let lossless = true;
  // The pointer is built only for a problem: this runs on every object of the tree.
  const path: string[] = [];
  const here = () => (path.length ? `/${path.map(jsonPointerToken).join('/')}` : '/');
  const visit = (v: unknown, depth: number): void => {
    if (errors.length >= 20) return;
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return;
      case 'number':
        if (!Number.isFinite(v)) errors.push(`${here()}: ${String(v)} is not a finite number; JSON and YAML cannot hold it`);
        return;
      case 'undefined':
        errors.push(`${here()}: undefined is not a value JSON or YAML can hold`);
        return;
      case 'object':
        break;
      default:
        errors.push(`${here()}: a ${typeof v} is not JSON data`);
        return;
    }
    if (v === null) return;
    if (depth > 512) {
      errors.push(`${here()}: nested more than 512 levels deep`);
      return;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(String(i));
        visit(v[i], depth + 1);
        path.pop();
      }
      return;
    }
    // A plain object's prototype is some realm's Object.prototype (structuredClone and jest use other realms).
    const proto = Object.getPrototypeOf(v);
    if (proto !== null && Object.getPrototypeOf(proto) !== null) {
      errors.push(`${here()}: a ${(v as object).constructor?.name ?? 'non-plain object'} is not JSON data (only plain objects and arrays are)`);
      return;
    }
    for (const k of Object.keys(v as object)) {
      const child = (v as Record<string, unknown>)[k];
      if (child === undefined) {
        lossless = false;
        continue;
      }
      path.push(k);
      visit(child, depth + 1);
      path.pop();
    }
  };
  visit(value, 0);
  return { errors, lossless: lossless && errors.length === 0 };
}

const LOSSLESS = 0;
const LOSSY = 1;
const ERROR = 2;

/**
 * `jsonDataCheck`'s verdict without its messages: LOSSLESS, LOSSY (an undefined-valued property, which JSON
 * drops) or ERROR (then `jsonDataCheck` walks again to say where and why). The same tests in the same order.
 */
function quickDataCheck(v: unknown, depth: number): number {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return LOSSLESS;
    case 'number':
      return Number.isFinite(v) ? LOSSLESS : ERROR;
    case 'object':
      break;
    default:
      return ERROR; // undefined (not as a property's value), a function, a symbol, a bigint
  }
  if (v === null) return LOSSLESS;
  if (depth > 512) return ERROR;
  let verdict = LOSSLESS;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = quickDataCheck(v[i], depth + 1);
      if (r === ERROR) return ERROR;
      if (r === LOSSY) verdict = LOSSY;
    }
    return verdict;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return ERROR;
  for (const k of Object.keys(v as object)) {
    const child = (v as Record<string, unknown>)[k];
    if (child === undefined) {
      verdict = LOSSY;
      continue;
    }
    const r = quickDataCheck(child, depth + 1);
    if (r === ERROR) return ERROR;
    if (r === LOSSY) verdict = LOSSY;
  }
  return verdict;
}
