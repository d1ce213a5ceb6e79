import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ClusterCredentials, IN_CLUSTER_SERVER } from './cluster-credentials';
import { ClusterManifests, ClusterManifestsOptions } from './cluster-manifests';
import { Fleet } from './fleet';
import type { IAppProject } from '../argocd/app-project';
import { argoChart } from '../private/argo-chart';
import { clusterSecretAnnotations, secretSettingErrors } from '../private/cluster-secret-settings';
import { show, throwIfInvalid, validateLater } from '../private/errors';
import { formatProblem, inputErrors, renderExternalSecretSpec, webhookProblems } from '../private/external-secret-spec';
import { cdk8sPlus, externalSecretsL1 } from '../private/lazy';
import { annotationMapErrors, constructIdFor, dns1123LabelErrors, dns1123SubdomainErrors, labelMapErrors } from '../private/names';
import { ownLazy } from '../private/own-lazy';
import { definePlacement } from '../private/placement';
import { sortDeep, sortedMap, undefinedIfEmpty } from '../private/util';
import type { SealingCertificate } from '../secrets/sealing-certificate';
import type { SecretStoreReference } from '../secrets/secret-store';

/** The label that makes a Secret an Argo CD cluster Secret. */
export const CLUSTER_SECRET_TYPE_LABEL = 'argocd.argoproj.io/secret-type';

/** Options for `Fleet.addCluster()`. */
export interface ClusterOptions {
  /**
   * How Argo CD authenticates to the cluster.
   */
  readonly credentials: ClusterCredentials;
  /**
   * The Kubernetes API server URL (`https://…`).
   * @default - `https://kubernetes.default.svc` for `ClusterCredentials.inCluster()`; required otherwise
   */
  readonly server?: string;
  /**
   * Labels on the cluster Secret. ApplicationSet cluster generators select clusters by them.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations on the cluster Secret (exposed to ApplicationSet templates).
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * Makes the cluster project-scoped: only Applications of this project may use it.
   * @default - available to every project that allows it as a destination
   */
  readonly project?: IAppProject;
  /**
   * Restrict Argo CD to these namespaces (one list/watch each). Cluster-scoped resources are then ignored
   * unless `clusterResources` is true.
   * @default - all namespaces
   */
  readonly namespaces?: string[];
  /**
   * With `namespaces`, whether Argo CD still manages cluster-scoped resources.
   * @default false
   */
  readonly clusterResources?: boolean;
  /**
   * Pin the cluster to an application-controller shard (below the replica count; Argo CD's controller
   * reconciles a cluster pinned at or above it on shard 0).
   * @default - the controller's sharding algorithm decides
   */
  readonly shard?: number;
  /**
   * Skip verification of the server certificate. Never use it in production.
   * @default false
   */
  readonly insecure?: boolean;
  /**
   * The server name used to verify the server certificate (SNI).
   * @default - the host of `server`
   */
  readonly serverName?: string;
  /**
   * The cluster CA bundle, PEM. It is public material and is written base64-encoded to `caData`.
   * @default - the system roots
   */
  readonly caCertificate?: string;
  /**
   * A proxy for reaching the API server.
   * @default - none
   */
  readonly proxyUrl?: string;
  /**
   * External Secrets stores installed on the cluster outside this program (synth proves that every ExternalSecret
   * reaching the cluster names a store it has). For a `SecretStoreReference.secretStore()`, give its namespace.
   * Recorded on the cluster Secret (annotation `fleet.cdk8s.io/secret-stores`).
   * @default - none (stores deployed by this program are found in the tree)
   */
  readonly secretStores?: SecretStoreReference[];
  /**
   * The certificate of the cluster's Sealed Secrets controller: synth checks that it has not expired and that
   * every SealedSecret deployed to the cluster was sealed for it (or for `additionalSealingCertificates`).
   * Its fingerprint is recorded on the cluster Secret (annotation `fleet.cdk8s.io/sealing-certificates`).
   * @default - none: the cluster takes no SealedSecret
   */
  readonly sealingCertificate?: SealingCertificate;
  /**
   * Earlier certificates whose keys the controller still holds (it keeps every key it renewed), so SealedSecrets
   * sealed for them still unseal.
   * @default - none
   */
  readonly additionalSealingCertificates?: SealingCertificate[];
  /**
   * The age recipient (`age1…`, the public key) of the SOPS key the cluster decrypts with. Synth checks that every
   * SOPS file deployed to the cluster is encrypted to it. Recorded on the cluster Secret (annotation
   * `fleet.cdk8s.io/sops-age-recipient`).
   * @default - none: the cluster takes no SOPS file
   */
  readonly sopsAgeRecipient?: string;
}

