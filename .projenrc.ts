import { cdk8s, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-fleet',
  description: 'A multi-cluster Argo CD fleet as one typed cdk8s program: synth writes the whole GitOps tree.',
  author: 'cdk8s-fleet developers',
  authorAddress: 'cdk8s-fleet@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdk8s-fleet/cdk8s-fleet.git',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.0.0',
  jsiiVersion: '~5.9.0',

  cdk8sVersion: '2.70.0',
  constructsVersion: '10.4.0',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  devDeps: [
    'cdk8s-plus-28@^2.5.6',
    'cdk8s-cli@^2.200.0',
    'fast-check@^4',
    '@types/js-yaml@^4',
    'ts-node@^10',
    '@bufbuild/cel@^0.6.1',
    '@bufbuild/protobuf@^2.6.2',
  ],
  // Non-jsii runtime dependencies are bundled into the package (jsii requires it).
  // `yaml` edits the versions file keeping its comments and formatting (`cdk8s-fleet promote`).
  bundledDeps: ['js-yaml@^4.1.0', 'ajv@^8.17.0', 'commander@^12', 'yaml@^2', 're2js@^2.10.0'],
  bin: { 'cdk8s-fleet': 'bin/cdk8s-fleet' },

  // CI is `.ci/run` (see README); no GitHub workflows, no release automation here.
  github: false,
  release: false,
  integrationTestAutoDiscover: false,
  keywords: ['cdk8s', 'argocd', 'gitops', 'applicationset', 'kubernetes', 'fleet'],

  jestOptions: {
    // jest 30 and eslint-import-resolver-typescript 4 depend on unrs-resolver, whose optional platform packages
    // are not all on the registry this project can reach; npm 11 then refuses `npm ci`. Stay on jest 29.
    jestVersion: '^29',
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 60_000,
      collectCoverage: false,
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'scripts', 'projenrc'],
    ignorePatterns: ['src/imports/', '*.d.ts', '*.js', 'node_modules/', 'lib/', 'coverage/', 'test-reports/', '.prof/', '.bench/', 'dist/'],
  },
  // No source maps in lib/: src/ is not shipped, so a map is only useful with inline sources, which tripled lib/
  // (the Argo CD L1 .js was 8.5 MB with them, 1.9 MB without) and made `require` parse them (issue #17).
  // Tests and ts-node run src/ through the dev config, which keeps inline maps for their stack traces.
  tsconfig: {
    compilerOptions: { inlineSourceMap: false, inlineSources: false },
  },
  tsconfigDev: {
    include: ['../examples/**/*.ts', '../bench/**/*.ts', '../scripts/**/*.ts'],
    compilerOptions: { inlineSourceMap: true, inlineSources: true },
  },
  gitignore: ['/examples/*/dist/', '/.bench/', '/.prof/'],
});

// See jestOptions.jestVersion: v4 of this resolver pulls in unrs-resolver. Added after the eslint component,
// which registers it without a version.
project.addDevDeps('eslint-import-resolver-typescript@~3.8.7');

// Generated L1 classes (src/imports/) and compact validation schemas (schemas/, with their validators compiled
// ahead of time in schemas/validators.js) come from the pinned upstream CRDs listed in scripts/sources.json.
// `npx projen import` regenerates all of them.
// Only the L1 modules that src/ imports (src/private/lazy.ts) are compiled into lib/ and shipped: the others
// (Rollouts, Istio, Flux, monitoring) are generated for the tests and schemas and would add 2.6 MB (issue #17).
project.tsconfig?.addExclude('src/imports/**');

// `require` of the package does not load cdk8s-plus: MigrationJob (a cdk8s-plus Job) is exported lazily by the
// compiled index (scripts/lazy-exports.ts, after every compile; issue #17).
project.compileTask.exec('ts-node --transpile-only --project test/tsconfig.json scripts/lazy-exports.ts lib');

project.addTask('import', {
  description: 'Regenerate src/imports/ (cdk8s import), schemas/ and schemas/validators.js from the pinned upstream CRDs (scripts/sources.json)',
  exec: 'ts-node --project test/tsconfig.json scripts/import.ts',
  receiveArgs: true,
});

// The README's test command must pass on a fresh machine: install what the tests need besides npm packages
// (Debian's chromium for the plan page) before jest runs, in `npx projen test` and so in `npx projen build`.
const testSetup = project.addTask('test:setup', {
  description: 'Install the tools the tests need besides npm packages (Debian\'s chromium, when missing and running as root)',
  exec: 'bash scripts/test-setup.sh',
});
project.testTask.prependSpawn(testSetup);

const bench = project.addTask('bench', {
  description: 'Time require() of the package, synthesize generated fleets of growing size and print throughput figures (see BENCHMARKS.md)',
});
// require() of the compiled package beside cdk8s and cdk8s-plus-28, and the lazy-loading check (issue #17).
bench.exec('ts-node --transpile-only --project test/tsconfig.json bench/scale-bench.ts require 9');
bench.exec('ts-node --transpile-only --project test/tsconfig.json bench/bench.ts', { receiveArgs: true });

project.addTask('synth:example', {
  description: 'Synthesize the example fleet (examples/basic-fleet) into examples/basic-fleet/dist (or $CDK8S_OUTDIR)',
  exec: 'ts-node --transpile-only --project test/tsconfig.json examples/basic-fleet/main.ts',
});

project.gitattributes.addAttributes('/schemas/validators.js', 'linguist-generated');

for (const pattern of ['/examples/', '/bench/', '/scripts/', '/.ci/', '/BENCHMARKS.md', '/.bench/', '/.prof/']) {
  project.addPackageIgnore(pattern);
}

project.synth();
