import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import {
  applyCommand, applyCommandOnce, DEFAULT_LOT_PATTERN, DEFAULT_SERIAL_PATTERN, handleTraceApi, parseConversions, parseGenealogyInput, patternProblem,
  recall, recallCsv, runBackflush, trace, traceCsv, type CommandOutcome, type GenealogyCommand, type GenealogyOptions, type GenealogyQuery,
} from '../../lib/genealogy';
import type { StoredEvent, StoreLease } from '../../lib/store';
import { resolveSecret, configVersion } from '../../lib/util';
import type { GenealogyPort } from '../../lib/api';
import { bindInput, closeAfter, statusText, type Send, type StoreProvider } from '../shared/adapter';
import { registerService } from '../shared/services';

interface GenealogyDef extends NodeDef {
  store: string;
  lotPattern: string;
  serialPattern: string;
  /** JSON array of material unit conversions. */
  conversions: string;
  backflush: boolean;
  /** Seconds between backflush runs; 0 runs it only when a quantity.reported msg arrives. */
  backflushInterval: number | string;
}

interface GenealogyCredentials {
  token?: string;
}

interface HttpRequestLike {
  method: string;
  path?: string;
  originalUrl?: string;
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

type ReplyMsg = NodeMessageInFlow & { statusCode?: number; headers?: Record<string, string> };

const eventMsg = (event: StoredEvent): NodeMessage => ({ topic: event.type, payload: event });

/** What a command's reply carries: the outcome without the full events (they go to output 1). */
function replyOf(outcome: CommandOutcome): Record<string, unknown> {
  return { action: outcome.action, status: outcome.status, lots: outcome.lots, eventSeqs: outcome.events.map((e) => e.seq) };
}

export = function register(RED: NodeAPI): void {
  function GenealogyNode(this: Node<GenealogyCredentials>, config: GenealogyDef) {
    RED.nodes.createNode(this, config);
    // A configuration of a newer release is refused, not read as this one (none yet to migrate).
    try {
      configVersion((config as { version?: unknown }).version, 1, 'mes-genealogy configuration');
    } catch (err) {
      this.error((err as Error).message);
      this.status({ fill: 'red', shape: 'ring', text: 'unsupported configuration version' });
      return;
    }
    const node = this;
    const storeNode = RED.nodes.getNode(config.store) as StoreProvider | null;
    const token = resolveSecret(node.credentials?.token);
    let options: GenealogyOptions = {};
    let configError: Error | undefined;
    try {
      const lotPattern = config.lotPattern?.trim() || DEFAULT_LOT_PATTERN;
      const serialPattern = config.serialPattern?.trim() || DEFAULT_SERIAL_PATTERN;
      const problem = patternProblem(lotPattern) ?? patternProblem(serialPattern);
      if (problem) throw new Error(problem);
      const conversions = config.conversions?.trim() ? parseConversions(JSON.parse(config.conversions)) : [];
      options = { lotPattern, serialPattern, conversions };
    } catch (err) {
      configError = new Error(`${RED._('mes-genealogy.errors.config')}: ${(err as Error).message}`);
    }
    let lease: StoreLease | undefined;
    try {
      if (configError) throw configError;
      if (!storeNode) throw new Error(RED._('mes-genealogy.errors.noStore'));
      lease = storeNode.acquire();
      node.status({ fill: 'green', shape: 'dot', text: RED._('mes-genealogy.status.ready') });
    } catch (err) {
      node.error(err as Error, {});
      node.status({ fill: 'red', shape: 'ring', text: statusText((err as Error).message) });
    }

    // Backflush follows the event log through a cursor stored with its consumptions: a msg
    // from dispatch only makes it run sooner, so nothing depends on a msg arriving.
    let backflushRun: Promise<void> | undefined;
    let backflushAgain = false;
    function backflushNow(): Promise<void> {
      if (!config.backflush || !lease) return Promise.resolve();
      if (backflushRun) {
        backflushAgain = true;
        return backflushRun;
      }
      const store = lease.store;
      backflushRun = (async () => {
        do {
          backflushAgain = false;
          const events = await runBackflush(store, undefined, options.conversions);
          if (events.length > 0) {
            node.send([events.map(eventMsg), null]);
            node.status({ fill: 'green', shape: 'dot', text: statusText(RED._('mes-genealogy.status.backflushed', { count: events.length })) });
          }
        } while (backflushAgain && lease);
      })().catch((err: Error) => {
        node.error(new Error(`${RED._('mes-genealogy.errors.backflush')}: ${err.message}`), { topic: 'backflush', payload: {} });
      }).finally(() => {
        backflushRun = undefined;
      });
      return backflushRun;
    }
    const intervalSeconds = Number(config.backflushInterval);
    const timer = config.backflush && lease && intervalSeconds > 0 ? setInterval(() => { void backflushNow(); }, intervalSeconds * 1000) : undefined;
    if (lease) void backflushNow();

    async function runCommand(command: GenealogyCommand, msg: ReplyMsg, send: Send, store: StoreLease['store']): Promise<void> {
      const outcome = await store.transact((s) => applyCommand(s, command, options));
      msg.payload = replyOf(outcome);
      send([outcome.events.map(eventMsg), msg]);
      const subject = outcome.lots.map((l) => l.lot).slice(0, 2).join(', ');
      node.status({ fill: 'green', shape: 'dot', text: statusText(`${command.action} ${subject}`) });
    }

    // What mes-api serves (lot scans over HTTP): the same rules and options, once per command id.
    const service: GenealogyPort = {
      async consumeOnce(commandId, command, identity) {
        if (configError) throw configError;
        if (!lease) throw new Error(RED._('mes-genealogy.errors.noStore'));
        const result = await lease.store.transact((s) => applyCommandOnce(s, commandId, command, options, identity));
        if (!result.duplicate && result.outcome.events.length > 0) node.send([result.outcome.events.map(eventMsg), null]);
        return result;
      },
    };
    const unregister = lease ? registerService('genealogy', config.store, service) : () => undefined;

    function runQuery(query: GenealogyQuery, msg: ReplyMsg, send: Send, store: StoreLease['store']): void {
      const csv = query.format === 'csv';
      if (query.action === 'recall') {
        const report = recall(store, query.lot);
        msg.payload = csv ? recallCsv(report) : report;
      } else {
        const result = trace(store, query.lot, query.direction);
        msg.payload = csv ? traceCsv(result) : result;
      }
      send([null, msg]);
    }

    const input = bindInput(node, async (msg, send) => {
      if (configError) throw configError;
      if (!lease) throw new Error(RED._('mes-genealogy.errors.noStore'));
      const reply = msg as ReplyMsg;
      const req = (msg as NodeMessageInFlow & { req?: HttpRequestLike }).req;
      if (req && typeof req.method === 'string') {
        const result = handleTraceApi(lease.store, {
          method: req.method, path: req.path ?? req.originalUrl ?? '', params: { lot: req.params?.lot }, query: req.query ?? {}, headers: req.headers,
        }, { token });
        reply.statusCode = result.response.statusCode;
        reply.headers = result.response.headers;
        reply.payload = result.response.body;
        send([null, reply]);
        // Refused requests are answered and also reported, so Catch nodes see them.
        if (result.error) throw result.error;
        return;
      }
      // An event of the log (from another MES node's event output): a report of good quantity
      // makes backflush run now; other events are no commands and are let through untouched.
      const event = msg.payload as Partial<StoredEvent> | undefined;
      if (event && typeof event === 'object' && typeof event.eventId === 'string' && typeof event.type === 'string') {
        if (event.type === 'quantity.reported') await backflushNow();
        return;
      }
      const parsed = parseGenealogyInput(msg.payload);
      if (parsed.action === 'trace' || parsed.action === 'recall') runQuery(parsed, reply, send, lease.store);
      else await runCommand(parsed, reply, send, lease.store);
    });

    node.on('close', (done: () => void) => {
      unregister();
      if (timer) clearInterval(timer);
      closeAfter([input.settle(), backflushRun], () => {
        lease?.release();
        lease = undefined;
      }, done);
    });
  }

  RED.nodes.registerType('mes-genealogy', GenealogyNode as unknown as (this: Node, config: NodeDef) => void, {
    credentials: { token: { type: 'password' } },
  });
};
