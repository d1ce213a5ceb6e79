import { IConstruct } from 'constructs';
import type { QuietContents, SecretAllowanceData, TreeFileContent } from './scanner';
import type { RenderedFile } from '../gitops/render';
import { show, throwIfInvalid } from '../private/errors';
import { scannerModule } from '../private/lazy';
import { compareCodeUnits, sha256 } from '../private/util';

/**
 * The rules of the secret scanner that synth and `cdk8s-fleet validate` run on every file of the tree. The
 * error for a finding ends with its rule in brackets, e.g. `[aws-access-key-id]`.
 */
export enum SecretScanRule {
  /** A private key: PEM (any `BEGIN … PRIVATE KEY`, OpenSSH, PGP), PuTTY, DER, PKCS#12, JKS, a private JWK. */
  PRIVATE_KEY = 'private-key',
  /** An age identity (`AGE-SECRET-KEY-1…`). */
  AGE_SECRET_KEY = 'age-secret-key',
  /** An AWS access key ID (`AKIA…`, `ASIA…`). */
  AWS_ACCESS_KEY_ID = 'aws-access-key-id',
  /** A GitHub token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`). */
  GITHUB_TOKEN = 'github-token',
  /** A GitLab token (`glpat-`, `gldt-`, `glrt-`, …). */
  GITLAB_TOKEN = 'gitlab-token',
  /** A Slack token (`xoxb-`, `xoxp-`, `xapp-`, …). */
  SLACK_TOKEN = 'slack-token',
  /** A Slack webhook URL. */
  SLACK_WEBHOOK = 'slack-webhook',
  /** A JSON Web Token. */
  JWT = 'jwt',
  /** A Google API key (`AIza…`). */
  GOOGLE_API_KEY = 'google-api-key',
  /** A Stripe secret or restricted key. */
  STRIPE_KEY = 'stripe-key',
  /** An npm access token. */
  NPM_TOKEN = 'npm-token',
  /** A password in a URL (`https://user:password@host`). */
  BASIC_AUTH_URL = 'basic-auth-url',
  /** A token, password or signature in a URL query (`?private_token=…`). */
  URL_CREDENTIAL = 'url-credential',
  /** A literal under a secret-named key (`password`, `apiKey`, `DB_PASSWORD`, …). */
  SECRET_KEYWORD = 'secret-keyword',
  /** A Kubernetes Secret with plaintext `data`/`stringData`, or an Argo CD cluster or repository Secret with credentials. */
  KUBERNETES_SECRET = 'kubernetes-secret',
  /** A literal secret in an ExternalSecret or SealedSecret template, or an External Secrets fake store. */
  SECRET_TEMPLATE_LITERAL = 'secret-template-literal',
}

/**
 * A value the secret scanner reports that is not a secret (a false positive), declared with
 * `SecretScan.allow()`. Name either the object (`kind` and `name`, optionally `namespace`) or, for a file that
 * holds no Kubernetes object (a Helm values file), the `file`.
 */
export interface SecretScanAllowance {
  /**
   * The tree-relative path of a file that holds no Kubernetes object, e.g. `values/api/region-eu-west-1.yaml`.
   * @default - the object named by `kind` and `name`
   */
  readonly file?: string;
  /**
   * The object's kind, e.g. `ConfigMap`.
   * @default - the file named by `file`
   */
  readonly kind?: string;
  /**
   * The object's `metadata.name`.
   * @default - the file named by `file`
   */
  readonly name?: string;
  /**
   * The object's `metadata.namespace`.
   * @default - any namespace
   */
  readonly namespace?: string;
  /** The JSON pointer of the value, as the scanner's error shows it, e.g. `/data/PUBLIC_TOKEN` (`''` for the whole object). */
  readonly pointer: string;
  /**
   * The rule that may report it.
   * @default - any rule
   */
  readonly rule?: SecretScanRule;
  /** Why the value is not a secret; reviewers read it in `secret-scan-allowances.yaml`. */
  readonly reason: string;
}

/** The file at the tree root that lists every allowance, so that reviewers see them in the pull request. */
export const SECRET_SCAN_ALLOWANCES_FILE = 'secret-scan-allowances.yaml';

const ALLOWANCES = new WeakMap<IConstruct, SecretAllowanceData[]>();
const RULES = new Set<string>(Object.values(SecretScanRule));

/**
 * The secret scanner's allowances. Synth scans every file it writes for credentials (private keys, cloud and
 * SaaS tokens, JWTs, passwords in URLs, literals under secret-named keys, plaintext Secrets) and fails on any
 * finding; `allow` declares one finding a false positive, with a reason that is written to the tree.
 *
 * @example
 * SecretScan.allow(app, {
 *   kind: 'ConfigMap', name: 'web', pointer: '/data/PUBLIC_JWT',
 *   rule: SecretScanRule.JWT, reason: 'the public demo token from the vendor docs; it grants nothing',
 * });
 */
