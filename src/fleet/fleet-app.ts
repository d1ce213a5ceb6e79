import * as path from 'path';
import { App, AppProps } from 'cdk8s';
import { planText } from '../gitops/plan';
import { renderTree } from '../gitops/render';
import { writeTree } from '../gitops/tree-writer';

/**
 * Props for `FleetApp`. Of the cdk8s `AppProps`, `outdir` and `resolvers` apply; `yamlOutputType` and
 * `outputFileExtension` do not, because the GitOps tree has its own layout.
 */
export interface FleetAppProps extends AppProps {
  /**
   * Kinds, as `apiVersion/kind` (e.g. `'example.com/v1/Widget'`), that the pinned schemas do not cover and
   * that may be written without schema validation. Any other unknown kind is an error.
   * @default - none
   */
  readonly unvalidatedKinds?: string[];
}

/** What `FleetApp.synthTree()` did. */
export interface FleetSynthResult {
  /** The tree's directory (absolute). */
  readonly outdir: string;
  /** How many objects the tree holds (one per file). */
  readonly objectCount: number;
  /** Files written because they are new or changed. */
  readonly written: string[];
  /** Managed files deleted because the program no longer produces them. */
  readonly deleted: string[];
  /** Files left as they were because their bytes did not change. */
  readonly unchangedCount: number;
  /** What was done about an earlier interrupted synth, if one was found. */
  readonly recovered?: string;
  /** A short plan: per cluster, the Applications deployed to it, their sources, versions and images. */
  readonly plan: string;
  /** Milliseconds spent rendering and validating every object in memory. */
  readonly renderMilliseconds: number;
  /** Milliseconds spent writing the tree. */
  readonly writeMilliseconds: number;
}

/**
 * A cdk8s App whose `synth()` writes the fleet's GitOps tree: `bootstrap/`, `argocd/<fleet>/…` and
 * `clusters/<cluster>/<app>/…`, one object per file. Everything is validated first; on any error nothing is
 * written. It honours `outdir` and `CDK8S_OUTDIR`, so `cdk8s synth` works with a standard cdk8s.yaml.
 *
 * @example
 * const app = new FleetApp({ outdir: 'gitops' });
 * // … new Fleet(app, 'platform', { … }) …
 * app.synth();
 */
export class FleetApp extends App {
  private readonly unvalidatedKinds: Set<string>;

  public constructor(props: FleetAppProps = {}) {
    super(props);
    this.unvalidatedKinds = new Set(props.unvalidatedKinds ?? []);
  }

  /** Writes the GitOps tree to `outdir`. Throws, writing nothing, if anything is invalid. */
  public override synth(): void {
    this.synthTree();
  }

  /** Renders every file of the tree in memory, `{ path: yaml }`, without writing anything. Throws if anything is invalid. */
  public renderFiles(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of this.render()) out[f.path] = f.content;
    return out;
  }

  /** Writes the GitOps tree and reports what changed. Throws, writing nothing, if anything is invalid. */
  public synthTree(): FleetSynthResult {
    const started = Date.now();
    const files = this.render();
    const rendered = Date.now();
    const outdir = path.resolve(this.outdir);
    const result = writeTree(outdir, new Map(files.map(f => [f.path, f.content])), { hashes: new Map(files.map(f => [f.path, f.hash])) });
    const written = Date.now();
    return {
      outdir,
      objectCount: files.length,
      written: result.written,
      deleted: result.deleted,
      unchangedCount: result.unchanged,
      recovered: result.recovered,
      plan: planText(files),
      renderMilliseconds: rendered - started,
      writeMilliseconds: written - rendered,
    };
  }

  private render() {
    const { files, errors } = renderTree(this, { validateSchemas: true, unvalidatedKinds: this.unvalidatedKinds });
    if (errors.length > 0) {
      throw new Error(`Validation failed with the following errors (nothing was written):\n  ${errors.join('\n  ')}`);
    }
    return files;
  }
}
