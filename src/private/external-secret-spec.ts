/**
 * The `spec` of an External Secrets v2.9.0 `ExternalSecret`: rendered from typed options (shared by
 * ExternalSecret, ClusterExternalSecret, the cluster-credential ExternalSecret and Workload secrets), and checked
 * with the rules of the admission webhook (ESO:apis/externalsecrets/v1/externalsecret_validator.go
 * `validateExternalSecret`) on the wire format, after the CRD defaults the API server applies before it.
 *
 * What is written, so that Argo CD never shows a permanent diff (semantics §4): `refreshInterval` always (in
 * Go duration syntax, as written it stays: the controller patches only finalizers, ESO
 * pkg/controllers/externalsecret/externalsecret_controller.go "Use Patch instead of Update to avoid claiming
 * ownership of spec fields like refreshInterval"); `target.creationPolicy`, `target.deletionPolicy`,
 * `template.engineVersion`, `template.mergePolicy` and `templateFrom[].target` always, with their CRD default
 * values when not given (the CRD injects exactly these); remote-reference strategies only when given (v2.9.0
 * injects no default for them any more).
 */
import { Duration } from 'cdk8s';
import { goDuration } from './duration';
import { show } from './errors';
import { compileGoRegExp } from './go-regexp';
import { quote } from './go-strconv';
import { annotationMapErrors, dns1123SubdomainErrors, labelMapErrors } from './names';
import { sortedMap } from './util';
import type {
  ExternalSecretCreationPolicy, ExternalSecretData, ExternalSecretDataFrom, ExternalSecretDeletionPolicy, ExternalSecretRefreshPolicy,
  ExternalSecretTemplate, RemoteSecretReference, SecretKeyRewrite,
} from '../secrets/external-secret-data';
import type { ISecretStore } from '../secrets/secret-store';

/** Everything an ExternalSecret spec is made of, with the store and the target name resolved. */
export interface ExternalSecretSpecInput {
  readonly store: ISecretStore;
  readonly targetName: string;
  readonly refreshInterval?: Duration;
  readonly refreshPolicy?: ExternalSecretRefreshPolicy;
  readonly creationPolicy?: ExternalSecretCreationPolicy;
  readonly deletionPolicy?: ExternalSecretDeletionPolicy;
  readonly immutable?: boolean;
  readonly template?: ExternalSecretTemplate;
  readonly data: readonly ExternalSecretData[];
  readonly dataFrom: readonly ExternalSecretDataFrom[];
}

/** The generator kinds the v2.9.0 CRD accepts (`generatorRef.kind` enum). */
export const GENERATOR_KINDS = [
  'ACRAccessToken', 'BeyondtrustWorkloadCredentialsDynamicSecret', 'ClusterGenerator', 'CloudsmithAccessToken', 'ECRAuthorizationToken',
  'Fake', 'GCRAccessToken', 'GithubAccessToken', 'GitlabDeployToken', 'QuayAccessToken', 'Password', 'SSHKey', 'STSSessionToken', 'UUID',
  'VaultDynamicSecret', 'Webhook', 'Grafana', 'MFA',
];

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** The wire-format spec. Call `inputErrors` first: it assumes well-formed input. */
export function renderExternalSecretSpec(input: ExternalSecretSpecInput): any {
  const spec: any = {
    refreshInterval: goDuration(input.refreshInterval ?? Duration.hours(1)),
    refreshPolicy: input.refreshPolicy,
    secretStoreRef: storeRef(input.store),
    target: {
      name: input.targetName,
      creationPolicy: input.creationPolicy ?? 'Owner',
      deletionPolicy: input.deletionPolicy ?? 'Retain',
      immutable: input.immutable,
      template: input.template ? renderTemplate(input.template) : undefined,
    },
  };
  if (input.data.length) spec.data = input.data.map(renderData);
  if (input.dataFrom.length) spec.dataFrom = input.dataFrom.map(renderDataFrom);
  return prune(spec);
}

/** `{ name, kind }` of a store reference. */
export function storeRef(store: ISecretStore): { name: string; kind: string } {
  return { name: store.storeName, kind: store.storeKind };
}

