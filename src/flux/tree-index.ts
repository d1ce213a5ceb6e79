/**
 * The rendered files of a tree by directory, for deciding how Flux deploys a directory Argo CD would deploy:
 * plain manifests or a kustomization, a Helm chart, SOPS files behind a ksops generator, and the objects'
 * namespaces and Argo CD annotations.
 */
import type { TreeEntry } from '../gitops/fleet-model';
import { KindScopes } from '../private/kinds';
import { normalizeTreePath } from '../private/placement';
import { compareCodeUnits } from '../private/util';
import { tryParseYamlDocument } from '../private/yaml-input';

/** An object of a directory (a summary for rendered workload objects; the whole object when it matters). */
export interface IndexedObject {
  readonly path: string;
  readonly object: any;
  /** The file's text, when known. */
  readonly content?: string;
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
/** Kustomize resources are followed this deep at most (a cycle, or a hostile tree, ends there). */
const MAX_DEPTH = 20;

export class TreeIndex {
  private readonly byDir = new Map<string, TreeEntry[]>();
  private readonly parsed = new Map<string, any>();
  private children?: Map<string, string[]>;

  public constructor(entries: readonly TreeEntry[], private readonly scopes: KindScopes) {
    for (const e of entries) {
      const dir = e.path.slice(0, Math.max(0, e.path.lastIndexOf('/')));
      const list = this.byDir.get(dir) ?? [];
      list.push(e);
      this.byDir.set(dir, list);
    }
  }

  /** The entries directly in a directory. */
  public filesIn(dir: string): TreeEntry[] {
    return this.byDir.get(dir) ?? [];
  }

  /** Whether any file is at or below a directory. */
  public hasDirectory(dir: string): boolean {
    if (this.byDir.has(dir)) return true;
    for (const d of this.byDir.keys()) if (d.startsWith(`${dir}/`)) return true;
    return false;
  }

  /** Whether a file name is in the directory. */
  public has(dir: string, fileName: string): boolean {
    return this.filesIn(dir).some(e => e.path === `${dir}/${fileName}`);
  }

  /** The kustomization file of a directory, parsed, if it has one. */
  public kustomization(dir: string): any {
    const e = KUSTOMIZATION_FILES.map(f => this.filesIn(dir).find(x => x.path === `${dir}/${f}`)).find(Boolean);
    return e ? this.full(e) ?? {} : undefined;
  }

  /** YAML files below the directory's own level (what Flux's generated kustomization would also read). */
  public nestedYamlFiles(dir: string): string[] {
    const out: string[] = [];
    for (const [d, entries] of this.byDir) {
      if (d.startsWith(`${dir}/`)) for (const e of entries) if (/\.ya?ml$/.test(e.path)) out.push(e.path);
    }
    return out.sort();
  }

  /** The directories directly below a directory, in code-unit order (Go's `filepath.Walk` is lexical). */
  public subdirectories(dir: string): string[] {
    if (!this.children) {
      const children = new Map<string, Set<string>>();
      for (const d of this.byDir.keys()) {
        for (let child = d, slash = d.lastIndexOf('/'); slash > 0; child = child.slice(0, slash), slash = child.lastIndexOf('/')) {
          const parent = child.slice(0, slash);
          const set = children.get(parent) ?? new Set<string>();
          if (set.has(child)) break; // its ancestors are linked already
          set.add(child);
          children.set(parent, set);
        }
      }
      this.children = new Map([...children].map(([k, v]) => [k, [...v].sort(compareCodeUnits)]));
    }
    return this.children.get(dir) ?? [];
  }

  /**
   * The objects a directory deploys as Kustomize builds it (resources followed through directories, plain file
   * resources, ksops generators' files); without a kustomization, as kustomize-controller's generated one reads
   * it (fluxcd/pkg kustomize/v1.35.4 kustomize_generator.go `scanManifests`): its .yaml/.yml files at every
   * level below, a subdirectory with a kustomization of its own built as one and not descended into.
   */
  public objectsOf(dir: string): IndexedObject[] {
    const out: IndexedObject[] = [];
    const seen = new Set<string>();
    const scan = (d: string) => {
      for (const e of this.filesIn(d)) if (/\.ya?ml$/.test(e.path) && e.object) out.push({ path: e.path, object: e.object, content: e.content });
      for (const sub of this.subdirectories(d)) {
        if (this.kustomization(sub)) visit(sub, 1);
        else scan(sub);
      }
    };
    const visit = (d: string, depth: number) => {
      if (depth > MAX_DEPTH || seen.has(d)) return;
      seen.add(d);
      const k = this.kustomization(d);
      if (!k) {
        if (depth === 0) scan(d);
        else for (const e of this.filesIn(d)) if (/\.ya?ml$/.test(e.path) && e.object) out.push({ path: e.path, object: e.object, content: e.content });
        return;
      }
      for (const r of [...arrayOf(k.resources), ...arrayOf(k.bases), ...arrayOf(k.components)]) {
        if (typeof r !== 'string' || /^[a-z][a-z0-9+.-]*:\/\//i.test(r) || r.startsWith('git@')) continue;
        const target = normalizeTreePath(`${d}/${r}`);
        if (target === undefined) continue;
        const files = this.entriesAt(target);
        if (files.length) for (const e of files) out.push({ path: e.path, object: e.object, content: e.content });
        else visit(target, depth + 1);
      }
      for (const g of arrayOf(k.generators)) {
        const target = normalizeTreePath(`${d}/${g}`);
        for (const gen of target === undefined ? [] : this.entriesAt(target)) {
          const o = this.full(gen);
          if (o?.kind !== 'ksops') continue;
          for (const f of arrayOf(o.files)) {
            const file = normalizeTreePath(`${d}/${f}`);
            for (const e of file === undefined ? [] : this.entriesAt(file)) out.push({ path: e.path, object: e.object, content: e.content });
          }
        }
      }
    };
    visit(dir, 0);
    return out;
  }

  /** The whole object of an entry (rendered workload entries carry a summary and their file's text), parsed once per text. */
  public full(e: { readonly path: string; readonly object: any; readonly content?: string }): any {
    const content = (e as any).content as string | undefined;
    if (content === undefined) return e.object;
    let parsed = this.parsed.get(content);
    if (parsed === undefined) {
      parsed = tryParseYamlDocument(content) ?? null;
      this.parsed.set(content, parsed);
    }
    return parsed ?? e.object;
  }

  /** The entry of a file path. */
  public entriesAt(path: string): TreeEntry[] {
    const dir = path.slice(0, Math.max(0, path.lastIndexOf('/')));
    return this.filesIn(dir).filter(e => e.path === path);
  }

  /** Whether objects of a kind are namespaced (`KindScopes`: built-in list, the tree's CRDs, declared kinds). */
  public isNamespaced(apiVersion: string, kind: string): boolean {
    return !this.scopes.isClusterScoped(apiVersion, kind);
  }
}

function arrayOf(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}
