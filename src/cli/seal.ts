import * as fs from 'fs';
import { Command } from 'commander';
import type { CommandResult } from './appset-generate';
import { CliError } from './errors';
import { toYaml } from '../gitops/yaml';
import { show } from '../private/errors';
import { dns1123LabelErrors, dns1123SubdomainErrors } from '../private/names';
import {
  CLUSTER_WIDE_ANNOTATION, encryptionLabel, expiryError, hybridEncrypt, NAMESPACE_WIDE_ANNOTATION, parseCertificate, ScopeName,
} from '../private/sealing';
import { SEALED_FOR_ANNOTATION } from '../private/secret-markers';
import { sortedMap } from '../private/util';
import { writeFileAtomically } from '../private/yaml-edit';
import { InputError, readTextFile } from '../private/yaml-input';

/** The most plaintext sealed at once: a Kubernetes Secret holds at most 1 MiB. */
export const MAX_SEAL_BYTES = 1024 * 1024;

/** Options of `cdk8s-fleet seal`. */
export interface SealOptions {
  /** The controller's certificate (PEM file). */
  readonly cert?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** strict (default), namespace-wide or cluster-wide. */
  readonly scope?: string;
  /** Seal every `key=value` line of this file into a SealedSecret. */
  readonly envFile?: string;
  /** With `envFile`: write the SealedSecret YAML here (otherwise to stdout). */
  readonly output?: string;
  /** With `envFile`: the Secret's type. */
  readonly type?: string;
}

/**
 * `cdk8s-fleet seal`: seals one value read on stdin and prints its base64 ciphertext exactly as `kubeseal --raw`
 * prints it (no newline), or, with `--env-file`, seals every `key=value` line into a SealedSecret manifest that
 * records the certificate's fingerprint (annotation `fleet.cdk8s.io/sealing-certificate`). Only the public
 * certificate is used; the plaintext is never written anywhere. The fingerprint goes to stderr.
 */
export function sealCommand(options: SealOptions, stdin: () => Buffer, now: Date = new Date()): CommandResult {
  const scope = parseScope(options.scope);
  if (!options.cert) throw new CliError('must provide the --cert flag (the controller certificate: kubeseal --fetch-cert > cert.pem)');
  if (scope !== 'cluster-wide') {
    if (!options.namespace) throw new CliError(`must provide the --namespace flag with --raw and --scope ${scope}`);
    if (!options.name && scope === 'strict') throw new CliError(`must provide the --name flag with --raw and --scope ${scope}`);
  }
  if (options.envFile && !options.name) throw new CliError('must provide the --name flag with --env-file (the SealedSecret\'s name)');
  if (options.output && !options.envFile) throw new CliError('--output applies to --env-file only (a raw value is printed on stdout)');
  const nameErrors = [
    ...(options.namespace !== undefined ? dns1123LabelErrors(options.namespace).map(e => `--namespace (${show(options.namespace)}) ${e}`) : []),
    ...(options.name !== undefined ? dns1123SubdomainErrors(options.name).map(e => `--name (${show(options.name)}) ${e}`) : []),
  ];
  if (nameErrors.length) throw new CliError(nameErrors.join('; '));

  let pem: string;
  try {
    pem = readTextFile(options.cert, { maxBytes: 1024 * 1024, what: 'certificate' });
  } catch (e) {
    throw new CliError((e as InputError).message);
  }
  let cert;
  try {
    cert = parseCertificate(pem);
  } catch (e) {
    throw new CliError(`${options.cert}: ${(e as Error).message}`);
  }
  const expired = expiryError(cert.notAfter, now);
  if (expired) throw new CliError(`${options.cert}: ${expired}`);
  const namespace = options.namespace ?? '';
  const name = options.name ?? '';
  const label = encryptionLabel(namespace, name, scope);
  const stderr = `sealed for certificate ${cert.fingerprint} (scope ${scope}${scope === 'cluster-wide' ? '' : `, ${scope === 'strict' ? `${namespace}/${name}` : namespace}`})\n`;

  if (!options.envFile) {
    const plaintext = stdin();
    if (plaintext.length > MAX_SEAL_BYTES) throw new CliError(`stdin: more than ${MAX_SEAL_BYTES} bytes (a Secret holds at most 1 MiB)`);
    try {
      return { stdout: hybridEncrypt(cert.publicKey, plaintext, label).toString('base64'), stderr, code: 0 };
    } finally {
      plaintext.fill(0);
    }
  }

  const values = readEnvFile(options.envFile);
  const encryptedData: Record<string, string> = {};
  for (const key of Object.keys(values).sort()) {
    // `__proto__` is a valid Secret key: kept as an own property.
    Object.defineProperty(encryptedData, key, { value: hybridEncrypt(cert.publicKey, values[key], label).toString('base64'), enumerable: true, writable: true, configurable: true });
    values[key].fill(0);
  }
  const annotations: Record<string, string> = { [SEALED_FOR_ANNOTATION]: cert.fingerprint };
  const scopeAnnotations: Record<string, string> = {};
  if (scope === 'namespace-wide') scopeAnnotations[NAMESPACE_WIDE_ANNOTATION] = 'true';
  if (scope === 'cluster-wide') scopeAnnotations[CLUSTER_WIDE_ANNOTATION] = 'true';
  const metadata = (extra: Record<string, string>) => {
    const all = sortedMap({ ...scopeAnnotations, ...extra });
    return { name, ...(namespace ? { namespace } : {}), ...(Object.keys(all).length ? { annotations: all } : {}) };
  };
  const manifest = {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: metadata(annotations),
    spec: {
      encryptedData,
      template: { metadata: metadata({}), ...(options.type ? { type: options.type } : {}) },
    },
  };
  const yaml = toYaml(manifest);
  if (!options.output) return { stdout: yaml, stderr, code: 0 };
  writeOutput(options.output, yaml);
  return { stdout: '', stderr: `${stderr}wrote ${options.output} (${Object.keys(encryptedData).length} keys)\n`, code: 0 };
}