function renderTemplate(t: ExternalSecretTemplate): any {
  const metadata = {
    labels: nonEmpty(sortedMap(t.labels)),
    annotations: nonEmpty(sortedMap(t.annotations)),
  };
  return {
    type: t.type,
    engineVersion: 'v2',
    mergePolicy: t.mergePolicy ?? 'Replace',
    metadata: metadata.labels || metadata.annotations ? metadata : undefined,
    data: nonEmpty(sortedMap(t.data)),
    templateFrom: t.templateFrom?.length ? t.templateFrom.map(f => ({ ...f._rendered })) : undefined,
  };
}

function remoteRef(r: RemoteSecretReference): any {
  return {
    key: r.remoteKey,
    property: r.property,
    version: r.version,
    decodingStrategy: r.decodingStrategy,
    conversionStrategy: r.conversionStrategy,
    metadataPolicy: r.metadataPolicy,
    nullBytePolicy: r.nullBytePolicy,
  };
}

function renderData(d: ExternalSecretData): any {
  return { secretKey: d.secretKey, remoteRef: remoteRef(d), sourceRef: d.store ? { storeRef: storeRef(d.store) } : undefined };
}

function renderDataFrom(f: ExternalSecretDataFrom): any {
  const o = f._options;
  const rewrite = o.rewrite?.length ? o.rewrite.map((r: SecretKeyRewrite) => r._rendered) : undefined;
  switch (f._kind) {
    case 'extract':
      return { extract: remoteRef(o), rewrite, sourceRef: o.store ? { storeRef: storeRef(o.store) } : undefined };
    case 'find':
      return {
        find: {
          path: o.path,
          name: o.nameRegExp !== undefined ? { regexp: o.nameRegExp } : undefined,
          tags: nonEmpty(sortedMap(o.tags)),
          decodingStrategy: o.decodingStrategy,
          conversionStrategy: o.conversionStrategy,
          nullBytePolicy: o.nullBytePolicy,
        },
        rewrite,
        sourceRef: o.store ? { storeRef: storeRef(o.store) } : undefined,
      };
    default:
      return { sourceRef: { generatorRef: { apiVersion: o.apiVersion ?? 'generators.external-secrets.io/v1alpha1', kind: o.kind, name: o.name } }, rewrite };
  }
}

/**
 * Problems of the typed input that the schema or the provider would reject, each naming the prop and the value.
 * `prefix` names where the spec sits (e.g. `'externalSecretSpec.'`).
 */