export class SecretScan {
  /**
   * Allows one finding of the scanner. The allowance applies to the whole app `scope` belongs to and is
   * written to `secret-scan-allowances.yaml` at the tree root; `cdk8s-fleet validate` reads it from there.
   */
  public static allow(scope: IConstruct, allowance: SecretScanAllowance): void {
    const a = allowance ?? ({} as SecretScanAllowance);
    const errors: string[] = [];
    if (typeof a.reason !== 'string' || !a.reason.trim()) errors.push(`'reason' (${show(a.reason)}) must say why the value is not a secret`);
    if (typeof a.pointer !== 'string' || (a.pointer !== '' && !a.pointer.startsWith('/'))) {
      errors.push(`'pointer' (${show(a.pointer)}) must be a JSON pointer as the scanner reports it, e.g. '/data/PUBLIC_TOKEN'`);
    }
    const byObject = a.kind !== undefined || a.name !== undefined;
    if (a.file !== undefined && byObject) errors.push("give either 'file' or 'kind' and 'name', not both");
    if (a.file === undefined && !byObject) errors.push("give 'kind' and 'name' of the object (or 'file' for a file that holds no object)");
    if (byObject && (!a.kind || !a.name)) errors.push(`'kind' (${show(a.kind)}) and 'name' (${show(a.name)}) go together`);
    if (a.file !== undefined && (!a.file || a.file.startsWith('/') || a.file.split('/').includes('..'))) {
      errors.push(`'file' (${show(a.file)}) must be a path relative to the tree root`);
    }
    if (a.rule !== undefined && !RULES.has(a.rule)) errors.push(`'rule' (${show(a.rule)}) is not a SecretScanRule`);
    throwIfInvalid(scope, 'SecretScan allowance', errors);
    const root = scope.node.root;
    const list = ALLOWANCES.get(root) ?? [];
    const { file, kind, name, namespace, pointer, rule } = a;
    list.push(definedOnly({ file, kind, name, namespace, pointer, rule, reason: a.reason.trim() }));
    ALLOWANCES.set(root, list);
  }

  /** @internal Every allowance of the app `scope` belongs to, in a stable order. */
  public static _allowancesOf(scope: IConstruct): SecretAllowanceData[] {
    return [...ALLOWANCES.get(scope.node.root) ?? []].sort((x, y) => compareCodeUnits(allowanceKey(x), allowanceKey(y)));
  }

  /**
   * @internal The last check before the tree writer: adds `secret-scan-allowances.yaml` when there are
   * allowances (keeping `files` sorted by path) and scans every file's bytes. Throws, listing every finding.
   */
  public static _checkTree(scope: IConstruct, files: RenderedFile[], quiet?: QuietContents): void {
    const allowances = SecretScan._allowancesOf(scope);
    if (allowances.length > 0) {
      const content = scannerModule().allowancesYaml(allowances);
      const at = files.findIndex(f => f.path > SECRET_SCAN_ALLOWANCES_FILE);
      files.splice(at < 0 ? files.length : at, 0, {
        path: SECRET_SCAN_ALLOWANCES_FILE,
        content,
        hash: sha256(content),
        object: undefined,
        constructPath: scope.node.root.node.path,
        placement: { directory: '.', role: 'argocd' },
      });
    }
    const scanned = files.map(f => new ScannedFile(f));
    const problems = scannerModule().scanTreeFiles(scanned, allowances, quiet);
    if (problems.length > 0) {
      throw new Error(`Secret scan failed (nothing was written; keep secrets out of Git with an ExternalSecret, a SealedSecret or SOPS, or declare a false positive with SecretScan.allow()):\n  ${problems.join('\n  ')}`);
    }
  }

  private constructor() {}
}

/** A rendered file as the tree scan sees it; its content read through it (a deferred one serializes only if read). */
class ScannedFile implements TreeFileContent {
  public readonly path: string;
  public readonly objectsScanned: boolean;
  public readonly hash: string;
  public constructor(private readonly file: RenderedFile) {
    this.path = file.path;
    this.objectsScanned = file.object !== undefined;
    this.hash = file.hash;
  }

  public get content(): string {
    return this.file.content;
  }
}

function definedOnly(a: Record<string, string | undefined>): SecretAllowanceData {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as unknown as SecretAllowanceData;
}

function allowanceKey(a: SecretAllowanceData): string {
  return [a.file ?? '', a.kind ?? '', a.namespace ?? '', a.name ?? '', a.pointer, a.rule ?? '', a.reason].join('\u0000');
}