/** Props for `Cluster`. */
export interface ClusterProps extends ClusterOptions {
  /**
   * The cluster's name in Argo CD (`destination.name`), a DNS-1123 label.
   * @default - the construct id
   */
  readonly clusterName?: string;
}

/** A cluster registered in a fleet. */
export interface ICluster extends IConstruct {
  /** The cluster's name in Argo CD. */
  readonly clusterName: string;
  /** The API server URL. */
  readonly server: string;
  /** The labels selectors see. */
  readonly labels: Record<string, string>;
  /** The annotations templates see. */
  readonly annotations: Record<string, string>;
  /** The project the cluster is scoped to, if any. */
  readonly project?: IAppProject;
  /** The fleet whose registry holds it. */
  readonly fleet: Fleet;
}

/**
 * A cluster in the fleet's registry. It synthesizes the Argo CD cluster Secret exactly as Argo CD reads it,
 * or, for credentials kept in a secret store, an External Secrets `ExternalSecret` that produces it.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#clusters
 *
 * @example
 * const prodEu = fleet.addCluster('prod-eu-1', {
 *   server: 'https://prod-eu-1.k8s.example.com',
 *   labels: { environment: 'production', region: 'eu-west-1' },
 *   credentials: ClusterCredentials.gkeWorkloadIdentity(),
 * });
 */
export class Cluster extends Construct implements ICluster {
  /** Whether `x` is a Cluster (works across copies of the library). */
  public static isCluster(x: any): x is Cluster {
    return x !== null && typeof x === 'object' && CLUSTER_SYMBOL in x;
  }

  public readonly clusterName: string;
  public readonly server: string;
  public readonly project?: IAppProject;
  public readonly fleet: Fleet;
  /** The object written to the tree: a v1 Secret, or an ExternalSecret that produces it. */
  public readonly apiObject: ApiObject;
  /** The certificate of the cluster's Sealed Secrets controller, if given. */
  public readonly sealingCertificate?: SealingCertificate;
  /** The age recipient of the cluster's SOPS key, if given. */
  public readonly sopsAgeRecipient?: string;
  /** The application-controller shard the program pins the cluster to, if it does (`ClusterOptions.shard`). */
  public readonly shard?: number;
  private readonly _labels: Record<string, string>;
  private readonly _annotations: Record<string, string>;
  private readonly options: ClusterProps;

  public constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    Object.defineProperty(this, CLUSTER_SYMBOL, { value: true });
    this.fleet = Fleet.of(this);
    this.options = props;
    this.clusterName = props.clusterName ?? id;
    const rendered = props.credentials?._render();
    this.server = props.server ?? rendered?.impliedServer ?? '';
    this._labels = { ...props.labels ?? {} };
    this._annotations = { ...props.annotations ?? {} };
    this.project = props.project;
    this.sealingCertificate = props.sealingCertificate;
    this.sopsAgeRecipient = props.sopsAgeRecipient;
    this.shard = props.shard;

    // The name, credentials and server make the cluster: a problem there stops the program (with every other
    // problem of the cluster). The rest only shapes what it writes, so alone those problems are reported at
    // synth, together with every other construct's (README "Validation").
    const { fatal, later } = this.propErrors(props, rendered?.impliedServer);
    later.push(...secretSettingErrors(props));
    if (fatal.length > 0) throwIfInvalid(this, 'Cluster', [...fatal, ...later]);
    validateLater(this, later);
    this.fleet._registerCluster(this);

    const secretName = `cluster-${this.clusterName}`;
    definePlacement(this, () => ({ directory: `${this.fleet.argocdDirectory}/clusters`, role: 'argocd' }));
    const data = this.secretData(rendered!.config);
    const labels = { ...sortedMap(this._labels), [CLUSTER_SECRET_TYPE_LABEL]: 'cluster' };

