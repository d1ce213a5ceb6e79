import * as path from 'path';
import { Construct } from 'constructs';
import type { SopsFile } from './sops-file';
import type { IAppProject } from '../argocd/app-project';
import { Application } from '../argocd/application';
import { ApplicationSource } from '../argocd/application-source';
import type { SyncPolicy } from '../argocd/sync-policy';
import type { ICluster } from '../fleet/cluster';
import { Fleet } from '../fleet/fleet';
import { show, throwIfInvalid } from '../private/errors';
import { processObjectModule } from '../private/lazy';
import { constructIdFor, dns1123LabelErrors } from '../private/names';
import { defineRawFiles, RawFile } from '../private/raw-files';
import { sopsTextProblems } from '../private/sops-object';

/** Flux's `spec.decryption` of a Kustomization that applies SOPS files (for a Flux target). */
export interface FluxSopsDecryption {
  /** Always `sops`. */
  readonly provider: string;
  /** The Secret in the Kustomization's namespace whose `*.agekey` keys are the age identities. */
  readonly secretName: string;
}

/** Props for `SopsSecret`. */
export interface SopsSecretProps {
  /** The encrypted manifest. */
  readonly file: SopsFile;
  /** The clusters it is deployed to; each must name its `sopsAgeRecipient`, and the file must be encrypted to it. */
  readonly clusters: ICluster[];
  /** The namespace of objects that do not set one (the Applications' destination namespace). */
  readonly namespace: string;
  /**
   * The application name: the directory `clusters/<cluster>/<name>/` and the Applications `<name>-<cluster>`.
   * @default - the construct id
   */
  readonly applicationName?: string;
  /**
   * The project of the Applications.
   * @default - the fleet's default project
   */
  readonly project?: IAppProject;
  /**
   * The Applications' sync policy.
   * @default - manual sync
   */
  readonly syncPolicy?: SyncPolicy;
  /**
   * The Secret holding the age identities Flux decrypts with (`decryption.secretRef.name`), for a Flux target.
   * @default 'sops-age'
   */
  readonly fluxDecryptionSecretName?: string;
}

/**
 * A SOPS-encrypted manifest deployed to clusters with Argo CD and ksops: for each cluster, the encrypted file is
 * written to `clusters/<cluster>/<name>/` byte for byte, next to a `kustomization.yaml` whose generator is a ksops
 * generator (`viaduct.ai/v1 ksops`), and an Application syncs that directory. Argo CD's repo server needs ksops
 * and the cluster's age identity (see the README, "SOPS with ksops"). Synth checks that the file is encrypted and
 * (the fleet proofs) that each cluster's age recipient is among its recipients.
 *
 * @example
 * new SopsSecret(fleet, 'api-db', {
 *   file: SopsFile.fromFile('secrets/api-db.sops.yaml'),
 *   clusters: [prodEu1],
 *   namespace: 'api',
 * });
 */
export class SopsSecret extends Construct {
  /** The application name. */
  public readonly applicationName: string;
  /** The Applications, one per cluster. */
  public readonly applications: Application[] = [];
  /** The file. */
  public readonly file: SopsFile;
  /** What a Flux Kustomization applying this file needs (`spec.decryption`). */
  public readonly fluxDecryption: FluxSopsDecryption;

  public constructor(scope: Construct, id: string, props: SopsSecretProps) {
    super(scope, id);
    const fleet = Fleet.of(this);
    this.applicationName = props.applicationName ?? id;
    this.file = props.file;
    this.fluxDecryption = { provider: 'sops', secretName: props.fluxDecryptionSecretName ?? 'sops-age' };
    const errors = dns1123LabelErrors(this.applicationName).map(e => `'applicationName' (${show(this.applicationName)}) ${e}`);
    errors.push(...dns1123LabelErrors(props.namespace).map(e => `'namespace' (${show(props.namespace)}) ${e}`));
    if (!props.file) errors.push("'file' is required (SopsFile.fromFile(…))");
    if (!props.clusters?.length) errors.push("'clusters' must name at least one cluster");
    for (const c of props.clusters ?? []) {
      const recipient: string | undefined = (c as any).sopsAgeRecipient;
      if (!recipient) {
        errors.push(`cluster '${c.clusterName}' names no 'sopsAgeRecipient': say which age key it decrypts with`);
      } else if (props.file && !props.file.isEncryptedFor(recipient)) {
        errors.push(`cluster '${c.clusterName}' decrypts with age recipient ${recipient}, which ${props.file.path} is not encrypted to (its recipients: ${props.file.ageRecipients.join(', ')}); add it with 'sops updatekeys'`);
      }
    }
    throwIfInvalid(this, 'SopsSecret', errors);

    const fileName = path.basename(props.file.path);
    for (const cluster of props.clusters) {
      const directory = `clusters/${cluster.clusterName}/${this.applicationName}`;
      this.applications.push(new Application(this, constructIdFor(cluster.clusterName), {
        applicationName: `${this.applicationName}-${cluster.clusterName}`,
        destination: cluster,
        destinationNamespace: props.namespace,
        project: props.project ?? fleet.defaultProject,
        source: ApplicationSource.git({ path: directory }), // Argo CD detects kustomization.yaml
        syncPolicy: props.syncPolicy,
      }));
    }
    defineRawFiles(this, () => props.clusters.flatMap(c => this.files(`clusters/${c.clusterName}/${this.applicationName}`, fileName)));
  }

  /** The files of one cluster's directory. */
  private files(directory: string, fileName: string): RawFile[] {
    const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', generators: ['ksops.yaml'] };
    const generator = {
      apiVersion: 'viaduct.ai/v1',
      kind: 'ksops',
      metadata: { name: this.applicationName, annotations: { 'config.kubernetes.io/function': 'exec:\n  path: ksops\n' } },
      files: [`./${fileName}`],
    };
    const generated = (p: string, o: any): RawFile => {
      const r = processObjectModule().processObject(o, 'workload', { validateSchemas: true, unvalidatedKinds: new Set() });
      return { path: p, content: r.content, object: o, problems: r.problems };
    };
    const parsed = this.file._parsed;
    const object = { ...parsed.documents[0], sops: parsed.metadata };
    return [
      generated(`${directory}/kustomization.yaml`, kustomization),
      generated(`${directory}/ksops.yaml`, generator),
      { path: `${directory}/${fileName}`, content: this.file._content, object, problems: sopsTextProblems(this.file._content, 'workload') },
    ];
  }
}
