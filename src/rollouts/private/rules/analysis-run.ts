import { arr, intOrString, IntOrString, intValue, obj, present, str } from './json';
import { compileRegexp, RegexpSyntaxError } from '../../../expansion/gotemplate/regexp';
import { parseGoDuration } from '../../../private/duration';
import { goJson, goQuote } from '../go-format';

/**
 * How Argo Rollouts v1.9.1 builds and starts an AnalysisRun from templates (`utils/analysis/helpers.go`
 * `NewAnalysisRunFromTemplates`, `FlattenTemplates`, `MergeArgs`; `utils/analysis/factory.go`
 * `ResolveMetricArgs`, `ValidateMetrics`, `ValidateMetric`; `utils/template/template.go` fasttemplate
 * substitution), on templates as decoded YAML. Errors carry the controller's wording.
 */

/** An analysis template as the run sees it. */
export interface TemplateSpec {
  readonly name: string;
  readonly clusterScope: boolean;
  readonly spec: any;
}

/** An argument: `value` is set (possibly '') or not; `valueFrom` as written. */
export interface Arg {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: any;
}

export function argsOf(list: unknown): Arg[] {
  return (arr(list) ?? []).map((a: any) => ({
    name: str(a?.name),
    value: typeof a?.value === 'string' ? a.value : undefined,
    valueFrom: present(a?.valueFrom) ? a.valueFrom : undefined,
  }));
}

/** FlattenTemplates: every metric, dry-run and retention rule and argument of the templates, in order. */
export function flattenTemplates(templates: TemplateSpec[]): { metrics: any[]; dryRun: any[]; retention: any[]; args: Arg[] } | string {
  const ordered = [...templates.filter(t => !t.clusterScope), ...templates.filter(t => t.clusterScope)];
  const metrics = ordered.flatMap(t => arr(t.spec?.metrics) ?? []);
  const seen = new Set<string>();
  for (const m of metrics) {
    if (seen.has(str(m?.name))) return `two metrics have the same name '${str(m?.name)}'`;
    seen.add(str(m?.name));
  }
  const dryRun = ordered.flatMap(t => arr(t.spec?.dryRun) ?? []);
  const dupDry = duplicateRule(dryRun);
  if (dupDry !== undefined) return `two Dry-Run metric rules have the same name '${dupDry}'`;
  const retention = ordered.flatMap(t => arr(t.spec?.measurementRetention) ?? []);
  const dupRet = duplicateRule(retention);
  if (dupRet !== undefined) return `two Measurement Retention metric rules have the same name '${dupRet}'`;
  const args: Arg[] = [];
  for (const a of ordered.flatMap(t => argsOf(t.spec?.args))) {
    const i = args.findIndex(p => p.name === a.name);
    if (i < 0) {
      args.push(a);
      continue;
    }
    const prev = args[i];
    if (prev.value !== undefined && a.value !== undefined && prev.value !== a.value) {
      return `Argument \`${a.name}\` specified multiple times with different values: '${prev.value}', '${a.value}'`;
    }
    if (prev.value === undefined) args[i] = a;
  }
  return { metrics, dryRun, retention, args };
}

