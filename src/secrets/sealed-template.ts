/**
 * The Go templates of a SealedSecret's `template.data`, checked as the Sealed Secrets controller parses them
 * when it unseals (loaded on first use by the secret proof: the template parser and sprig are not needed
 * by a fleet without templated SealedSecrets).
 */
import { GO_BUILTINS } from '../expansion/gotemplate/builtins';
import { parseTemplate, TemplateError } from '../expansion/gotemplate/parse';
import { SPRIG_FUNCTIONS } from '../expansion/gotemplate/sprig';
import { compareCodeUnits } from '../private/util';

/**
 * The functions a SealedSecret's `template.data` may call (SS:pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go):
 * Go's built-ins and sprig v3.3.0's `GenericFuncMap` without `env`, `expandenv` and `getHostByName`; none of Argo
 * CD's additions (`normalize`, `slugify`, `toYaml`, `fromYaml`, `fromYamlArray`).
 */
const SEALED_TEMPLATE_FUNCTIONS: ReadonlySet<string> = new Set([...GO_BUILTINS.keys(), ...SPRIG_FUNCTIONS.keys()]
  .filter(name => !['normalize', 'slugify', 'toYaml', 'fromYaml', 'fromYamlArray'].includes(name)));

/**
 * Why the controller's `Unseal` fails on a SealedSecret's `template.data`: each value is parsed with
 * `template.New(key).Funcs(sprig).Parse(value)`, and a parse error (an unknown function included) fails the unseal,
 * so no Secret is written. Messages are Go's, naming the key as the template.
 */
export function sealedTemplateProblems(templateData: unknown): string[] {
  if (templateData === null || typeof templateData !== 'object') return [];
  const problems: string[] = [];
  for (const key of Object.keys(templateData).sort(compareCodeUnits)) {
    const value = (templateData as Record<string, unknown>)[key];
    if (typeof value !== 'string') continue;
    try {
      parseTemplate(value, SEALED_TEMPLATE_FUNCTIONS);
    } catch (e) {
      const message = e instanceof TemplateError ? e.message
        : e instanceof RangeError ? 'template: base:1: the template nests too deeply for cdk8s-fleet\'s parser' : undefined;
      if (message === undefined) throw e;
      problems.push(`cannot be unsealed: template.data key '${key}': ${message.replace(/^template: base:/, `template: ${key}:`)}`);
    }
  }
  return problems;
}
