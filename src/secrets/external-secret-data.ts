import type { ISecretStore } from './secret-store';

/**
 * How External Secrets creates the target Secret (`spec.target.creationPolicy`).
 * @see https://external-secrets.io/latest/guides/ownership-deletion-policy/
 */
export enum ExternalSecretCreationPolicy {
  /** Creates the Secret and owns it (controller ownerReference): deleting the ExternalSecret deletes it. The default. */
  OWNER = 'Owner',
  /** Creates the Secret without an ownerReference: it outlives the ExternalSecret. */
  ORPHAN = 'Orphan',
  /** Does not create the Secret: merges the fetched keys into an existing one. */
  MERGE = 'Merge',
  /** Creates no Secret at all. */
  NONE = 'None',
  /** Creates the Secret when missing and merges into it when it exists, without an ownerReference. */
  CREATE_OR_MERGE = 'CreateOrMerge',
}

/** What happens to the target Secret when the provider's secrets are gone (`spec.target.deletionPolicy`). */
export enum ExternalSecretDeletionPolicy {
  /** Keeps the Secret as it is (the ExternalSecret reports an error). The default. */
  RETAIN = 'Retain',
  /** Deletes the Secret (only with creation policy Owner). */
  DELETE = 'Delete',
  /** Removes the keys but keeps the Secret (not with creation policy None). */
  MERGE = 'Merge',
}

/** When the ExternalSecret re-reads its store (`spec.refreshPolicy`). */
export enum ExternalSecretRefreshPolicy {
  /** Every `refreshInterval` (the default when unset). */
  PERIODIC = 'Periodic',
  /** Once, when the Secret does not exist; never updated afterwards. */
  CREATED_ONCE = 'CreatedOnce',
  /** Only when the ExternalSecret's metadata or spec change. */
  ON_CHANGE = 'OnChange',
}

/** How a fetched value is decoded (`remoteRef.decodingStrategy`). */
export enum SecretDecodingStrategy {
  AUTO = 'Auto',
  BASE64 = 'Base64',
  BASE64_URL = 'Base64URL',
  NONE = 'None',
}

/** How fetched keys are converted (`remoteRef.conversionStrategy`). */
export enum SecretConversionStrategy {
  DEFAULT = 'Default',
  UNICODE = 'Unicode',
}

/** Whether the provider's tags or labels are fetched too (`remoteRef.metadataPolicy`; Vault needs KV v2). */
export enum SecretMetadataPolicy {
  NONE = 'None',
  FETCH = 'Fetch',
}

/** What happens when a fetched value contains NUL bytes (`remoteRef.nullBytePolicy`). */
export enum SecretNullBytePolicy {
  IGNORE = 'Ignore',
  FAIL = 'Fail',
}

/** How the rendered template is merged with the data (`template.mergePolicy`). */
export enum TemplateMergePolicy {
  /** The template replaces the data (the default). */
  REPLACE = 'Replace',
  /** The template's keys are merged over the data. */
  MERGE = 'Merge',
}

/**
 * Where a `templateFrom` result goes. For a Secret only these three are accepted (External Secrets rejects
 * any other target, which could write privileged Secret fields).
 */
export enum TemplateTarget {
  DATA = 'Data',
  ANNOTATIONS = 'Annotations',
  LABELS = 'Labels',
}

/** Whether a template key renders values only or keys and values (`templateAs`). */
export enum TemplateScope {
  VALUES = 'Values',
  KEYS_AND_VALUES = 'KeysAndValues',
}

/** Where one value lives in the store (`remoteRef`). Only references: no value is ever written. */
export interface RemoteSecretReference {
  /** The key in the provider: a Vault path, an AWS Secrets Manager name, a GCP secret name … (`remoteRef.key`). */
  readonly remoteKey: string;
  /**
   * The property of a structured (JSON) value, a gjson path (`remoteRef.property`).
   * @default - the whole value
   */
  readonly property?: string;
  /**
   * The provider's version of the value (`remoteRef.version`).
   * @default - the latest version
   */
  readonly version?: string;
  /** @default - External Secrets' default (None) */
  readonly decodingStrategy?: SecretDecodingStrategy;
  /** @default - External Secrets' default (Default) */
  readonly conversionStrategy?: SecretConversionStrategy;
  /** @default - External Secrets' default (None) */
  readonly metadataPolicy?: SecretMetadataPolicy;
  /** @default - External Secrets' default (values with NUL bytes are accepted) */
  readonly nullBytePolicy?: SecretNullBytePolicy;
}