function duplicateRule(rules: any[]): string | undefined {
  const seen = new Set<string>();
  for (const r of rules) {
    const name = str(r?.metricName);
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/** MergeArgs: incoming values (or valueFrom) override template arguments by name; an unresolved one is an error. */
export function mergeArgs(incoming: Arg[], templateArgs: Arg[]): Arg[] | string {
  const merged = templateArgs.map(a => ({ ...a }));
  for (const a of incoming) {
    const i = merged.findIndex(m => m.name === a.name);
    if (i < 0) continue;
    if (a.value !== undefined) merged[i] = { ...merged[i], value: a.value };
    else if (a.valueFrom !== undefined) merged[i] = { ...merged[i], valueFrom: a.valueFrom };
  }
  for (const a of merged) if (a.value === undefined && a.valueFrom === undefined) return `args.${a.name} was not resolved`;
  return merged;
}

/** NewAnalysisRunFromTemplates, up to the errors it can return. */
export function newAnalysisRunFromTemplates(templates: TemplateSpec[], args: Arg[], dryRun: any[], retention: any[]): string | undefined {
  const flat = flattenTemplates(templates);
  if (typeof flat === 'string') return flat;
  const merged = mergeArgs(args, flat.args);
  if (typeof merged === 'string') return merged;
  const dupDry = duplicateRule([...dryRun, ...flat.dryRun]);
  if (dupDry !== undefined) return `two Dry-Run metric rules have the same name '${dupDry}'`;
  const dupRet = duplicateRule([...retention, ...flat.retention]);
  if (dupRet !== undefined) return `two Measurement Retention metric rules have the same name '${dupRet}'`;
  return undefined;
}

/**
 * The Go structs a Metric marshals through (`pkg/apis/rollouts/v1alpha1/analysis_types.go`), as field orders:
 * `json.Marshal` writes struct fields in declaration order, map keys sorted, and drops fields the struct does not
 * have. The order decides which unresolved tag `resolve` reports (the last one). `json.RawMessage` values (plugin
 * configuration, web `jsonBody`) are the API server's JSON, whose keys are sorted; the job provider's Kubernetes
 * JobSpec is kept as written (its field order is not modelled).
 */
type GoShape = 'leaf' | 'intstr' | 'raw' | { readonly fields: readonly (readonly [string, GoShape])[] } | { readonly list: GoShape } | { readonly map: GoShape };
const struct = (...fields: (readonly [string, GoShape])[]): GoShape => ({ fields });
const HEADERS: GoShape = { list: struct(['key', 'leaf'], ['value', 'leaf']) };
const AUTHENTICATION = struct(
  ['sigv4', struct(['region', 'leaf'], ['profile', 'leaf'], ['roleArn', 'leaf'])],
  ['oauth2', struct(['tokenUrl', 'leaf'], ['clientId', 'leaf'], ['clientSecret', 'leaf'], ['scopes', 'leaf'])],
);
const SCOPE_DETAIL = struct(['scope', 'leaf'], ['region', 'leaf'], ['step', 'leaf'], ['start', 'leaf'], ['end', 'leaf']);
const PROVIDER = struct(
  ['prometheus', struct(['address', 'leaf'], ['query', 'leaf'], ['authentication', AUTHENTICATION], ['timeout', 'leaf'], ['insecure', 'leaf'],
    ['headers', HEADERS], ['rangeQuery', struct(['start', 'leaf'], ['end', 'leaf'], ['step', 'leaf'])])],
  ['kayenta', struct(['address', 'leaf'], ['application', 'leaf'], ['canaryConfigName', 'leaf'], ['metricsAccountName', 'leaf'],
    ['configurationAccountName', 'leaf'], ['storageAccountName', 'leaf'], ['threshold', struct(['pass', 'leaf'], ['marginal', 'leaf'])],
    ['scopes', { list: struct(['name', 'leaf'], ['controlScope', SCOPE_DETAIL], ['experimentScope', SCOPE_DETAIL]) }], ['lookback', 'leaf'])],
  ['web', struct(['method', 'leaf'], ['url', 'leaf'], ['headers', HEADERS], ['body', 'leaf'], ['timeoutSeconds', 'leaf'], ['jsonPath', 'leaf'],
    ['insecure', 'leaf'], ['jsonBody', 'raw'], ['authentication', AUTHENTICATION])],
  ['datadog', struct(['interval', 'leaf'], ['query', 'leaf'], ['queries', { map: 'leaf' }], ['formula', 'leaf'], ['apiVersion', 'leaf'],
    ['aggregator', 'leaf'], ['secretRef', struct(['name', 'leaf'], ['namespaced', 'leaf'])])],
  ['wavefront', struct(['address', 'leaf'], ['query', 'leaf'])],
  ['newRelic', struct(['profile', 'leaf'], ['query', 'leaf'], ['timeout', 'leaf'])],
  ['job', struct(['metadata', 'leaf'], ['spec', 'leaf'])],
  ['cloudWatch', struct(['interval', 'leaf'], ['metricDataQueries', {
    list: struct(['id', 'leaf'], ['expression', 'leaf'], ['label', 'leaf'], ['metricStat', struct(
      ['metric', struct(['dimensions', { list: struct(['name', 'leaf'], ['value', 'leaf']) }], ['metricName', 'leaf'], ['namespace', 'leaf'])],
      ['period', 'intstr'], ['stat', 'leaf'], ['unit', 'leaf'])], ['period', 'intstr'], ['returnData', 'leaf']),
  }])],
  ['graphite', struct(['address', 'leaf'], ['query', 'leaf'])],
  ['influxdb', struct(['profile', 'leaf'], ['query', 'leaf'])],
  ['skywalking', struct(['address', 'leaf'], ['query', 'leaf'], ['interval', 'leaf'])],
  ['plugin', { map: 'raw' }],
);
const PROVIDER_FIELDS = (PROVIDER as { fields: readonly (readonly [string, GoShape])[] }).fields.map(([k]) => k);
const METRIC = struct(['name', 'leaf'], ['interval', 'leaf'], ['initialDelay', 'leaf'], ['count', 'intstr'], ['successCondition', 'leaf'],
  ['failureCondition', 'leaf'], ['failureLimit', 'intstr'], ['inconclusiveLimit', 'intstr'], ['consecutiveErrorLimit', 'intstr'],
  ['provider', PROVIDER], ['consecutiveSuccessLimit', 'intstr']);

/** Decoded YAML rearranged as json.Marshal of the Go type writes it (nulls and unknown fields dropped). */
function goOrdered(v: unknown, shape: GoShape): unknown {
  if (v === null || v === undefined) return undefined;
  if (shape === 'leaf' || shape === 'intstr') return v;
  if (shape === 'raw') return sortedDeep(v);
  if ('list' in shape) return Array.isArray(v) ? v.map(e => goOrdered(e, shape.list) ?? null) : v;
  const o = obj(v);
  if (!o) return v;
  const out: Record<string, unknown> = {};
  if ('map' in shape) {
    for (const k of Object.keys(o).sort()) out[k] = goOrdered(o[k], shape.map) ?? null;
    return out;
  }
  for (const [k, s] of shape.fields) {
    const e = goOrdered(o[k], s);
    // An empty string is omitted (omitempty); an IntOrString pointer holding "" is not.
    if (e !== undefined && (e !== '' || s === 'intstr')) out[k] = e;
  }
  return out;
}

function sortedDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedDeep);
  const o = obj(v);
  if (!o) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) out[k] = sortedDeep(o[k]);
  return out;
}

