import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { Signatures } from '../../lib/compliance';
import { Dispatcher } from '../../lib/dispatch';
import { SpcMonitor, parseCharacteristics, parseLimitsChange, type MonitorOutcome } from '../../lib/spc';
import type { StoreLease, StoredEvent } from '../../lib/store';
import { ValidationError } from '../../lib/util';
import type { PlantProvider } from '../mes-plant/provider';
import { bindInput, closeAfter, reportSetupFailure, statusText, type Send, type StoreProvider } from '../shared/adapter';
import { migrateSpcConfig } from './migrations';

interface SpcDef extends NodeDef {
  version?: number;
  store: string;
  plant: string;
  /** Per characteristic: subgroup size, baseline subgroups, reaction (alert | hold). */
  characteristics: unknown[];
  /** Optional: a `mes-signatures` config node; without one a limits change is refused (signaturesUnavailable). */
  signatures?: string;
  pollIntervalSeconds?: number | string;
  chartPoints?: number | string;
}

/** A `mes-signatures` config node: its `signatures` implements the Signatures contract. */
interface SignaturesProvider extends Node { readonly signatures?: Signatures }

const CHART_TOPIC = 'spc.chart';
const VIOLATIONS_TOPIC = 'spc.violations';
const CHANGE_TOPIC = 'spc.limits.change';
/** Topics that make the node read the log now rather than at its next poll. */
const POLL_TOPICS = ['refresh', 'check.recorded'];

