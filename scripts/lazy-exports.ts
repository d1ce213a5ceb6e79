/**
 * Makes the compiled package's index export some modules lazily (issue #17: `require` of the package).
 *
 * `MigrationJob` extends cdk8s-plus' `Job`, so its module must load cdk8s-plus, whose index takes as long to
 * load as all of cdk8s-fleet. Everything else in the package loads cdk8s-plus only when a construct needs it
 * (src/private/lazy.ts). jsii needs `export * from './argocd/migration-job'` in src/index.ts to see the class,
 * and tsc compiles that to a `require` at load time; this step, run after every compile, replaces that one line
 * of lib/index.js with getters that require the module on first access (as aws-cdk-lib's index does), keeping
 * each name an enumerable export. test/private/lazy.test.ts checks the result on the compiled package.
 *
 * Usage: ts-node scripts/lazy-exports.ts <lib directory>
 */
import * as fs from 'fs';
import * as path from 'path';

/** Modules of src/index.ts exported lazily, as the compiled index requires them. */
export const LAZY_MODULES = ['./argocd/migration-job'];

/** Rewrites `<lib>/index.js`; idempotent. Throws when the compiled index or a module is not as expected. */
export function lazifyIndex(lib: string): void {
  const indexFile = path.join(lib, 'index.js');
  let text = fs.readFileSync(indexFile, 'utf-8');
  for (const mod of LAZY_MODULES) {
    const marker = `/* exported lazily: ${mod} */`;
    if (text.includes(marker)) continue;
    const line = `__exportStar(require("${mod}"), exports);`;
    if (!text.includes(line)) throw new Error(`${indexFile}: no line ${line}; update scripts/lazy-exports.ts`);
    // The module's exports as Node sees them (the compiled module is loaded, as aws-cdk's lazify does).
    const names = Object.keys(require(path.join(lib, mod))); // eslint-disable-line @typescript-eslint/no-require-imports
    if (names.length === 0 || !names.every(n => /^[A-Za-z_$][\w$]*$/.test(n))) {
      throw new Error(`${path.join(lib, `${mod}.js`)}: exports ${JSON.stringify(names)} are not what an index can name; update scripts/lazy-exports.ts`);
    }
    // The getters, then the same names in the form Node's ESM loader scans CommonJS modules for (cjs-module-lexer
    // cannot see names set in a loop): without it, `import { MigrationJob } from 'cdk8s-fleet'` fails in ESM.
    const getters = `${marker} for (const name of ${JSON.stringify(names)}) Object.defineProperty(exports, name, `
      + `{ enumerable: true, configurable: true, get: () => require("${mod}")[name] });\n`
      + names.map(n => `0 && (exports.${n} = void 0);`).join('\n');
    text = text.replace(line, getters);
  }
  fs.writeFileSync(indexFile, text);
}

if (require.main === module) {
  lazifyIndex(path.resolve(process.argv[2] ?? 'lib'));
}