/** encoding/json of a Metric: its fields in Go's order (omitting empty ones; `name` and `provider` always). */
function metricJson(metric: any): string {
  const m = (goOrdered(obj(metric) ?? {}, METRIC) ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = { name: str(metric?.name) };
  for (const [k] of (METRIC as { fields: readonly (readonly [string, GoShape])[] }).fields) {
    if (k === 'provider') out.provider = m.provider ?? {};
    else if (k !== 'name' && k in m) out[k] = m[k];
  }
  return goJson(out);
}

/**
 * ResolveMetricArgs: `{{args.x}}` substituted (Go-quoted) over the metric's JSON, then decoded. An argument
 * without a value fails first, then the last unresolved tag. (The template always parses: the JSON ends in the
 * provider's `}}`, so an unclosed `{{` runs to it and is an unresolved tag.)
 */
export function resolveMetricArgs(metric: any, args: Arg[]): { metric: any } | { error: string } {
  const text = metricJson(metric);
  const values = new Map<string, string>();
  for (const a of args) {
    if (a.value === undefined) return { error: `argument "${a.name}" was not supplied` };
    values.set(`args.${a.name}`, goQuote(a.value).slice(1, -1));
  }
  const resolved = fasttemplate(text, values);
  if ('error' in resolved) return resolved;
  try {
    return { metric: JSON.parse(resolved.text) };
  } catch (e) {
    return { error: goJsonEscapeError(resolved.text) ?? (e as Error).message };
  }
}

/**
 * encoding/json's error for the one way substitution breaks the JSON: strconv.Quote escapes (`\a`, `\v`,
 * `\x7f`, `\U0001…`) that JSON has no escape for.
 */
function goJsonEscapeError(text: string): string | undefined {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!inString) { inString = c === '"'; continue; }
    if (c === '"') { inString = false; continue; }
    if (c !== '\\') continue;
    const e = text[++i];
    if (e === 'u') {
      for (let j = 1; j <= 4; j++) {
        if (!/[0-9a-fA-F]/.test(text[i + j] ?? '')) return `invalid character ${goQuoteChar(text[i + j] ?? '')} in \\u hexadecimal character escape`;
      }
      i += 4;
    } else if (!'"\\/bfnrt'.includes(e)) {
      return `invalid character ${goQuoteChar(e)} in string escape code`;
    }
  }
  return undefined;
}