export = function register(RED: NodeAPI): void {
  function SpcNode(this: Node, saved: SpcDef) {
    RED.nodes.createNode(this, saved);
    const node = this;
    let lease: StoreLease | undefined;
    let monitor: SpcMonitor | undefined;
    let unclaim: (() => void) | undefined;
    let problem: string | undefined;
    let config: ReturnType<typeof migrateSpcConfig<SpcDef>> | undefined;
    try {
      config = migrateSpcConfig(saved);
      const storeNode = RED.nodes.getNode(config.store) as StoreProvider | null;
      const plantNode = RED.nodes.getNode(config.plant) as PlantProvider | null;
      if (!plantNode) throw new Error(RED._('mes-spc.errors.noPlant'));
      if (!plantNode.model) throw new Error(plantNode.problem ?? RED._('mes-spc.errors.noPlant'));
      if (!storeNode) throw new Error(RED._('mes-spc.errors.noStore'));
      const characteristics = parseCharacteristics(config.characteristics);
      lease = storeNode.acquire();
      // Holds go through dispatch's rules and events (actor spc), in the monitor's own transaction.
      const created = new SpcMonitor({ characteristics, holds: new Dispatcher(plantNode.model, { overrunPercent: 0 }) });
      unclaim = created.claim(lease.store);
      monitor = created;
      node.status({ fill: 'green', shape: 'dot', text: RED._('mes-spc.status.ready', { count: characteristics.length }) });
    } catch (err) {
      lease?.release();
      lease = undefined;
      problem = reportSetupFailure(node, err);
    }
    const chartPoints = config?.chartPoints ?? 50;

    const ready = (): { store: StoreLease['store']; active: SpcMonitor } => {
      if (!lease || !monitor) throw new Error(problem ?? RED._('mes-spc.errors.noStore'));
      return { store: lease.store, active: monitor };
    };
    const chartsOf = (keys: string[]): NodeMessage[] => {
      const { store, active } = ready();
      return active.streams(store).filter((s) => keys.includes(s.key))
        .map((s) => ({ topic: CHART_TOPIC, payload: active.chart(store, s.characteristic, s.workstation, chartPoints) }));
    };
    const eventMessages = (events: StoredEvent[]): NodeMessage[] => events.map((event) => ({ topic: event.type, payload: event }));

    const publish = (outcome: MonitorOutcome) => {
      if (outcome.events.length > 0) node.send([eventMessages(outcome.events), chartsOf(outcome.streams), null]);
      else if (outcome.streams.length > 0) node.send([null, chartsOf(outcome.streams), null]);
      const last = outcome.violations[outcome.violations.length - 1];
      if (last) {
        node.status({ fill: 'yellow', shape: 'dot', text: statusText(`rule ${last.rule} ${last.characteristic}@${last.workstation}${last.held ? ' held' : ''}`) });
      }
    };

    // One drain at a time: each page of check events in its own transaction, until the log's end.
    let draining: Promise<void> = Promise.resolve();
    let again = false;
    let running = false;
    const drain = (): Promise<void> => {
      if (running) { again = true; return draining; }
      const { store, active } = ready();
      running = true;
      draining = (async () => {
        try {
          do {
            again = false;
            let outcome: MonitorOutcome;
            do {
              outcome = await store.transact((s) => active.poll(s)).catch((err: unknown) => { active.forget(); throw err; });
              publish(outcome);
            } while (outcome.more);
          } while (again);
        } finally {
          running = false;
        }
      })();
      return draining;
    };
    const drainInBackground = () => {
      if (!lease || !monitor) return;
      drain().catch((err: Error) => node.error(RED._('mes-spc.errors.poll', { message: err.message })));
    };

    async function changeLimits(msg: NodeMessageInFlow, send: Send): Promise<void> {
      const { store, active } = ready();
      const command = parseLimitsChange(msg.payload);
      const signatures = config?.signatures ? (RED.nodes.getNode(config.signatures) as SignaturesProvider | null)?.signatures : undefined;
      // The password check (bcrypt) is asynchronous: before the transaction, which binds the signature.
      const signer = await active.prepare(store, command, signatures);
      const outcome = await store.transact((s) => active.changeLimits(s, command, signer, signatures as Signatures))
        .catch((err: unknown) => { active.forget(); throw err; });
      msg.payload = outcome;
      send([outcome.duplicate ? [] : eventMessages(outcome.events), chartsOf([`${command.characteristic}@${command.workstation}`]), msg]);
      node.status({ fill: 'green', shape: 'dot', text: statusText(`limits v${outcome.limits.version} ${command.characteristic}@${command.workstation}`) });
    }

    function answerChart(msg: NodeMessageInFlow, send: Send): void {
      const { store, active } = ready();
      const wanted = (msg.payload ?? {}) as { characteristic?: unknown; workstation?: unknown };
      if (wanted.characteristic === undefined) {
        msg.payload = { streams: active.streams(store).map((s) => active.chart(store, s.characteristic, s.workstation, chartPoints)) };
        send([null, msg, null]);
        return;
      }
      const chart = typeof wanted.characteristic === 'string' && typeof wanted.workstation === 'string'
        ? active.chart(store, wanted.characteristic, wanted.workstation, chartPoints) : undefined;
      if (!chart) {
        throw new ValidationError([{ field: 'characteristic', rule: 'unknownStream', message: `no chart of ${String(wanted.characteristic)} at ${String(wanted.workstation)}: not configured or nothing recorded yet` }], `${CHART_TOPIC} request`);
      }
      msg.payload = chart;
      send([null, msg, null]);
    }

    function answerViolations(msg: NodeMessageInFlow, send: Send): void {
      const { store, active } = ready();
      const limit = Number((msg.payload as { limit?: unknown } | undefined)?.limit ?? 20);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new ValidationError([{ field: 'limit', rule: 'range', message: 'must be a whole number from 1 to 1000' }], `${VIOLATIONS_TOPIC} request`);
      }
      msg.payload = { violations: active.recentViolations(store, limit) };
      send([null, msg, null]);
    }

    const input = bindInput(node, (msg, send) => {
      // An event from another MES node's event output: a check wakes the monitor, the rest is no request.
      const event = msg.payload as { eventId?: unknown; type?: unknown } | undefined;
      if (event && typeof event === 'object' && typeof event.eventId === 'string' && typeof event.type === 'string') {
        return event.type === 'check.recorded' ? drain() : undefined;
      }
      const topic = typeof msg.topic === 'string' ? msg.topic : '';
      if (topic === CHANGE_TOPIC) return changeLimits(msg, send);
      if (topic === CHART_TOPIC) return answerChart(msg, send);
      if (topic === VIOLATIONS_TOPIC) return answerViolations(msg, send);
      if (POLL_TOPICS.includes(topic)) return drain();
      throw new ValidationError([{ field: 'topic', rule: 'enum', message: `'${topic}' is not an SPC request; use ${[CHANGE_TOPIC, CHART_TOPIC, VIOLATIONS_TOPIC, ...POLL_TOPICS].join(', ')}` }], 'message');
    });

    // The log is read at start (checks recorded while the node was stopped) and then periodically.
    if (lease && monitor) setImmediate(drainInBackground);
    const timer = lease && monitor ? setInterval(drainInBackground, (config?.pollIntervalSeconds ?? 2) * 1000) : undefined;

    node.on('close', (done: () => void) => {
      if (timer) clearInterval(timer);
      closeAfter([input.settle(), draining], () => {
        unclaim?.();
        lease?.release();
        lease = undefined;
      }, done);
    });
  }

  RED.nodes.registerType('mes-spc', SpcNode as unknown as (this: Node, config: NodeDef) => void);
};
