import { Construct } from 'constructs';
import type { DrStateEntry } from './private/dr-state';
import { show, throwIfInvalid } from '../private/errors';
import { drStateModule } from '../private/lazy';
import { InputError, readTextFile } from '../private/yaml-input';

/** Props for `DrStateFile`. */
export interface DrStateFileProps {
  /**
   * The DR state file in the fleet repository (YAML). Give `path` or `content`.
   * @default - `content` is used
   */
  readonly path?: string;
  /**
   * The file's text, for tests.
   * @default - read from `path`
   */
  readonly content?: string;
}

/**
 * Which side of each DR pair serves traffic, read from a YAML file in the fleet repository, one line per pair.
 * Failover and failback are edits of this file (`cdk8s-fleet failover api --to dr-eu-central-1`, `cdk8s-fleet
 * failback api`) reviewed and merged like any change; the next synth makes the named side active.
 *
 * ```yaml
 * active:
 *   api: prod-eu-1       # cdk8s-fleet failover api --to dr-eu-central-1
 * ```
 *
 * A failover that leaves the old primary at its full footprint is written `api: {active: dr-eu-central-1,
 * keepPrimary: true}` (`--keep-primary`). Synth checks that every line names a `DrApplication` and one of its
 * sides, and that every `DrApplication` given this file has a line.
 */
export class DrStateFile extends Construct {
  /** Where the file was read from, if from a file. */
  public readonly path?: string;
  private readonly entries: Map<string, DrStateEntry>;
  private readonly pairs = new Map<string, string[]>();

  public constructor(scope: Construct, id: string, props: DrStateFileProps) {
    super(scope, id);
    this.path = props.path;
    if ((props.path === undefined) === (props.content === undefined)) {
      throwIfInvalid(this, 'DrStateFile', ["give 'path' or 'content', not both and not neither"]);
    }
    let text = props.content ?? '';
    if (props.content === undefined) {
      try {
        text = readTextFile(props.path!, { what: 'DR state file' });
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        throwIfInvalid(this, 'DrStateFile', [`'path' (${show(props.path)}) cannot be read: ${e.message}`]);
      }
    }
    const parsed = drStateModule().parseDrState(text, props.path ?? 'content');
    throwIfInvalid(this, 'DrStateFile', parsed.errors);
    this.entries = parsed.entries;
    this.node.addValidation({ validate: () => this.unknownPairs() });
  }

  /** The DR pairs the file lists. */
  public get pairNames(): string[] {
    return [...this.entries.keys()];
  }

  /** The active side of `pair`, or undefined when the file has no line for it. */
  public activeSide(pair: string): string | undefined {
    return this.entries.get(pair)?.active;
  }

  /** Whether the old primary of `pair` keeps its full footprint while the standby is active. */
  public keepsPrimary(pair: string): boolean {
    return this.entries.get(pair)?.keepPrimary ?? false;
  }

  /** @internal A DrApplication reading this file records its pair and sides. */
  public _registerPair(pair: string, sides: string[]): void {
    this.pairs.set(pair, sides);
  }

  private unknownPairs(): string[] {
    const where = this.path ?? 'the DR state file';
    const errors: string[] = [];
    for (const [pair, entry] of this.entries) {
      const sides = this.pairs.get(pair);
      if (!sides) {
        errors.push(`${where}: 'active.${pair}' names no DrApplication (pairs: ${[...this.pairs.keys()].sort().join(', ') || 'none'}); remove the line or declare the pair`);
      } else if (!sides.includes(entry.active)) {
        errors.push(`${where}: 'active.${pair}' (${show(entry.active)}) is not a side of DR pair '${pair}' (${sides.join(', ')})`);
      }
    }
    return errors;
  }
}