/** One key of the target Secret, read from the store (`spec.data[]`). */
export interface ExternalSecretData extends RemoteSecretReference {
  /** The key in the Kubernetes Secret (`secretKey`: letters, digits, '-', '_' and '.'). */
  readonly secretKey: string;
  /**
   * Read this key from another store than the ExternalSecret's (`sourceRef.storeRef`).
   * @default - the ExternalSecret's store
   */
  readonly store?: ISecretStore;
}

/** Options for `ExternalSecretDataFrom.extract()`. */
export interface ExtractSecretOptions extends RemoteSecretReference {
  /**
   * Rewrites of the extracted keys, applied in order.
   * @default - none
   */
  readonly rewrite?: SecretKeyRewrite[];
  /**
   * Read from another store than the ExternalSecret's.
   * @default - the ExternalSecret's store
   */
  readonly store?: ISecretStore;
}

/** Options for `ExternalSecretDataFrom.find()`. Give at least one of `nameRegExp`, `path` and `tags`. */
export interface FindSecretsOptions {
  /**
   * Secrets whose name matches this Go regular expression (`find.name.regexp`).
   * @default - any name
   */
  readonly nameRegExp?: string;
  /**
   * Only secrets below this path (`find.path`).
   * @default - the whole store
   */
  readonly path?: string;
  /**
   * Secrets with all these tags or labels (`find.tags`).
   * @default - no tag condition
   */
  readonly tags?: Record<string, string>;
  /** @default - External Secrets' default (None) */
  readonly decodingStrategy?: SecretDecodingStrategy;
  /** @default - External Secrets' default (Default) */
  readonly conversionStrategy?: SecretConversionStrategy;
  /** @default - External Secrets' default */
  readonly nullBytePolicy?: SecretNullBytePolicy;
  /**
   * Rewrites of the found keys, applied in order (found keys are often paths, which are not valid Secret keys).
   * @default - none
   */
  readonly rewrite?: SecretKeyRewrite[];
  /**
   * Search another store than the ExternalSecret's.
   * @default - the ExternalSecret's store
   */
  readonly store?: ISecretStore;
}

/** Options for `ExternalSecretDataFrom.generator()`. */
export interface SecretGeneratorOptions {
  /** The generator's kind, e.g. `Password`, `ECRAuthorizationToken`, `VaultDynamicSecret`. */
  readonly kind: string;
  /** The generator's name. */
  readonly name: string;
  /**
   * The generator's apiVersion.
   * @default 'generators.external-secrets.io/v1alpha1'
   */
  readonly apiVersion?: string;
  /**
   * Rewrites of the generated keys.
   * @default - none
   */
  readonly rewrite?: SecretKeyRewrite[];
}

/**
 * A `spec.dataFrom[]` entry: all keys of one structured secret (extract), the secrets a search finds (find), or
 * the values of a generator. Exactly one per entry, as External Secrets requires.
 *
 * @example
 * ExternalSecretDataFrom.find({ path: 'apps/api', nameRegExp: '^db-', rewrite: [SecretKeyRewrite.regexp('^apps/api/', '')] });
 */
export class ExternalSecretDataFrom {
  /** Every key of one structured (JSON) secret (`extract`). */
  public static extract(options: ExtractSecretOptions): ExternalSecretDataFrom {
    return new ExternalSecretDataFrom('extract', { ...options, rewrite: [...options.rewrite ?? []] });
  }

  /** Every secret a search by name, path or tags finds (`find`). */
  public static find(options: FindSecretsOptions): ExternalSecretDataFrom {
    return new ExternalSecretDataFrom('find', { ...options, tags: options.tags ? { ...options.tags } : undefined, rewrite: [...options.rewrite ?? []] });
  }

  /** The values an External Secrets generator produces (`sourceRef.generatorRef`). */
  public static generator(options: SecretGeneratorOptions): ExternalSecretDataFrom {
    return new ExternalSecretDataFrom('generator', { ...options, rewrite: [...options.rewrite ?? []] });
  }

  private constructor(
    /** @internal */ public readonly _kind: 'extract' | 'find' | 'generator',
    /** @internal */ public readonly _options: any,
  ) {}
}

