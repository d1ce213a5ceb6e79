import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Fleet, FleetApp, Workload } from '../../src';
import * as treeCheck from '../../src/gitops/tree-check';
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

  describe('the re-synth\'s check of an untouched tree (on its worker) sees an edit the program itself makes while it renders', () => {
    /** Six clusters of one Workload (linked files); `during` runs in the Workload's definition or in a Lazy value. */
    const workloadProgram = (outdir: string, during: { define?: () => void; lazy?: () => void } = {}) => {
      const app = new FleetApp({ outdir, fleetProofs: false });
      const fleet = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main' });
      for (let c = 0; c < 6; c++) addCluster(fleet, `prod-${c}`, { tier: 'web' });
      new Workload(fleet, 'web', {
        namespace: 'web',
        matchLabels: { tier: 'web' },
        definition: {
          define: scope => {
            during.define?.();
            new kplus.ConfigMap(scope, 'c', { metadata: { name: 'c' }, data: { A: '1' } });
          },
        },
      });
      const extra = addCluster(fleet, 'ops', { tier: 'ops' }).addManifests('tools', { namespace: 'tools' });
      new k8s.KubeConfigMap(extra, 'Config', { metadata: { name: 'tools' }, data: { B: Lazy.any({ produce: () => { during.lazy?.(); return '2'; } }) } });
      return app;
    };
    /** Synthesized, settled, and synthesized again until its stat cache vouches for everything. */
    const settledWorkloadTree = () => {
      const outdir = fs.realpathSync(tmp());
      for (let i = 0; i < 3; i++) {
        workloadProgram(outdir).synth();
        const until = Date.now() + 20;
        while (Date.now() < until) { /* a new file-system timestamp tick */ }
      }
      return outdir;
    };
    const edit = (file: string) => {
      const before = fs.readFileSync(file, 'utf-8');
      expect(before).toContain("A: '1'");
      fs.writeFileSync(file, before.replace("A: '1'", "A: '9'"));
    };

    test.each([
      ['in the Workload\'s definition', 'define'],
      ['in a Lazy value', 'lazy'],
    ] as const)('%s', (_where, hook) => {
      // GIVEN a settled tree, and the check on a worker whatever the tree's size
      const outdir = settledWorkloadTree();
      const real = treeCheck.startTreeCheck;
      const start = jest.spyOn(treeCheck, 'startTreeCheck').mockImplementation(dir => real(dir, 0));
      const file = path.join(outdir, 'clusters/prod-3/web/ConfigMap.c.yaml');
      let error = '';
      let checks = 0;
      try {
        // WHEN an untouched re-synth is a no-op, and one whose program edits a workload file as it renders is not
        const result = workloadProgram(outdir).synthTree();
        expect(result.written).toEqual([]);
        error = errorOf(() => workloadProgram(outdir, { [hook]: () => edit(file) }).synth());
        checks = start.mock.results.filter(r => r.value !== undefined).length;
      } finally {
        start.mockRestore();
      }
      // THEN the edit is seen: refused, naming the file (as any hand edit), and the file is left as edited
      expect(checks).toBe(2);
      expect(error).toMatch(/clusters\/prod-3\/web\/ConfigMap\.c\.yaml/);
      expect(error).toMatch(/edited since cdk8s-fleet wrote it/);
      expect(fs.readFileSync(file, 'utf-8')).toContain("A: '9'");
    });
  });
});