    // Secret settings (stores, sealing certificates, age recipient) are recorded lazily: stores may be declared
    // for the cluster after it is registered (PreinstalledSecretStore).
    const annotations = () => undefinedIfEmpty(sortedMap({ ...this._annotations, ...clusterSecretAnnotations(this, props) }));
    if (!rendered!.fromStore) {
      this.apiObject = new (cdk8sPlus().k8s.KubeSecret)(argoChart(this, this.fleet.argocdNamespace), 'Resource', {
        metadata: { name: secretName, namespace: this.fleet.argocdNamespace, labels, annotations: undefinedIfEmpty(sortedMap(this._annotations)) },
        type: 'Opaque',
        stringData: data,
      });
      for (const key of Object.keys(clusterSecretAnnotations(this, props, true))) {
        this.apiObject.metadata.addAnnotation(key, ownLazy(() => clusterSecretAnnotations(this, props)[key]));
      }
    } else {
      const store = rendered!.fromStore;
      const storeRef = store.store ?? this.fleet.defaultSecretStore;
      // The config JSON is a Go template: the secret values are spliced in by External Secrets at runtime.
      const config = JSON.parse(data.config);
      for (const ref of store.references) setPath(config, ref.configPath, `\u0000${ref.secretKey}\u0000`);
      let configTemplate = JSON.stringify(sortDeep(config));
      for (const ref of store.references) configTemplate = configTemplate.replace(`"\\u0000${ref.secretKey}\\u0000"`, ref.template);
      const spec = () => renderExternalSecretSpec({
        store: storeRef!,
        targetName: secretName,
        refreshInterval: store.refreshInterval,
        template: { type: 'Opaque', labels, annotations: annotations(), data: { ...data, config: configTemplate } },
        data: store.references.map(ref => ({ secretKey: ref.secretKey, remoteKey: store.remoteKey, property: ref.property })),
        dataFrom: [],
      });
      const refs = store.references.map(ref => ({ secretKey: ref.secretKey, remoteKey: store.remoteKey, property: ref.property }));
      const specErrors = inputErrors({ store: storeRef, targetName: secretName, data: refs, dataFrom: [] }).map(e => `credentials: ${e}`);
      throwIfInvalid(this, 'Cluster', specErrors);
      this.apiObject = new (externalSecretsL1().ExternalSecret)(argoChart(this, this.fleet.argocdNamespace), 'Resource', {
        metadata: { name: secretName, namespace: this.fleet.argocdNamespace },
        spec: ownLazy(spec),
      });
      this.node.addValidation({ validate: () => webhookProblems(spec()).map(p => `credentials: ${formatProblem(p)}`) });
    }
    this.node.addValidation({ validate: () => [props.sealingCertificate?._expiryError()].filter((e): e is string => e !== undefined) });
    this.node.defaultChild = this.apiObject;
  }

  /** The cluster Secret's labels (what ApplicationSet selectors match). */
  public get labels(): Record<string, string> {
    return { ...this._labels };
  }

  /** The cluster Secret's annotations. */
  public get annotations(): Record<string, string> {
    return { ...this._annotations };
  }

  /** Whether this is the cluster Argo CD runs in. */
  public get isInCluster(): boolean {
    return this.server === IN_CLUSTER_SERVER;
  }

  /**
   * Adds the workload manifests of one application on this cluster. Every API object created inside the
   * returned chart is written to `clusters/<cluster>/<application>/`.
   */
  public addManifests(applicationName: string, options: ClusterManifestsOptions = {}): ClusterManifests {
    return new ClusterManifests(this, constructIdFor(applicationName), { ...options, applicationName, cluster: this });
  }

  /** The `stringData` of the cluster Secret, every value a string as Argo CD wants. */
  private secretData(credentialConfig: Record<string, any>): Record<string, string> {
    const p = this.options;
    const tls: Record<string, any> = { insecure: p.insecure ?? false };
    if (p.serverName) tls.serverName = p.serverName;
    if (p.caCertificate) tls.caData = Buffer.from(p.caCertificate.trim() + '\n', 'utf-8').toString('base64');
    const config: Record<string, any> = { ...credentialConfig, tlsClientConfig: tls };
    if (p.proxyUrl) config.proxyUrl = p.proxyUrl;
    const data: Record<string, string> = {
      name: this.clusterName,
      server: this.server,
      config: JSON.stringify(sortDeep(config)),
    };
    if (p.namespaces?.length) data.namespaces = p.namespaces.join(',');
    if (p.namespaces?.length && p.clusterResources !== undefined) data.clusterResources = String(p.clusterResources);
    if (p.project) data.project = p.project.projectName;
    if (p.shard !== undefined) data.shard = String(p.shard);
    return data;
  }

  private propErrors(p: ClusterProps, impliedServer: string | undefined): { fatal: string[]; later: string[] } {
    const fatal: string[] = [];
    fatal.push(...dns1123LabelErrors(this.clusterName).map(e => `'clusterName' (${show(this.clusterName)}) is not a valid DNS-1123 label: ${e}`));
    if (!p.credentials) {
      fatal.push("'credentials' is required (ClusterCredentials.awsIam(), .execProvider(), .bearerTokenFromSecretStore(), ...)");
    }
    if (p.server === undefined && !impliedServer) {
      fatal.push("'server' is required (the cluster's API server URL, e.g. 'https://api.prod.example.com')");
    } else if (p.server !== undefined) {
      fatal.push(...serverErrors(p.server));
      if (impliedServer && p.server.replace(/\/$/, '') !== impliedServer) {
        fatal.push(`'server' (${show(p.server)}) must be ${show(impliedServer)} (or omitted) with ClusterCredentials.inCluster()`);
      }
    }
    const errors: string[] = [];
    errors.push(...labelMapErrors('labels', p.labels));
    errors.push(...annotationMapErrors('annotations', p.annotations));
    if (p.labels && CLUSTER_SECRET_TYPE_LABEL in p.labels) {
      errors.push(`'labels' must not set '${CLUSTER_SECRET_TYPE_LABEL}' (the library sets it to 'cluster')`);
    }
    for (const ns of p.namespaces ?? []) {
      errors.push(...dns1123LabelErrors(ns).map(e => `'namespaces' entry ${show(ns)} is not a valid namespace name: ${e}`));
    }
    if (p.clusterResources !== undefined && !p.namespaces?.length) {
      errors.push(`'clusterResources' (${p.clusterResources}) only has an effect together with 'namespaces'`);
    }
    if (p.shard !== undefined && (!Number.isInteger(p.shard) || p.shard < 0)) {
      errors.push(`'shard' (${show(p.shard)}) must be a non-negative integer`);
    }
    if (p.serverName !== undefined) {
      errors.push(...dns1123SubdomainErrors(p.serverName).map(e => `'serverName' (${show(p.serverName)}) ${e}`));
    }
    if (p.caCertificate !== undefined) errors.push(...caErrors(p.caCertificate));
    if (p.proxyUrl !== undefined && !/^(https?|socks5):\/\/[^\s]+$/.test(p.proxyUrl)) {
      errors.push(`'proxyUrl' (${show(p.proxyUrl)}) must be an http(s):// or socks5:// URL`);
    }
    return { fatal, later: errors };
  }
}

const CLUSTER_SYMBOL = Symbol.for('cdk8s-fleet.Cluster');

function serverErrors(server: string): string[] {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return [`'server' (${show(server)}) is not a valid URL`];
  }
  const errors: string[] = [];
  if (url.protocol !== 'https:' && url.protocol !== 'http:') errors.push(`'server' (${show(server)}) must be an https:// URL`);
  if (url.username || url.password) errors.push(`'server' (${show(server)}) must not carry credentials`);
  if (url.search || url.hash) errors.push(`'server' (${show(server)}) must not have a query or fragment`);
  return errors;
}

function caErrors(pem: string): string[] {
  if (/PRIVATE KEY/.test(pem)) return ["'caCertificate' contains a private key: only the CA certificate belongs here (and no private key may reach Git)"];
  if (!/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/.test(pem.trim())) {
    return ["'caCertificate' must be one or more PEM 'CERTIFICATE' blocks"];
  }
  return [];
}

function setPath(obj: Record<string, any>, path: string[], value: any) {
  let cur = obj;
  for (const key of path.slice(0, -1)) cur = cur[key] ??= {};
  cur[path[path.length - 1]] = value;
}

