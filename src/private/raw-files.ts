/**
 * Files a construct writes byte for byte (a SOPS-encrypted manifest must never be re-serialized: its MAC covers
 * its values in order), with the generated files that go with them. The construct checks them (validation,
 * the secret scan) when it produces them; rendering places them and reports collisions.
 */
import { IConstruct } from 'constructs';
import { sha256 } from './util';
import type { RenderedFile } from '../gitops/render';

/** One file, with the object it holds (for the fleet model) and its problems. */
export interface RawFile {
  /** Path relative to the tree root. */
  readonly path: string;
  /** The bytes. */
  readonly content: string;
  /** The (first) object in it. */
  readonly object: any;
  /** Problems found checking it. */
  readonly problems: string[];
}

const RAW_FILES = Symbol.for('cdk8s-fleet.rawFiles');

/** Declares the raw files of `construct`; `producer` is called once at render. */
export function defineRawFiles(construct: IConstruct, producer: () => RawFile[]): void {
  Object.defineProperty(construct, RAW_FILES, { value: producer, enumerable: false });
}

/** The raw files of every construct of `all`, placed in the tree; problems and path collisions go to `errors`. */
export function renderRawFiles(
  all: readonly IConstruct[], byPath: { get(path: string): string | undefined; set(path: string, owner: string): void }, errors: string[],
): RenderedFile[] {
  const files: RenderedFile[] = [];
  for (const c of all) {
    const producer = (c as any)[RAW_FILES] as (() => RawFile[]) | undefined;
    if (!producer) continue;
    const where = c.node.path;
    let raw: RawFile[];
    try {
      raw = producer();
    } catch (e) {
      errors.push(`[${where}] ${(e as Error).message}`);
      continue;
    }
    for (const f of raw) {
      for (const p of f.problems) errors.push(`[${where}] ${f.path}: ${p}`);
      const existing = byPath.get(f.path);
      if (existing) {
        errors.push(`[${where}] ${f.path} is also written by '${existing}'`);
        continue;
      }
      byPath.set(f.path, where);
      const directory = f.path.slice(0, f.path.lastIndexOf('/'));
      files.push({
        path: f.path,
        content: f.content,
        object: f.object,
        hash: sha256(f.content),
        constructPath: where,
        placement: { directory, role: 'workload' },
      });
    }
  }
  return files;
}
