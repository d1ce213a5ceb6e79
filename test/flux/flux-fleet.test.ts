/**
 * examples/flux-fleet in Flux mode: the tree, strict validation of every Flux object, the kubeconfig of every
 * remote cluster, and the equivalence with the same program in Argo CD mode (issue #16 "Equivalence, tested").
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { buildFluxExampleFleet } from '../../examples/flux-fleet/main';
import { FleetEngine } from '../../src';
import { main } from '../../src/cli/main';
import { scanDocument, scanTreeFiles } from '../../src/secrets/scanner';
import { schemaProblems, treeSnapshot } from '../util';

process.env.SOURCE_DATE_EPOCH = String(Date.UTC(2026, 0, 1) / 1000);

function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = main(args, { out: t => { out += t; }, err: t => { err += t; } });
  return { code, out, err };
}

/** What `cdk8s-fleet plan --json` says each cluster runs, but the root (argocd/platform or flux/platform/hub). */
function placements(outdir: string): any[] {
  const plan = JSON.parse(run('plan', outdir, '--json').out);
  return plan.clusters.flatMap((c: any) => c.applications.filter((a: any) => a.name !== 'platform-root').map((a: any) => ({ cluster: c.name, ...a })));
}

describe('examples/flux-fleet', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-flux-'));
  const result = buildFluxExampleFleet(outdir).synthTree();
  const tree = treeSnapshot(outdir, { excludeState: true });
  const objects: Record<string, any> = Object.fromEntries(Object.entries(tree).map(([p, c]) => [p, yaml.load(c)]));
  const argoOutdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-flux-argo-'));
  const argo = buildFluxExampleFleet(argoOutdir, FleetEngine.argoCd()).synthTree();
  const argoTree = treeSnapshot(argoOutdir, { excludeState: true });
  const of = (kind: string) => Object.entries(objects).filter(([p, o]) => p.endsWith('.yaml') && o?.kind === kind && String(o.apiVersion).includes('fluxcd.io'));

  test('the whole tree, as { path: yaml }', () => {
    expect(tree).toMatchSnapshot();
  });

  test('every object, the Flux objects included, validates strictly against the pinned schemas', () => {
    // THEN
    expect(schemaProblems(tree)).toEqual([]);
    expect(of('GitRepository').map(([p]) => p)).toEqual(['bootstrap/GitRepository.platform.yaml']);
    expect(of('Kustomization').length).toBe(22);
    expect(of('HelmRelease').length).toBe(6);
    expect(of('HelmRepository').length).toBe(2);
  });

  test('no Argo CD object is left; the hub holds the GitRepository with an explicit ref and the root Kustomization', () => {
    expect(Object.keys(tree).filter(p => p.startsWith('argocd/'))).toEqual([]);
    expect(Object.values(objects).filter(o => String(o?.apiVersion ?? '').startsWith('argoproj.io/'))).toEqual([]);
    expect(objects['bootstrap/GitRepository.platform.yaml'].spec).toStrictEqual({
      interval: '1m', ref: { branch: 'main' }, url: 'https://github.com/acme/fleet-gitops.git',
    });
    expect(objects['bootstrap/Kustomization.platform-root.yaml'].spec).toStrictEqual({
      interval: '10m', path: './flux/platform/hub', prune: true, sourceRef: { kind: 'GitRepository', name: 'platform' }, timeout: '5m', wait: false,
    });
  });

  test('every Kustomization: sourceRef, path into the tree, prune, interval, timeout, wait', () => {
    for (const [p, k] of of('Kustomization')) {
      expect([p, k.spec.sourceRef]).toEqual([p, { kind: 'GitRepository', name: 'platform' }]);
      expect([p, k.spec.prune, k.spec.interval, k.spec.timeout]).toEqual([p, true, '10m', '5m']);
      expect([p, k.metadata.namespace]).toEqual([p, 'flux-system']);
      // Flux's path is relative to the repository root: every path exists in the tree
      const dir = k.spec.path.replace(/^\.\//, '');
      expect([p, Object.keys(tree).some(f => f.startsWith(`${dir}/`))]).toEqual([p, true]);
    }
    expect(objects['flux/platform/hub/kustomizations/Kustomization.web-prod-eu-1.yaml'].spec).toMatchObject({ path: './clusters/prod-eu-1/web', wait: true });
  });

  test('every remote cluster\'s Kustomization has a kubeConfig Secret reference; its Secret comes from an ExternalSecret or workload identity, never plaintext', () => {
    // GIVEN the remote clusters of the example and how each authenticates
    const remote: Record<string, string> = { 'dev-eu-1': 'ExternalSecret', 'prod-eu-1': 'ExternalSecret', 'staging-eu-1': 'ConfigMap', 'prod-us-1': 'ConfigMap' };
    for (const kind of ['Kustomization', 'HelmRelease']) {
      for (const [p, o] of of(kind)) {
        const cluster = o.metadata.labels['fleet.cdk8s.io/cluster'];
        // A Helm application's Kustomization applies its HelmRelease on the hub; the HelmRelease reaches the cluster.
        const reaches = kind === 'HelmRelease' || !String(o.spec.path).startsWith('./flux/platform/releases/');
        if (cluster === 'hub' || !cluster || !reaches) {
          expect([p, o.spec.kubeConfig]).toEqual([p, undefined]);
          continue;
        }
        const how = remote[cluster];
        expect([p, o.spec.kubeConfig]).toEqual([p, how === 'ExternalSecret'
          ? { secretRef: { name: `${cluster}-kubeconfig`, key: 'value' } }
          : { configMapRef: { name: `${cluster}-kubeconfig` } }]);
      }
    }
    // THEN the bearer token and the client certificate are templated from Vault by External Secrets
    const token = objects['flux/platform/hub/clusters/ExternalSecret.dev-eu-1-kubeconfig.yaml'];
    expect(token.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'vault' });
    expect(token.spec.target.name).toBe('dev-eu-1-kubeconfig');
    expect(token.spec.data).toEqual([{ secretKey: 'bearerToken', remoteRef: { key: 'fleet/clusters/dev-eu-1', property: 'token' } }]);
    const kubeconfig: any = yaml.load(token.spec.target.template.data.value.replace('{{ .bearerToken | toJson }}', '"x"'));
    expect(kubeconfig.clusters).toEqual([{ name: 'dev-eu-1', cluster: { server: 'https://dev-eu-1.k8s.acme.io' } }]);
    expect(kubeconfig.users).toEqual([{ name: 'dev-eu-1', user: { token: 'x' } }]);
    expect(kubeconfig.users[0].user.exec).toBeUndefined(); // self-contained: Flux refuses exec
    const cert = objects['flux/platform/hub/clusters/ExternalSecret.prod-eu-1-kubeconfig.yaml'];
    expect(cert.spec.data.map((d: any) => d.remoteRef.property)).toEqual(['tls.crt', 'tls.key']);
    // workload identity: Flux's kubeconfig ConfigMap with the provider and the cloud resource name
    expect(objects['flux/platform/hub/clusters/ConfigMap.prod-us-1-kubeconfig.yaml'].data).toStrictEqual({
      address: 'https://prod-us-1.k8s.acme.io', cluster: 'arn:aws:eks:us-east-1:111122223333:cluster/prod-us-1', provider: 'aws',
    });
    expect(objects['flux/platform/hub/clusters/ConfigMap.staging-eu-1-kubeconfig.yaml'].data).toMatchObject({
      cluster: 'projects/acme-staging/locations/europe-west1/clusters/staging-eu-1', provider: 'gcp',
    });
    // no Secret at all in the hub's directories, and the scanner finds nothing anywhere
    expect(Object.keys(tree).filter(p => p.startsWith('flux/') && objects[p]?.kind === 'Secret')).toEqual([]);
    expect(scanTreeFiles(Object.entries(tree).map(([p, content]) => ({ path: p, content })))).toEqual([]);
    for (const [p, o] of Object.entries(objects)) {
      if (p.startsWith('flux/') || p.startsWith('bootstrap/')) expect([p, scanDocument(o, { role: 'argocd' })]).toEqual([p, []]);
    }
  });

  test('dependsOn: cluster add-ons (sync wave -1) first on each cluster, staging before production (RollingSync), created namespaces first', () => {
    const ks = (n: string) => objects[`flux/platform/hub/kustomizations/Kustomization.${n}.yaml`].spec;
    expect(ks('cert-manager-staging-eu-1').dependsOn).toBeUndefined();
    expect(ks('cert-manager-prod-eu-1').dependsOn).toEqual([{ name: 'cert-manager-staging-eu-1' }]);
    expect(ks('cert-manager-prod-us-1').dependsOn).toEqual([{ name: 'cert-manager-staging-eu-1' }]);
    expect(ks('web-prod-eu-1').dependsOn).toEqual([{ name: 'cert-manager-prod-eu-1' }]);
    expect(ks('monitoring-prod-us-1').dependsOn).toEqual([{ name: 'cert-manager-prod-us-1' }]);
    expect(ks('payments-api-prod-eu-1').dependsOn).toEqual([{ name: 'cert-manager-prod-eu-1' }, { name: 'platform-namespaces-prod-eu-1' }]);
    // wave 1 on the hub after wave 0 there
    expect(ks('platform-config-hub').dependsOn).toEqual([{ name: 'secret-store-vault-hub' }]);
    // the namespace Argo CD would create (CreateNamespace=true), never pruned like Argo CD
    expect(objects['flux/platform/namespaces/prod-eu-1/Namespace.payments.yaml'].metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });

  test('Helm applications are HelmReleases with their chart, version, values (values files folded in) and target namespace', () => {
    const release = objects['flux/platform/releases/monitoring-prod-us-1/HelmRelease.monitoring-prod-us-1.yaml'];
    expect(release.spec.chart.spec).toEqual({
      chart: 'kube-prometheus-stack', version: '65.1.1', sourceRef: { kind: 'HelmRepository', name: 'prometheus-community.github.io-helm-charts-a3d71d79' },
    });
    expect(release.spec.values).toEqual({ grafana: { enabled: false }, prometheus: { prometheusSpec: { retention: '30d', externalLabels: { region: 'us-east-1' } } } });
    expect(release.spec).toMatchObject({ releaseName: 'monitoring', targetNamespace: 'monitoring', storageNamespace: 'monitoring', install: { createNamespace: true } });
    expect(objects['flux/platform/releases/monitoring-staging-eu-1/HelmRelease.monitoring-staging-eu-1.yaml'].spec.chart.spec.version).toBe('66.0.0');
    const repo = objects['flux/platform/hub/sources/HelmRepository.prometheus-community.github.io-helm-charts-a3d71d79.yaml'];
    expect(repo.spec).toMatchObject({ url: 'https://prometheus-community.github.io/helm-charts', interval: '1m' });
  });

  test('SOPS files: decrypted by Flux with the age key Secret, without the ksops generator', () => {
    const ks = objects['flux/platform/hub/kustomizations/Kustomization.payments-api-prod-eu-1.yaml'].spec;
    expect(ks.decryption).toEqual({ provider: 'sops', secretRef: { name: 'sops-age' } });
    expect(ks.path).toBe('./flux/platform/sops/payments-api-prod-eu-1');
    expect(objects['flux/platform/sops/payments-api-prod-eu-1/kustomization.yaml'].resources).toEqual(['../../../../clusters/prod-eu-1/payments-api/payments-api.sops.yaml']);
  });

  test("every Kustomization's path with a kustomization.yaml builds the way kustomize-controller builds it", () => {
    // GIVEN each Kustomization's path (kustomize-controller v1.9.4 builds it with fluxcd/pkg kustomize/v1.35.4
    // `SecureBuild`: krusty with LoadRestrictionsNone inside the source root, no plugins); kubectl's kustomize
    // with the same restrictor. Paths without one get a generated kustomization listing their YAML files.
    const paths = [...new Set(of('Kustomization').map(([, o]) => String(o.spec.path).replace(/^\.\//, '')))].sort();
    const built = paths.filter(p => fs.existsSync(path.join(outdir, p, 'kustomization.yaml')));
    expect(built).toContain('flux/platform/sops/payments-api-prod-eu-1');
    for (const p of built) {
      // WHEN
      const out = execFileSync('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', path.join(outdir, p)], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
      // THEN every object of the build has a kind, and no ksops generator is left for Flux to refuse
      const docs = yaml.loadAll(out) as any[];
      expect(docs.length).toBeGreaterThan(0);
      for (const d of docs) expect(typeof d?.kind).toBe('string');
      expect(fs.readFileSync(path.join(outdir, p, 'kustomization.yaml'), 'utf-8')).not.toMatch(/generators:/);
    }
  });

  test('equivalence: the same program in Argo CD mode deploys the same (cluster, application, path, revision) set', () => {
    // GIVEN both trees' plans, as `cdk8s-fleet plan --json` reads them from disk
    const flux = placements(outdir);
    const argocd = placements(argoOutdir);
    // THEN the same Applications on the same clusters, from the same sources at the same revisions and images
    expect(flux.length).toBe(20);
    expect(flux).toStrictEqual(argocd);
    const key = (a: any) => `${a.cluster} ${a.name} ${a.sources.filter((s: any) => s.chart || s.path).map((s: any) => `${s.chart ?? s.path}@${s.targetRevision}`).join(' ')}`;
    expect(flux.map(key)).toContain('prod-us-1 monitoring-prod-us-1 kube-prometheus-stack@65.1.1');
    expect(result.plan).toContain('21 Applications');
    expect(argo.plan).toContain('21 Applications');
  });

  test('equivalence: byte-identical rendered manifests under clusters/, apps/ and values/', () => {
    const rendered = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).filter(([p]) => /^(clusters|apps|values)\//.test(p)));
    expect(Object.keys(rendered(tree)).length).toBe(40);
    expect(rendered(tree)).toStrictEqual(rendered(argoTree));
  });

  test('cdk8s-fleet plan and validate read the Flux tree; diff against the Argo CD tree of the same program shows no rendered change', () => {
    // WHEN
    const plan = run('plan', outdir, '--json');
    // THEN
    expect(plan.code).toBe(0);
    const json = JSON.parse(plan.out);
    const apps = json.clusters.flatMap((c: any) => c.applications.map((a: any) => `${c.name} ${a.name}`));
    expect(apps).toContain('prod-eu-1 payments-api-prod-eu-1');
    expect(apps.length).toBe(21); // 20 placements and the root Kustomization
    expect(run('plan', outdir).out).toContain('kubectl apply -f bootstrap/GitRepository.platform.yaml -f bootstrap/Kustomization.platform-root.yaml');
    expect(run('validate', outdir)).toMatchObject({ code: 0 });
    // diff of the tree with itself: nothing
    expect(run('diff', outdir, outdir, '--exit-code').code).toBe(0);
    // migrating the same program from Argo CD to Flux: each placement's Application becomes its Kustomization (or
    // HelmRelease), and no object the clusters run changes
    const migration = run('diff', argoOutdir, outdir, '--json');
    expect(migration.code).toBe(0);
    expect(JSON.parse(migration.out).selections).toEqual([]); // (each placement set pairs with its ApplicationSet, fleet by fleet)
    const changed = JSON.parse(migration.out).clusters.flatMap((c: any) => c.objects.flatMap((a: any) => a.objects));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.filter((o: any) => !['Application', 'Kustomization', 'HelmRelease'].includes(o.kind))).toEqual([]);
  });

  /** A copy of the tree with `remove` deleted (and dropped from the manifest, as if synth had written it so). */
  function tampered(remove: string[]): string {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-flux-tampered-'));
    fs.cpSync(outdir, copy, { recursive: true });
    const manifestPath = path.join(copy, '.cdk8s-fleet', 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf-8'));
    for (const r of remove) {
      fs.rmSync(path.join(copy, r), { recursive: true });
      for (const f of Object.keys(manifest.files)) if (f === r || f.startsWith(`${r}/`)) delete manifest.files[f];
    }
    fs.writeFileSync(manifestPath, JSON.stringify(manifest));
    fs.rmSync(path.join(copy, '.cdk8s-fleet', 'stat-cache'), { force: true });
    return copy;
  }

  test('cdk8s-fleet validate runs the Flux proofs: a kubeconfig Secret no ExternalSecret produces is a finding', () => {
    // GIVEN the tree without dev-eu-1's kubeconfig ExternalSecret
    const copy = tampered(['flux/platform/hub/clusters/ExternalSecret.dev-eu-1-kubeconfig.yaml']);
    // WHEN
    const validation = run('validate', copy);
    // THEN
    expect(validation.code).toBe(1);
    expect(validation.out + validation.err).toMatch(/reads the kubeconfig Secret 'dev-eu-1-kubeconfig', which no ExternalSecret of the tree produces in namespace 'flux-system'/);
  });

  test('the deletion gate on a Flux tree: a placement removed without acknowledgement fails diff', () => {
    // GIVEN web no longer placed on dev-eu-1
    const head = tampered(['flux/platform/hub/kustomizations/Kustomization.web-dev-eu-1.yaml', 'clusters/dev-eu-1/web']);
    // WHEN
    const gate = run('diff', outdir, head);
    // THEN
    expect(gate.code).toBe(1);
    expect(gate.out).toContain('- ➖ **web-dev-eu-1** (ApplicationSet/web) — **not acknowledged**');
    expect(gate.out).toContain('  - ➖ Kustomization `flux-system/web-dev-eu-1` removed');
    expect(gate.err).toContain('deletion gate: 1 Application removal(s) not acknowledged: dev-eu-1/web-dev-eu-1');
  });
});
