import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps, YamlOutputType } from 'cdk8s';
import { Fleet } from './fleet';
import { AppProject } from '../argocd/app-project';
import { Application } from '../argocd/application';
import { ApplicationSet } from '../argocd/application-set';
import type { FleetModel, TreeEntry } from '../gitops/fleet-model';
import type { FleetPlan } from '../gitops/fleet-plan';
import type { RenderedFile } from '../gitops/render';
import type { PlanMemo, VerdictCache } from '../gitops/verdict-cache';
import { show, throwIfInvalid } from '../private/errors';
import { FLEET_APP_SYMBOL } from '../private/fleet-app-marker';
import { CLUSTER_SCOPED_KINDS_FILE, GROUP_KIND } from '../private/kinds';
import {
  controllerShardsModule, fleetModelModule, fleetPlanModule, fleetProofsModule, fluxRenderModule, renderModule, shardPlanModule, treeCheckModule,
  treeWriterModule, verdictCacheModule,
} from '../private/lazy';
import { compareCodeUnits } from '../private/util';
import { SecretScan } from '../secrets/secret-scan';

/**
 * Props for `FleetApp`. Of the cdk8s `AppProps`, `outdir` and `resolvers` apply. The GitOps tree has its own
 * layout (one object per `.yaml` file, in the directories Argo CD reads), so `outputFileExtension` other than
 * `.yaml`, `yamlOutputType` other than `FILE_PER_RESOURCE`, and `recordConstructMetadata: true` (a
 * `construct-metadata.json` in the tree) are errors rather than silently ignored.
 */
export interface FleetAppProps extends AppProps {
  /**
   * Kinds, as `apiVersion/kind` (e.g. `'example.com/v1/Widget'`), that the pinned schemas do not cover and
   * that may be written without schema validation. Any other unknown kind is an error.
   * @default - none
   */
  readonly unvalidatedKinds?: string[];
  /**
   * Kinds outside the pinned schemas whose objects are cluster-scoped, as `<group>/<Kind>` (e.g.
   * `'cert-manager.io/ClusterIssuer'`, `'karpenter.sh/NodePool'`), when their CustomResourceDefinition is installed
   * otherwise than by this program (a Helm chart, an operator). Their objects are written without a namespace
   * and judged by the AppProjects' cluster resource lists, as Argo CD judges them once the cluster serves the CRD.
   * Kinds of Kubernetes 1.28, of the pinned CRDs and of CRDs this program writes need no entry. The list is
   * recorded in the tree (`cluster-scoped-kinds.yaml` at its root), so that `plan` and `diff` judge as synth did.
   * Any other kind is judged namespaced.
   * @default - none
   */
  readonly clusterScopedKinds?: string[];
  /**
   * Check the fleet proofs at synth time (`FleetProof`): every ApplicationSet is expanded offline as Argo CD
   * would, and what would fail or surprise is an error. Waive single proofs per ApplicationSet with
   * `waivedProofs`; turn them all off only in unit tests of single constructs.
   * @default true
   */
  readonly fleetProofs?: boolean;
  /**
   * Write a new or changed file whose bytes equal another one's of the same write as a hard link to it (a
   * Workload variant shared by many clusters is written once, and a no-op re-synth looks at it once). The library
   * never modifies a file in place, so links never carry a change from one path to another; turn it off if
   * other tools edit the tree in place.
   * @default true
   */
  readonly linkIdenticalFiles?: boolean;
  /**
   * Let synth overwrite files in `outdir` that the library did not write (not in `.cdk8s-fleet/manifest.json`)
   * at paths the program now writes, and overwrite or delete managed files that were edited since the library
   * wrote them. Without it, synth refuses, naming the files, and writes nothing (`cdk8s-fleet validate`
   * reports both kinds). Symbolic links on the way to a file, and directories where a file goes, are refused
   * even so: the writer never follows a link inside the tree.
   * @default false
   */
  readonly force?: boolean;
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
  /** Fleet proofs that failed but were waived by the program, with its reasons. */
  readonly waivedProofs: string[];
  /** Milliseconds spent rendering and validating every object in memory (fleet proofs included). */
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
  private readonly clusterScopedKinds: readonly string[];
  private readonly fleetProofs: boolean;
  private readonly linkIdenticalFiles: boolean;
  private readonly force: boolean;

