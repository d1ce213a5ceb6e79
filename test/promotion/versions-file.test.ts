import { VersionsFile } from '../../src';
import { testFleet } from '../util';

const FILE = (production: string) => `# Versions per environment
environments: [dev, staging, production]
environmentLabel: environment
versions:
  api:
    dev: 1.10.0
    staging: 1.9.0
    production: ${production}
  web:
    dev: 3f2a9c1
    production: 3f2a9c1
`;

function validate(fleetApp: { renderFiles(): any }): () => void {
  return () => fleetApp.renderFiles();
}

describe('VersionsFile and the promotion guard', () => {
  test('reads environments, their label and one version per application per environment', () => {
    // GIVEN
    const { fleet } = testFleet();
    // WHEN
    const versions = new VersionsFile(fleet, 'Versions', { content: FILE('1.9.0') });
    // THEN
    expect(versions.environments).toEqual(['dev', 'staging', 'production']);
    expect(versions.environmentLabel).toBe('environment');
    expect(versions.version('api', 'production')).toBe('1.9.0');
    expect(versions.upstreamOf('production')).toBe('staging');
    expect(versions.applications).toEqual(['api', 'web']);
    expect(() => versions.version('web', 'staging')).toThrow("pins no version of 'web' for environment 'staging'");
  });

  test.each([
    ['allowed: production runs what staging runs', '1.9.0'],
    ['allowed: production lags behind staging (an older semantic version)', '1.8.2'],
  ])('%s', (_name, production) => {
    const { app, fleet } = testFleet();
    new VersionsFile(fleet, 'Versions', { content: FILE(production) });
    expect(validate(app)).not.toThrow();
  });

  test('refused: production pins a version staging never ran', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    new VersionsFile(fleet, 'Versions', { content: FILE('1.10.0') });
    // WHEN / THEN
    expect(validate(app)).toThrow("[platform/Versions] promotion guard: 'api' pins 1.10.0 in production, but staging (upstream) runs 1.9.0. "
      + "Promote through staging first (cdk8s-fleet promote api --from staging --to production), or declare allowPin({ application: 'api', environment: 'production', version: '1.10.0', reason })");
  });

  test('overridden: a reviewed exception lets the pin through', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const versions = new VersionsFile(fleet, 'Versions', { content: FILE('1.10.0') });
    // WHEN
    versions.allowPin({ application: 'api', environment: 'production', version: '1.10.0', reason: 'hotfix for INC-4711, staging is down' });
    // THEN
    expect(validate(app)).not.toThrow();
    expect(() => versions.allowPin({ application: 'api', environment: 'prod', version: '1', reason: '' }))
      .toThrow(/allowPin 'environment' \('prod'\) is not one of \["dev","staging","production"\][\s\S]*allowPin 'reason' \(''\) must say why/);
  });

  test('the guard skips environments without a pin, and compares non-semantic versions for equality', () => {
    // web has no staging pin: production is checked against dev (both 3f2a9c1)
    const { app, fleet } = testFleet();
    new VersionsFile(fleet, 'Versions', { content: FILE('1.9.0').replace('production: 3f2a9c1', 'production: 9e8d7c6') });
    expect(validate(app)).toThrow("'web' pins 9e8d7c6 in production, but dev (upstream) runs 3f2a9c1");
  });

  test('a malformed file is reported whole, naming the file and the keys', () => {
    const { fleet } = testFleet();
    expect(() => new VersionsFile(fleet, 'Versions', { content: 'environments: [dev]\nversions:\n  api:\n    dev: 1.10\n    qa: x\n' }))
      .toThrow(/'versions.api.dev' \(1.1\) is a number in YAML; quote it \("1.1"\)[\s\S]*'versions.api.qa': 'qa' is not one of the environments/);
    expect(() => new VersionsFile(fleet, 'Other', { path: '/nonexistent/versions.yaml' })).toThrow("'path' ('/nonexistent/versions.yaml') cannot be read");
  });
});
