/**
 * Regenerates the committed, generated parts of the repo from the pinned upstream sources in scripts/sources.json:
 *
 * - src/imports/<module>-<group>.ts: L1 classes, via `cdk8s import <module>:=<crds.yaml>`;
 * - schemas/: compact, strict JSON Schemas used for synth-time validation (see src/gitops/schema-validator.ts),
 *   and schemas/validators.js, the same compiled ahead of time (scripts/validators.ts).
 *
 * Each source is read from $CRDS_DIR (default ../shared/crds) or, when that directory does not hold it,
 * downloaded from its upstream URL. Its sha256 must match the pinned one, or nothing is written.
 *
 * Usage: npx projen import
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { toStrictCrdSchema, toStrictDefinitions, stableStringify } from './strict-schema';
import { generateValidators } from './validators';

interface Source {
  readonly file: string;
  readonly module?: string;
  readonly kind?: string;
  readonly servedOnly?: boolean;
  /** Keep only the CRDs of these kinds (for files holding many CRDs, such as Istio's crd-all.gen.yaml). */
  readonly kinds?: string[];
  /** Keep only these served versions (e.g. Istio's `v1`, not `v1alpha3`/`v1beta1`). */
  readonly versions?: string[];
  /** `false`: strict schema only, no L1 class (kinds we validate but never construct). Default true. */
  readonly l1?: boolean;
  readonly url: string;
  readonly sha256: string;
}

const root = path.resolve(__dirname, '..');
const crdsDir = path.resolve(root, process.env.CRDS_DIR ?? '../shared/crds');
const sources: Source[] = JSON.parse(fs.readFileSync(path.join(root, 'scripts', 'sources.json'), 'utf-8')).sources;

async function readSource(source: Source): Promise<string> {
  const local = path.join(crdsDir, source.file);
  let bytes: Buffer;
  if (fs.existsSync(local)) {
    bytes = fs.readFileSync(local);
  } else {
    console.error(`downloading ${source.url}`);
    const response = await fetch(source.url);
    if (!response.ok) throw new Error(`GET ${source.url}: ${response.status}`);
    bytes = Buffer.from(await response.arrayBuffer());
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== source.sha256) {
    throw new Error(`${source.file}: sha256 ${sha} does not match the pinned ${source.sha256}`);
  }
  return bytes.toString('utf-8');
}

function writeFile(file: string, content: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  console.error(`wrote ${path.relative(root, file)} (${content.length} bytes)`);
}

async function main() {
  const texts = new Map<Source, string>();
  for (const source of sources) texts.set(source, await readSource(source));

  // Kubernetes built-in definitions: strict, description-free, one file.
  const k8sSource = sources.find(s => s.kind === 'k8s-definitions')!;
  const k8s = toStrictDefinitions(JSON.parse(texts.get(k8sSource)!).definitions);
  const schemasDir = path.join(root, 'schemas');
  fs.rmSync(schemasDir, { recursive: true, force: true });
  writeFile(path.join(schemasDir, 'k8s.json'), stableStringify(k8s) + '\n');

  // CRDs: one L1 module per `module`, one strict schema per served version.
  const modules = new Map<string, any[]>();
  const index: Record<string, string> = {};
  for (const source of sources.filter(s => s.module)) {
    const crds = (yaml.loadAll(texts.get(source)!) as any[])
      .filter(doc => doc?.kind === 'CustomResourceDefinition')
      .filter(doc => !source.kinds || source.kinds.includes(doc.spec.names.kind));
    if (source.kinds && crds.length !== source.kinds.length) {
      throw new Error(`${source.file}: expected CRDs ${source.kinds.join(', ')}, found ${crds.map(c => c.spec.names.kind).join(', ')}`);
    }
    for (const crd of crds) addCrd(source, crd);
  }
  function addCrd(source: Source, crd: any) {
    if (source.servedOnly) crd.spec.versions = crd.spec.versions.filter((v: any) => v.served);
    if (source.versions) crd.spec.versions = crd.spec.versions.filter((v: any) => source.versions!.includes(v.name));
    if (crd.spec.versions.length === 0) throw new Error(`${source.file}: no version of ${crd.spec.names.kind} left`);
    if (source.l1 !== false) modules.set(source.module!, [...(modules.get(source.module!) ?? []), crd]);
    for (const version of crd.spec.versions.filter((v: any) => v.served)) {
      const apiVersion = `${crd.spec.group}/${version.name}`;
      const kind = crd.spec.names.kind;
      const file = `${crd.spec.group}_${version.name}_${kind}.json`;
      const schema = toStrictCrdSchema(version.schema.openAPIV3Schema, apiVersion, kind);
      writeFile(path.join(schemasDir, file), stableStringify(schema) + '\n');
      index[`${apiVersion}/${kind}`] = file;
    }
  }
  writeFile(path.join(schemasDir, 'index.json'), stableStringify({ crds: index, k8s: 'k8s.json' }, 2) + '\n');
  writeFile(path.join(schemasDir, 'validators.js'), generateValidators(schemasDir));

  const importsDir = path.join(root, 'src', 'imports');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-import-'));
  for (const [moduleName, crds] of modules) {
    const input = path.join(work, `${moduleName}.yaml`);
    fs.writeFileSync(input, crds.map(c => yaml.dump(c, { noRefs: true, lineWidth: -1 })).join('---\n'));
    execFileSync(path.join(root, 'node_modules', '.bin', 'cdk8s'),
      ['import', `${moduleName}:=${input}`, '--language', 'typescript', '--output', importsDir, '--no-save', '--no-check-upgrade'],
      { stdio: ['ignore', 'ignore', 'inherit'], cwd: work });
  }
  fs.rmSync(work, { recursive: true, force: true });
  for (const f of fs.readdirSync(importsDir).sort()) console.error(`wrote src/imports/${f}`);
}

main().catch(e => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
