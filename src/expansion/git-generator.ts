/**
 * Argo CD v3.5.1's git generator (applicationset/generators/git.go) over a checkout known offline: the
 * directories and files the repo server would list (git-match.ts), `path.Match` filtering with exclusions
 * winning, and the parameters built from each directory or from each JSON/YAML file (flattened with
 * jeremywohl/flatten in fasttemplate mode, nested in Go-template mode, `path.*` and `pathParamPrefix`).
 */
import { BadGitPatternError, comparePaths, gitDirectories, globFiles, lsFiles } from './git-match';
import { pathBase, pathDir, pathMatch, BadPatternError } from './go-path';
import { parseGoYamlDocument } from './go-yaml';
import { fromJson, GO_TYPES, GoMap, GoValue, isMap, normalizeName, sprint, stringSlice } from './gotemplate';
import { setKey } from './gotemplate/sprig-lists';

/** What the git generator needs to know about one repository: its files at the revision, and how the repo server lists them. */
export interface GitCheckout {
  /** Every file (slash-separated path from the root) and its content. */
  readonly files: ReadonlyMap<string, string>;
  /** The repo server's `--include-hidden-directories`. */
  readonly includeHiddenDirectories?: boolean;
  /** The ApplicationSet controller's `--enable-new-git-file-globbing`. */
  readonly newGitFileGlobbing?: boolean;
}

/** A failure Argo CD reports for the git generator (its message is Argo CD's). */
export class GitGeneratorError extends Error {}

type AppendValues = (params: GoMap, file?: string) => void;

/** The parameter sets of a git generator, given the checkout of its repository. */
export function gitGeneratorParams(g: any, checkout: GitCheckout, goTemplate: boolean, appendValues: AppendValues): GoMap[] {
  const repoURL = String(g.repoURL ?? '');
  const revision = String(g.revision ?? '');
  if (Array.isArray(g.directories) && g.directories.length > 0) {
    return gitDirectoryParams(g, gitDirectories(checkout.files.keys(), checkout.includeHiddenDirectories), goTemplate, appendValues);
  }
  const getFiles = (pattern: string): ReadonlyMap<string, string> => {
    let paths: string[];
    try {
      if (checkout.newGitFileGlobbing) {
        paths = globFiles(checkout.files.keys(), gitDirectories(checkout.files.keys(), true), pattern);
        const dir = paths.find(m => !checkout.files.has(m));
        if (dir !== undefined) {
          throw new GitGeneratorError(`error retrieving Git files: rpc error: code = Internal desc = unable to read files. repo ${repoURL} with revision ${revision} pattern ${pattern}: read ${dir}: is a directory`);
        }
      } else {
        paths = lsFiles(checkout.files.keys(), pattern === '' ? '.' : pattern);
      }
    } catch (e) {
      if (e instanceof BadGitPatternError) {
        throw new GitGeneratorError(`error retrieving Git files: rpc error: code = Internal desc = unable to list files. repo ${repoURL} with revision ${revision} pattern ${pattern}: ${e.message}`);
      }
      throw e;
    }
    return new Map(paths.map(p => [p, checkout.files.get(p)!]));
  };
  return gitFileParams(g, getFiles, goTemplate, appendValues);
}

/** generateParamsForGitDirectories after the repo server answered with `allPaths`. */
export function gitDirectoryParams(g: any, allPaths: readonly string[], goTemplate: boolean, appendValues: AppendValues): GoMap[] {
  const prefix = typeof g.pathParamPrefix === 'string' ? g.pathParamPrefix : '';
  return filterApps(g.directories ?? [], allPaths).map(dir => {
    const params = directoryParams(dir, prefix, goTemplate);
    appendValues(params);
    return params;
  });
}

/**
 * generateParamsForGitFiles, with `getFiles(pattern)` standing for the repo server's GetGitFiles: every include
 * pattern's files, minus every exclude pattern's, in path order; each file parsed into one or more param sets.
 */
type GetFiles = (pattern: string) => ReadonlyMap<string, string>;

export function gitFileParams(g: any, getFiles: GetFiles, goTemplate: boolean, appendValues: AppendValues): GoMap[] {
  const repoURL = String(g.repoURL ?? '');
  const prefix = typeof g.pathParamPrefix === 'string' ? g.pathParamPrefix : '';
  const files: any[] = Array.isArray(g.files) ? g.files : [];
  if (files.length === 0) throw new GitGeneratorError('generator is empty');
  const selected = new Map<string, string>();
  for (const f of files.filter(x => !x?.exclude)) for (const [p, c] of getFiles(String(f?.path ?? ''))) selected.set(p, c);
  for (const f of files.filter(x => x?.exclude)) for (const p of getFiles(String(f?.path ?? '')).keys()) selected.delete(p);
  const out: GoMap[] = [];
  for (const path of [...selected.keys()].sort(comparePaths)) {
    let objects: (GoMap | null)[];
    try {
      objects = parseGitFile(selected.get(path)!);
    } catch (e) {
      throw new GitGeneratorError(`error generating params from git: unable to process file '${path}' from repository '${repoURL}': unable to parse file: ${(e as Error).message}`);
    }
    for (const obj of objects) {
      const params = fileParams(obj, path, prefix, goTemplate);
      appendValues(params, path);
      out.push(params);
    }
  }
  return out;
}

