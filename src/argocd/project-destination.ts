import type { ICluster } from '../fleet/cluster';

/** Options for one AppProject destination pattern. */
export interface ProjectDestinationOptions {
  /**
   * Server URL glob ('!' prefix denies).
   * @default - not matched by server
   */
  readonly server?: string;
  /**
   * Cluster name glob ('!' prefix denies).
   * @default - not matched by name
   */
  readonly clusterName?: string;
  /** Namespace glob ('!' prefix denies). */
  readonly namespace: string;
}

/**
 * Where an AppProject's Applications may deploy. Argo CD matches (server OR name) AND namespace, each a gobwas glob
 * (`*`, `?`, `[a-z]`, `{a,b}`); a pattern starting with '!' denies. Entries are read in order and a deny rejects at
 * once: a name deny whenever the cluster's name is excluded, a server deny when the entry's namespace matches, a
 * namespace deny when the entry's server matches (AppProject.isDestinationMatched, Argo CD v3.5.1).
 */
export class ProjectDestination {
  /** A registered cluster (matched by both its name and its server) and a namespace glob. */
  public static cluster(cluster: ICluster, namespace: string = '*'): ProjectDestination {
    return new ProjectDestination(() => ({ name: cluster.clusterName, server: cluster.server, namespace }));
  }

  /** Every cluster (`server: '*'`) in a namespace glob. */
  public static anyCluster(namespace: string = '*'): ProjectDestination {
    return new ProjectDestination(() => ({ server: '*', name: '*', namespace }));
  }

  /** Raw patterns, e.g. `{ server: '*', namespace: '!kube-system' }`. */
  public static of(options: ProjectDestinationOptions): ProjectDestination {
    if (options.server === undefined && options.clusterName === undefined) {
      throw new Error("ProjectDestination.of needs 'server' or 'clusterName' (got neither)");
    }
    return new ProjectDestination(() => ({ server: options.server, name: options.clusterName, namespace: options.namespace }));
  }

  private constructor(private readonly render: () => { server?: string; name?: string; namespace: string }) {}

  /** @internal */
  public _toKube(): { server?: string; name?: string; namespace: string } {
    return this.render();
  }
}
