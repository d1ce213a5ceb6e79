import * as fs from 'fs';
import * as path from 'path';
import { CliError } from './errors';
import { templateFiles } from './init-templates';

/** Options of `cdk8s-fleet init`. */
export interface InitOptions {
  /** Write into a directory that is not empty (files of the same names are overwritten). */
  readonly force?: boolean;
  /** The package name. Default: the directory's name, made a valid npm name. */
  readonly name?: string;
}

/** What `init` wrote. */
export interface InitResult {
  /** The project directory (absolute). */
  readonly directory: string;
  /** The files written, relative to it. */
  readonly files: string[];
}

/**
 * `cdk8s-fleet init [dir]`: scaffolds a fleet project that synthesizes and passes its tests out of the box:
 * package.json (cdk8s, cdk8s-plus-28 and constructs at the versions this package is built with, TypeScript 5,
 * ts-node, jest), tsconfig.json, cdk8s.yaml, main.ts (three clusters, a Workload whose tag comes from
 * versions.yaml), versions.yaml, a jest test with `FleetTesting`, and ci/pr-check.sh. Refuses a directory that
 * is not empty unless `force`.
 */
export function init(dir: string, options: InitOptions = {}): InitResult {
  const directory = path.resolve(dir);
  if (fs.existsSync(directory)) {
    if (!fs.statSync(directory).isDirectory()) throw new CliError(`${dir}: exists and is not a directory`);
    const entries = fs.readdirSync(directory).filter(e => e !== '.git');
    if (entries.length > 0 && !options.force) {
      throw new CliError(`${dir}: not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); give an empty or new directory, or --force to write into it`);
    }
  }
  const name = options.name ?? npmName(path.basename(directory));
  if (!/^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(name) || name.length > 214) {
    throw new CliError(`--name '${name}' is not a valid npm package name (lowercase letters, digits, '-', '.', '_', '~')`);
  }
  const own = ownPackage();
  const files = templateFiles({ name, fleetVersion: own.version, peers: own.peers });
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(directory, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content, { mode: rel.endsWith('.sh') ? 0o755 : 0o644 });
  }
  return { directory, files: Object.keys(files).sort() };
}

/** A directory name as an npm package name (`My Fleet` → `my-fleet`), or `fleet`. */
function npmName(base: string): string {
  const name = base.toLowerCase().replace(/[^a-z0-9-._~]+/g, '-').replace(/^[-._]+|-+$/g, '');
  return name || 'fleet';
}

const PEERS = ['cdk8s', 'cdk8s-plus-28', 'constructs'];

/**
 * This package's version and the exact versions of its peer dependencies it is built and tested with (its
 * devDependencies pin them; the peer ranges are the fallback).
 */
export function ownPackage(): { version: string; peers: Record<string, string> } {
  let pkg: any;
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8'));
  } catch (e) {
    throw new CliError(`cannot read cdk8s-fleet's own package.json: ${(e as Error).message}`);
  }
  const peers: Record<string, string> = {};
  for (const p of PEERS) {
    const dev = pkg.devDependencies?.[p];
    peers[p] = typeof dev === 'string' && /^\d+\.\d+\.\d+$/.test(dev) ? dev : String(pkg.peerDependencies?.[p] ?? 'latest');
  }
  return { version: String(pkg.version), peers };
}
