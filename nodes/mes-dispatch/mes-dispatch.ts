import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { Dispatcher, parseCommand, type ReleaseOutcome } from '../../lib/dispatch';
import type { StoreLease, StoredEvent } from '../../lib/store';
import { ValidationError } from '../../lib/util';
import type { PlantProvider } from '../mes-plant/provider';
import { bindInput, closeAfter, reportSetupFailure, statusText, type Send, type StoreProvider } from '../shared/adapter';

interface DispatchDef extends NodeDef {
  store: string;
  plant: string;
  overrunPercent: number | string;
  releaseIntervalSeconds: number | string;
}

/** Messages that make the node look for pending operations in the store. */
const RELEASE_TOPICS = ['refresh', 'order.received', 'order.updated', 'order.cancelled'];

export = function register(RED: NodeAPI): void {
  function DispatchNode(this: Node, config: DispatchDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const storeNode = RED.nodes.getNode(config.store) as StoreProvider | null;
    const plantNode = RED.nodes.getNode(config.plant) as PlantProvider | null;
    const overrunPercent = Number(config.overrunPercent) >= 0 ? Number(config.overrunPercent) : 0;
    const intervalSeconds = Number(config.releaseIntervalSeconds) > 0 ? Number(config.releaseIntervalSeconds) : 0;
    let lease: StoreLease | undefined;
    let dispatcher: Dispatcher | undefined;
    let problem: string | undefined;
    try {
      if (!plantNode) throw new Error(RED._('mes-dispatch.errors.noPlant'));
      if (!plantNode.model) throw new Error(plantNode.problem ?? RED._('mes-dispatch.errors.noPlant'));
      if (!storeNode) throw new Error(RED._('mes-dispatch.errors.noStore'));
      lease = storeNode.acquire();
      dispatcher = new Dispatcher(plantNode.model, { overrunPercent });
      node.status({ fill: 'green', shape: 'dot', text: RED._('mes-dispatch.status.ready') });
    } catch (err) {
      problem = reportSetupFailure(node, err);
    }

    const eventMessages = (events: StoredEvent[]): NodeMessage[] => events.map((event) => ({ topic: event.type, payload: event }));
    const snapshotMessages = (workstations: string[]): NodeMessage[] => {
      if (!lease || !dispatcher) return [];
      const messages: NodeMessage[] = [];
      for (const ws of workstations) {
        const snapshot = dispatcher.snapshot(lease.store, ws);
        if (snapshot) messages.push({ topic: ws, payload: snapshot });
      }
      return messages;
    };
    // The commands of one group commit often touch the same workstation: its snapshot is computed
    // once after they are all answered, not once per command, and shows the state after all of them.
    const dirty = new Set<string>();
    let snapshotsScheduled = false;
    const refreshSnapshots = (workstations: string[]) => {
      workstations.forEach((ws) => dirty.add(ws));
      if (snapshotsScheduled || dirty.size === 0) return;
      snapshotsScheduled = true;
      setImmediate(() => {
        snapshotsScheduled = false;
        const messages = snapshotMessages([...dirty]);
        dirty.clear();
        if (messages.length > 0) node.send([null, messages, null]);
      });
    };
    const allWorkstations = () => (dispatcher ? [...dispatcher.plant.workstations.keys()] : []);

    // Each pending operation that cannot be placed is reported once, not on every poll; a work
    // center the plant model does not have is reported once for all its operations (orders for
    // another line would otherwise log a warning per operation, forever).
    const reportedUnplaced = new Set<string>();
    const warnUnplaced = (outcome: ReleaseOutcome) => {
      for (const item of outcome.unplaced) {
        const key = item.unknownWorkCenter ? `work center ${item.workCenter}` : `${item.orderId}/${item.operationKey}/${item.workCenter}`;
        if (reportedUnplaced.has(key)) continue;
        reportedUnplaced.add(key);
        node.warn(RED._(item.unknownWorkCenter ? 'mes-dispatch.errors.unknownWorkCenter' : 'mes-dispatch.errors.unplaced', { reason: item.reason }));
      }
    };

    async function releasePending(send: Send, snapshotsOf: 'touched' | 'all', orderId?: string): Promise<void> {
      if (!lease || !dispatcher) throw new Error(problem ?? RED._('mes-dispatch.errors.noStore'));
      const active = dispatcher;
      const outcome = await lease.store.transact((s) => active.release(s, orderId));
      warnUnplaced(outcome);
      if (outcome.events.length > 0) send([eventMessages(outcome.events), null, null]);
      refreshSnapshots(snapshotsOf === 'all' ? allWorkstations() : outcome.workstations);
    }

    const input = bindInput(node, handle);

    async function handle(msg: NodeMessageInFlow, send: Send): Promise<void> {
      if (!lease || !dispatcher) throw new Error(problem ?? RED._('mes-dispatch.errors.noStore'));
      const topic = typeof msg.topic === 'string' ? msg.topic : '';
      if (RELEASE_TOPICS.includes(topic)) {
        // An order event releases that order's operations; a refresh (and the timer) all of them.
        const orderId = (msg.payload as { orderId?: unknown } | undefined)?.orderId;
        const onlyOrder = topic !== 'refresh' && typeof orderId === 'string' ? orderId : undefined;
        await releasePending(send, topic === 'refresh' || topic === 'order.cancelled' ? 'all' : 'touched', onlyOrder);
        return;
      }
      if (topic === 'snapshot') {
        const wanted = (msg.payload as { workstation?: unknown } | undefined)?.workstation;
        if (wanted !== undefined && (typeof wanted !== 'string' || !dispatcher.plant.workstations.has(wanted))) {
          throw new ValidationError([{ field: 'workstation', rule: 'unknownWorkstation', message: `workstation '${String(wanted)}' is not in the plant model` }], 'snapshot request');
        }
        send([null, snapshotMessages(wanted ? [wanted] : allWorkstations()), null]);
        return;
      }
      const command = parseCommand(topic, msg.payload);
      const active = dispatcher;
      const outcome = await lease.store.transact((s) => active.execute(s, command));
      const reply = msg as NodeMessageInFlow;
      reply.payload = outcome;
      // A repeated command id gets its answer again but no events: they were sent the first time.
      send([outcome.duplicate ? [] : eventMessages(outcome.events), null, reply]);
      if (!outcome.duplicate) refreshSnapshots(outcome.workstations);
      node.status({ fill: 'green', shape: 'dot', text: statusText(`${command.type} ${outcome.orderId ? `${outcome.orderId}/${outcome.operationKey}` : outcome.workstation ?? ''}${outcome.duplicate ? ' (repeat)' : ''}`) });
    }

    const sendFromNode: Send = (msg) => node.send(msg);
    let background: Promise<void> = Promise.resolve();
    const releaseInBackground = () => {
      if (!lease) return;
      background = releasePending(sendFromNode, 'touched')
        .catch((err: Error) => node.error(RED._('mes-dispatch.errors.release', { message: err.message })));
    };
    // Pending operations are read from the store, so an order that arrived while this node was
    // stopped, or whose event msg was lost, is still queued: at start and then periodically.
    if (lease && dispatcher) setImmediate(releaseInBackground);
    const timer = intervalSeconds > 0 && lease ? setInterval(releaseInBackground, intervalSeconds * 1000) : undefined;

    node.on('close', (done: () => void) => {
      if (timer) clearInterval(timer);
      closeAfter([input.settle(), background], () => {
        lease?.release();
        lease = undefined;
      }, done);
    });
  }

  RED.nodes.registerType('mes-dispatch', DispatchNode as unknown as (this: Node, config: NodeDef) => void);
};
