import { TrackingMethod, ValidatingAdmissionPolicyVersion } from '../../src';
import { kyvernoPolicyErrors, validatingAdmissionPolicyErrors } from '../../src/guardrails/admission-policy-checks';
import { DriftGuardSpec, kyvernoClusterPolicy, validatingAdmissionPolicy } from '../../src/guardrails/drift-guard-policies';

const guardSpec: DriftGuardSpec = {
  name: 'drift-guard',
  enforce: true,
  trackingMethod: TrackingMethod.ANNOTATION,
  instanceLabelKey: 'app.kubernetes.io/instance',
  users: ['system:kube-controller-manager'],
  groups: ['acme:breakglass'],
  namespaces: ['argocd'],
  kinds: [],
  labels: {},
  breakGlassGroups: ['acme:breakglass'],
};

function policy(spec: any, metadata: any = { name: 'p' }) {
  return { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata, spec };
}

describe('kyvernoPolicyErrors', () => {
  test('the drift guard and its audit variant pass', () => {
    expect(kyvernoPolicyErrors(kyvernoClusterPolicy(guardSpec))).toEqual([]);
    expect(kyvernoPolicyErrors(kyvernoClusterPolicy({ ...guardSpec, enforce: false }))).toEqual([]);
  });

  // Ported from kyverno@v1.19.0 pkg/validation/policy/validate_test.go Test_Wildcards_Kind: a wildcard kind in
  // background mode (the default) is refused.
  test('a wildcard kind in background mode', () => {
    const p = policy({
      rules: [{
        name: 'check-for-labels',
        match: { any: [{ resources: { kinds: ['*'] } }] },
        validate: { message: "label 'app.kubernetes.io/name' is required", pattern: { metadata: { labels: { 'app.kubernetes.io/name': '?*' } } } },
      }],
    });
    expect(kyvernoPolicyErrors(p)).toEqual([
      'path: spec.rules[0].match.any[0].kinds: wildcard policy not allowed in background mode. Set spec.background=false to disable background mode for this policy rule ',
    ]);
  });

  // Ported from Test_Any_wildcard_policy: verifyImages on a wildcard kind is refused even without background mode.
  test('a wildcard kind with a rule type it does not support', () => {
    const p = policy({ background: false, rules: [{ name: 'verify-image', match: { any: [{ resources: { kinds: ['*'] } }] }, verifyImages: [{ imageReferences: ['ghcr.io/kyverno/*'] }] }] });
    expect(kyvernoPolicyErrors(p)).toEqual(['path: spec.rules[0].match.any[0].kinds: wildcard policy does not support rule type']);
  });

  // Ported from Test_BackGroundUserInfo_*: admission-only variables need background: false.
  test('request.userInfo in background mode', () => {
    const p = kyvernoClusterPolicy(guardSpec);
    p.spec.background = true;
    expect(kyvernoPolicyErrors(p)).toContain('only select variables are allowed in background mode. Set spec.background=false to disable background mode for this policy rule: spec.rules[0] uses admission request variables');
  });

  // Ported from Test_Validate_DenyConditionsValuesList_KeyRequestOperation_UnknownItem and the ExpectedItem case.
  test.each([
    [['CREATE', 'UPDATE'], []],
    [['CREATE', 'DELETE', 'connect'], ["spec.rules[0].validate.deny.conditions.all[0]: unknown value 'connect' found under the 'value' field. Only the following values are allowed: [CREATE, UPDATE, DELETE, CONNECT]"]],
  ])('request.operation values %j', (value, expected) => {
    const p = policy({ rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { deny: { conditions: { all: [{ key: '{{ request.operation }}', operator: 'AnyIn', value }] } } } }] });
    expect(kyvernoPolicyErrors(p)).toEqual(expected);
  });

  test('namespace on a ClusterPolicy, duplicate rules, an unknown operator, a rule without kinds', () => {
    const rule = { name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { deny: { conditions: { any: [{ key: 'a', operator: 'Is', value: 'b' }] } } } };
    const p = policy({ rules: [rule, { ...rule, match: { any: [{ resources: { names: ['x'] } }] } }], webhookConfiguration: { timeoutSeconds: 31 } }, { name: 'p', namespace: 'x' });
    expect(kyvernoPolicyErrors(p)).toEqual([
      'A clusterpolicy should not have the namespace defined',
      'spec.webhookConfiguration.timeoutSeconds: the timeout value must be between 1 and 30 seconds',
      expect.stringContaining('spec.rules[0].validate.deny.conditions.any[0]: entered value of `operator` is invalid'),
      "spec.rules[1].name: Duplicate rule name: 'r'",
      'spec.rules[1]: at least one element must be specified in a kind block, the kind attribute is mandatory when working with the resources element',
      expect.stringContaining('spec.rules[1].validate.deny.conditions.any[0]: entered value of `operator` is invalid'),
    ]);
  });
});

describe('validatingAdmissionPolicyErrors', () => {
  test('the drift guard passes in both modes', () => {
    expect(validatingAdmissionPolicyErrors(validatingAdmissionPolicy(guardSpec, ValidatingAdmissionPolicyVersion.V1BETA1))).toEqual([]);
    const audit = validatingAdmissionPolicy({ ...guardSpec, enforce: false }, ValidatingAdmissionPolicyVersion.V1BETA1);
    expect(validatingAdmissionPolicyErrors(audit)).toEqual([]);
  });

  test('Deny together with Warn, a line break in a message, a bad condition name', () => {
    const [p, b] = validatingAdmissionPolicy(guardSpec, ValidatingAdmissionPolicyVersion.V1BETA1);
    b.spec.validationActions = ['Deny', 'Warn'];
    p.spec.validations[0].message = 'a\nb';
    p.spec.matchConditions[0].name = 'not a name';
    expect(validatingAdmissionPolicyErrors([p, b])).toEqual([
      'ValidatingAdmissionPolicy \'drift-guard\': spec.matchConditions.name: Invalid value: "not a name": must be a qualified name',
      "ValidatingAdmissionPolicy 'drift-guard': spec.validations.message: Invalid value: message must not contain line breaks",
      "ValidatingAdmissionPolicyBinding 'drift-guard': spec.validationActions: Invalid value: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)",
    ]);
  });
});
