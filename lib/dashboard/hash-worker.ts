/**
 * bcrypt comparisons off the event loop. bcryptjs's own asynchronous `compare` still computes in
 * slices of up to 100 ms on the main thread, which stalls every other request while logins run;
 * here one worker thread does the comparisons, queued, and the main thread only waits.
 */
import { Worker } from 'node:worker_threads';
import type { HashCheck } from './auth';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
parentPort.on('message', ({ id, password, hash }) => {
  let ok = false;
  try { ok = bcrypt.compareSync(password, hash); } catch { ok = false; }
  parentPort.postMessage({ id, ok });
});
`;

/** `bcryptPath`: the resolved path of a bcryptjs module (flows/settings.js takes Node-RED's). */
export function workerHashCheck(bcryptPath: string): HashCheck {
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve: (ok: boolean) => void; reject: (err: Error) => void }>();
  const start = (): Worker => {
    const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath } });
    started.unref();
    started.on('message', ({ id, ok }: { id: number; ok: boolean }) => {
      pending.get(id)?.resolve(ok);
      pending.delete(id);
    });
    const fail = (err: Error) => {
      worker = undefined;
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    started.on('error', fail);
    started.on('exit', (code) => fail(new Error(`the password check worker stopped (${code})`)));
    return started;
  };
  return (password, hash) => new Promise<boolean>((resolve, reject) => {
    worker ??= start();
    const id = nextId++;
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, password, hash });
  });
}
