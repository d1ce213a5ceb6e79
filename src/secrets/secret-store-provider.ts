import { SecretStoreKind } from './secret-store';
import type { SecretKeyReference } from '../argocd/generators-external';
import type {
  SecretStoreSpecProvider,
  SecretStoreSpecProviderAwsService,
  SecretStoreSpecProviderAzurekvAuthType,
  SecretStoreSpecProviderAzurekvEnvironmentType,
  SecretStoreSpecProviderVaultVersion,
} from '../imports/externalsecrets-external-secrets.io';
import { show } from '../private/errors';
import { externalSecretsL1 } from '../private/lazy';
import { dns1123LabelErrors, dns1123SubdomainErrors } from '../private/names';

/**
 * A key of a Kubernetes Secret that holds one of a store's own credentials. Only the reference is written; the
 * Secret is created outside Git (or by another ExternalSecret, a SealedSecret or SOPS).
 */
export interface NamespacedSecretKeyReference extends SecretKeyReference {
  /**
   * The Secret's namespace. For a ClusterSecretStore, leaving it out makes the reference "referent": each
   * ExternalSecret's own namespace is used. For a SecretStore it must be left out or be the store's namespace.
   * @default - see above
   */
  readonly namespace?: string;
}

/** A Kubernetes ServiceAccount whose token authenticates the store (IRSA, workload identity, Vault Kubernetes auth). */
export interface ServiceAccountReference {
  /** The ServiceAccount's name. */
  readonly name: string;
  /**
   * The ServiceAccount's namespace (the same rules as `NamespacedSecretKeyReference.namespace`).
   * @default - see `NamespacedSecretKeyReference.namespace`
   */
  readonly namespace?: string;
  /**
   * Audiences of the requested token.
   * @default - the provider's default audience
   */
  readonly audiences?: string[];
}

/** The KV secrets engine version of a Vault mount. */
export enum VaultKvVersion {
  V1 = 'v1',
  /** The default. */
  V2 = 'v2',
}

/** Options for `VaultAuth.kubernetes()`. */
export interface VaultKubernetesAuthOptions {
  /** The Vault role bound to the service account. */
  readonly role: string;
  /**
   * Where the Kubernetes auth method is mounted.
   * @default 'kubernetes'
   */
  readonly mountPath?: string;
  /**
   * The service account whose token is presented.
   * @default - the External Secrets controller's own service account
   */
  readonly serviceAccount?: ServiceAccountReference;
}

/** Options for `VaultAuth.appRole()`. */
export interface VaultAppRoleAuthOptions {
  /** The Secret key holding the AppRole secret ID. */
  readonly secretIdRef: NamespacedSecretKeyReference;
  /**
   * The AppRole role ID (not a secret: it is like a user name). Give it or `roleIdRef`.
   * @default - read from `roleIdRef`
   */
  readonly roleId?: string;
  /**
   * The Secret key holding the role ID.
   * @default - `roleId`
   */
  readonly roleIdRef?: NamespacedSecretKeyReference;
  /**
   * Where the AppRole auth method is mounted.
   * @default 'approle'
   */
  readonly path?: string;
}

/** Options for `VaultAuth.jwt()`. Give `tokenRef` or `serviceAccount`. */
export interface VaultJwtAuthOptions {
  /**
   * The Vault role.
   * @default - the auth method's default role
   */
  readonly role?: string;
  /**
   * Where the JWT/OIDC auth method is mounted.
   * @default 'jwt'
   */
  readonly path?: string;
  /**
   * A Secret key holding the JWT.
   * @default - a service account token is requested instead
   */
  readonly tokenRef?: NamespacedSecretKeyReference;
  /**
   * The service account whose short-lived token is requested (TokenRequest API) and presented.
   * @default - `tokenRef`
   */
  readonly serviceAccount?: ServiceAccountReference;
  /**
   * The lifetime of the requested token, in seconds.
   * @default - External Secrets' default (600)
   */
  readonly expirationSeconds?: number;
}

