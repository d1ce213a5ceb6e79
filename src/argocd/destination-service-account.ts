import type { ICluster } from '../fleet/cluster';

/** Options for `DestinationServiceAccount.of`. */
export interface DestinationServiceAccountOptions {
  /** The destination server: a glob (gobwas, as Argo CD's `glob.Match`: `*`, `?`, `[a-z]`, `{a,b}`), e.g. `'*'` or a server URL. */
  readonly server: string;
  /**
   * The destination namespace: a glob. An Application without a destination namespace is matched by `''` (or `*`).
   * @default '' (only Applications without a destination namespace)
   */
  readonly namespace?: string;
  /**
   * The service account Argo CD impersonates to sync (`defaultServiceAccount`): `<name>`, in the Application's
   * destination namespace (its own namespace when it has none), or `<namespace>:<name>`.
   */
  readonly serviceAccount: string;
}

/**
 * The service account Argo CD impersonates when it syncs an Application of the project to a destination (the
 * AppProject's `destinationServiceAccounts`), so that an Application can do on its cluster only what that account
 * may. Argo CD uses the first entry whose server and namespace globs match the Application's destination
 * (settings.DeriveServiceAccountToImpersonate, Argo CD v3.5.1), and only when `argocd-cm` enables impersonation
 * (`application.sync.impersonation.enabled`; see Fleet `syncImpersonation`).
 */
export class DestinationServiceAccount {
  /**
   * A registered cluster, a namespace glob, and the account. The cluster is matched by its server URL as Argo CD
   * reads it from the cluster Secret (without a trailing '/'), its glob characters escaped (an IPv6 host's `[…]`).
   */
  public static cluster(cluster: ICluster, namespace: string, serviceAccount: string): DestinationServiceAccount {
    return new DestinationServiceAccount(() => ({
      server: cluster.server.replace(/\/+$/, '').replace(/[*?[\]{}\\]/g, c => `\\${c}`), namespace: namespace || undefined, defaultServiceAccount: serviceAccount,
    }));
  }

  /** Raw patterns, e.g. `{ server: '*', namespace: 'team-*', serviceAccount: 'deployer' }`. */
  public static of(options: DestinationServiceAccountOptions): DestinationServiceAccount {
    // (an empty namespace is written as Argo CD writes it: omitted)
    return new DestinationServiceAccount(() => ({
      server: options.server, namespace: options.namespace || undefined, defaultServiceAccount: options.serviceAccount,
    }));
  }

  private constructor(private readonly render: () => { server: string; namespace?: string; defaultServiceAccount: string }) {}

  /** @internal */
  public _toKube(): { server: string; namespace?: string; defaultServiceAccount: string } {
    return this.render();
  }
}
