import * as fs from 'fs';
import * as path from 'path';

/** How to start one of the library's worker threads. */
export interface WorkerScript {
  readonly file: string;
  readonly execArgv: string[];
}

/**
 * The script of a worker thread that lives beside the calling module (`dir` is its `__dirname`): the compiled
 * `<name>.js`, or, running from TypeScript sources (tests, ts-node), `<name>.ts` with ts-node's transpiler.
 * Undefined when neither can run: the caller then does the work on its own thread.
 */
export function workerScript(dir: string, name: string): WorkerScript | undefined {
  const js = path.join(dir, `${name}.js`);
  if (fs.existsSync(js)) return { file: js, execArgv: [] };
  const ts = path.join(dir, `${name}.ts`);
  if (!fs.existsSync(ts)) return undefined;
  try {
    return { file: ts, execArgv: ['-r', require.resolve('ts-node/register/transpile-only')] };
  } catch {
    return undefined;
  }
}
