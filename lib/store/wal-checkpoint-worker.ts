/**
 * Runs in a worker thread beside the main one: copies the write-ahead log into the database file
 * (SQLite's checkpoint, with its fsyncs) so that the main thread does not have to. It has its own
 * connection; a PASSIVE checkpoint takes no lock that a writer waits for.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new Database(file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // A busy database or a full disk: the next round tries again, and the main connection's own
    // automatic checkpoint is the backstop.
  }
}, intervalMs);

parentPort?.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  process.exit(0);
});
