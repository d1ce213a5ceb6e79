/**
 * The files `cdk8s-fleet init` writes, as strings (the package ships only `lib/`). Versions of the peer
 * dependencies come from this package's own package.json; the tool versions below are the ones this package is
 * built and tested with. TypeScript is pinned to 5.x: `npm install typescript` brings a major whose API ts-node
 * 10 cannot use (`Cannot read properties of undefined (reading 'fileExists')`).
 */

/** Tool versions of a new project (its devDependencies). */
export const TOOL_VERSIONS: Readonly<Record<string, string>> = {
  'typescript': '~5.9.3',
  'ts-node': '^10.9.2',
  'jest': '^29.7.0',
  'ts-jest': '^29.4.0',
  '@types/jest': '^29.5.14',
  '@types/node': '^20',
};

/** What the templates need to know. */
export interface TemplateContext {
  /** The npm package name. */
  readonly name: string;
  /** cdk8s-fleet's own version. */
  readonly fleetVersion: string;
  /** Exact versions of cdk8s, cdk8s-plus-28 and constructs. */
  readonly peers: Readonly<Record<string, string>>;
}

/** Every file of a new project: path → content. */
export function templateFiles(ctx: TemplateContext): Record<string, string> {
  return {
    'package.json': packageJson(ctx),
    'tsconfig.json': TSCONFIG,
    'cdk8s.yaml': CDK8S_YAML,
    'main.ts': MAIN_TS,
    'versions.yaml': VERSIONS_YAML,
    'main.test.ts': MAIN_TEST_TS,
    'ci/pr-check.sh': PR_CHECK_SH,
    '.gitignore': GITIGNORE,
    'README.md': README.replace(/\{\{name\}\}/g, ctx.name),
  };
}

function packageJson(ctx: TemplateContext): string {
  const pkg = {
    name: ctx.name,
    version: '0.1.0',
    private: true,
    description: 'A multi-cluster Argo CD fleet as one typed cdk8s program (cdk8s-fleet)',
    scripts: {
      'synth': 'ts-node main.ts',
      'validate': 'cdk8s-fleet validate gitops',
      'plan': 'cdk8s-fleet plan gitops',
      'test': 'jest',
      'pr-check': 'bash ci/pr-check.sh',
    },
    dependencies: {
      'cdk8s': ctx.peers.cdk8s,
      'cdk8s-fleet': `^${ctx.fleetVersion}`,
      'cdk8s-plus-28': ctx.peers['cdk8s-plus-28'],
      'constructs': ctx.peers.constructs,
    },
    devDependencies: { ...TOOL_VERSIONS },
    jest: {
      preset: 'ts-jest',
      testEnvironment: 'node',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/gitops/'],
      testTimeout: 60000,
    },
  };
  return `${JSON.stringify(pkg, undefined, 2)}\n`;
}

const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "commonjs",
    "lib": ["es2022"],
    "strict": true,
    "esModuleInterop": true,
    "skipLibCheck": true,
    "noEmit": true,
    "types": ["node", "jest"]
  },
  "include": ["**/*.ts"],
  "exclude": ["node_modules", "gitops"]
}
`;

const CDK8S_YAML = `# \`npx cdk8s synth\` runs the app with CDK8S_OUTDIR set to \`output\`; FleetApp writes the GitOps tree there.
language: typescript
app: npx ts-node main.ts
output: gitops
`;

const MAIN_TS = `/**
 * The fleet: its clusters, what runs on them, and the versions each environment runs. \`npm run synth\` writes
 * the GitOps tree to gitops/ (or $CDK8S_OUTDIR); commit it, and point Argo CD at it with the one
 * \`kubectl apply\` the synth prints.
 */
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ClusterCredentials, ClusterMatch, Fleet, FleetApp, IWorkloadDefinition, LabelSelectorOperator, VersionsFile, Workload, WorkloadContext } from 'cdk8s-fleet';

/** A small HTTP service, defined once with cdk8s-plus and rendered for every cluster it selects. */
class Hello implements IWorkloadDefinition {
  public define(scope: Construct, context: WorkloadContext): void {
    new kplus.Deployment(scope, 'Deployment', {
      metadata: { name: context.applicationName },
      replicas: 1,
      containers: [{
        name: 'hello',
        image: 'ghcr.io/example/hello:latest', // the tag comes from versions.yaml, per environment
        portNumber: 8080,
        securityContext: { user: 10001, group: 10001 },
      }],
    }).exposeViaService({ name: context.applicationName, ports: [{ port: 80, targetPort: 8080 }] });
  }
}