  public constructor(props: FleetAppProps = {}) {
    super(props);
    Object.defineProperty(this, FLEET_APP_SYMBOL, { value: true });
    throwIfInvalid(this, 'FleetApp', [...unsupportedAppProps(props), ...clusterScopedKindErrors(props.clusterScopedKinds)]);
    this.unvalidatedKinds = new Set(props.unvalidatedKinds ?? []);
    this.clusterScopedKinds = [...props.clusterScopedKinds ?? []]; // (as given: errors name their index)
    this.fleetProofs = props.fleetProofs ?? true;
    this.linkIdenticalFiles = props.linkIdenticalFiles ?? true;
    this.force = props.force ?? false;
  }

  /** The declared cluster-scoped kinds as the tree records them: sorted, once each. */
  private declaredKinds(): string[] {
    return [...new Set(this.clusterScopedKinds)].sort(compareCodeUnits);
  }

  /** Adds one of the library's own records at the tree's root to `files`, which stay sorted by path. */
  private insertRootFile(files: RenderedFile[], rootFile: string, content: string): void {
    const at = files.findIndex(f => f.path > rootFile);
    const file = { path: rootFile, content, hash: treeWriterModule().sha256(content), object: undefined, constructPath: this.node.path };
    files.splice(at < 0 ? files.length : at, 0, { ...file, placement: { directory: '.', role: 'argocd' } });
  }

  /** Writes the GitOps tree to `outdir`. Throws, writing nothing, if anything is invalid. */
  public override synth(): void {
    this.synthTree();
  }

