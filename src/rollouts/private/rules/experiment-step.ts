import { arr, obj, str } from './json';
import { badJson, badString, FieldError } from '../go-format';

/**
 * A canary `experiment` step creates an Experiment (`rollout/experiment.go` `GetExperimentFromTemplate`) that the
 * Experiment controller checks before it does anything (`utils/conditions/experiments.go`
 * `VerifyExperimentSpec`, Argo Rollouts v1.9.1). The Rollout's own validation does not look at these, so a step
 * that breaks them passes `InvalidSpec` and then waits on an Experiment stuck in its own `InvalidSpec` until the
 * progress deadline. The template's selector is the step's, else the ReplicaSet's (never empty); its
 * minReadySeconds is the Rollout's, already below the progress deadline.
 */
export function experimentStepProblems(rollout: any): FieldError[] {
  const out: FieldError[] = [];
  (arr(rollout?.spec?.strategy?.canary?.steps) ?? []).forEach((step: any, i: number) => {
    const templates = arr(step?.experiment?.templates);
    if (!templates) return;
    const seen = new Set<string>();
    templates.forEach((t: any, j: number) => {
      const path = `spec.strategy.canary.steps[${i}].experiment.templates[${j}]`;
      const selector = obj(t?.selector);
      // reflect.DeepEqual with an empty LabelSelector: `{}` only (an empty matchLabels map is not nil).
      if (selector && Object.keys(selector).every(k => selector[k] === null || selector[k] === undefined)) {
        out.push(FieldError.invalid(`${path}.selector`, badJson({}), `This experiment is selecting all pods at index ${j}. A non-empty selector is required.`));
      }
      const name = str(t?.name);
      if (name === '') {
        out.push(FieldError.invalid(`${path}.name`, badString(name), `the Experiment this step creates has an empty template name at index ${j}`));
      } else if (seen.has(name)) {
        out.push(FieldError.invalid(`${path}.name`, badString(name), `the Experiment this step creates has repeated template name '${name}' in templates`));
      }
      seen.add(name);
    });
  });
  return out;
}
