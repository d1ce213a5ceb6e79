/**
 * The semantic rules the Kyverno admission controller (v1.19, pkg/validation/policy/validate.go) and the Kubernetes
 * API server (admissionregistration validation, 1.28) apply to the policies the guardrails write, beyond what the
 * schemas say, for the constructs the guardrails use. Private to the library: the guardrails check what they
 * generate, so a change that would make Kyverno or the API server refuse a policy fails synth instead.
 */

/** Kyverno's condition operators (api/kyverno/v1 ConditionOperator). */
const KYVERNO_OPERATORS = new Set([
  'Equals', 'NotEquals', 'In', 'AnyIn', 'AllIn', 'NotIn', 'AnyNotIn', 'AllNotIn', 'GreaterThanOrEquals', 'GreaterThan',
  'LessThanOrEquals', 'LessThan', 'DurationGreaterThanOrEquals', 'DurationGreaterThan', 'DurationLessThanOrEquals', 'DurationLessThan',
]);
const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];
/** Variables that only exist in an admission request, refused in background mode. */
const ADMISSION_ONLY_VARIABLE = /\{\{\s*(request\.userInfo|request\.roles|request\.clusterRoles|serviceAccountName|serviceAccountNamespace)/;

/** The problems Kyverno's policy validation would report for a ClusterPolicy, in its wording. */
export function kyvernoPolicyErrors(policy: any): string[] {
  const errors: string[] = [];
  if (policy.kind === 'ClusterPolicy' && policy.metadata?.namespace) errors.push('A clusterpolicy should not have the namespace defined');
  const spec = policy.spec ?? {};
  const background = spec.background ?? true;
  const timeout = spec.webhookConfiguration?.timeoutSeconds;
  if (timeout !== undefined && (timeout < 1 || timeout > 30)) errors.push('spec.webhookConfiguration.timeoutSeconds: the timeout value must be between 1 and 30 seconds');
  if (spec.admission === false && spec.background === false) errors.push('disabling both admission and background processing is not allowed');
  const names = new Set<string>();
  (spec.rules ?? []).forEach((rule: any, i: number) => {
    const at = `spec.rules[${i}]`;
    if (names.has(rule.name)) errors.push(`${at}.name: Duplicate rule name: '${rule.name}'`);
    names.add(rule.name);
    if (!rule.name || rule.name.length > 63) errors.push(`${at}.name: must be 1 to 63 characters`);
    if (background && ADMISSION_ONLY_VARIABLE.test(JSON.stringify(rule))) {
      errors.push(`only select variables are allowed in background mode. Set spec.background=false to disable background mode for this policy rule: ${at} uses admission request variables`);
    }
    const blocks: { where: string; resources: any }[] = [];
    for (const [side, block] of [['match', rule.match], ['exclude', rule.exclude]] as const) {
      if (!block) continue;
      if ((block.any?.length || block.all?.length) && block.resources) errors.push(`path: ${at}.${side}.: can't specify any/all together with ${side} resources`);
      if (block.any?.length && block.all?.length) errors.push(`path: ${at}.${side}.: can't specify any and all together`);
      [...block.any ?? [], ...block.all ?? []].forEach((f: any, j: number) => { if (f.resources) blocks.push({ where: `${at}.${side}.${block.any ? 'any' : 'all'}[${j}]`, resources: f.resources }); });
    }
    for (const b of blocks) {
      const kinds: string[] = b.resources.kinds ?? [];
      if (kinds.includes('*')) {
        if (background) errors.push(`path: ${b.where}.kinds: wildcard policy not allowed in background mode. Set spec.background=false to disable background mode for this policy rule `);
        if (kinds.length > 1) errors.push(`path: ${b.where}.kinds: wildcard policy can not deal with more than one kind`);
        if (rule.generate || rule.verifyImages || rule.validate?.foreach) errors.push(`path: ${b.where}.kinds: wildcard policy does not support rule type`);
      }
      for (const op of b.resources.operations ?? []) if (!OPERATIONS.includes(op)) errors.push(`${b.where}.operations: unsupported operation '${op}'`);
    }
    const matchFilters = [...rule.match?.any ?? [], ...rule.match?.all ?? []];
    if (matchFilters.length === 0 || matchFilters.some((f: any) => f.resources && !(f.resources.kinds ?? []).length)) {
      errors.push(`${at}: at least one element must be specified in a kind block, the kind attribute is mandatory when working with the resources element`);
    }
    const kinds = ['validate', 'generate', 'mutate', 'verifyImages'].filter(k => rule[k] !== undefined);
    if (kinds.length !== 1) errors.push(`${at}: a rule must have exactly one of validate, generate, mutate or verifyImages (found ${kinds.join(', ') || 'none'})`);
    if (rule.validate) {
      const v = rule.validate;
      const checks = ['pattern', 'anyPattern', 'deny', 'foreach', 'podSecurity', 'cel', 'assert', 'manifests'].filter(k => v[k] !== undefined);
      if (checks.length !== 1) errors.push(`${at}.validate: only one of pattern, anyPattern, deny, foreach, podSecurity, cel, assert or manifests may be given (found ${checks.join(', ') || 'none'})`);
      if (v.failureAction !== undefined && !['Enforce', 'Audit'].includes(v.failureAction)) errors.push(`${at}.validate.failureAction: '${v.failureAction}' is not one of Enforce, Audit`);
      if (v.deny) errors.push(...conditionErrors(v.deny.conditions, `${at}.validate.deny.conditions`));
    }
    if (rule.preconditions) errors.push(...conditionErrors(rule.preconditions, `${at}.preconditions`));
    if (rule.generate) {
      const g = rule.generate;
      for (const f of ['apiVersion', 'kind', 'name']) if (!g[f]) errors.push(`${at}.generate.${f}: required`);
      if ((g.data === undefined) === (g.clone === undefined)) errors.push(`${at}.generate: exactly one of data or clone is required`);
    }
  });
  return errors;
}

function conditionErrors(conditions: any, where: string): string[] {
  if (!conditions || typeof conditions !== 'object' || Array.isArray(conditions)) return [`${where}: give the conditions as any and/or all`];
  const errors: string[] = [];
  for (const block of ['any', 'all']) {
    for (const [i, c] of (conditions[block] ?? []).entries()) {
      const at = `${where}.${block}[${i}]`;
      if (c.key === undefined || c.operator === undefined) errors.push(`${at}: entered value of \`key\`, \`value\` or \`operator\` is missing or misspelled`);
      else if (!KYVERNO_OPERATORS.has(c.operator)) errors.push(`${at}: entered value of \`operator\` is invalid. valid values: ${[...KYVERNO_OPERATORS].join(', ')}`);
      if (typeof c.key === 'string' && /^\{\{\s*request\.operation\s*\}\}$/.test(c.key)) {
        for (const v of Array.isArray(c.value) ? c.value : [c.value]) {
          if (!OPERATIONS.includes(v)) errors.push(`${at}: unknown value '${v}' found under the 'value' field. Only the following values are allowed: [CREATE, UPDATE, DELETE, CONNECT]`);
        }
      }
    }
  }
  return errors;
}

/** The problems the Kubernetes API server would report for ValidatingAdmissionPolicies and their bindings. */
export function validatingAdmissionPolicyErrors(objects: any[]): string[] {
  const errors: string[] = [];
  for (const o of objects) {
    const at = `${o.kind} '${o.metadata?.name}'`;
    const spec = o.spec ?? {};
    if (o.kind === 'ValidatingAdmissionPolicy') {
      if (spec.failurePolicy !== undefined && !['Fail', 'Ignore'].includes(spec.failurePolicy)) errors.push(`${at}: spec.failurePolicy: Unsupported value: "${spec.failurePolicy}": supported values: "Fail", "Ignore"`);
      if (!spec.matchConstraints?.resourceRules?.length) errors.push(`${at}: spec.matchConstraints.resourceRules: Required value`);
      for (const [i, r] of [...spec.matchConstraints?.resourceRules ?? [], ...spec.matchConstraints?.excludeResourceRules ?? []].entries()) {
        for (const f of ['apiGroups', 'apiVersions', 'resources', 'operations']) {
          const list: string[] = r[f] ?? [];
          if (!list.length) errors.push(`${at}: rules[${i}].${f}: Required value`);
          if (list.includes('*') && list.length > 1) errors.push(`${at}: rules[${i}].${f}: Invalid value: if '*' is present, must not specify other ${f}`);
        }
        for (const op of r.operations ?? []) if (![...OPERATIONS, '*'].includes(op)) errors.push(`${at}: rules[${i}].operations: Unsupported value: "${op}"`);
      }
      const conditions = spec.matchConditions ?? [];
      if (conditions.length > 64) errors.push(`${at}: spec.matchConditions: Too many: ${conditions.length}: must have at most 64 items`);
      const seen = new Set<string>();
      for (const c of conditions) {
        if (!/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(c.name ?? '') || c.name.length > 63) errors.push(`${at}: spec.matchConditions.name: Invalid value: "${c.name}": must be a qualified name`);
        if (seen.has(c.name)) errors.push(`${at}: spec.matchConditions.name: Duplicate value: "${c.name}"`);
        seen.add(c.name);
        if (!c.expression) errors.push(`${at}: spec.matchConditions.expression: Required value`);
      }
      if (!(spec.validations ?? []).length && !(spec.auditAnnotations ?? []).length) errors.push(`${at}: spec.validations: Required value: validations or auditAnnotations must contain at least one item`);
      for (const v of spec.validations ?? []) {
        if (!v.expression) errors.push(`${at}: spec.validations.expression: Required value`);
        if (typeof v.message === 'string' && /[\r\n]/.test(v.message)) errors.push(`${at}: spec.validations.message: Invalid value: message must not contain line breaks`);
        if (v.reason !== undefined && !['Unauthorized', 'Forbidden', 'Invalid', 'RequestEntityTooLarge'].includes(v.reason)) errors.push(`${at}: spec.validations.reason: Unsupported value: "${v.reason}"`);
      }
    } else if (o.kind === 'ValidatingAdmissionPolicyBinding') {
      if (!spec.policyName) errors.push(`${at}: spec.policyName: Required value`);
      const actions: string[] = spec.validationActions ?? [];
      if (!actions.length) errors.push(`${at}: spec.validationActions: Required value`);
      for (const a of actions) if (!['Deny', 'Warn', 'Audit'].includes(a)) errors.push(`${at}: spec.validationActions: Unsupported value: "${a}"`);
      if (new Set(actions).size !== actions.length) errors.push(`${at}: spec.validationActions: Duplicate value`);
      if (actions.includes('Deny') && actions.includes('Warn')) {
        errors.push(`${at}: spec.validationActions: Invalid value: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)`);
      }
      const policies = objects.filter(p => p.kind === 'ValidatingAdmissionPolicy').map(p => p.metadata?.name);
      if (spec.policyName && !policies.includes(spec.policyName)) errors.push(`${at}: binds '${spec.policyName}', which is not written with it (the binding would be ignored)`);
    }
  }
  return errors;
}