  /** Renders every file of the tree in memory, `{ path: yaml }`, without writing anything. Throws if anything is invalid. */
  public renderFiles(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of this.render(verdictCacheModule().VerdictCache.none()).files) out[f.path] = f.content;
    return out;
  }

  /** Writes the GitOps tree and reports what changed. Throws, writing nothing, if anything is invalid. */
  public synthTree(): FleetSynthResult {
    const started = Date.now();
    const outdir = path.resolve(this.outdir);
    // An interrupted earlier write is completed or rolled back first, whatever becomes of this run.
    const recovered = fs.existsSync(outdir) ? treeWriterModule().recoverTree(outdir) : undefined;
    // Objects an earlier synth of this tree validated and scanned clean are not validated again.
    const verdicts = verdictCacheModule().VerdictCache.load(outdir);
    // The write step's check of an untouched tree runs on the second core while the program renders.
    const check = treeCheckModule().startTreeCheck(outdir);
    let rendering: ReturnType<FleetApp['render']>;
    let planText: string;
    try {
      rendering = this.render(verdicts, () => check?.lookAgain());
      planText = rendering.memo?.text ?? fleetPlanModule().planText(rendering.plan!);
    } catch (e) {
      check?.cancel();
      if (recovered && e instanceof Error) e.message += `\n(Before rendering, an interrupted earlier write was found and ${recovered}.)`;
      throw e;
    }
    const { files, waived } = rendering;
    const rendered = Date.now();
    let result: ReturnType<typeof import('../gitops/tree-writer').writeTree>;
    try {
      const vouched = check?.finish();
      result = treeWriterModule().writeTree(outdir, files, {
        linkIdentical: this.linkIdenticalFiles, force: this.force, vouched, entriesDigest: rendering.entriesDigest,
      });
    } finally {
      check?.cancel();
    }
    const planned = rendering.planKey !== undefined ? { key: rendering.planKey, text: planText, waived } : undefined;
    verdicts.save(outdir, rendering.clean, rendering.quiet, planned);
    const written = Date.now();
    return {
      outdir,
      objectCount: files.length,
      written: result.written,
      deleted: result.deleted,
      unchangedCount: result.unchanged,
      recovered: recovered ?? result.recovered,
      plan: planText,
      waivedProofs: [...waived],
      renderMilliseconds: rendered - started,
      writeMilliseconds: written - rendered,
    };
  }

  /**
   * @internal Renders and validates everything in memory, then expands every ApplicationSet offline and checks
   * the fleet proofs. Throws, listing every problem, when anything fails.
   */
  public _render(): { files: RenderedFile[]; model: FleetModel; plan: FleetPlan; waived: string[] } {
    const r = this.render(verdictCacheModule().VerdictCache.none()); // no cache: the model and the plan are always computed
    return { files: r.files, model: r.model!, plan: r.plan!, waived: [...r.waived] };
  }

  private render(verdicts: VerdictCache, afterProgram?: () => void): {
    files: RenderedFile[];
    model?: FleetModel;
    plan?: FleetPlan;
    waived: readonly string[];
    /** The clean objects' verdict keys, each with its YAML's hash. */
    clean: Map<string, string>;
    /** The hashes of the YAML the byte scan found quiet. */
    quiet: Set<string>;
    /** The fleet inputs' key (`planInputKey`), when the plan may be remembered. */
    planKey?: string;
    /** What an earlier synth concluded from the same fleet inputs (the model and the plan are then not computed). */
    memo?: PlanMemo;
    /** The `entriesDigest` of `files` (their paths and hashes, in order), when it was computed with the plan key. */
    entriesDigest?: string;
  } {
    const secretAllowances = SecretScan._allowancesOf(this);
    const knownClean = verdicts.enabled ? verdicts.keys : undefined;
    const knownHashes = verdicts.enabled ? verdicts.hashes : undefined;
    const processOptions = { validateSchemas: true, unvalidatedKinds: this.unvalidatedKinds, secretAllowances, knownClean, knownHashes };
    const renderOptions = { ...processOptions, clusterScopedKinds: this.clusterScopedKinds };
    const { files, errors, constructs, clean } = renderModule().renderTree(this, renderOptions, afterProgram);
    if (errors.length > 0) {
      throw new Error(`Validation failed with the following errors (nothing was written):\n  ${errors.join('\n  ')}`);
    }
    const fleets = constructs.filter(Fleet.isFleet);
    const acknowledgements = fleets.flatMap(f => f.acknowledgedRemovals.map(({ fleet, ...a }) => (fleet === '*' ? a : { ...a, fleet: fleet ?? f.fleetName })));
    if (acknowledgements.length > 0) {
      const { acknowledgementsYaml, ACKNOWLEDGEMENTS_FILE } = fleetModelModule();
      this.insertRootFile(files, ACKNOWLEDGEMENTS_FILE, acknowledgementsYaml(acknowledgements));
    }
    if (this.clusterScopedKinds.length > 0) {
      this.insertRootFile(files, CLUSTER_SCOPED_KINDS_FILE, fleetModelModule().clusterScopedKindsYaml(this.clusterScopedKinds));
    }
    // Every byte the writer will write, whatever produced it (bytes an earlier synth found quiet by their hash).
    const quiet = { known: verdicts.enabled ? verdicts.quietContents() : undefined, found: new Set<string>() };
    SecretScan._checkTree(this, files, quiet);
    // Each fleet is its own Argo CD: the plan states replicas and load limit when the app has one sharded fleet.
    const sharded = fleets.filter(f => f.controllerSharding !== undefined);
    const sharding = sharded.length === 1 ? sharded[0].controllerSharding! : {};
    const externalProjects = AppProject._importedProjectNames(constructs);
    // (by fleet: names are unique within a fleet's Argo CD, not across fleets)
    const constructOf = new Map<string, string>();
    for (const c of constructs) {
      // (each is made in a fleet: its constructor found it with `Fleet.of`)
      if (ApplicationSet.isApplicationSet(c)) constructOf.set(`ApplicationSet/${Fleet.of(c).fleetName}/${c.applicationSetName}`, c.node.path);
      if (c instanceof Application) constructOf.set(`Application/${Fleet.of(c).fleetName}/${c.applicationName}`, c.node.path);
    }
    // The model, the plan and the proofs are functions of the files and these inputs: an earlier synth of this
    // tree that saw exactly the same ones passed the proofs and planned this plan. Sharded fleets (the plan
    // rewrites cluster Secrets) and Flux fleets (translated from the plan) are always computed.
    const keys = verdicts.enabled && sharded.length === 0 && !fleets.some(f => f.engine.isFlux)
      ? verdictCacheModule().planInputKeys({
        files, rest: { fleetProofs: this.fleetProofs, acknowledgements, externalProjects, constructOf: [...constructOf] },
      })
      : undefined;
    const planKey = keys?.plan;
    const memo = planKey !== undefined ? verdicts.plannedFor(planKey) : undefined;
    // (`files` is returned as it was hashed: the digest of its entries saves the writer's no-op check a pass.)
    if (memo !== undefined) return { files, waived: memo.waived, clean, quiet: quiet.found, planKey, memo, entriesDigest: keys!.entries };
    const entries: TreeEntry[] = files.filter(f => f.object !== undefined); // a RenderedFile is a TreeEntry
    let model = fleetModelModule().modelFromEntries(entries, acknowledgements, this.declaredKinds());
    const mismatches = renderModule().scopeMismatches(files, model.scopes, this.clusterScopedKinds);
    if (mismatches.length > 0) throw new Error(`Validation failed with the following errors (nothing was written):\n  ${mismatches.join('\n  ')}`);
    let plan = fleetPlanModule().computePlan(model, externalProjects, sharding);
    if (sharded.length > 0) {
      // The shards balance the plan's Applications per cluster, so they are written into the cluster Secrets now.
      const shardErrors = sharded.flatMap(f => controllerShardsModule().writeControllerShards(f, files, plan, processOptions).errors);
      if (shardErrors.length > 0) {
        throw new Error(`Validation failed with the following errors (nothing was written):\n  ${shardErrors.join('\n  ')}`);
      }
      model = fleetModelModule().modelFromEntries(files.filter(f => f.object !== undefined), acknowledgements, this.declaredKinds());
      plan = { ...plan, shards: shardPlanModule().planShards(model.clusters, plan.clusters, sharding) };
    }
    const proofs = this.fleetProofs
      ? fleetProofsModule().proveFleet(model, plan, (kind, name, fleet) => {
        const at = constructOf.get(`${kind}/${fleet}/${name}`);
        return at !== undefined ? `[${at}] ` : '';
      })
      : { errors: [], waived: [] };
    // Fleets on Flux: the Argo CD objects checked above become Flux's (src/flux/).
    const flux = fluxRenderModule().renderFluxFleets({ files, model, plan }, { constructs, processOptions, acknowledgements, externalProjects });
    if (proofs.errors.length > 0) {
      throw new Error(`Fleet proofs failed (nothing was written; waive one with 'waivedProofs' if it is intended):\n  ${[...proofs.errors, ...flux.errors].join('\n  ')}`);
    }
    if (flux.errors.length > 0) throw new Error(`Validation failed with the following errors (nothing was written):\n  ${flux.errors.join('\n  ')}`);
    return { files: flux.files, model: flux.model, plan: flux.plan, waived: proofs.waived, clean, quiet: quiet.found, planKey };
  }
}