export function inputErrors(input: Omit<ExternalSecretSpecInput, 'store'> & { store?: ISecretStore }, prefix = ''): string[] {
  const errors: string[] = [];
  const p = (name: string) => `'${prefix}${name}'`;
  if (!input.store) errors.push(`${p('store')} is required: give a store, or a 'defaultSecretStore' to the Fleet`);
  errors.push(...dns1123SubdomainErrors(input.targetName).map(e => `${p('targetName')} (${show(input.targetName)}) ${e}`));
  if (input.template) {
    errors.push(...labelMapErrors(`${prefix}template.labels`, input.template.labels));
    errors.push(...annotationMapErrors(`${prefix}template.annotations`, input.template.annotations));
    for (const k of Object.keys(input.template.data ?? {})) {
      if (!SECRET_KEY.test(k) || k.length > 253) errors.push(`${p('template.data')} key ${show(k)} is not a valid Secret key (letters, digits, '-', '_' and '.')`);
    }
    (input.template.templateFrom ?? []).forEach((t, i) => {
      const r = t._rendered;
      const ref = r.configMap ?? r.secret;
      if (ref) {
        errors.push(...dns1123SubdomainErrors(ref.name).map(e => `${p(`template.templateFrom[${i}]`)} name (${show(ref.name)}) ${e}`));
        if (!ref.items?.length) errors.push(`${p(`template.templateFrom[${i}]`)} needs at least one item`);
        for (const item of ref.items ?? []) {
          if (!SECRET_KEY.test(item.key ?? '')) errors.push(`${p(`template.templateFrom[${i}]`)} item key ${show(item.key)} is not a valid key`);
        }
      }
    });
  }
  input.data.forEach((d, i) => {
    const at = p(`data[${i}]`);
    if (typeof d.secretKey !== 'string' || !SECRET_KEY.test(d.secretKey) || d.secretKey.length > 253) {
      errors.push(`${at} 'secretKey' (${show(d.secretKey)}) must be 1-253 letters, digits, '-', '_' or '.'`);
    }
    errors.push(...remoteRefErrors(d, at));
  });
  input.dataFrom.forEach((f, i) => {
    const at = p(`dataFrom[${i}]`);
    const o = f._options;
    if (f._kind === 'extract') errors.push(...remoteRefErrors(o, at));
    if (f._kind === 'find') {
      if (o.nameRegExp === undefined && o.path === undefined && !Object.keys(o.tags ?? {}).length) {
        errors.push(`${at} find needs 'nameRegExp', 'path' or 'tags' (a search without a condition would read the whole store)`);
      }
      if (o.nameRegExp !== undefined) {
        const re = compileGoRegExp(o.nameRegExp);
        if (re.error) errors.push(`${at} 'nameRegExp' (${show(o.nameRegExp)}) is not a valid Go regular expression: ${re.error}`);
      }
    }
    if (f._kind === 'generator') {
      if (!GENERATOR_KINDS.includes(o.kind)) errors.push(`${at} generator 'kind' (${show(o.kind)}) must be one of ${GENERATOR_KINDS.join(', ')}`);
      errors.push(...dns1123SubdomainErrors(o.name).map(e => `${at} generator 'name' (${show(o.name)}) ${e}`));
    }
    (o.rewrite ?? []).forEach((r: SecretKeyRewrite, j: number) => {
      const source = r._rendered.regexp?.source;
      if (source !== undefined) {
        const re = compileGoRegExp(source);
        if (re.error) errors.push(`${at} 'rewrite[${j}]' regexp source (${show(source)}) is not a valid Go regular expression: ${re.error}`);
      }
      if (r._rendered.transform && !r._rendered.transform.template) errors.push(`${at} 'rewrite[${j}]' transform needs a template`);
    });
  });
  return errors;
}

function remoteRefErrors(r: RemoteSecretReference, at: string): string[] {
  if (typeof r.remoteKey !== 'string' || r.remoteKey.trim() === '') return [`${at} 'remoteKey' (${show(r.remoteKey)}) must be a non-empty string`];
  return [];
}

/** One webhook rejection: the prop it concerns, its value, and External Secrets' own message. */
export interface SpecProblem {
  readonly prop: string;
  readonly value: unknown;
  readonly message: string;
}

/**
 * The admission webhook's checks (`validateExternalSecret`) on a wire-format spec, in its order and with its
 * messages. The CRD defaults (`target: {creationPolicy: Owner, deletionPolicy: Retain}`) are applied first, as
 * the API server applies them before calling the webhook.
 */
