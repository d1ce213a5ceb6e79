import {
  AppProject, ApplicationSet, ApplicationSource, FleetTesting, ListGenerator, MatrixGenerator, TemplateMode, TemplateOverride, TemplateParam,
} from '../../src';
import { renderObjects, testFleet } from '../util';

const FILE = 'argocd/platform/applicationsets/ApplicationSet.guestbook.yaml';

describe('TemplateOverride (generator-level templates)', () => {
  test('the example of operator-manual/applicationset/Template.md §Generator templates', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const project = AppProject.fromProjectName(fleet, 'Default', 'default');
    const cluster = TemplateParam.element('cluster');
    // WHEN
    new ApplicationSet(fleet, 'guestbook', {
      templateMode: TemplateMode.FAST_TEMPLATE,
      generators: [new TemplateOverride(new ListGenerator({ elements: [{ cluster: 'engineering-dev', url: 'https://kubernetes.default.svc' }] }), {
        source: ApplicationSource.git({ repoUrl: 'https://github.com/argoproj/argo-cd.git', targetRevision: 'HEAD', path: `applicationset/examples/template-override/${cluster}-override` }),
      })],
      template: {
        applicationName: `${cluster}-guestbook`,
        project,
        source: ApplicationSource.git({ repoUrl: 'https://github.com/argoproj/argo-cd.git', targetRevision: 'HEAD', path: 'applicationset/examples/template-override/default' }),
        destinationServer: `${TemplateParam.element('url')}`,
        destinationNamespace: 'guestbook',
      },
    });
    // THEN the generator carries the template the docs show
    const spec = renderObjects(app)[FILE].spec;
    expect(spec.generators[0].list.template).toStrictEqual({
      metadata: {},
      spec: {
        project: 'default',
        source: { repoURL: 'https://github.com/argoproj/argo-cd.git', targetRevision: 'HEAD', path: 'applicationset/examples/template-override/{{cluster}}-override' },
        destination: {},
      },
    });
    // … and Argo CD's merge (generator fields win) gives the generated Application the override's path
    const [expanded] = FleetTesting.expand(app);
    expect(expanded.applications.map(a => [a.metadata.name, a.spec.source.path, a.spec.destination])).toEqual([
      ['engineering-dev-guestbook', 'applicationset/examples/template-override/engineering-dev-override', { server: 'https://kubernetes.default.svc', namespace: 'guestbook' }],
    ]);
  });

  test('refused inside a matrix or merge, where Argo CD ignores it; refused when it overrides nothing', () => {
    const list = new ListGenerator({ elements: [{ a: 'b' }] });
    expect(() => new MatrixGenerator(new TemplateOverride(list, { applicationName: 'x' }), list))
      .toThrow('MatrixGenerator: Argo CD ignores the template of a generator inside a matrix or merge; put the TemplateOverride around the MatrixGenerator instead');
    expect(() => new TemplateOverride(list, {})).toThrow('TemplateOverride needs at least one template field to override');
  });
});