/** Problems of FleetApp `clusterScopedKinds`: each must be `<group>/<Kind>`. */
function clusterScopedKindErrors(kinds: readonly string[] | undefined): string[] {
  return (kinds ?? []).flatMap((k, i) => (typeof k === 'string' && GROUP_KIND.test(k) ? [] : [
    `'clusterScopedKinds[${i}]' (${show(k)}) is not '<group>/<Kind>' (e.g. 'cert-manager.io/ClusterIssuer'): a kind's scope is the same in every version of its group`,
  ]));
}

/**
 * The cdk8s `AppProps` a FleetApp cannot honour: the tree's layout is fixed (one object per `.yaml` file) and
 * nothing but managed files may be written into it.
 */
function unsupportedAppProps(props: AppProps): string[] {
  const errors: string[] = [];
  if (props.outputFileExtension !== undefined && props.outputFileExtension !== '.yaml') {
    errors.push(`'outputFileExtension' (${show(props.outputFileExtension)}) is not supported: the GitOps tree writes every object to its own '.yaml' file; remove the prop`);
  }
  if (props.yamlOutputType !== undefined && props.yamlOutputType !== YamlOutputType.FILE_PER_RESOURCE) {
    errors.push(`'yamlOutputType' (${show(YamlOutputType[props.yamlOutputType] ?? props.yamlOutputType)}) is not supported: the GitOps tree has its own layout (one object per file, in the directories Argo CD reads); remove the prop`);
  }
  if (props.recordConstructMetadata === true) {
    errors.push("'recordConstructMetadata' (true) is not supported: it would write construct-metadata.json into the GitOps tree, which holds only the files the fleet manages; remove the prop");
  }
  return errors;
}
