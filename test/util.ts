import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import {
  AppProject, Application, ApplicationSet, ApplicationSource, ClusterCredentials, ClusterManifests, Fleet, FleetApp, FleetProps,
  IApplicationSetGenerator, ProjectDestination, TemplateParam,
} from '../src';
import { SchemaValidator } from '../src/gitops/schema-validator';

/**
 * A FleetApp writing into a fresh temporary directory. Construct tests check the YAML of one construct
 * against the Argo CD docs, usually without clusters, so fleet proofs are off unless asked for.
 */
export function testApp(options: { fleetProofs?: boolean } = {}): FleetApp {
  return new FleetApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-test-')), fleetProofs: options.fleetProofs ?? false });
}

/** GIVEN helper: an app with one fleet. */
export function testFleet(props: Partial<FleetProps> = {}, options: { fleetProofs?: boolean } = {}): { app: FleetApp; fleet: Fleet } {
  const app = testApp(options);
  const fleet = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main', ...props });
  return { app, fleet };
}

/** GIVEN helper: a plain cluster. */
export function addCluster(fleet: Fleet, name: string, labels: Record<string, string> = {}) {
  return fleet.addCluster(name, {
    server: `https://${name}.k8s.example.com`,
    labels,
    credentials: ClusterCredentials.awsIam({ clusterName: name }),
  });
}

/**
 * GIVEN helper: a synthesizable app writing to `outdir`: one production cluster `prod` whose `web` manifests
 * hold a ConfigMap `web` (`data.A`), deployed by the Application `web-prod` of the project `team`. `extra`
 * adds objects to the web manifests, `mutate` changes the fleet.
 */
export function webFleetApp(outdir: string, options: {
  readonly data?: string; readonly extra?: (web: ClusterManifests) => void; readonly mutate?: (fleet: Fleet) => void;
} = {}): FleetApp {
  const app = new FleetApp({ outdir });
  const fleet = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main' });
  const prod = addCluster(fleet, 'prod', { environment: 'production' });
  const web = prod.addManifests('web', { namespace: 'web' });
  new k8s.KubeConfigMap(web, 'Config', { metadata: { name: 'web' }, data: { A: options.data ?? '1' } });
  options.extra?.(web);
  const project = new AppProject(fleet, 'team', { destinations: [ProjectDestination.cluster(prod, 'web')] });
  new Application(fleet, 'web-prod', { project, destination: prod, destinationNamespace: 'web', source: ApplicationSource.manifests(web) });
  options.mutate?.(fleet);
  return app;
}

/** Renders the app in memory and parses every file: `{ path: object }`. */
export function renderObjects(app: FleetApp): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [p, content] of Object.entries(app.renderFiles())) out[p] = yaml.load(content);
  return out;
}

/** Every file of a directory tree, `{ relative path: content }`, like projen's directorySnapshot. */
export function treeSnapshot(root: string, options: { excludeState?: boolean } = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = path.join(dir, e.name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      if (options.excludeState && rel.startsWith('.cdk8s-fleet')) continue;
      if (e.isDirectory()) walk(abs);
      else out[rel] = fs.readFileSync(abs, 'utf-8');
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out;
}

/** Strict schema problems of every YAML file in a tree (empty when all are valid). */
export function schemaProblems(files: Record<string, string>): string[] {
  const validator = SchemaValidator.get();
  const problems: string[] = [];
  for (const [p, content] of Object.entries(files)) {
    // Helm values files, kustomization.yaml and ksops generators are not Kubernetes objects.
    if (!p.endsWith('.yaml') || p.startsWith('values/') || p.endsWith('/kustomization.yaml') || p.endsWith('/ksops.yaml') || p === 'acknowledged-removals.yaml') continue;
    const obj: any = yaml.load(content);
    // A SOPS-encrypted manifest is checked (its plain part against the schema) by `cdk8s-fleet validate`.
    if (obj?.sops) continue;
    const result = validator.validate(obj);
    if (result === undefined) problems.push(`${p}: no schema`);
    else problems.push(...result.map(e => `${p}: ${e}`));
  }
  return problems;
}

/** GIVEN helper: a CustomResourceDefinition of `<plural>.<group>` for `kind` (one served version, v1, any fields). */
export function customResourceDefinition(scope: Construct, id: string, group: string, kind: string, crdScope: 'Cluster' | 'Namespaced'): ApiObject {
  const plural = `${kind.toLowerCase()}s`;
  return new ApiObject(scope, id, {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: crdScope,
      names: { kind, plural },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  });
}

/** Runs `fn` and returns the error message it throws (fails the test if it does not throw). */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, but none was thrown');
}

/** The `spec.generators` an ApplicationSet with these generators is written with. */
export function generatorsOf(...generators: IApplicationSetGenerator[]): any[] {
  const { app, fleet } = testFleet();
  new ApplicationSet(fleet, 'set', {
    generators,
    template: { applicationName: `app-${TemplateParam.element('number')}`, destinationNamespace: 'x', destinationName: 'in-cluster', source: ApplicationSource.git({ path: 'x' }) },
  });
  return renderObjects(app)['argocd/platform/applicationsets/ApplicationSet.set.yaml'].spec.generators;
}

/** Any JavaScript value fast-check makes, non-JSON ones included (Map, Set, Date, boxed, sparse, typed arrays, bigint). */
export function anyValue(): fc.Arbitrary<unknown> {
  return fc.anything({
    maxDepth: 4,
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withBigInt: true,
    withDate: true,
    withSparseArray: true,
    withTypedArray: true,
  });
}
