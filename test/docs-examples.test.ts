import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * Every TSDoc `@example` in src/ (they become API.md) must compile against the library: each is type-checked by
 * tsc as the body of a function, with the library's exports imported and a few names declared that examples use
 * without defining them (the fleet, a cluster, a project …). A renamed or invented API (`ResourceKind.NAMESPACE`)
 * fails here, naming the file.
 */

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'src');

/** Names the examples use as given (declared, not defined). */
const GIVEN = `
declare const app: FleetApp;
declare const fleet: Fleet;
declare const cluster: Cluster;
declare const prodEu: Cluster;
declare const prodEu1: Cluster;
declare const prodUs1: Cluster;
declare const drEuCentral1: Cluster;
declare const api: Workload;
declare const platform: AppProject;
declare const vault: ISecretStore;
declare const awsSecretsManager: ISecretStore;
declare const team: AppProject;
declare const versions: VersionsFile;
declare const manifests: ClusterManifests;
declare const database: ApiObject;
declare const migration: ApiObject;
declare function buildMyFleet(): FleetApp;
`;

interface Example {
  readonly file: string;
  readonly line: number;
  readonly code: string;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(d => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'imports' ? [] : sourceFiles(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The `@example` blocks of a file's doc comments: the lines after the tag, up to the next tag or the end. */
function examplesOf(file: string): Example[] {
  const text = fs.readFileSync(file, 'utf-8');
  const out: Example[] = [];
  for (const m of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const lines = m[1].split('\n').map(l => l.replace(/^\s*\* ?/, ''));
    lines.forEach((l, i) => {
      if (!l.startsWith('@example')) return;
      const body: string[] = [];
      for (const next of lines.slice(i + 1)) {
        if (next.startsWith('@')) break;
        body.push(next);
      }
      const line = text.slice(0, m.index).split('\n').length + i;
      out.push({ file: path.relative(ROOT, file), line, code: body.join('\n').trim() });
    });
  }
  return out;
}

/** Every name `src/index.ts` exports (types included): the declarations its `export *` modules export. */
function exportedNames(): string[] {
  const index = fs.readFileSync(path.join(SRC, 'index.ts'), 'utf-8');
  const names = new Set<string>();
  for (const m of index.matchAll(/^export \* from '(.+)';$/gm)) {
    const text = fs.readFileSync(path.join(SRC, `${m[1]}.ts`), 'utf-8');
    for (const d of text.matchAll(/^export (?:declare )?(?:abstract )?(?:class|interface|enum|type|const|function) (\w+)/gm)) names.add(d[1]);
  }
  return [...names].sort();
}

describe('TSDoc examples', () => {
  const examples = sourceFiles(SRC).flatMap(examplesOf);

  test('there are examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(15);
  });

  test('every @example in src/ compiles against the library', () => {
    // GIVEN each example as the body of a function in its own module
    const header = 'import { ApiObject, Duration } from \'cdk8s\';\nimport * as kplus from \'cdk8s-plus-28\';\nimport { Construct } from \'constructs\';\n'
      + `import { ${exportedNames().join(', ')} } from '${path.join(SRC, 'index').replace(/\\/g, '/')}';\n${GIVEN}\n`;
    const files = new Map(examples.map((e, i) => [
      path.join(ROOT, 'test', `__example_${i}.ts`),
      `${header}export function example(): void {\n${e.code}\n}\nvoid [Duration, kplus, Construct];\n`,
    ]));
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      types: ['node', 'jest'],
      esModuleInterop: true,
      experimentalDecorators: true,
    };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version, onError) => (files.has(name)
      ? ts.createSourceFile(name, files.get(name)!, version)
      : getSourceFile(name, version, onError));
    const fileExists = host.fileExists.bind(host);
    host.fileExists = name => files.has(name) || fileExists(name);
    const readFile = host.readFile.bind(host);
    host.readFile = name => files.get(name) ?? readFile(name);
    // WHEN
    const program = ts.createProgram([...files.keys()], options, host);
    // Only the examples are checked (not every body of the library they import): fast, and what matters here.
    const diagnostics = [...files.keys()].flatMap(f => {
      const sf = program.getSourceFile(f)!;
      return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    });
    // THEN
    const keys = [...files.keys()];
    const problems = diagnostics.map(d => {
      const e = examples[keys.indexOf(d.file!.fileName)];
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      const headerLines = header.split('\n').length;
      return `${e.file}:${e.line + line - headerLines + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  });
});
