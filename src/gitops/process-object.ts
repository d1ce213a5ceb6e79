import { createHash } from 'crypto';
import { SchemaValidator } from './schema-validator';
import { secretErrors } from './secret-guard';
import { toYaml } from './yaml';
import { imagesOf } from '../private/images';
import { Placement } from '../private/placement';
import { sopsAgeRecipients } from '../private/secret-markers';
import { sopsObjectProblems } from '../private/sops-object';

/** The per-object half of rendering that needs no construct tree: validation, secret scan, serialization. */
export interface ProcessOptions {
  /** Validate against the pinned schemas. */
  readonly validateSchemas: boolean;
  /** `apiVersion/kind` keys written without schema validation. */
  readonly unvalidatedKinds: ReadonlySet<string>;
}

/** What processing one object yields. */
export interface ProcessedObject {
  /** The YAML file content ('' when serialization failed). */
  readonly content: string;
  /** Problems: schema errors, secrets, serialization errors. */
  readonly problems: string[];
  /** Container images, for workload objects. */
  readonly images?: string[];
  /** sha256 of `content`, for the tree manifest. */
  readonly hash: string;
}

const TEMPLATE_PARAM = /%%tp\d+%%/;

/** Kinds the library itself writes that no pinned schema covers (Kustomize's kustomization.yaml). */
const LIBRARY_KINDS = new Set(['kustomize.config.k8s.io/v1beta1/Kustomization', 'viaduct.ai/v1/ksops']);

export function processObject(json: any, role: Placement['role'], options: ProcessOptions): ProcessedObject {
  const problems: string[] = [];
  // A SOPS-encrypted manifest (written by SopsSecret): checked as encrypted, its plain part validated and scanned.
  const sops = sopsAgeRecipients(json) !== undefined;
  if (sops) problems.push(...sopsObjectProblems(json, role, options.validateSchemas));
  const key = `${json.apiVersion}/${json.kind}`;
  if (options.validateSchemas && !options.unvalidatedKinds.has(key) && !LIBRARY_KINDS.has(key) && !sops) {
    const schemaErrors = SchemaValidator.get().validate(json);
    if (schemaErrors === undefined) {
      problems.push(`no pinned schema for '${key}'; list it in FleetApp 'unvalidatedKinds' to write it without validation`);
    } else {
      problems.push(...schemaErrors.map(e => `schema: ${e}`));
    }
  }
  let content = '';
  try {
    content = toYaml(json);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (!sops) problems.push(...secretErrors(json, { directory: '', role }, content));
  if (TEMPLATE_PARAM.test(content)) {
    problems.push('holds a TemplateParam outside an ApplicationSet template (only ApplicationSets render them)');
  }
  return { content, problems, images: role === 'workload' ? imagesOf(json) : undefined, hash: createHash('sha256').update(content).digest('hex') };
}
