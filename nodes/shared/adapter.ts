import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { Signatures } from '../../lib/compliance';
import type { StoreLease } from '../../lib/store';

export type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;

/** Short enough for the status line under a node in the editor. */
export function statusText(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

export interface InputBinding {
  /** Resolves when every message in flight has been handled; the close handler awaits it. */
  settle(): Promise<void>;
}

type Done = (err?: Error) => void;

/**
 * Messages that finish together when one shared piece of work settles, typically the group
 * commit that makes them durable. A handler returns the same instance for every message of that
 * commit: at tens of thousands of messages a second, a promise and two callbacks per message are
 * what the rate pays for.
 */
export class SharedCompletion {
  private waiting: Done[] = [];
  private finishOne: ((done: Done, err: unknown) => void) | null = null;
  private outcome: { err: unknown } | null = null;

  constructor(work: Promise<unknown>) {
    work.then(() => this.finish({ err: null }), (err: unknown) => this.finish({ err: err ?? new Error('failed') }));
  }

  /** Called by `bindInput`: `finishOne` (err null: success) is the same function for every message of a node. */
  join(done: Done, finishOne: (done: Done, err: unknown) => void): void {
    this.finishOne = finishOne;
    if (this.outcome) finishOne(done, this.outcome.err);
    else this.waiting.push(done);
  }

  private finish(outcome: { err: unknown }): void {
    this.outcome = outcome;
    const waiting = this.waiting;
    this.waiting = [];
    for (const done of waiting) {
      // One message's done() failing must not leave the others, and close, waiting for ever.
      try {
        this.finishOne!(done, outcome.err);
      } catch {
        // Node-RED reports errors of its own done(); nothing to add here.
      }
    }
  }
}

/**
 * The one way our nodes take input. Every path ends in `done()` or `done(err)` so Catch and
 * Complete nodes see it; a message delivered after close is refused rather than written to a
 * store that is going away; close waits for messages in flight so nothing accepted is dropped.
 *
 * The handler returns a promise (the message is finished when it settles), a `SharedCompletion`
 * (finished with the others of that batch), or nothing (finished when the handler returns).
 */
export function bindInput(node: Node, handle: (msg: NodeMessageInFlow, send: Send) => Promise<void> | SharedCompletion | void): InputBinding {
  // A counter, not a set of promises: the OEE node takes tens of thousands of signals a second,
  // and every extra promise per message shows in its rate.
  let inFlight = 0;
  let settled: (() => void) | null = null;
  let closing = false;
  const fail = (err: unknown, done: Done) => {
    const error = err instanceof Error ? err : new Error(String(err));
    node.status({ fill: 'red', shape: 'ring', text: statusText(error.message) });
    done(error);
  };
  const finishOne = (done: Done, err: unknown) => {
    inFlight -= 1;
    try {
      if (err !== null) fail(err, done);
      else done();
    } finally {
      if (inFlight === 0 && settled) settled();
    }
  };
  node.on('input', (msg: NodeMessageInFlow, send: Send, done: Done) => {
    if (closing) {
      done(new Error(`${node.type} is closing; the message was not processed`));
      return;
    }
    let work: Promise<void> | SharedCompletion | void;
    try {
      work = handle(msg, send);
    } catch (err) {
      fail(err, done);
      return;
    }
    if (work === undefined) {
      done();
      return;
    }
    inFlight += 1;
    if (work instanceof SharedCompletion) work.join(done, finishOne);
    else work.then(() => finishOne(done, null), (err: unknown) => finishOne(done, err ?? new Error('failed')));
  });
  return {
    settle() {
      closing = true;
      if (inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => { settled = resolve; });
    },
  };
}

/** A node that cannot start (no store, bad configuration): say why in the log and on its status. */
export function reportSetupFailure(node: Node, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  node.error(message);
  node.status({ fill: 'red', shape: 'ring', text: statusText(message) });
  return message;
}

/**
 * The end of every close handler: wait for messages in flight and the node's own background work
 * (a release run, a delivery), then give the store back, then tell Node-RED the node is closed.
 */
export function closeAfter(work: Array<Promise<unknown> | null | undefined>, release: () => void, done: () => void): void {
  Promise.allSettled(work.filter((w): w is Promise<unknown> => Boolean(w))).finally(() => {
    release();
    done();
  });
}

/** The interface that a `mes-store` config node offers to the nodes that use it. */
export interface StoreProvider extends Node {
  acquire(): StoreLease;
  readonly file: string;
}

/**
 * The Signatures service of the mes-signatures config node a node references (its `signatures`
 * property); undefined when it references none. One referenced but not running is a setup
 * failure (`missing`), so a signature is never silently unavailable.
 */
export function referencedSignatures(RED: NodeAPI, id: string | undefined, missing: string): Signatures | undefined {
  if (!id) return undefined;
  const signatures = (RED.nodes.getNode(id) as (Node & { signatures?: Signatures }) | null)?.signatures;
  if (!signatures) throw new Error(missing);
  return signatures;
}
