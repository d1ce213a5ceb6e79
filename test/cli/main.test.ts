import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { writeTree } from '../../src/gitops/tree-writer';
import { addCluster, testFleet } from '../util';

function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = main(args, { out: t => { out += t; }, err: t => { err += t; } });
  return { code, out, err };
}

function synthesized(): string {
  const { app, fleet } = testFleet();
  addCluster(fleet, 'prod');
  return app.synthTree().outdir;
}

describe('cdk8s-fleet validate', () => {
  test('a freshly synthesized tree is valid', () => {
    // GIVEN
    const tree = synthesized();
    // WHEN
    const result = run('validate', tree);
    // THEN
    expect(result).toEqual({ code: 0, out: `${tree}: 2 files valid\n`, err: '' });
  });

  test('reports hand edits, schema errors and missing files', () => {
    // GIVEN
    const tree = synthesized();
    const secret = path.join(tree, 'argocd/platform/clusters/Secret.cluster-prod.yaml');
    fs.writeFileSync(secret, fs.readFileSync(secret, 'utf-8').replace('type: Opaque', 'type: Opaque\nimmutable: "yes"'));
    fs.rmSync(path.join(tree, 'bootstrap/Application.platform-root.yaml'));
    // WHEN
    const result = run('validate', tree);
    // THEN
    expect(result.code).toBe(1);
    expect(result.err).toContain('argocd/platform/clusters/Secret.cluster-prod.yaml: changed since it was synthesized');
    expect(result.err).toContain('argocd/platform/clusters/Secret.cluster-prod.yaml: schema: /immutable must be boolean');
    expect(result.err).toContain('bootstrap/Application.platform-root.yaml: missing (the manifest lists it)');
    expect(result.err).toMatch(/3 problem\(s\) in /);
  });

  test('reports an interrupted write', () => {
    // GIVEN a write killed before its commit (the hook throws where a kill would land)
    const tree = synthesized();
    const files = new Map([['clusters/x/y/ConfigMap.c.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n']]);
    expect(() => writeTree(tree, files, {
      hooks: step => {
        if (step === 'half-created') throw new Error('killed');
      },
    })).toThrow('killed');
    // WHEN
    const result = run('validate', tree);
    // THEN
    expect(result.code).toBe(1);
    expect(result.err).toContain('a write was interrupted before it was committed; the next synth rolls it back');
  });

  test('usage errors exit non-zero', () => {
    expect(run('validate').code).not.toBe(0);
    expect(run('nonsense').code).not.toBe(0);
    expect(run('validate', '/nonexistent/tree')).toEqual({ code: 1, out: '', err: '/nonexistent/tree: no such directory\n1 problem(s) in /nonexistent/tree\n' });
  });
});
