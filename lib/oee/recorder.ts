import type { MesStore, StoredEvent } from '../store';
import type { OeeEngine } from './engine';
import { JournalBatch } from './journal';
import type { OeeRepository } from './repository';
import type { MachineState, OeeOp } from './types';

/** Least time between two commits of one line while signals keep coming. */
const COMMIT_SPACING_MS = 25;
/** With 'durable' finishing, a commit waiting for its spacing starts once this many signals wait for it. */
const DURABLE_COMMIT_BATCH_SIGNALS = 1000;

/**
 * When a line's commits start, for the node's *finish signals* setting. With 'durable' every
 * waiting signal holds its message until the commit, so a commit does not wait for its spacing
 * once 1,000 of them wait; with 'applied' none does, and fewer, larger commits cost less.
 */
export function commitTiming(finishSignals: 'durable' | 'applied'): Pick<RecorderOptions, 'commitSpacingMs' | 'commitBatchSignals'> {
  return { commitSpacingMs: COMMIT_SPACING_MS, commitBatchSignals: finishSignals === 'applied' ? Infinity : DURABLE_COMMIT_BATCH_SIGNALS };
}

/** The engine operations a commit's unit wrote, once it ran to its end. */
interface WrittenOps {
  ops: OeeOp[] | null;
}

export interface RecorderOptions {
  /** How often the workstation states are saved whole; signals in between go to the journal. */
  checkpointMs: number;
  /** Least time between two commits while signals keep coming. */
  commitSpacingMs: number;
  /** A commit waiting for its spacing starts at once when this many signals wait for it. */
  commitBatchSignals: number;
  /** Called with the events each commit stored, after it is durable. */
  onEvents(events: StoredEvent[]): void;
}

/**
 * Makes an OEE engine durable. One group-commit unit per commit, however many signals arrived
 * before it: the unit writes the engine's operations and journals the signals, or, once a
 * checkpoint is due, saves the workstation states whole and empties the journal. After a restart
 * the last checkpoint plus the journal re-derive the exact state.
 *
 * Under load, commits are spaced at least `commitSpacingMs` apart: the signals arriving in between
 * join the next commit, so a busy line pays fewer fsyncs; an idle one commits at once. A commit
 * does not wait for its spacing once `commitBatchSignals` signals wait for it: with 'durable'
 * finishing, every one of them holds its message in memory until the commit's fsync, and at
 * hundreds of thousands of signals a second, 25 ms of them is what the garbage collector pays
 * for (it copies each held message from one young generation space to the other).
 */
export class OeeRecorder {
  /** The signals since the last commit; emptied by each commit. */
  private readonly journal: JournalBatch;
  /** The line's workstations, by the index signals carry (the configuration order). */
  private readonly workstations: readonly string[];
  private checkpointDue = true;
  private lastCheckpoint = 0;
  private lastCommitAt = 0;
  private commit: Promise<StoredEvent[]> | null = null;
  /** Starts the commit that waits for its spacing now; null when none waits. */
  private startNow: (() => void) | null = null;

  constructor(
    private readonly store: MesStore,
    private readonly engine: OeeEngine,
    private readonly repo: OeeRepository,
    private readonly options: RecorderOptions,
  ) {
    this.workstations = engine.config.workstations.map((w) => w.id);
    this.journal = new JournalBatch(this.workstations);
  }

  /**
   * Loads the last checkpoint and applies the journaled signals again. What they produced
   * (intervals, downtimes, summaries) is already stored, so those operations are dropped.
   */
  restore(): void {
    this.engine.restore(this.repo.loadStates());
    for (const [ws, time, state, faultCode, first, reject] of this.repo.loadJournal()) {
      // A workstation no longer configured is skipped, as restore() skips its state.
      const index = this.engine.indexOf(ws);
      if (index >= 0 && index < this.workstations.length) this.engine.signalAt(index, time, state, faultCode, first, reject);
    }
    this.engine.drainOps();
  }

  /**
   * The hot path: applies a machine signal in memory and journals it for the next commit, which
   * `persist()` schedules and returns (the same one for every signal until it runs). Tells
   * whether the workstation's state changed. `workstation` is its index in the line's
   * configuration (`engine.indexOf`); counts are null where the signal has none.
   */
  signal(workstation: number, time: number, state: MachineState | null, faultCode: string | null, first: number | null, reject: number | null): boolean {
    const changed = this.engine.signalAt(workstation, time, state, faultCode, first, reject);
    this.journal.push(workstation, time, state, faultCode, first, reject);
    return changed;
  }

  /** State changed outside signals (ticks, orders, classifications): save it whole with the next commit. */
  checkpointNext(): void {
    this.checkpointDue = true;
  }

  /** The next commit; resolves with the events it stored once they are durable. */
  persist(): Promise<StoredEvent[]> {
    if (this.commit) {
      if (this.startNow !== null && this.journal.size >= this.options.commitBatchSignals) this.startNow();
      return this.commit;
    }
    const wait = this.lastCommitAt + this.options.commitSpacingMs - Date.now();
    const written: WrittenOps = { ops: null };
    const pending = wait > 0
      ? new Promise<void>((resolve) => {
        const start = () => {
          this.startNow = null;
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(start, wait);
        this.startNow = start;
      }).then(() => this.store.transact((s) => this.unit(s, written)))
      : this.store.transact((s) => this.unit(s, written));
    this.commit = pending;
    // A failed commit rejects every caller awaiting it, so each message reaches Catch nodes there.
    // Its journal rows (and the states of a checkpoint) are gone with it: the next commit saves
    // every workstation's applied state whole instead. The engine operations its unit wrote
    // (intervals, downtimes, shift summaries) are given back to the engine for the next commit
    // when the transaction failed after the unit (a full disk, an I/O error), not when the unit
    // itself failed (it would fail again with every later commit). If the commit failed before
    // its unit ran (a busy database, a closed store), it is no longer the pending commit either.
    pending.then((events) => this.options.onEvents(events), () => {
      if (this.commit === pending) this.commit = null;
      if (written.ops !== null) this.engine.requeueOps(written.ops);
      this.engine.markAllDirty();
      this.checkpointDue = true;
    });
    return pending;
  }

  private unit(s: MesStore, written: WrittenOps): StoredEvent[] {
    this.commit = null;
    this.lastCommitAt = Date.now();
    try {
      const ops = this.engine.drainOps();
      const events = this.repo.write(s, ops);
      if (this.checkpointDue || this.lastCommitAt - this.lastCheckpoint >= this.options.checkpointMs) {
        this.repo.checkpoint(this.engine.drainDirty());
        this.checkpointDue = false;
        this.lastCheckpoint = this.lastCommitAt;
      } else {
        this.repo.journal(this.journal);
      }
      written.ops = ops;
      return events;
    } finally {
      // Written (its row holds a copy) or included in the checkpoint; after a failure the next
      // commit saves every state whole. One buffer for every commit: at hundreds of commits a
      // second, a new one each time is what they would allocate most.
      this.journal.clear();
    }
  }
}
