import { ApiObject } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { SealingCertificate } from './sealing-certificate';
import { show, throwIfInvalid } from '../private/errors';
import { cdk8sPlus, sealedSecretsL1, sealedTemplateModule } from '../private/lazy';
import { annotationMapErrors, dns1123LabelErrors, dns1123SubdomainErrors, labelMapErrors } from '../private/names';
import { CLUSTER_WIDE_ANNOTATION, NAMESPACE_WIDE_ANNOTATION, scopeOf, sealedValueProblem } from '../private/sealing';
import { SEALED_FOR_ANNOTATION } from '../private/secret-markers';
import { chartNamespace } from '../private/secret-scope';
import { sortedMap, undefinedIfEmpty } from '../private/util';
import { InputError, parseYamlDocuments, readTextFile } from '../private/yaml-input';

/**
 * Where a sealed value may be unsealed (kubeseal `--scope`): its label binds the ciphertext to a namespace and
 * name, to a namespace, or to nothing.
 */
export enum SealingScope {
  /** Only as this name in this namespace (the default). */
  STRICT = 'strict',
  /** Under any name in this namespace (`sealedsecrets.bitnami.com/namespace-wide: "true"`). */
  NAMESPACE_WIDE = 'namespace-wide',
  /** Anywhere in the cluster (`sealedsecrets.bitnami.com/cluster-wide: "true"`). */
  CLUSTER_WIDE = 'cluster-wide',
}

/** Props for `SealedSecret`. */
export interface SealedSecretProps {
  /** The SealedSecret's name, and the Secret's: a strict value was sealed for it. */
  readonly sealedSecretName: string;
  /**
   * The namespace (strict and namespace-wide values were sealed for it).
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * The scope the values were sealed with.
   * @default SealingScope.STRICT
   */
  readonly scope?: SealingScope;
  /**
   * Per key, the ciphertext `cdk8s-fleet seal` (or `kubeseal --raw`) printed. Never a plaintext value. It may be
   * empty when `templateData` gives every key (the controller then renders the templates alone).
   */
  readonly encryptedData: Record<string, string>;
  /**
   * The certificate the values were sealed for: its `SHA256:…` fingerprint, as `cdk8s-fleet seal` prints it.
   * Synth checks that every cluster the SealedSecret reaches holds that key.
   */
  readonly certificateFingerprint: string;
  /**
   * The Secret's type.
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
   * Make the Secret immutable.
   * @default false
   */
  readonly immutable?: boolean;
  /**
   * Keys rendered by the controller from the unsealed values (Go templates with sprig, `template.data`).
   * @default - none
   */
  readonly templateData?: Record<string, string>;
}

/** Options for `SealedSecret.fromFile()`. */
export interface SealedSecretFileOptions {
  /**
   * The certificate fingerprint, for a file that does not record it (written by kubeseal rather than
   * `cdk8s-fleet seal --env-file`).
   * @default - the file's `fleet.cdk8s.io/sealing-certificate` annotation
   */
  readonly certificateFingerprint?: string;
}

/**
 * A Bitnami Sealed Secrets `SealedSecret` (`bitnami.com/v1alpha1`): values encrypted for one cluster's
 * controller, committed as they are; the controller unseals them into a Secret. The program only ever sees
 * ciphertext, and synth copies it as it is (re-synth never re-seals, so Git shows no churn). The fleet proofs
 * check that every cluster it reaches holds the key it was sealed for.
 *
 * @see https://github.com/bitnami-labs/sealed-secrets
 *
 * @example
 * // cdk8s-fleet seal --cert certs/prod-eu-1.pem --namespace api --name api-db --env-file db.env --output sealed/prod-eu-1/api-db.yaml
 * SealedSecret.fromFile(manifests, 'Db', 'sealed/prod-eu-1/api-db.yaml');
 */