/** How a Vault store authenticates. Only references to credentials can be given, never a credential. */
export class VaultAuth {
  /** Kubernetes service-account auth (`auth.kubernetes`). */
  public static kubernetes(options: VaultKubernetesAuthOptions): VaultAuth {
    return new VaultAuth('kubernetes', {
      kubernetes: { mountPath: options.mountPath ?? 'kubernetes', role: options.role, serviceAccountRef: options.serviceAccount ? saRef(options.serviceAccount) : undefined },
    }, [
      ...(options.role ? [] : ["VaultAuth.kubernetes 'role' is required"]),
      ...(options.serviceAccount ? [{ path: 'auth.kubernetes.serviceAccount', ref: options.serviceAccount }] : []),
    ]);
  }

  /** AppRole auth (`auth.appRole`): the secret ID by reference, the role ID inline or by reference. */
  public static appRole(options: VaultAppRoleAuthOptions): VaultAuth {
    const errors: Array<string | RefCheck> = [{ path: 'auth.appRole.secretIdRef', ref: options.secretIdRef }];
    if (options.roleId === undefined && options.roleIdRef === undefined) errors.push("VaultAuth.appRole needs 'roleId' or 'roleIdRef' (External Secrets: invalid Auth.AppRole: neither `roleId` nor `roleRef` was supplied)");
    if (options.roleId !== undefined && options.roleIdRef !== undefined) errors.push("VaultAuth.appRole takes 'roleId' or 'roleIdRef', not both");
    if (options.roleIdRef) errors.push({ path: 'auth.appRole.roleIdRef', ref: options.roleIdRef });
    return new VaultAuth('appRole', {
      appRole: {
        path: options.path ?? 'approle',
        roleId: options.roleId,
        roleRef: options.roleIdRef ? keyRef(options.roleIdRef) : undefined,
        secretRef: keyRef(options.secretIdRef),
      },
    }, errors);
  }

  /** JWT/OIDC auth (`auth.jwt`), with a JWT from a Secret or a service account token. */
  public static jwt(options: VaultJwtAuthOptions): VaultAuth {
    const errors: Array<string | RefCheck> = [];
    if (!options.tokenRef && !options.serviceAccount) errors.push("VaultAuth.jwt needs 'tokenRef' or 'serviceAccount' (External Secrets: neither `secretRef` nor `kubernetesServiceAccountToken` was supplied as token source for jwt authentication)");
    if (options.tokenRef && options.serviceAccount) errors.push("VaultAuth.jwt takes 'tokenRef' or 'serviceAccount', not both");
    if (options.tokenRef) errors.push({ path: 'auth.jwt.tokenRef', ref: options.tokenRef });
    if (options.serviceAccount) errors.push({ path: 'auth.jwt.serviceAccount', ref: options.serviceAccount });
    return new VaultAuth('jwt', {
      jwt: {
        path: options.path ?? 'jwt',
        role: options.role,
        secretRef: options.tokenRef ? keyRef(options.tokenRef) : undefined,
        kubernetesServiceAccountToken: options.serviceAccount ? {
          serviceAccountRef: { name: options.serviceAccount.name, namespace: options.serviceAccount.namespace },
          audiences: options.serviceAccount.audiences?.length ? [...options.serviceAccount.audiences] : undefined,
          expirationSeconds: options.expirationSeconds,
        } : undefined,
      },
    }, errors);
  }

  /** A Vault token kept in a Secret (`auth.tokenSecretRef`). */
  public static token(tokenRef: NamespacedSecretKeyReference): VaultAuth {
    return new VaultAuth('token', { tokenSecretRef: keyRef(tokenRef) }, [{ path: 'auth.tokenRef', ref: tokenRef }]);
  }

  private constructor(
    /** The auth method, for messages. */ public readonly method: string,
    /** @internal */ public readonly _rendered: any,
    /** @internal */ public readonly _checks: Array<string | RefCheck>,
  ) {}
}

