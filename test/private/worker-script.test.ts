import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Life, startWorker, StartedWorker } from '../../src/private/worker-script';

/** A worker script written to a temporary file. */
function script(source: string): { file: string; execArgv: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-worker-'));
  const file = path.join(dir, 'worker.js');
  fs.writeFileSync(file, source);
  return { file, execArgv: [] };
}

/** Waits (blocking, as the library's callers do) until the worker's life word has left `state`. */
function waitPast(started: StartedWorker, state: Life, ms = 20_000): void {
  const deadline = Date.now() + ms;
  while (started.life.state === state && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
}

describe('startWorker', () => {
  const started: StartedWorker[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map(s => s.worker.terminate()));
  });
  const start = (...args: Parameters<typeof startWorker>) => {
    const s = startWorker(...args);
    started.push(s);
    return s;
  };

  test('GIVEN a script that throws while loading WHEN started THEN its life says so, with the message, and wakes a thread waiting on another word', () => {
    // GIVEN
    // (it fails a moment after it starts, so that the wait below has begun: a wake before a wait is lost)
    const bad = script("const end = Date.now() + 300; while (Date.now() < end); throw new Error('boom while loading');");
    const words = new Int32Array(new SharedArrayBuffer(8));
    // WHEN the starting thread waits (blocked, one long wait) on a word the worker was told to wake
    const s = start({ script: bad }, {}, [], words);
    const woken = Atomics.wait(words, 1, 0, 20_000);
    // THEN the wait was woken (not timed out), the word is still 0, and the life says why
    expect(woken).toBe('ok');
    expect(words[1]).toBe(0);
    waitPast(s, Life.LOADING);
    expect(s.life.state).toBe(Life.FAILED);
    expect(s.life.ended).toBe('failed to load: boom while loading');
    expect(s.life.waitFor(words, 1, 60_000)).toBe(false); // (at once: the thread has ended)
  });

  test('GIVEN a script that loads and sets a word WHEN waited for THEN the word is seen and the worker is running', () => {
    // GIVEN
    const good = script("const { workerData } = require('worker_threads'); Atomics.store(workerData.words, 0, 7); Atomics.notify(workerData.words, 0); setInterval(() => {}, 1000);");
    const words = new Int32Array(new SharedArrayBuffer(4));
    // WHEN
    const s = start({ script: good }, { words }, [], words);
    // THEN
    expect(s.life.waitFor(words, 0, 20_000)).toBe(true);
    expect(words[0]).toBe(7);
    waitPast(s, Life.LOADING);
    expect(s.life.state).toBe(Life.RUNNING);
    expect(s.life.ended).toBeUndefined();
  });

  test('GIVEN a script that throws after it loaded WHEN it does THEN its life says it stopped, with the message', () => {
    // GIVEN / WHEN
    const late = script("setTimeout(() => { throw new Error('boom later'); }, 50);");
    const s = start({ script: late }, {}, []);
    waitPast(s, Life.LOADING);
    waitPast(s, Life.RUNNING);
    // THEN
    expect(s.life.state).toBe(Life.EXITED);
    expect(s.life.ended).toBe('stopped: boom later');
  });

  test('GIVEN a script that ends by itself WHEN it has THEN its life says exited; a missing script fails to load', () => {
    // GIVEN / WHEN
    const done = start({ script: script('// nothing to do') }, {}, []);
    const missing = start({ script: { file: '/nonexistent/cdk8s-fleet-worker.js', execArgv: [] } }, {}, []);
    waitPast(done, Life.LOADING);
    waitPast(done, Life.RUNNING);
    waitPast(missing, Life.LOADING);
    // THEN
    expect(done.life.ended).toBe('exited');
    expect(missing.life.state).toBe(Life.FAILED);
    expect(missing.life.ended).toMatch(/^failed to load: Cannot find module '\/nonexistent\/cdk8s-fleet-worker\.js'/);
  });

  test('GIVEN source run as it is WHEN it exits without a word THEN a thread waiting on another word is woken, and the exit code is told', () => {
    // GIVEN
    const words = new Int32Array(new SharedArrayBuffer(4));
    // WHEN
    const s = start({ source: 'const end = Date.now() + 300; while (Date.now() < end); process.exit(3);' }, {}, [], words);
    // THEN
    expect(Atomics.wait(words, 0, 0, 20_000)).toBe('ok');
    waitPast(s, Life.LOADING);
    expect(s.life.ended).toBe('exited with code 3');
  });

  test('GIVEN a script whose uncaught exception a handler survives WHEN it goes on and ends THEN it is not told stopped', () => {
    // GIVEN / WHEN
    const survivor = script("process.on('uncaughtException', () => {}); setTimeout(() => { throw new Error('handled'); }, 10); setTimeout(() => {}, 100);");
    const s = start({ script: survivor }, {}, []);
    waitPast(s, Life.LOADING);
    const running = s.life.state;
    waitPast(s, Life.RUNNING);
    // THEN
    expect(running).toBe(Life.RUNNING);
    expect(s.life.ended).toBe('exited');
  });

  test('waitFor gives up at its timeout while the worker lives and the word stays 0', () => {
    // GIVEN a worker that does nothing, forever
    const words = new Int32Array(new SharedArrayBuffer(4));
    const s = start({ script: script('setInterval(() => {}, 1000);') }, {}, [], words);
    // WHEN
    const began = Date.now();
    // THEN
    expect(s.life.waitFor(words, 0, 300)).toBe(false);
    expect(Date.now() - began).toBeGreaterThanOrEqual(290);
    expect(s.life.ended).toBeUndefined();
  });
});
