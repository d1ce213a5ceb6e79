import { SchemaValidator } from '../../src/gitops/schema-validator';

const validApplication = () => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'guestbook', namespace: 'argocd' },
  spec: {
    project: 'default',
    source: { repoURL: 'https://github.com/argoproj/argocd-example-apps.git', targetRevision: 'HEAD', path: 'guestbook' },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'guestbook' },
  },
});

describe('SchemaValidator', () => {
  const validator = SchemaValidator.get();

  test('accepts the Argo CD docs\' guestbook Application (getting_started.md)', () => {
    expect(validator.validate(validApplication())).toEqual([]);
  });

  test('rejects unknown fields, wrong types and missing required fields, naming the JSON pointer', () => {
    // GIVEN
    const unknown: any = validApplication();
    unknown.spec.source.repoUrl = 'x';
    const wrongType: any = validApplication();
    wrongType.spec.source.targetRevision = 3;
    const missing: any = validApplication();
    delete missing.spec.destination;
    const badMeta: any = validApplication();
    badMeta.metadata.labels = { a: 1 };
    // THEN
    expect(validator.validate(unknown)).toContain("/spec/source has unknown field 'repoUrl'");
    expect(validator.validate(wrongType)).toContain('/spec/source/targetRevision must be string');
    expect(validator.validate(missing)).toContain("/spec is missing required field 'destination'");
    expect(validator.validate(badMeta)).toContain('/metadata/labels/a must be string');
  });

  test('built-in kinds are checked strictly against the Kubernetes 1.28 definitions', () => {
    // GIVEN
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] } },
      },
    };
    // THEN
    expect(validator.validate(deployment)).toEqual([]);
    const bad: any = JSON.parse(JSON.stringify(deployment));
    bad.spec.template.spec.containers[0].ports[0].containerPort = '80';
    bad.spec.replica = 3;
    expect(validator.validate(bad)).toEqual(expect.arrayContaining([
      "/spec has unknown field 'replica'",
      '/spec/template/spec/containers/0/ports/0/containerPort must be integer',
    ]));
    const noSpec: any = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: 'not base64!' } };
    expect(validator.validate(noSpec)).toEqual(['/data/k must match format "byte"']);
  });

  test('ExternalSecret v1 is known, v1beta1 (not served by External Secrets v2.9.0) and unknown kinds are not', () => {
    expect(validator.knows('external-secrets.io/v1', 'ExternalSecret')).toBe(true);
    expect(validator.knows('external-secrets.io/v1beta1', 'ExternalSecret')).toBe(false);
    expect(validator.validate({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toBeUndefined();
  });

  test('IntOrString and Quantity accept both forms', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }] } };
    expect(validator.validate(service)).toEqual([]);
  });
});