/** Options for `SecretStoreProvider.vault()`. */
export interface VaultProviderOptions {
  /** The Vault server URL, e.g. `https://vault.acme.io:8200`. */
  readonly server: string;
  /** How the store authenticates. */
  readonly auth: VaultAuth;
  /**
   * The KV mount path, e.g. `secret`; remote keys are then relative to it.
   * @default - remote keys carry the mount path
   */
  readonly path?: string;
  /**
   * The KV engine version of the mount.
   * @default VaultKvVersion.V2
   */
  readonly version?: VaultKvVersion;
  /**
   * The Vault Enterprise namespace.
   * @default - none
   */
  readonly namespace?: string;
  /**
   * The PEM CA bundle that signed the server's certificate (public material, written base64-encoded).
   * @default - the system roots
   */
  readonly caBundle?: string;
}

/** Options for `AwsAuth.accessKeys()`. */
export interface AwsAccessKeysOptions {
  /** The Secret key holding the access key ID. */
  readonly accessKeyIdRef: NamespacedSecretKeyReference;
  /** The Secret key holding the secret access key. */
  readonly secretAccessKeyRef: NamespacedSecretKeyReference;
  /**
   * The Secret key holding a session token.
   * @default - none
   */
  readonly sessionTokenRef?: NamespacedSecretKeyReference;
}

/** How an AWS store authenticates. */
export class AwsAuth {
  /** IRSA: the web identity token of a service account (`auth.jwt.serviceAccountRef`). */
  public static irsa(serviceAccount: ServiceAccountReference): AwsAuth {
    return new AwsAuth({ jwt: { serviceAccountRef: saRef(serviceAccount) } }, [{ path: 'auth.jwt.serviceAccount', ref: serviceAccount }]);
  }

  /** Static access keys kept in Secrets (`auth.secretRef`). Prefer IRSA. */
  public static accessKeys(options: AwsAccessKeysOptions): AwsAuth {
    const { accessKeyIdRef, secretAccessKeyRef, sessionTokenRef } = options;
    return new AwsAuth({
      secretRef: {
        accessKeyIdSecretRef: keyRef(accessKeyIdRef),
        secretAccessKeySecretRef: keyRef(secretAccessKeyRef),
        sessionTokenSecretRef: sessionTokenRef ? keyRef(sessionTokenRef) : undefined,
      },
    }, [
      { path: 'auth.accessKeyIdRef', ref: accessKeyIdRef },
      { path: 'auth.secretAccessKeyRef', ref: secretAccessKeyRef },
      ...(sessionTokenRef ? [{ path: 'auth.sessionTokenRef', ref: sessionTokenRef }] : []),
    ]);
  }

  private constructor(/** @internal */ public readonly _rendered: any, /** @internal */ public readonly _checks: RefCheck[]) {}
}

/** Options for `SecretStoreProvider.awsSecretsManager()` and `.awsParameterStore()`. */
export interface AwsProviderOptions {
  /** The AWS region, e.g. `us-east-1`. */
  readonly region: string;
  /**
   * An IAM role ARN to assume after authenticating.
   * @default - none
   */
  readonly role?: string;
  /**
   * Roles assumed before `role` (role chaining).
   * @default - none
   */
  readonly additionalRoles?: string[];
  /**
   * The external ID for assuming `role`.
   * @default - none
   */
  readonly externalId?: string;
  /**
   * A prefix prepended to every remote key.
   * @default - none
   */
  readonly prefix?: string;
  /**
   * How the store authenticates.
   * @default - the AWS SDK's default chain (the controller pod's IRSA or Pod Identity)
   */
  readonly auth?: AwsAuth;
}

/** Options for `GcpAuth.workloadIdentity()`. */
export interface GcpWorkloadIdentityOptions {
  /** The Kubernetes service account bound to a Google service account. */
  readonly serviceAccount: ServiceAccountReference;
  /** @default - read from the GKE metadata server */
  readonly clusterLocation?: string;
  /** @default - read from the GKE metadata server */
  readonly clusterName?: string;
  /** @default - read from the GKE metadata server */
  readonly clusterProjectId?: string;
}