/** filterApps: a directory is kept when an include pattern matches it and no exclude pattern does. */
function filterApps(requested: any[], all: readonly string[]): string[] {
  return all.filter(dir => {
    let include = false;
    let exclude = false;
    for (const r of requested) {
      let match: boolean;
      try {
        match = pathMatch(String(r?.path ?? ''), dir);
      } catch (e) {
        if (e instanceof BadPatternError) continue; // Argo CD logs the bad pattern and skips it
        throw e;
      }
      if (match && !r?.exclude) include = true;
      if (match && r?.exclude) exclude = true;
    }
    return include && !exclude;
  });
}

function directoryParams(dir: string, prefix: string, goTemplate: boolean): GoMap {
  const params: GoMap = {};
  const base = pathBase(dir);
  if (goTemplate) {
    const p: GoMap = { path: dir, basename: base, basenameNormalized: normalizeName(base), segments: stringSlice(dir.split('/')) };
    setKey(params, prefix || 'path', prefix ? { path: p } : p);
  } else {
    const name = prefix ? `${prefix}.path` : 'path';
    setKey(params, name, dir);
    setKey(params, `${name}.basename`, base);
    setKey(params, `${name}.basenameNormalized`, normalizeName(base));
    dir.split('/').forEach((s, i) => { if (s) setKey(params, `${name}[${i}]`, s); });
  }
  return params;
}

function fileParams(obj: GoMap | null, file: string, prefix: string, goTemplate: boolean): GoMap {
  const params: GoMap = {};
  const dir = pathDir(file);
  const base = pathBase(dir);
  const filename = pathBase(file);
  if (goTemplate) {
    for (const k of Object.keys(obj ?? {})) setKey(params, k, obj![k]);
    const p: GoMap = {
      path: dir,
      basename: base,
      filename,
      basenameNormalized: normalizeName(base),
      filenameNormalized: normalizeName(filename),
      segments: stringSlice(dir.split('/')),
    };
    setKey(params, prefix || 'path', prefix ? { path: p } : p);
  } else {
    const flat = flattenObject(obj ?? {});
    for (const k of Object.keys(flat)) setKey(params, k, flat[k]);
    const name = prefix ? `${prefix}.path` : 'path';
    setKey(params, name, dir);
    setKey(params, `${name}.basename`, base);
    setKey(params, `${name}.filename`, filename);
    setKey(params, `${name}.basenameNormalized`, normalizeName(base));
    setKey(params, `${name}.filenameNormalized`, normalizeName(filename));
    dir.split('/').forEach((s, i) => { if (s) setKey(params, `${name}[${i}]`, s); });
  }
  return params;
}

/**
 * A Git file's parameter objects: sigs.k8s.io/yaml into a map first (an empty file is one empty object), else
 * into a list of maps; JSON is YAML. Only the first YAML document counts.
 */
export function parseGitFile(content: string): (GoMap | null)[] {
  let parsed: unknown;
  try {
    parsed = parseGoYamlDocument(content);
  } catch (e) {
    // sigs.k8s.io/yaml.Unmarshal's wrapping (the text after it is the YAML parser's own).
    throw new Error(`error converting YAML to JSON: ${(e as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return [null];
  if (isMap(parsed as GoValue) && !Array.isArray(parsed)) return [fromJson(parsed) as GoMap];
  if (Array.isArray(parsed)) {
    return parsed.map(e => {
      if (e === null) return null;
      if (typeof e !== 'object' || Array.isArray(e)) {
        throw new Error(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(e)} into Go value of type map[string]interface {}`);
      }
      return fromJson(e) as GoMap;
    });
  }
  throw new Error(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(parsed)} into Go value of type []map[string]interface {}`);
}

function jsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/**
 * jeremywohl/flatten (DotStyle) then fmt's %v: nested maps and []interface{} become dotted keys (`a.b.0`),
 * empty ones vanish; typed containers (a []string, a map[string]string) stay one value printed with %v.
 */
export function flattenObject(obj: GoMap, normalizeStringMaps = false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (prefix: string, v: GoValue, top: boolean, normalize: boolean): void => {
    const key = (k: string) => (top ? k : `${prefix}.${k}`);
    if (isMap(v) && (GO_TYPES.get(v) === undefined || normalize && GO_TYPES.get(v) === 'map[string]string')) {
      for (const k of Object.keys(v)) assign(key(k), v[k], normalize);
    } else if (Array.isArray(v) && GO_TYPES.get(v) === undefined) {
      v.forEach((e, i) => assign(key(String(i)), e, false));
    }
  };
  const assign = (k: string, v: GoValue, normalize: boolean): void => {
    if (isMap(v) && (GO_TYPES.get(v) === undefined || normalize && GO_TYPES.get(v) === 'map[string]string') || Array.isArray(v) && GO_TYPES.get(v) === undefined) {
      walk(k, v, false, normalize && isMap(v));
    } else {
      setKey(out as GoMap, k, typeof v === 'string' ? v : sprint([v]));
    }
  };
  walk('', obj, true, normalizeStringMaps);
  return out;
}