export class SealedSecret extends Construct {
  /**
   * A SealedSecret from a file that `cdk8s-fleet seal --env-file` (or kubeseal) wrote: its name, namespace,
   * scope, ciphertexts and template are taken as they are.
   */
  public static fromFile(scope: Construct, id: string, path: string, options: SealedSecretFileOptions = {}): SealedSecret {
    let docs: unknown[];
    try {
      docs = parseYamlDocuments(readTextFile(path, { maxBytes: 4 * 1024 * 1024, what: 'SealedSecret file' }), path);
    } catch (e) {
      throw new Error(e instanceof InputError ? e.message : String(e));
    }
    const doc: any = docs[0];
    if (docs.length !== 1 || doc?.kind !== 'SealedSecret' || !String(doc?.apiVersion ?? '').startsWith('bitnami.com/')) {
      throw new Error(`SealedSecret file ${path}: expected one bitnami.com/v1alpha1 SealedSecret, found ${docs.length} document(s)${doc?.kind ? ` (first: ${doc.kind})` : ''}`);
    }
    const annotations: Record<string, string> = doc.metadata?.annotations ?? {};
    const fingerprint = options.certificateFingerprint ?? annotations[SEALED_FOR_ANNOTATION];
    if (!fingerprint) {
      throw new Error(`SealedSecret file ${path} does not record the certificate it was sealed for (annotation ${SEALED_FOR_ANNOTATION}); seal it with 'cdk8s-fleet seal --env-file' or give 'certificateFingerprint'`);
    }
    if (doc.spec?.data !== undefined && doc.spec?.data !== null) {
      throw new Error(`SealedSecret file ${path} uses the deprecated 'spec.data' field, which the controller refuses ("using deprecated 'data' field, use 'encryptedData' or flip the feature flag"); re-seal it with 'cdk8s-fleet seal --env-file'`);
    }
    const template = doc.spec?.template ?? {};
    const templateAnnotations = { ...template.metadata?.annotations ?? {} };
    delete templateAnnotations[CLUSTER_WIDE_ANNOTATION];
    delete templateAnnotations[NAMESPACE_WIDE_ANNOTATION];
    return new SealedSecret(scope, id, {
      sealedSecretName: doc.metadata?.name,
      namespace: doc.metadata?.namespace,
      scope: scopeOf(annotations) as SealingScope,
      encryptedData: doc.spec?.encryptedData ?? {},
      certificateFingerprint: fingerprint,
      type: template.type,
      labels: template.metadata?.labels,
      annotations: templateAnnotations,
      immutable: template.immutable,
      templateData: template.data ?? undefined,
    });
  }

  /** The Secret's name. */
  public readonly secretName: string;
  /** The namespace, when known. */
  public readonly namespace?: string;
  /** The scope. */
  public readonly scope: SealingScope;
  /** The fingerprint of the certificate it was sealed for. */
  public readonly certificateFingerprint: string;
  /** The generated L1 object. */
  public readonly apiObject: ApiObject;
  private importedSecret?: kplus.ISecret;

  public constructor(scope: Construct, id: string, props: SealedSecretProps) {
    super(scope, id);
    this.secretName = props.sealedSecretName;
    this.namespace = props.namespace ?? chartNamespace(this);
    this.scope = props.scope ?? SealingScope.STRICT;
    this.certificateFingerprint = props.certificateFingerprint;
    throwIfInvalid(this, 'SealedSecret', this.propErrors(props));
    const scopeAnnotations: Record<string, string> = {};
    if (this.scope === SealingScope.NAMESPACE_WIDE) scopeAnnotations[NAMESPACE_WIDE_ANNOTATION] = 'true';
    if (this.scope === SealingScope.CLUSTER_WIDE) scopeAnnotations[CLUSTER_WIDE_ANNOTATION] = 'true';
    this.apiObject = new (sealedSecretsL1().SealedSecret)(this, 'Resource', {
      metadata: {
        name: props.sealedSecretName,
        namespace: props.namespace,
        annotations: sortedMap({ ...scopeAnnotations, [SEALED_FOR_ANNOTATION]: props.certificateFingerprint }),
      },
      spec: {
        encryptedData: sortedMap(props.encryptedData)!,
        template: {
          // As kubeseal writes it: the Secret's metadata, scope annotations included.
          metadata: {
            name: props.sealedSecretName,
            namespace: this.namespace,
            labels: undefinedIfEmpty(sortedMap(props.labels)),
            annotations: undefinedIfEmpty(sortedMap({ ...props.annotations, ...scopeAnnotations })),
          },
          type: props.type,
          immutable: props.immutable,
          data: undefinedIfEmpty(sortedMap(props.templateData)),
        },
      },
    });
    this.node.defaultChild = this.apiObject;
  }