/** How a GCP Secret Manager store authenticates. */
export class GcpAuth {
  /** GKE Workload Identity (`auth.workloadIdentity`). */
  public static workloadIdentity(options: GcpWorkloadIdentityOptions): GcpAuth {
    return new GcpAuth('workloadIdentity', {
      workloadIdentity: {
        serviceAccountRef: saRef(options.serviceAccount),
        clusterLocation: options.clusterLocation,
        clusterName: options.clusterName,
        clusterProjectId: options.clusterProjectId,
      },
    }, [{ path: 'auth.workloadIdentity.serviceAccount', ref: options.serviceAccount }]);
  }

  /** A service account key kept in a Secret (`auth.secretRef`); the store then needs `projectId`. */
  public static serviceAccountKey(keyRef_: NamespacedSecretKeyReference): GcpAuth {
    return new GcpAuth('serviceAccountKey', { secretRef: { secretAccessKeySecretRef: keyRef(keyRef_) } }, [{ path: 'auth.serviceAccountKey', ref: keyRef_ }]);
  }

  private constructor(
    /** @internal */ public readonly _method: string,
    /** @internal */ public readonly _rendered: any,
    /** @internal */ public readonly _checks: RefCheck[],
  ) {}
}

/** Options for `SecretStoreProvider.gcpSecretManager()`. */
export interface GcpSecretManagerOptions {
  /**
   * The project holding the secrets.
   * @default - the GKE cluster's project (not allowed with a service account key)
   */
  readonly projectId?: string;
  /**
   * A regional Secret Manager location, e.g. `europe-west1`.
   * @default - global secrets
   */
  readonly location?: string;
  /**
   * How the store authenticates.
   * @default - Application Default Credentials of the controller
   */
  readonly auth?: GcpAuth;
}

/** The Azure cloud of a Key Vault. */
export enum AzureEnvironment {
  PUBLIC_CLOUD = 'PublicCloud',
  US_GOVERNMENT_CLOUD = 'USGovernmentCloud',
  CHINA_CLOUD = 'ChinaCloud',
  GERMAN_CLOUD = 'GermanCloud',
}

/** How an Azure Key Vault store authenticates. */
export class AzureAuth {
  /**
   * Azure Workload Identity: the federated token of a service account annotated with the client ID
   * (`authType: WorkloadIdentity`).
   */
  public static workloadIdentity(serviceAccount?: ServiceAccountReference): AzureAuth {
    return new AzureAuth({ authType: 'WorkloadIdentity', serviceAccountRef: serviceAccount ? saRef(serviceAccount) : undefined },
      serviceAccount ? [{ path: 'auth.serviceAccount', ref: serviceAccount }] : []);
  }

  /** A managed identity of the node (`authType: ManagedIdentity`), optionally a user-assigned one by ID. */
  public static managedIdentity(identityId?: string): AzureAuth {
    return new AzureAuth({ authType: 'ManagedIdentity', identityId }, []);
  }

  /** A service principal whose client ID and secret are kept in Secrets (`authType: ServicePrincipal`). */
  public static servicePrincipal(clientIdRef: NamespacedSecretKeyReference, clientSecretRef: NamespacedSecretKeyReference): AzureAuth {
    return new AzureAuth({ authType: 'ServicePrincipal', authSecretRef: { clientId: keyRef(clientIdRef), clientSecret: keyRef(clientSecretRef) } },
      [{ path: 'auth.clientIdRef', ref: clientIdRef }, { path: 'auth.clientSecretRef', ref: clientSecretRef }]);
  }

  private constructor(/** @internal */ public readonly _rendered: any, /** @internal */ public readonly _checks: RefCheck[]) {}
}

/** Options for `SecretStoreProvider.azureKeyVault()`. */
export interface AzureKeyVaultOptions {
  /** The vault URL, e.g. `https://acme-prod.vault.azure.net`. */
  readonly vaultUrl: string;
  /** How the store authenticates. */
  readonly auth: AzureAuth;
  /**
   * The Entra ID tenant.
   * @default - from the workload identity webhook or the credentials
   */
  readonly tenantId?: string;
  /**
   * The Azure cloud.
   * @default AzureEnvironment.PUBLIC_CLOUD
   */
  readonly environment?: AzureEnvironment;
}