/** encoding/json's quoteChar. */
function goQuoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  return `'${goQuote(c).slice(1, -1)}'`;
}

/** valyala/fasttemplate with `{{`/`}}`, as utils/template `resolve` uses it: the last unresolved tag is the error. */
export function fasttemplate(text: string, values: ReadonlyMap<string, string>): { text: string } | { error: string } {
  let out = '';
  let rest = text;
  let error: string | undefined;
  for (;;) {
    const start = rest.indexOf('{{');
    if (start < 0) { out += rest; break; }
    out += rest.slice(0, start);
    const after = rest.slice(start + 2);
    const end = after.indexOf('}}');
    if (end < 0) return { error: `Cannot find end tag="}}" in the template=${goQuote(text)} starting from ${goQuote(after)}` };
    const tag = after.slice(0, end);
    const value = values.get(tag.trim());
    if (value !== undefined) out += value;
    else error = `failed to resolve {{${tag}}}`;
    rest = after.slice(end + 2);
  }
  return error !== undefined ? { error } : { text: out };
}

/** Metric.EffectiveCount: count unset or 0 means 1 without an interval, unbounded (undefined) with one. */
export function effectiveCount(metric: any): IntOrString | undefined {
  const count = intOrString(metric?.count);
  if (count === undefined || intValue(count) === 0) return str(metric?.interval) === '' ? { int: 1 } : undefined;
  return count;
}

/** ValidateMetrics: at least one metric, unique names, each valid. */
export function validateMetrics(metrics: any[]): string | undefined {
  if (metrics.length === 0) return 'no metrics specified';
  const names = new Set<string>();
  for (let i = 0; i < metrics.length; i++) {
    const name = str(metrics[i]?.name);
    if (names.has(name)) return `metrics[${i}]: duplicate name '${name}'`;
    names.add(name);
    const e = validateMetric(metrics[i]);
    if (e) return `metrics[${i}]: ${e}`;
  }
  return undefined;
}

