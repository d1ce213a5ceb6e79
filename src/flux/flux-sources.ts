/**
 * The Flux sources of a fleet: its own GitRepository (the bootstrap one), a GitRepository per other repository
 * and revision an Application reads, and a HelmRepository per chart repository. Each is written once, however
 * many placements use it.
 */
import { FLEET_LABEL, FluxLayout, sourceName } from './flux-layout';
import { ResolvedFluxOptions } from './flux-options';
import { fluxGitUrl, gitRefOf } from './git-ref';
import { normalizeGitUrl } from '../private/glob';

/** A source a placement refers to, or why it cannot. */
export type SourceResult = { name: string; error?: undefined } | { name?: undefined; error: string };

export class FluxSources {
  private readonly git = new Map<string, any>();
  private readonly helm = new Map<string, any>();
  private readonly fleetUrl: string;

  public constructor(
    private readonly layout: FluxLayout,
    private readonly options: ResolvedFluxOptions,
    /** The fleet's repository (as the program gives it) and revision, and the name of its GitRepository. */
    private readonly fleet: { readonly repoUrl: string; readonly revision: string; readonly name: string },
  ) {
    this.fleetUrl = normalizeGitUrl(fleet.repoUrl);
  }

  /** Whether a repository URL is the fleet's own. */
  public isFleetRepository(url: string): boolean {
    return normalizeGitUrl(url) === this.fleetUrl;
  }

  /** The GitRepository for a repository at a revision: the fleet's own at its revision, or one of its own. */
  public gitRepository(url: string, revision: string): SourceResult {
    if (this.isFleetRepository(url) && revision === this.fleet.revision) return { name: this.fleet.name };
    const converted = fluxGitUrl(url);
    if (converted.error !== undefined) return { error: converted.error };
    // source-controller v1.9.1 clones over SSH only with a Secret (fluxcd/pkg git/v0.52.0 `AuthOptions.Validate`:
    // "'identity' is required"); the fleet's own Secret serves its own repository only.
    const secretRef = this.isFleetRepository(url) && this.options.gitSecretName ? { secretRef: { name: this.options.gitSecretName } } : {};
    if (converted.url.startsWith('ssh://') && !secretRef.secretRef) {
      return { error: "an SSH URL, which source-controller clones only with a Secret holding 'identity' and 'known_hosts'; this release writes that Secret's reference for the fleet's own repository only (FluxOptions 'gitSecretName'): use an https:// URL" };
    }
    const ref = gitRefOf(revision);
    if (ref.error !== undefined) return { error: `revision ${ref.error}` };
    const name = sourceName(url, revision);
    if (!this.git.has(name)) {
      this.git.set(name, {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name, namespace: this.options.namespace, labels: { [FLEET_LABEL]: this.layout.fleetName } },
        spec: { interval: this.options.sourceInterval, url: converted.url, ref: ref.ref, ...secretRef },
      });
    }
    return { name };
  }

  /**
   * The HelmRepository of an Argo CD Helm `repoURL`: `http(s)://` (an index), `oci://`, or a registry without
   * scheme (Argo CD's OCI form), which Flux writes as `oci://` with `type: oci`.
   */
  public helmRepository(repoURL: string): SourceResult {
    let url = repoURL.trim();
    let oci = false;
    if (url.startsWith('oci://')) {
      oci = true;
    } else if (!/^https?:\/\//.test(url)) {
      if (!/^[A-Za-z0-9.-]+(:\d+)?(\/[^\s]*)?$/.test(url)) return { error: `'${repoURL}' is not a Helm repository URL (http(s)://, oci://, or an OCI registry path)` };
      url = `oci://${url}`;
      oci = true;
    }
    if (/^[a-z]+:\/\/[^/]*@/.test(url)) return { error: `'${repoURL}' carries credentials; give Flux a secretRef instead` };
    const name = sourceName(url);
    if (!this.helm.has(name)) {
      this.helm.set(name, {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'HelmRepository',
        metadata: { name, namespace: this.options.namespace, labels: { [FLEET_LABEL]: this.layout.fleetName } },
        spec: { interval: this.options.sourceInterval, url, ...(oci ? { type: 'oci' } : {}) },
      });
    }
    return { name };
  }

  /** Every source object added, by name. */
  public objects(): any[] {
    return [...this.git.values(), ...this.helm.values()];
  }
}