/** Builds the fleet. Tests call it with a temporary outdir. */
export function buildApp(outdir: string = process.env.CDK8S_OUTDIR || path.join(__dirname, 'gitops')): FleetApp {
  const app = new FleetApp({ outdir });
  const fleet = new Fleet(app, 'platform', {
    repoUrl: 'https://github.com/example/fleet-gitops.git', // the repository this tree is pushed to
    targetRevision: 'main',
  });

  fleet.addCluster('dev-1', {
    server: 'https://dev-1.k8s.example.com',
    labels: { environment: 'dev' },
    credentials: ClusterCredentials.awsIam({ clusterName: 'dev-1' }),
  });
  fleet.addCluster('staging-1', {
    server: 'https://staging-1.k8s.example.com',
    labels: { environment: 'staging' },
    credentials: ClusterCredentials.awsIam({ clusterName: 'staging-1' }),
  });
  fleet.addCluster('prod-1', {
    server: 'https://prod-1.k8s.example.com',
    labels: { environment: 'production' },
    credentials: ClusterCredentials.awsIam({ clusterName: 'prod-1' }),
  });

  const versions = new VersionsFile(fleet, 'Versions', { path: path.join(__dirname, 'versions.yaml') });

  new Workload(fleet, 'hello', {
    namespace: 'hello',
    matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.EXISTS }],
    image: 'ghcr.io/example/hello',
    versions,
    definition: new Hello(),
    overrides: [{ match: ClusterMatch.environment('production'), settings: { replicas: 3 } }],
  });
  return app;
}

if (require.main === module) {
  const result = buildApp().synthTree();
  console.log(\`wrote \${result.outdir}: \${result.written.length} files written, \${result.deleted.length} deleted, \${result.unchangedCount} unchanged\`);
  console.log(result.plan);
}
`;

const VERSIONS_YAML = `# The version of every application in every environment, one line each.
# Promote with: npx cdk8s-fleet promote hello --from staging --to production
environments: [dev, staging, production]   # the promotion order
environmentLabel: environment              # the cluster label that names a cluster's environment
versions:
  hello:
    dev: "1.1.0"
    staging: "1.0.0"
    production: "1.0.0"
`;

const MAIN_TEST_TS = `import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FleetTesting } from 'cdk8s-fleet';
import { buildApp } from './main';

function app() {
  return buildApp(fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-test-')));
}

test('every cluster runs hello, at its environment\\'s version', () => {
  // GIVEN / WHEN
  const hello = FleetTesting.expand(app()).find(s => s.applicationSetName === 'hello')!;
  // THEN
  expect(hello.applications.map(a => a.metadata.name)).toEqual(['hello-dev-1', 'hello-prod-1', 'hello-staging-1']);
  expect(FleetTesting.plan(app())).toContain('clusters/prod-1/hello@main [ghcr.io/example/hello:1.0.0]');
  expect(FleetTesting.plan(app())).toContain('clusters/dev-1/hello@main [ghcr.io/example/hello:1.1.0]');
});

test('no ApplicationSet generates an Application Argo CD would reject', () => {
  for (const set of FleetTesting.expand(app())) {
    expect(set.rejected).toEqual([]);
    expect(set.error).toBeUndefined();
  }
});

test('the plan: per cluster, the Applications, their sources and images', () => {
  expect(FleetTesting.plan(app())).toMatchSnapshot();
});
`;

const PR_CHECK_SH = `#!/usr/bin/env bash
# The PR check: test, synthesize and validate this branch, synthesize the target branch, and write the review
# comment (what the change does per cluster) to diff.md.
#
#   bash ci/pr-check.sh [base-ref] [comment-file]     (defaults: origin/main, diff.md)
#
# Exit codes: 0 ok; 1 a finding (a test, a validation problem, an unacknowledged removal of Applications);
# 2 a usage or input error. Post diff.md as the PR comment either way.
set -euo pipefail
cd "$(dirname "$0")/.."
base_ref="\${1:-origin/main}"
comment="\${2:-diff.md}"

npm test -- --ci
npm run synth
npx cdk8s-fleet validate gitops

work="$(mktemp -d)"
cleanup() { git worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
if git worktree add --detach "$work/src" "$base_ref" >/dev/null 2>&1 && [ -f "$work/src/package.json" ] \\
  && (cd "$work/src" && npm ci --no-audit --no-fund >/dev/null && CDK8S_OUTDIR="$work/tree" npm run synth >/dev/null); then
  npx cdk8s-fleet diff "$work/tree" gitops > "$comment"
else
  echo "The target branch $base_ref has no fleet to compare with (a first PR?): every file of gitops/ is new." > "$comment"
fi
echo "wrote $comment"
`;

const GITIGNORE = `node_modules/
# gitops/ is the GitOps tree Argo CD reads: commit it.
`;

const README = `# {{name}}

A multi-cluster Argo CD fleet as one typed [cdk8s-fleet](https://www.npmjs.com/package/cdk8s-fleet) program.

| command | what it does |
|---|---|
| \`npm install\` | install cdk8s, cdk8s-plus-28, constructs, cdk8s-fleet and the tools |
| \`npm run synth\` | write the GitOps tree to \`gitops/\` (everything is validated first; on any error nothing is written) |
| \`npm test\` | the jest tests (\`FleetTesting\`: what every ApplicationSet generates, the plan as a snapshot) |
| \`npm run validate\` | check the tree on disk (schemas, secrets, hand edits, the fleet proofs) |
| \`npm run plan\` | per cluster, the Applications it runs, with versions and images |
| \`npx cdk8s-fleet promote hello --from staging --to production\` | promote a version, editing \`versions.yaml\` |
| \`npm run pr-check\` | what CI runs on a PR: test, synth, validate, and the review comment in \`diff.md\` |

Edit \`main.ts\` (clusters, workloads) and \`versions.yaml\` (versions per environment), run \`npm run synth\`, and
commit the program together with \`gitops/\`. Bootstrap Argo CD once with the \`kubectl apply\` the synth prints.
`;
