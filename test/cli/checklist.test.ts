import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { buildExampleFleet } from '../../examples/basic-fleet/main';
import { Application, ApplicationSource, AppProject, Fleet, FleetApp, ProjectDestination } from '../../src';
import { main } from '../../src/cli/main';
import { addCluster } from '../util';

/** The example fleet's tree, synthesized once; each test edits a copy. */
const exampleTree = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-checklist-'));
buildExampleFleet(exampleTree).synth();

function copyTree(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-checklist-copy-'));
  fs.cpSync(exampleTree, dir, { recursive: true });
  return dir;
}

function edit(tree: string, file: string, change: (o: any) => void) {
  const p = path.join(tree, file);
  const o = yaml.load(fs.readFileSync(p, 'utf-8'));
  change(o);
  fs.writeFileSync(p, yaml.dump(o));
}

function checklist(tree: string, ...args: string[]) {
  let out = '';
  let err = '';
  const code = main(['checklist', tree, '--json', ...args], { out: t => { out += t; }, err: t => { err += t; } });
  const report = out ? JSON.parse(out) : undefined;
  const status = (cluster: string, item: string) => report.clusters.find((c: any) => c.cluster === cluster).items.find((i: any) => i.item === item);
  const env = (environment: string, item: string) => report.environments.find((e: any) => e.environment === environment)
    .items.find((i: any) => i.item === item);
  return { code, out, err, report, status, env };
}