/** ValidateMetric. */
export function validateMetric(metric: any): string | undefined {
  const iv = (k: string) => {
    const v = intOrString(metric?.[k]);
    return v === undefined ? 0 : intValue(v);
  };
  const count = iv('count');
  const failureLimit = iv('failureLimit');
  const consecutiveSuccessLimit = iv('consecutiveSuccessLimit');
  const inconclusiveLimit = iv('inconclusiveLimit');
  if (consecutiveSuccessLimit < 0) return 'consecutiveSuccessLimit must be >= 0';
  if (failureLimit < -1) return 'failureLimit must be >= 0, or -1 to be disabled';
  if (consecutiveSuccessLimit === 0 && failureLimit === -1) return 'failureLimit and consecutiveSuccessLimit cannot both be disabled';
  if (inconclusiveLimit < 0) return 'inconclusiveLimit must be >= 0';
  if (present(metric?.consecutiveErrorLimit) && iv('consecutiveErrorLimit') < 0) return 'consecutiveErrorLimit must be >= 0';
  if (count > 0) {
    if (consecutiveSuccessLimit >= 0 && failureLimit >= 0) {
      if (count < failureLimit + consecutiveSuccessLimit) {
        return `count (${count}) must be >= failureLimit + consecutiveSuccessLimit (${failureLimit} + ${consecutiveSuccessLimit}) if both >= 0`;
      }
    } else if (consecutiveSuccessLimit >= 0 && failureLimit < 0) {
      if (count < consecutiveSuccessLimit) return 'count must be >= consecutiveSuccessLimit';
    }
    if (count < inconclusiveLimit) return 'count must be >= inconclusiveLimit';
  }
  const interval = str(metric?.interval);
  if (count > 1 && interval === '') return 'interval must be specified when count > 1';
  if (interval !== '') {
    const d = parseGoDuration(interval);
    if (d.error !== undefined) return `invalid interval string: ${d.error}`;
  }
  const initialDelay = str(metric?.initialDelay);
  if (initialDelay !== '') {
    const d = parseGoDuration(initialDelay);
    if (d.error !== undefined) return `invalid startDelay string: ${d.error}`;
  }
  const provider = obj(metric?.provider) ?? {};
  let providers = PROVIDER_FIELDS.filter(k => k !== 'plugin' && present(provider[k])).length;
  providers += Object.keys(obj(provider.plugin) ?? {}).length;
  if (providers === 0) return 'no provider specified';
  if (providers > 1) return 'multiple providers specified';
  return undefined;
}

/** GetDryRunMetrics / GetMeasurementRetentionMetrics: every rule (a Go regexp, unanchored) must match a metric. */
export function unmatchedRule(rules: any[], metrics: any[], what: 'dryRun' | 'measurementRetention'): string | undefined {
  for (let i = 0; i < rules.length; i++) {
    if (!metrics.some(m => ruleMatches(str(rules[i]?.metricName), str(m?.name)))) return `${what}[${i}]: Rule didn't match any metric name(s)`;
  }
  return undefined;
}

/** regexp.MatchString(rule, metricName) with Go's RE2; a pattern Go cannot compile matches nothing. */
export function ruleMatches(pattern: string, metricName: string): boolean {
  try {
    return compileRegexp(pattern).matchString(metricName);
  } catch (e) {
    if (e instanceof RegexpSyntaxError) return false;
    throw e;
  }
}

/**
 * What the AnalysisRun controller reports when it starts a run of these templates (`reconcileAnalysisRun`):
 * secret arguments stand in as a placeholder, then metric arguments are resolved and the metrics validated.
 */
export function analysisRunStartError(metrics: any[], args: Arg[], dryRun: any[], retention: any[]): string | undefined {
  const runArgs = args.map(a => (a.valueFrom?.secretKeyRef ? { name: a.name, value: 'temp-for-secret' } : a));
  const resolved: any[] = [];
  for (const m of metrics) {
    const r = resolveMetricArgs(m, runArgs);
    if ('error' in r) return `Unable to resolve metric arguments: ${r.error}`;
    resolved.push(r.metric);
  }
  const invalid = validateMetrics(resolved) ?? unmatchedRule(dryRun, resolved, 'dryRun') ?? unmatchedRule(retention, resolved, 'measurementRetention');
  return invalid ? `Analysis spec invalid: ${invalid}` : undefined;
}