/** Options for `SecretKeyRewrite.merge()`. */
export interface SecretKeyMergeOptions {
  /**
   * The key the merged result goes to (required with the JSON strategy).
   * @default - none
   */
  readonly into?: string;
  /**
   * Keys that win conflicts, in order.
   * @default - none
   */
  readonly priority?: string[];
  /**
   * Ignore conflicts instead of failing.
   * @default false
   */
  readonly ignoreConflicts?: boolean;
  /**
   * Merge the values as JSON objects into `into` instead of extracting their keys.
   * @default false
   */
  readonly json?: boolean;
}

/** A rewrite of the keys `dataFrom` produces (`rewrite[]`), applied in order. */
export class SecretKeyRewrite {
  /** Replaces what a Go regular expression matches (`regexp.ReplaceAll`); `$1` refers to groups. */
  public static regexp(source: string, target: string): SecretKeyRewrite {
    return new SecretKeyRewrite({ regexp: { source, target } });
  }

  /** Renders a template over each key (`.value` is the key), e.g. `'{{ .value | upper }}'`. */
  public static transform(template: string): SecretKeyRewrite {
    return new SecretKeyRewrite({ transform: { template } });
  }

  /** Merges the values of several keys into one secret (`merge`). */
  public static merge(options: SecretKeyMergeOptions = {}): SecretKeyRewrite {
    const merge: Record<string, any> = {};
    if (options.into !== undefined) merge.into = options.into;
    if (options.priority?.length) merge.priority = [...options.priority];
    if (options.ignoreConflicts !== undefined) merge.conflictPolicy = options.ignoreConflicts ? 'Ignore' : 'Error';
    if (options.json !== undefined) merge.strategy = options.json ? 'JSON' : 'Extract';
    return new SecretKeyRewrite({ merge });
  }

  private constructor(/** @internal */ public readonly _rendered: any) {}
}

/** A key of a ConfigMap or Secret that holds a template. */
export interface TemplateItem {
  /** The key. */
  readonly key: string;
  /**
   * What the template renders.
   * @default TemplateScope.VALUES
   */
  readonly templateAs?: TemplateScope;
}

/** A source of templates for the target Secret (`template.templateFrom[]`). */
export class TemplateFrom {
  /** Templates kept in a ConfigMap in the ExternalSecret's namespace. */
  public static configMap(name: string, items: TemplateItem[], target: TemplateTarget = TemplateTarget.DATA): TemplateFrom {
    return new TemplateFrom({ configMap: { name, items: renderItems(items) }, target });
  }

  /** Templates kept in a Secret in the ExternalSecret's namespace. */
  public static secret(name: string, items: TemplateItem[], target: TemplateTarget = TemplateTarget.DATA): TemplateFrom {
    return new TemplateFrom({ secret: { name, items: renderItems(items) }, target });
  }

  /** A template written here. It is a template, never a value: it is written to Git as it is. */
  public static literal(template: string, target: TemplateTarget = TemplateTarget.DATA): TemplateFrom {
    return new TemplateFrom({ literal: template, target });
  }

  private constructor(/** @internal */ public readonly _rendered: any) {}
}

/**
 * The blueprint of the target Secret (`spec.target.template`, engine v2): its type, metadata and data keys as Go
 * templates over the fetched values, e.g. `{ url: 'postgres://{{ .user }}:{{ .password }}@db:5432/app' }`. The
 * templates are written to Git; the values are only ever filled in by External Secrets in the cluster.
 */
export interface ExternalSecretTemplate {
  /**
   * The Secret's type, e.g. `kubernetes.io/dockerconfigjson`.
   * @default - Opaque
   */
  readonly type?: string;
  /**
   * Labels of the Secret.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations of the Secret.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * Data keys, each a Go template over the fetched keys.
   * @default - the fetched keys as they are
   */
  readonly data?: Record<string, string>;
  /**
   * How the template merges with the fetched data.
   * @default TemplateMergePolicy.REPLACE
   */
  readonly mergePolicy?: TemplateMergePolicy;
  /**
   * More templates, from ConfigMaps, Secrets or literals.
   * @default - none
   */
  readonly templateFrom?: TemplateFrom[];
}

function renderItems(items: TemplateItem[]): any[] {
  return (items ?? []).map(i => ({ key: i.key, templateAs: i.templateAs ?? TemplateScope.VALUES }));
}