  /** The Secret the controller writes, for cdk8s-plus (`EnvValue.fromSecretValue`, `Volume.fromSecret`). */
  public get secret(): kplus.ISecret {
    return this.importedSecret ??= cdk8sPlus().Secret.fromSecretName(this, 'Secret', this.secretName);
  }

  /** Whether the values were sealed for `certificate`. */
  public isSealedFor(certificate: SealingCertificate): boolean {
    return certificate.fingerprint === this.certificateFingerprint;
  }

  private propErrors(props: SealedSecretProps): string[] {
    const errors = dns1123SubdomainErrors(props.sealedSecretName).map(e => `'sealedSecretName' (${show(props.sealedSecretName)}) ${e}`);
    if (props.namespace !== undefined) errors.push(...dns1123LabelErrors(props.namespace).map(e => `'namespace' (${show(props.namespace)}) ${e}`));
    if (this.scope !== SealingScope.CLUSTER_WIDE && this.namespace === undefined) {
      errors.push(`'namespace' is required with scope ${this.scope}: the values were sealed for a namespace (give it, or create the SealedSecret in a chart with a namespace)`);
    }
    if (!Object.values(SealingScope).includes(this.scope)) errors.push(`'scope' (${show(props.scope)}) must be strict, namespace-wide or cluster-wide`);
    if (typeof props.certificateFingerprint !== 'string' || !/^SHA256:[A-Za-z0-9+/]{43}$/.test(props.certificateFingerprint)) {
      errors.push(`'certificateFingerprint' (${show(props.certificateFingerprint)}) must be a SHA256:… key fingerprint, as 'cdk8s-fleet seal' prints it`);
    }
    const entries = Object.entries(props.encryptedData ?? {});
    // The controller unseals a SealedSecret with no sealed value and only template data (SS TestTemplateWithoutEncryptedData).
    if (entries.length === 0 && Object.keys(props.templateData ?? {}).length === 0) {
      errors.push("'encryptedData' needs at least one sealed value (or give 'templateData')");
    }
    for (const [key, value] of entries) {
      if (!/^[-._a-zA-Z0-9]+$/.test(key)) errors.push(`'encryptedData' key ${show(key)} is not a valid Secret key`);
      const problem = sealedValueProblem(value);
      // The value itself is never shown: if it is not ciphertext it may be a plaintext secret.
      if (problem) errors.push(`'encryptedData' value of key ${show(key)} is not a sealed value (${problem}); seal it with 'cdk8s-fleet seal' (the value is not shown)`);
    }
    errors.push(...labelMapErrors('labels', props.labels), ...annotationMapErrors('annotations', props.annotations));
    for (const key of Object.keys(props.annotations ?? {})) {
      // kubeseal strips these before sealing (StripLastAppliedAnnotations, ss#227): they hold a copy of the Secret.
      if (LAST_APPLIED_ANNOTATIONS.includes(key)) {
        errors.push(`'annotations' key ${show(key)} may hold the Secret in plaintext (kubeseal strips it before sealing); remove it (the value is not shown)`);
      }
      // The controller reads the scope from the SealedSecret's own annotations, which 'scope' writes.
      if (key === CLUSTER_WIDE_ANNOTATION || key === NAMESPACE_WIDE_ANNOTATION) {
        errors.push(`'annotations' key ${show(key)} sets the sealing scope: give 'scope' instead`);
      }
    }
    for (const k of Object.keys(props.templateData ?? {})) {
      if (!/^[-._a-zA-Z0-9]+$/.test(k)) errors.push(`'templateData' key ${show(k)} is not a valid Secret key`);
    }
    // The controller parses each template when it unseals (Go text/template with sprig): one it cannot parse means no Secret.
    if (Object.keys(props.templateData ?? {}).length > 0) {
      for (const p of sealedTemplateModule().sealedTemplateProblems(props.templateData)) errors.push(`'templateData': ${p}`);
    }
    return errors;
  }
}

/** The annotations kubectl and kubecfg keep a full copy of an applied object in (SS `StripLastAppliedAnnotations`). */
const LAST_APPLIED_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', 'kubecfg.ksonnet.io/last-applied-configuration'];