/**
 * The backend of a SecretStore or ClusterSecretStore (`spec.provider`, exactly one). The store's own credentials
 * are only ever references to Secrets or service accounts.
 *
 * @example
 * SecretStoreProvider.vault({
 *   server: 'https://vault.acme.io:8200',
 *   path: 'secret',
 *   auth: VaultAuth.kubernetes({ role: 'external-secrets' }),
 * });
 */
export class SecretStoreProvider {
  /** HashiCorp Vault (KV v1 or v2). */
  public static vault(options: VaultProviderOptions): SecretStoreProvider {
    const errors: Array<string | RefCheck> = [...urlErrors('vault', 'server', options.server)];
    if (!options.auth) errors.push("SecretStoreProvider.vault 'auth' is required (VaultAuth.kubernetes(), .appRole(), .jwt() or .token())");
    if (options.caBundle !== undefined && !/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/.test(options.caBundle.trim())) {
      errors.push("SecretStoreProvider.vault 'caBundle' must be one or more PEM 'CERTIFICATE' blocks");
    }
    errors.push(...options.auth?._checks ?? []);
    return new SecretStoreProvider('vault', {
      vault: {
        server: options.server,
        path: options.path,
        version: (options.version ?? VaultKvVersion.V2) as unknown as SecretStoreSpecProviderVaultVersion,
        namespace: options.namespace,
        caBundle: options.caBundle !== undefined ? Buffer.from(options.caBundle.trim() + '\n', 'utf-8').toString('base64') : undefined,
        auth: options.auth?._rendered,
      },
    }, errors);
  }

  /** AWS Secrets Manager. */
  public static awsSecretsManager(options: AwsProviderOptions): SecretStoreProvider {
    return SecretStoreProvider.aws(externalSecretsL1().SecretStoreSpecProviderAwsService.SECRETS_MANAGER, options);
  }

  /** AWS Systems Manager Parameter Store. */
  public static awsParameterStore(options: AwsProviderOptions): SecretStoreProvider {
    return SecretStoreProvider.aws(externalSecretsL1().SecretStoreSpecProviderAwsService.PARAMETER_STORE, options);
  }

  /** Google Cloud Secret Manager. */
  public static gcpSecretManager(options: GcpSecretManagerOptions = {}): SecretStoreProvider {
    const errors: Array<string | RefCheck> = [...options.auth?._checks ?? []];
    if (options.auth?._method === 'serviceAccountKey' && !options.projectId) {
      errors.push("SecretStoreProvider.gcpSecretManager needs 'projectId' with GcpAuth.serviceAccountKey() (External Secrets does not fall back to the metadata server for static credentials)");
    }
    if (options.projectId !== undefined && !/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(options.projectId)) {
      errors.push(`SecretStoreProvider.gcpSecretManager 'projectId' (${show(options.projectId)}) is not a GCP project ID`);
    }
    return new SecretStoreProvider('gcpsm', {
      gcpsm: { projectId: options.projectId, location: options.location, auth: options.auth?._rendered },
    }, errors);
  }

  /** Azure Key Vault. */
  public static azureKeyVault(options: AzureKeyVaultOptions): SecretStoreProvider {
    const errors: Array<string | RefCheck> = [...urlErrors('azureKeyVault', 'vaultUrl', options.vaultUrl)];
    if (!options.auth) errors.push("SecretStoreProvider.azureKeyVault 'auth' is required (AzureAuth.workloadIdentity(), .managedIdentity() or .servicePrincipal())");
    errors.push(...options.auth?._checks ?? []);
    return new SecretStoreProvider('azurekv', {
      azurekv: {
        vaultUrl: options.vaultUrl,
        tenantId: options.tenantId,
        environmentType: options.environment as unknown as SecretStoreSpecProviderAzurekvEnvironmentType | undefined,
        ...options.auth?._rendered,
        authType: options.auth?._rendered.authType as SecretStoreSpecProviderAzurekvAuthType,
      },
    }, errors);
  }