export function webhookProblems(spec: any): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const target = { creationPolicy: 'Owner', deletionPolicy: 'Retain', ...spec?.target ?? {} };
  // validatePolicies
  if (target.deletionPolicy === 'Delete' && ['Merge', 'None', 'CreateOrMerge'].includes(target.creationPolicy)) {
    problems.push({ prop: 'deletionPolicy', value: `Delete with creationPolicy ${target.creationPolicy}`, message: "deletionPolicy=Delete must not be used when the controller doesn't own the secret. Please set creationPolicy=Owner" });
  }
  if (target.deletionPolicy === 'Merge' && target.creationPolicy === 'None') {
    problems.push({ prop: 'deletionPolicy', value: 'Merge with creationPolicy None', message: 'deletionPolicy=Merge must not be used with creationPolicy=None. There is no Secret to merge with' });
  }
  const data: any[] = spec?.data ?? [];
  const dataFrom: any[] = spec?.dataFrom ?? [];
  if (data.length === 0 && dataFrom.length === 0) {
    problems.push({ prop: 'data', value: [], message: 'either data or dataFrom should be specified' });
  }
  const template = target.template;
  // validatePrivilegedTemplate
  if (template) {
    if (template.type === 'kubernetes.io/service-account-token') {
      if (template.metadata?.annotations && 'kubernetes.io/service-account.name' in template.metadata.annotations) {
        problems.push({ prop: 'template.annotations', value: template.metadata.annotations['kubernetes.io/service-account.name'], message: 'template.type="kubernetes.io/service-account-token" with annotation "kubernetes.io/service-account.name" is not allowed' });
      } else {
        const tf = (template.templateFrom ?? []).find((t: any) => equalFold(t.target, 'Annotations'));
        if (tf) problems.push({ prop: 'template.templateFrom', value: tf.target, message: 'template.type="kubernetes.io/service-account-token" with templateFrom target="Annotations" is not allowed' });
      }
    } else if (template.type === 'bootstrap.kubernetes.io/token') {
      problems.push({ prop: 'template.type', value: template.type, message: 'template.type="bootstrap.kubernetes.io/token" is not allowed' });
    }
    // validateTemplateFromTarget (the target is a Secret: no `manifest`, or a v1 Secret manifest)
    const manifest = target.manifest;
    if (!manifest || (manifest.apiVersion === 'v1' && manifest.kind === 'Secret')) {
      for (const t of template.templateFrom ?? []) {
        const tgt = t.target ?? '';
        if (tgt === '' || equalFold(tgt, 'Data') || equalFold(tgt, 'Annotations') || equalFold(tgt, 'Labels')) continue;
        problems.push({ prop: 'template.templateFrom', value: tgt, message: `templateFrom target=${quote(tgt)} is not allowed when targeting a Secret, must be one of "Data", "Annotations" or "Labels"` });
      }
    }
  }
  dataFrom.forEach((ref, i) => {
    const generatorRef = ref?.sourceRef?.generatorRef !== undefined && ref?.sourceRef?.generatorRef !== null;
    const find = ref?.find !== undefined && ref?.find !== null;
    const extract = ref?.extract !== undefined && ref?.extract !== null;
    if ((find && (extract || generatorRef)) || (extract && (find || generatorRef)) || (generatorRef && (find || extract))) {
      problems.push({ prop: `dataFrom[${i}]`, value: Object.keys(ref).sort(), message: 'extract, find, or generatorRef cannot be set at the same time' });
    }
    if (!find && !extract && (ref?.sourceRef === undefined || ref?.sourceRef === null)) {
      problems.push({ prop: `dataFrom[${i}]`, value: ref ?? {}, message: 'either extract, find, or sourceRef must be set to dataFrom' });
    }
    if (ref?.sourceRef && !generatorRef && (ref.sourceRef.storeRef === undefined || ref.sourceRef.storeRef === null)) {
      problems.push({ prop: `dataFrom[${i}].sourceRef`, value: ref.sourceRef, message: 'generatorRef or storeRef must be set when using sourceRef in dataFrom' });
    }
  });
  // validateDuplicateKeys
  if (target.deletionPolicy === 'Retain') {
    const seen = new Set<string>();
    for (const d of data) {
      const key = String(d?.secretKey ?? '');
      if (seen.has(key)) problems.push({ prop: 'data', value: key, message: `duplicate secretKey found: ${key}` });
      seen.add(key);
    }
  }
  return problems;
}

/** A problem as the library reports it: `'prop' (value): message`. */
export function formatProblem(p: SpecProblem, prefix = ''): string {
  return `'${prefix}${p.prop}' (${show(p.value)}): ${p.message}`;
}

/**
 * Go's `strings.EqualFold` against an ASCII word `b`: Unicode simple case folding, under which the only non-ASCII
 * letters equal to ASCII ones are U+017F (long s, folds with 's') and U+212A (Kelvin sign, folds with 'k').
 * `toLowerCase` alone maps neither, and maps some non-ASCII letters (U+0130) to ASCII ones EqualFold keeps apart.
 */
function equalFold(a: unknown, b: string): boolean {
  if (typeof a !== 'string' || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const c = a[i] === '\u017f' ? 's' : a[i] === '\u212a' ? 'k' : a[i];
    if (c.charCodeAt(0) > 0x7f || c.toLowerCase() !== b[i].toLowerCase()) return false;
  }
  return true;
}


function nonEmpty<T extends object>(v: T | undefined): T | undefined {
  return v && Object.keys(v).length ? v : undefined;
}

/** Drops undefined values, recursively, keeping key order. */
function prune(v: any): any {
  if (Array.isArray(v)) return v.map(prune);
  if (v === null || typeof v !== 'object') return v;
  const out: any = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = prune(x);
  return out;
}