describe('cdk8s-fleet checklist on the example fleet', () => {
  const r = checklist(exampleTree);

  test('reports every cluster and environment, item by item', () => {
    expect(r.code).toBe(0);
    expect(r.report.clusters.map((c: any) => c.cluster)).toEqual(['dev-eu-1', 'dev-us-1', 'dr-eu-central-1', 'hub', 'prod-eu-1', 'prod-eu-2', 'prod-us-1', 'staging-eu-1', 'staging-us-1']);
    expect(r.report.environments.map((e: any) => [e.environment, e.clusters])).toEqual([
      ['dev', ['dev-eu-1', 'dev-us-1']], ['management', ['hub']], ['production', ['dr-eu-central-1', 'prod-eu-1', 'prod-eu-2', 'prod-us-1']], ['staging', ['staging-eu-1', 'staging-us-1']],
    ]);
    const table = Object.fromEntries(r.report.environments
      .map((e: any) => [e.environment, Object.fromEntries(e.items.map((i: any) => [i.item, i.status]))]));
    expect(table).toEqual({
      dev: { 'projects-and-rbac': 'fails', 'notifications': 'not-applicable', 'resource-limits': 'holds', 'pinned-versions': 'holds', 'drift-guard': 'fails', 'secrets-by-reference': 'holds', 'dr-standby': 'not-declared' },
      management: { 'projects-and-rbac': 'fails', 'notifications': 'not-applicable', 'resource-limits': 'holds', 'pinned-versions': 'holds', 'drift-guard': 'fails', 'secrets-by-reference': 'holds', 'dr-standby': 'not-declared' },
      production: { 'projects-and-rbac': 'fails', 'notifications': 'fails', 'resource-limits': 'fails', 'pinned-versions': 'holds', 'drift-guard': 'holds', 'secrets-by-reference': 'holds', 'dr-standby': 'holds' },
      staging: { 'projects-and-rbac': 'fails', 'notifications': 'not-applicable', 'resource-limits': 'fails', 'pinned-versions': 'holds', 'drift-guard': 'holds', 'secrets-by-reference': 'holds', 'dr-standby': 'not-declared' },
    });
  });

  test('projects and RBAC: the workloads\' generated projects grant no role; the platform and web projects do', () => {
    expect(r.status('prod-eu-1', 'projects-and-rbac').details).toEqual([
      "AppProject 'api' (of api-prod-eu-1) has no role bound to a group or token (no RBAC)",
      "AppProject 'checkout' (of checkout-prod-eu-1) has no role bound to a group or token (no RBAC)",
      "AppProject 'secret-store-vault' (of secret-store-vault-prod-eu-1) has no role bound to a group or token (no RBAC)",
    ]);
    // The hub's only project without a role is the Vault store's, generated like a Workload's.
    expect(r.status('hub', 'projects-and-rbac').details).toEqual([
      "AppProject 'secret-store-vault' (of secret-store-vault-hub) has no role bound to a group or token (no RBAC)",
    ]);
  });

  test('projects and RBAC fail for an Application in the default project', () => {
    const tree = copyTree();
    edit(tree, 'argocd/platform/applications/Application.drift-guard-hub.yaml', o => { o.spec.project = 'default'; });
    expect(checklist(tree).status('hub', 'projects-and-rbac')).toEqual({
      item: 'projects-and-rbac',
      status: 'fails',
      details: [
        "drift-guard-hub uses Argo CD's default project (no restrictions)",
        "AppProject 'secret-store-vault' (of secret-store-vault-hub) has no role bound to a group or token (no RBAC)",
      ],
    });
  });

  test('notifications: the add-ons subscribe through their ApplicationSet template; the rest of production does not', () => {
    const details = r.status('prod-eu-1', 'notifications').details;
    expect(details).toContain("Application web-prod-eu-1 subscribes to no notification (nor does its AppProject 'web')");
    expect(details.some((d: string) => d.includes('cert-manager-prod-eu-1'))).toBe(false);
  });

  test('notifications hold once every production Application (or its project) subscribes', () => {
    const tree = copyTree();
    for (const project of ['api', 'checkout', 'platform', 'secret-store-aws-secrets-manager', 'secret-store-vault', 'web']) {
      edit(tree, `argocd/platform/projects/AppProject.${project}.yaml`, o => {
        o.metadata.annotations = { ...o.metadata.annotations, 'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'alerts' };
      });
    }
    expect(checklist(tree).env('production', 'notifications').status).toBe('holds');
  });

  test('resource limits: charts are covered only where an enforcing quota policy selects their namespace', () => {
    // The example's policy selects namespaces labelled acme.io/team-namespace=true; the add-ons' namespaces are not.
    const charts = 'cert-manager-prod-eu-1 (namespace cert-manager), external-secrets-prod-eu-1 (namespace external-secrets), '
      + 'kyverno-prod-eu-1 (namespace kyverno), monitoring-prod-eu-1 (namespace monitoring)';
    expect(r.status('prod-eu-1', 'resource-limits').details).toEqual([
      `${charts} deploy charts or other repositories whose containers cannot be checked offline, and no enforcing quota policy requires requests and limits in their namespace`,
    ]);
    expect(r.status('dev-eu-1', 'resource-limits').status).toBe('holds');
    // WHEN the production policy selects every namespace but the excluded ones (kyverno among them)
    const tree = copyTree();
    edit(tree, 'clusters/prod-eu-1/namespace-quotas/ClusterPolicy.namespace-quotas.yaml', o => {
      for (const rule of o.spec.rules) delete rule.match.any[0].resources.namespaceSelector;
    });
    expect(checklist(tree).status('prod-eu-1', 'resource-limits').details).toEqual([
      'kyverno-prod-eu-1 (namespace kyverno) deploys charts or other repositories whose containers cannot be checked offline, and no enforcing quota policy requires requests and limits in their namespace',
    ]);
    // The staging policy only audits.
    expect(r.status('staging-eu-1', 'resource-limits').status).toBe('fails');
  });

  test('resource limits fail for a rendered container without limits', () => {
    const tree = copyTree();
    edit(tree, 'clusters/dev-eu-1/web/Deployment.web.yaml', o => { delete o.spec.template.spec.containers[0].resources.limits; });
    expect(checklist(tree).status('dev-eu-1', 'resource-limits').details).toEqual([
      "Deployment web/web (clusters/dev-eu-1/web/Deployment.web.yaml) container 'web' sets no limits.cpu, limits.memory",
    ]);
  });

  test('pinned versions fail for a mutable tag, and name the object, field and value', () => {
    const tree = copyTree();
    edit(tree, 'clusters/prod-us-1/web/Deployment.web.yaml', o => { o.spec.template.spec.containers[0].image = 'ghcr.io/acme/web:latest'; });
    const result = checklist(tree, '--require', 'pinned-versions');
    expect(result.status('prod-us-1', 'pinned-versions').details).toEqual([
      "Application 'web-prod-us-1': Deployment web/web (clusters/prod-us-1/web/Deployment.web.yaml) spec.template.spec.containers[0].image = 'ghcr.io/acme/web:latest': the tag 'latest' is mutable",
    ]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('required checklist items fail: prod-us-1/pinned-versions');
  });

  test('drift guard: enforced with Kyverno on production, audit-only VAP on dev fails, and none at all fails', () => {
    expect(r.status('prod-eu-1', 'drift-guard').details).toEqual(['Kyverno ClusterPolicy drift-guard (clusters/prod-eu-1/drift-guard/ClusterPolicy.drift-guard.yaml) enforces']);
    expect(r.status('dev-eu-1', 'drift-guard').details).toEqual(['ValidatingAdmissionPolicy drift-guard (clusters/dev-eu-1/drift-guard/ValidatingAdmissionPolicy.drift-guard.yaml) audits only']);
    const tree = copyTree();
    fs.rmSync(path.join(tree, 'argocd/platform/applications/Application.drift-guard-dev-eu-1.yaml'));
    expect(checklist(tree).status('dev-eu-1', 'drift-guard')).toEqual({ item: 'drift-guard', status: 'fails', details: ['no drift guard is deployed to this cluster'] });
    edit(tree, 'clusters/dev-us-1/drift-guard/ValidatingAdmissionPolicyBinding.drift-guard.yaml', o => { o.spec.validationActions = ['Deny']; });
    expect(checklist(tree).status('dev-us-1', 'drift-guard').status).toBe('holds');
  });

  test('secrets only by reference fail for a Secret with data', () => {
    const tree = copyTree();
    fs.writeFileSync(path.join(tree, 'clusters/prod-eu-2/web/Secret.db.yaml'), yaml.dump({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'web' }, stringData: { password: 'hunter2' } }));
    expect(checklist(tree).status('prod-eu-2', 'secrets-by-reference').details).toEqual([
      'clusters/prod-eu-2/web/Secret.db.yaml: a Secret with data or stringData would be committed to Git in plaintext (stringData.password); '
        + 'use an External Secrets ExternalSecret, a SealedSecret or a SOPS-encrypted file instead; secrets must never be written to Git [kubernetes-secret]',
    ]);
  });

  test('DR standby: the API\'s pair holds; a declared primary needs a standby on another cluster', () => {
    expect(r.status('prod-eu-1', 'dr-standby')).toEqual({ item: 'dr-standby', status: 'holds', details: [] });
    expect(r.status('dr-eu-central-1', 'dr-standby')).toEqual({ item: 'dr-standby', status: 'holds', details: [] });
    expect(r.status('prod-eu-2', 'dr-standby')).toEqual({ item: 'dr-standby', status: 'not-declared', details: [] });
    const tree = copyTree();
    const annotate = (file: string, role: string) => edit(tree, file, o => {
      o.metadata.annotations = { ...o.metadata.annotations, 'fleet.cdk8s.io/dr-role': role, 'fleet.cdk8s.io/dr-pair': 'web-eu' };
    });
    annotate('argocd/platform/applications/Application.web-prod-eu-1.yaml', 'primary');
    expect(checklist(tree).status('prod-eu-1', 'dr-standby')).toEqual({ item: 'dr-standby', status: 'fails', details: ["DR pair 'web-eu': no standby on another cluster for Application web-prod-eu-1"] });
    annotate('argocd/platform/applications/Application.web-prod-eu-2.yaml', 'standby');
    expect(checklist(tree).status('prod-eu-1', 'dr-standby').status).toBe('holds');
  });

  test('DR standby: a standby that the DR proofs reject does not count', () => {
    // GIVEN the standby's autoscaler cut below prod-eu-1's six replicas by hand
    const tree = copyTree();
    edit(tree, 'clusters/dr-eu-central-1/api/HorizontalPodAutoscaler.api.yaml', o => { o.spec.maxReplicas = 2; });
    // THEN both sides of the pair fail the item, with the proof's finding
    const result = checklist(tree);
    const finding = "DR pair 'api': standby 'dr-eu-central-1' (mirrors 'prod-eu-1'): its HorizontalPodAutoscaler 'api' allows at most 2 replicas, below the primary's 6: "
      + "after a failover it could not carry the primary's load; raise 'standbyMaxReplicas'";
    expect(result.status('prod-eu-1', 'dr-standby')).toEqual({ item: 'dr-standby', status: 'fails', details: [finding] });
    expect(result.status('dr-eu-central-1', 'dr-standby').details).toEqual([finding]);
  });

  test('text output, and bad input', () => {
    let out = '';
    expect(main(['checklist', exampleTree], { out: t => { out += t; }, err: () => undefined })).toBe(0);
    expect(out).toContain('cluster prod-eu-1 (environment production)\n  FAILS        projects-and-rbac      projects and RBAC in use\n');
    expect(out).toContain('\nenvironment production: dr-eu-central-1, prod-eu-1, prod-eu-2, prod-us-1\n');
    const bad = checklist(exampleTree, '--require', 'pinned-versions,uptime');
    expect([bad.code, bad.err]).toEqual([2, '--require: unknown item(s) uptime; the items are projects-and-rbac, notifications, resource-limits, pinned-versions, drift-guard, secrets-by-reference, dr-standby\n']);
    expect(checklist(path.join(exampleTree, 'missing')).code).toBe(2);
  });
});

describe('cdk8s-fleet checklist of two fleets (two Argo CDs)', () => {
  test('GIVEN projects of one name in two fleets WHEN one fleet\'s grants no role THEN projects and RBAC fail for its Applications, whatever the other\'s grants', () => {
    // GIVEN platform's 'team' binds no role; zeta's 'team' (written after it) binds one to a group
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-checklist-fleets-'));
    const app = new FleetApp({ outdir });
    const platform = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main' });
    const prod = addCluster(platform, 'prod', { environment: 'production' });
    const team = new AppProject(platform, 'team', { destinations: [ProjectDestination.cluster(prod, 'web')] });
    new Application(platform, 'web', { project: team, destination: prod, destinationNamespace: 'web', source: ApplicationSource.git({ path: 'apps/web' }) });
    const zeta = new Fleet(app, 'zeta', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main', argocdNamespace: 'argocd2' });
    const other = addCluster(zeta, 'other', { environment: 'production' });
    const zetaTeam = new AppProject(zeta, 'team', { destinations: [ProjectDestination.cluster(other, 'web')] });
    zetaTeam.addRole({ name: 'deployers', groups: ['acme:deployers'] });
    new Application(zeta, 'web2', { project: zetaTeam, destination: other, destinationNamespace: 'web', source: ApplicationSource.git({ path: 'apps/web' }) });
    app.synth();
    // WHEN
    const r = checklist(outdir);
    // THEN
    expect(r.status('prod', 'projects-and-rbac')).toEqual({ item: 'projects-and-rbac', status: 'fails', details: ["AppProject 'team' (of web) has no role bound to a group or token (no RBAC)"] });
    expect(r.status('other', 'projects-and-rbac').status).toBe('holds');
  });
});