  private static aws(service: SecretStoreSpecProviderAwsService, options: AwsProviderOptions): SecretStoreProvider {
    const errors: Array<string | RefCheck> = [];
    // AWS SDK endpoint resolution fails for a region that is not a host label (ESO: "region not found: %s").
    if (typeof options.region !== 'string' || !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(options.region)) {
      errors.push(`SecretStoreProvider.aws 'region' (${show(options.region)}): region not found: ${options.region}`);
    }
    for (const [prop, arn] of [['role', options.role], ...(options.additionalRoles ?? []).map((r, i) => [`additionalRoles[${i}]`, r])] as Array<[string, string | undefined]>) {
      if (arn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(arn)) {
        errors.push(`SecretStoreProvider.aws '${prop}' (${show(arn)}) must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
      }
    }
    errors.push(...options.auth?._checks ?? []);
    return new SecretStoreProvider(service === externalSecretsL1().SecretStoreSpecProviderAwsService.SECRETS_MANAGER ? 'aws-secrets-manager' : 'aws-parameter-store', {
      aws: {
        service,
        region: options.region,
        role: options.role,
        additionalRoles: options.additionalRoles?.length ? [...options.additionalRoles] : undefined,
        externalId: options.externalId,
        prefix: options.prefix,
        auth: options.auth?._rendered,
      },
    }, errors);
  }

  private constructor(
    /** The provider, for messages and the plan: `vault`, `aws-secrets-manager`, `aws-parameter-store`, `gcpsm`, `azurekv`. */
    public readonly providerName: string,
    private readonly rendered: SecretStoreSpecProvider,
    private readonly checks: Array<string | RefCheck>,
  ) {}

  /**
   * @internal The provider as the L1 takes it, and the problems of using it in a store of `kind` in `namespace`
   * (External Secrets' `ValidateReferentSecretSelector`: a SecretStore may only reference its own namespace).
   * `provider` is the L1's `SecretStoreSpecProvider`, typed `object` so that this declaration does not import the
   * generated L1's declarations into every user's type-check.
   */
  public _render(kind: SecretStoreKind, namespace: string | undefined): { provider: object; errors: string[] } {
    const errors: string[] = [];
    for (const c of this.checks) {
      if (typeof c === 'string') { errors.push(c); continue; }
      const ref: any = c.ref;
      const name = 'key' in (ref ?? {}) ? ref.secretName : ref?.name;
      if (typeof name !== 'string') { errors.push(`'provider.${c.path}' needs a name`); continue; }
      errors.push(...dns1123SubdomainErrors(name).map(e => `'provider.${c.path}' name (${show(name)}) ${e}`));
      if ('key' in ref && (typeof ref.key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(ref.key))) {
        errors.push(`'provider.${c.path}' key (${show(ref.key)}) is not a valid Secret key`);
      }
      if (ref.namespace !== undefined) {
        errors.push(...dns1123LabelErrors(ref.namespace).map(e => `'provider.${c.path}' namespace (${show(ref.namespace)}) ${e}`));
        if (kind === SecretStoreKind.SECRET_STORE && namespace !== undefined && ref.namespace !== namespace) {
          errors.push(`'provider.${c.path}' namespace (${show(ref.namespace)}): namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore`);
        }
      }
    }
    return { provider: this.rendered, errors };
  }
}

/** A reference the store validation checks (name, key, namespace). */
interface RefCheck {
  readonly path: string;
  readonly ref: NamespacedSecretKeyReference | ServiceAccountReference;
}

function keyRef(r: NamespacedSecretKeyReference): any {
  return r ? { name: r.secretName, key: r.key, namespace: r.namespace } : undefined;
}

function saRef(r: ServiceAccountReference): any {
  return r ? { name: r.name, namespace: r.namespace, audiences: r.audiences?.length ? [...r.audiences] : undefined } : undefined;
}

function urlErrors(provider: string, prop: string, value: string): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [`SecretStoreProvider.${provider} '${prop}' (${show(value)}) is not a valid URL`];
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return [`SecretStoreProvider.${provider} '${prop}' (${show(value)}) must be an https:// URL`];
  if (url.username || url.password) return [`SecretStoreProvider.${provider} '${prop}' (${show(value)}) must not carry credentials`];
  return [];
}
