import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { k8s } from 'cdk8s-plus-28';
import { Fleet, FleetApp } from '../../src';
import { interruptedWrite, writeTree } from '../../src/gitops/tree-writer';
import { addCluster, errorOf, treeSnapshot } from '../util';

// How FleetApp drives the tree writer: an interrupted write is recovered before anything else, even when the
// program then fails validation; files the library does not own are overwritten only with `force`.

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-app-writing-'));

function program(outdir: string, options: { force?: boolean; invalid?: boolean } = {}): FleetApp {
  const app = new FleetApp({ outdir, force: options.force, fleetProofs: false });
  const fleet = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main' });
  const web = addCluster(fleet, 'prod').addManifests('web', { namespace: 'web' });
  new k8s.KubeConfigMap(web, 'Config', { metadata: { name: 'web' }, data: { A: options.invalid ? 1 as any : '1' } });
  return app;
}

describe('FleetApp writing the tree', () => {
  test('an interrupted write is rolled back before rendering, even when the program then fails validation', () => {
    // GIVEN a synthesized tree and a later write interrupted before its commit (a hook stands for the kill)
    const outdir = tmp();
    program(outdir).synth();
    const before = treeSnapshot(outdir, { excludeState: true });
    expect(() => writeTree(outdir, new Map([['clusters/prod/web/ConfigMap.half.yaml', 'half\n']]), {
      hooks: step => {
        if (step === 'half-created') throw new Error('killed');
      },
    })).toThrow('killed');
    expect(interruptedWrite(outdir)).toBeDefined();
    // WHEN the next synth fails validation
    const error = errorOf(() => program(outdir, { invalid: true }).synth());
    // THEN the interrupted write was rolled back first, and the error says so
    expect(error).toMatch(/Validation failed/);
    expect(error).toContain('(Before rendering, an interrupted earlier write was found and rolled back an uncommitted write');
    expect(interruptedWrite(outdir)).toBeUndefined();
    expect(treeSnapshot(outdir, { excludeState: true })).toStrictEqual(before);
  });

  test('synthTree reports the recovery', () => {
    const outdir = tmp();
    program(outdir).synth();
    expect(() => writeTree(outdir, new Map([['clusters/prod/web/ConfigMap.half.yaml', 'half\n']]), {
      hooks: step => {
        if (step === 'prepared') throw new Error('killed');
      },
    })).toThrow('killed');
    expect(program(outdir).synthTree().recovered).toMatch(/rolled back an uncommitted write/);
  });

  test('a hand-edited file is refused, naming it, unless the FleetApp has force', () => {
    // GIVEN
    const outdir = tmp();
    program(outdir).synth();
    const file = path.join(outdir, 'clusters/prod/web/ConfigMap.web.yaml');
    fs.appendFileSync(file, '# hand edit\n');
    // WHEN / THEN
    const error = errorOf(() => program(outdir).synth());
    expect(error).toContain('clusters/prod/web/ConfigMap.web.yaml: edited since cdk8s-fleet wrote it');
    expect(error).toContain('new FleetApp({ force: true })');
    expect(fs.readFileSync(file, 'utf-8')).toMatch(/# hand edit\n$/);
    const result = program(outdir, { force: true }).synthTree();
    expect(result.written).toEqual(['clusters/prod/web/ConfigMap.web.yaml']);
    expect(fs.readFileSync(file, 'utf-8')).not.toMatch(/hand edit/);
  });

  test('an unmanaged file where the program now writes is refused unless the FleetApp has force', () => {
    const outdir = tmp();
    fs.mkdirSync(path.join(outdir, 'clusters/prod/web'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'clusters/prod/web/ConfigMap.web.yaml'), 'mine\n');
    expect(errorOf(() => program(outdir).synth())).toContain('clusters/prod/web/ConfigMap.web.yaml: exists but was not written by cdk8s-fleet');
    expect(program(outdir, { force: true }).synthTree().written).toContain('clusters/prod/web/ConfigMap.web.yaml');
  });
});