/** Registers `cdk8s-fleet seal` on the program. */
export function registerSealCommand(program: Command, emit: (r: CommandResult) => void, stdin: () => Buffer = readStdin): void {
  program.command('seal')
    .description('seal a value read on stdin for a cluster\'s Sealed Secrets controller, printing the ciphertext as `kubeseal --raw` does (or seal a key=value file into a SealedSecret)')
    .option('--cert <pem>', 'the controller\'s certificate (kubeseal --fetch-cert); required')
    .option('--namespace <namespace>', 'the namespace the secret is sealed for (not with --scope cluster-wide)')
    .option('--name <name>', 'the Secret\'s name (required with the strict scope and with --env-file)')
    .option('--scope <scope>', 'strict, namespace-wide or cluster-wide', 'strict')
    .option('--env-file <file>', 'seal every key=value line of this file into a SealedSecret manifest')
    .option('--output <file>', 'with --env-file: write the manifest to this file (atomically) instead of stdout')
    .option('--type <type>', 'with --env-file: the Secret\'s type')
    .action((opts: SealOptions) => {
      try {
        emit(sealCommand(opts, stdin));
      } catch (e) {
        if (e instanceof CliError) emit({ stdout: '', stderr: `error: ${e.message}\n`, code: e.exitCode });
        else throw e;
      }
    });
}

function parseScope(scope: string | undefined): ScopeName {
  switch (scope ?? '') {
    case '': case 'strict': return 'strict';
    case 'namespace-wide': return 'namespace-wide';
    case 'cluster-wide': return 'cluster-wide';
    default: throw new CliError(`--scope (${show(scope)}): must be one of: strict, namespace-wide, cluster-wide`);
  }
}

/**
 * A `key=value` file as `kubectl create secret --from-env-file` reads it: one entry per line, the value is
 * everything after the first `=` (no quoting), blank lines and lines starting with `#` are skipped.
 */
function readEnvFile(file: string): Record<string, Buffer> {
  let text: string;
  try {
    text = readTextFile(file, { maxBytes: MAX_SEAL_BYTES, what: 'env file' });
  } catch (e) {
    throw new CliError((e as InputError).message);
  }
  // Keys are the file's own: `constructor` or `__proto__` are Secret keys like any other.
  const out: Record<string, Buffer> = Object.create(null);
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new CliError(`${file}:${i + 1}: expected key=value (the value is not shown)`);
    const key = line.slice(0, eq).trimEnd();
    if (!/^[-._a-zA-Z0-9]+$/.test(key)) throw new CliError(`${file}:${i + 1}: key ${show(key)} is not a valid Secret key (letters, digits, '-', '_' and '.')`);
    if (key in out) throw new CliError(`${file}:${i + 1}: key ${show(key)} is given twice`);
    out[key] = Buffer.from(line.slice(eq + 1), 'utf-8');
  });
  if (!Object.keys(out).length) throw new CliError(`${file}: no key=value line`);
  return out;
}

/** Reads all of stdin, at most `MAX_SEAL_BYTES` + 1 bytes (so that an endless stream is refused, not read). */
function readStdin(): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (e: any) {
      if (e?.code === 'EAGAIN') continue;
      if (e?.code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    total += n;
    if (total > MAX_SEAL_BYTES) break;
  }
  buf.fill(0);
  return Buffer.concat(chunks);
}

/** Writes next to the target and renames over it (`writeFileAtomically`), so a reader never sees half a file. */
function writeOutput(file: string, content: string): void {
  try {
    writeFileAtomically(file, content);
  } catch (e) {
    throw new CliError((e as Error).message, 2);
  }
}
