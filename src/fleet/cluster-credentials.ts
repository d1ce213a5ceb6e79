import { Duration } from 'cdk8s';
import { CredentialConfig, CredentialReference } from '../private/credential-config';
import { sortedMap } from '../private/util';
import { ISecretStore } from '../secrets/secret-store';

/** Options for `ClusterCredentials.awsIam()`. */
export interface AwsIamCredentialsOptions {
  /**
   * The EKS cluster name (not the Argo CD cluster name).
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#eks
   */
  readonly clusterName: string;
  /**
   * The IAM role Argo CD assumes to reach the cluster.
   * @default - the role of the Argo CD pods' own identity (IRSA / Pod Identity)
   */
  readonly roleArn?: string;
  /**
   * An AWS profile from the Argo CD pods' AWS config (Argo CD 2.10+).
   * @default - none
   */
  readonly profile?: string;
}

/** Options for `ClusterCredentials.execProvider()` (a client-go exec credential plugin). */
export interface ExecProviderCredentialsOptions {
  /** The command to run. It must exist in the Argo CD application controller and server images. */
  readonly command: string;
  /**
   * Arguments to the command.
   * @default - none
   */
  readonly args?: string[];
  /**
   * Environment variables for the command. Values are written to Git: never put secrets here.
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * The ExecCredential API version the plugin speaks.
   * @default 'client.authentication.k8s.io/v1beta1'
   */
  readonly apiVersion?: string;
  /**
   * Text shown when the command is missing.
   * @default - none
   */
  readonly installHint?: string;
}

/** Options for `ClusterCredentials.aksWorkloadIdentity()`. */
export interface AksWorkloadIdentityOptions {
  /**
   * The Azure cloud.
   * @default 'AzurePublicCloud'
   */
  readonly environmentName?: string;
  /**
   * The client ID of the managed identity, when the workload identity webhook does not inject it.
   * @default - injected by the Azure workload identity webhook
   */
  readonly clientId?: string;
  /**
   * The tenant ID, when the workload identity webhook does not inject it.
   * @default - injected by the Azure workload identity webhook
   */
  readonly tenantId?: string;
}

/** Where a credential lives in a secret store. */
export interface SecretStoreCredentialsOptions {
  /**
   * The store to read from (a ClusterSecretStore, or a SecretStore in the Argo CD namespace) on the cluster Argo CD
   * runs in.
   * @default - the Fleet's `defaultSecretStore`
   */
  readonly store?: ISecretStore;
  /** The key of the remote secret (`remoteRef.key`), e.g. a Vault path or an AWS Secrets Manager name. */
  readonly remoteKey: string;
  /**
   * How often External Secrets re-reads the store.
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;
}

/** Options for `ClusterCredentials.bearerTokenFromSecretStore()`. */
export interface BearerTokenFromSecretStoreOptions extends SecretStoreCredentialsOptions {
  /**
   * The property of the remote secret that holds the token (`remoteRef.property`).
   * @default 'token'
   */
  readonly tokenProperty?: string;
}

/** Options for `ClusterCredentials.tlsClientCertificateFromSecretStore()`. */
export interface TlsClientCertificateFromSecretStoreOptions extends SecretStoreCredentialsOptions {
  /**
   * The property of the remote secret that holds the PEM client certificate.
   * @default 'tls.crt'
   */
  readonly certificateProperty?: string;
  /**
   * The property of the remote secret that holds the PEM private key.
   * @default 'tls.key'
   */
  readonly keyProperty?: string;
}

/** The in-cluster API server address Argo CD uses for the cluster it runs in. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/**
 * How Argo CD authenticates to a cluster. Only identities and secret-store references can be expressed:
 * there is deliberately no way to give a token, password or private key as a string, so none can reach Git.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#clusters
 *
 * @example
 * fleet.addCluster('prod-eu-1', {
 *   server: 'https://prod-eu-1.example.com',
 *   credentials: ClusterCredentials.awsIam({ clusterName: 'prod-eu-1', roleArn: 'arn:aws:iam::111122223333:role/argocd' }),
 * });
 */
export class ClusterCredentials {
  /**
   * The cluster Argo CD runs in, through its own service account (`https://kubernetes.default.svc`).
   * Registering it with a Secret lets selectors see its labels.
   */
  public static inCluster(): ClusterCredentials {
    return new ClusterCredentials('inCluster', () => ({ config: {}, impliedServer: IN_CLUSTER_SERVER }));
  }

  /** Amazon EKS through IAM (`awsAuthConfig`, run by `argocd-k8s-auth aws`). */
  public static awsIam(options: AwsIamCredentialsOptions): ClusterCredentials {
    requireText('ClusterCredentials.awsIam', 'clusterName', options.clusterName);
    if (options.roleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(options.roleArn)) {
      throw new Error(`ClusterCredentials.awsIam 'roleArn' ('${options.roleArn}') must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
    }
    return new ClusterCredentials('awsIam', () => ({
      config: {
        awsAuthConfig: {
          clusterName: options.clusterName,
          ...(options.roleArn ? { roleARN: options.roleArn } : {}),
          ...(options.profile ? { profile: options.profile } : {}),
        },
      },
    }));
  }

  /** Any client-go exec credential plugin (`execProviderConfig`). */
  public static execProvider(options: ExecProviderCredentialsOptions): ClusterCredentials {
    requireText('ClusterCredentials.execProvider', 'command', options.command);
    return new ClusterCredentials('execProvider', () => ({
      config: {
        execProviderConfig: {
          command: options.command,
          ...(options.args?.length ? { args: [...options.args] } : {}),
          ...(options.env && Object.keys(options.env).length ? { env: sortedMap(options.env) } : {}),
          apiVersion: options.apiVersion ?? 'client.authentication.k8s.io/v1beta1',
          ...(options.installHint ? { installHint: options.installHint } : {}),
        },
      },
    }));
  }

  /** Google GKE through Workload Identity (`argocd-k8s-auth gcp`). */
  public static gkeWorkloadIdentity(): ClusterCredentials {
    return ClusterCredentials.execProvider({ command: 'argocd-k8s-auth', args: ['gcp'] });
  }

  /** Azure AKS through Azure Workload Identity (`argocd-k8s-auth azure`). */
  public static aksWorkloadIdentity(options: AksWorkloadIdentityOptions = {}): ClusterCredentials {
    const env: Record<string, string> = {
      AAD_ENVIRONMENT_NAME: options.environmentName ?? 'AzurePublicCloud',
      AAD_LOGIN_METHOD: 'workloadidentity',
    };
    if (options.clientId) env.AZURE_CLIENT_ID = options.clientId;
    if (options.tenantId) env.AZURE_TENANT_ID = options.tenantId;
    return ClusterCredentials.execProvider({ command: 'argocd-k8s-auth', args: ['azure'], env });
  }

  /**
   * A bearer token kept in a secret store. The library writes an External Secrets `ExternalSecret` whose
   * template produces the labelled cluster Secret; the token itself is only ever read at runtime.
   */
  public static bearerTokenFromSecretStore(options: BearerTokenFromSecretStoreOptions): ClusterCredentials {
    const fromStore = storeConfig('ClusterCredentials.bearerTokenFromSecretStore', options, [{
      secretKey: 'bearerToken',
      property: options.tokenProperty ?? 'token',
      configPath: ['bearerToken'],
      template: '{{ .bearerToken | toJson }}',
    }]);
    return new ClusterCredentials('bearerTokenFromSecretStore', () => ({ config: {}, fromStore }));
  }

  /**
   * A TLS client certificate and key kept in a secret store (PEM). The library writes an External Secrets
   * `ExternalSecret` that base64-encodes them into `tlsClientConfig.certData` and `keyData` at runtime.
   */
  public static tlsClientCertificateFromSecretStore(options: TlsClientCertificateFromSecretStoreOptions): ClusterCredentials {
    const fromStore = storeConfig('ClusterCredentials.tlsClientCertificateFromSecretStore', options, [
      {
        secretKey: 'certData',
        property: options.certificateProperty ?? 'tls.crt',
        configPath: ['tlsClientConfig', 'certData'],
        template: '{{ .certData | b64enc | toJson }}',
      },
      {
        secretKey: 'keyData',
        property: options.keyProperty ?? 'tls.key',
        configPath: ['tlsClientConfig', 'keyData'],
        template: '{{ .keyData | b64enc | toJson }}',
      },
    ]);
    return new ClusterCredentials('tlsClientCertificateFromSecretStore', () => ({ config: {}, fromStore }));
  }

  private constructor(
    /** The factory that made it, for messages. */
    public readonly method: string,
    private readonly render: () => CredentialConfig,
  ) {}

  /** @internal */
  public _render(): CredentialConfig {
    return this.render();
  }
}

function requireText(where: string, prop: string, value: string | undefined) {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`${where} '${prop}' must be a non-empty string (got ${JSON.stringify(value)})`);
  }
}

function storeConfig(where: string, options: SecretStoreCredentialsOptions, references: CredentialReference[]) {
  requireText(where, 'remoteKey', options.remoteKey);
  for (const r of references) requireText(where, 'property', r.property);
  return {
    store: options.store,
    remoteKey: options.remoteKey,
    refreshInterval: options.refreshInterval ?? Duration.hours(1),
    references,
  };
}

