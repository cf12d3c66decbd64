import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { DEFAULT_NOTICE_DAYS, EXPIRING_QUERY_TOPIC, expiringQualifications, parseExpiringQuery } from '../../lib/compliance';
import { Dispatcher, parseCommand, parseCounterSignal, type Command, type CommandOutcome, type CountOutcome, type ReleaseOutcome } from '../../lib/dispatch';
import { SiteProgress } from '../../lib/site';
import type { StoreLease, StoredEvent } from '../../lib/store';
import { ConflictError, ValidationError, configVersion } from '../../lib/util';
import type { PlantProvider } from '../mes-plant/provider';
import type { SiteDbProvider, SitePoolLease } from '../mes-site-db/provider';
import { bindInput, closeAfter, referencedSignatures, reportSetupFailure, statusText, type Send, type StoreProvider } from '../shared/adapter';
import { registerService } from '../shared/services';
import type { DispatchPort } from '../../lib/api';

interface DispatchDef extends NodeDef {
  store: string;
  plant: string;
  overrunPercent: number | string;
  releaseIntervalSeconds: number | string;
  /** Days ahead that snapshots and `qualifications.expiring` show expiring qualifications; blank: 30. */
  qualificationNoticeDays?: number | string;
  /** Optional: the site database that reports the progress of this line's orders on other lines. */
  siteDb?: string;
  /** Optional mes-signatures node: signs qualification overrides (without one they are refused, signaturesUnavailable). */
  signatures?: string;
  siteRefreshSeconds?: number | string;
}

/** Messages that make the node look for pending operations in the store. */
const RELEASE_TOPICS = ['refresh', 'order.received', 'order.updated', 'order.cancelled'];
/** Orders whose other lines' progress is read from the site at each refresh, at most. */
const MAX_CROSS_LINE_ORDERS = 1000;
/** How often the node looks for a quiet machine's batch to close, at most. */
const QUIET_COUNTS_CHECK_MS = 1000;

export = function register(RED: NodeAPI): void {
  function DispatchNode(this: Node, config: DispatchDef) {
    RED.nodes.createNode(this, config);
    // A configuration of a newer release is refused, not read as this one (none yet to migrate).
    try {
      configVersion((config as { version?: unknown }).version, 1, 'mes-dispatch configuration');
    } catch (err) {
      this.error((err as Error).message);
      this.status({ fill: 'red', shape: 'ring', text: 'unsupported configuration version' });
      return;
    }
    const node = this;
    const storeNode = RED.nodes.getNode(config.store) as StoreProvider | null;
    const plantNode = RED.nodes.getNode(config.plant) as PlantProvider | null;
    const overrunPercent = Number(config.overrunPercent) >= 0 ? Number(config.overrunPercent) : 0;
    const intervalSeconds = Number(config.releaseIntervalSeconds) > 0 ? Number(config.releaseIntervalSeconds) : 0;
    const noticeDays = Number.isInteger(Number(config.qualificationNoticeDays)) && Number(config.qualificationNoticeDays) > 0
      ? Number(config.qualificationNoticeDays) : DEFAULT_NOTICE_DAYS;
    let lease: StoreLease | undefined;
    let dispatcher: Dispatcher | undefined;
    let problem: string | undefined;
    let sitePool: SitePoolLease | undefined;
    let siteProgress: SiteProgress | undefined;
    try {
      if (!plantNode) throw new Error(RED._('mes-dispatch.errors.noPlant'));
      if (!plantNode.model) throw new Error(plantNode.problem ?? RED._('mes-dispatch.errors.noPlant'));
      if (!storeNode) throw new Error(RED._('mes-dispatch.errors.noStore'));
      lease = storeNode.acquire();
      const siteDb = config.siteDb ? RED.nodes.getNode(config.siteDb) as SiteDbProvider | null : null;
      if (config.siteDb && !siteDb) throw new Error(RED._('mes-dispatch.errors.noSiteDb'));
      if (siteDb) {
        sitePool = siteDb.acquire();
        siteProgress = new SiteProgress();
      }
      const progress = siteProgress;
      dispatcher = new Dispatcher(plantNode.model, {
        signatures: referencedSignatures(RED, config.signatures, RED._('mes-dispatch.errors.noSignatures')),
        overrunPercent, qualificationNoticeDays: noticeDays, remoteGoodQuantity: progress ? (o, k) => progress.goodQuantity(o, k) : undefined,
      });
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

    // Signals come at 10/s and more per workstation: the status changes only when its text does.
    let countStatus = '';
    // Refused machine counts are an alert, not a failed message: each refused batch reaches Catch
    // nodes with its event as the msg, whether a signal, a command or the timer closed it.
    const alertRefused = (events: StoredEvent[]) => {
      for (const event of events) {
        if (event.type !== 'quantity.refused') continue;
        const { field, rule, message } = event.payload as { field: string; rule: string; message: string };
        node.error(new ConflictError([{ field, rule, message: `machine counts of ${event.workstation} refused: ${message}` }]), { topic: event.type, payload: event });
        countStatus = '';
        node.status({ fill: 'red', shape: 'ring', text: statusText(`counts refused: ${rule}`) });
      }
    };
    const publishCounts = (outcome: CountOutcome, send: Send) => {
      if (outcome.events.length > 0) send([eventMessages(outcome.events), null, null]);
      refreshSnapshots(outcome.workstations);
      alertRefused(outcome.events);
    };
    const showCounting = (outcome: CountOutcome, workstation: string) => {
      if (outcome.events.some((e) => e.type === 'quantity.refused')) return;
      const refused = outcome.disposition === 'refused';
      if (!refused && outcome.events.length === 0) return;
      const text = statusText(`${workstation}: ${refused ? 'counts refused' : 'counted'}`);
      if (text === countStatus) return;
      countStatus = text;
      node.status({ fill: refused ? 'yellow' : 'green', shape: refused ? 'ring' : 'dot', text });
    };

    /** A machine signal: its counts are booked (durable) before done(); without counts, or under manual counting, done() at once. */
    function countSignal(msg: NodeMessageInFlow, send: Send): Promise<void> | undefined {
      if (!lease || !dispatcher) throw new Error(problem ?? RED._('mes-dispatch.errors.noStore'));
      const active = dispatcher;
      const signal = parseCounterSignal(msg as { payload?: unknown; sourceTimestamp?: unknown }, active.plant, Date.now());
      if (!signal || active.plant.workstations.get(signal.workstation)?.counting === 'manual') return undefined;
      return lease.store.transact((s) => active.count(s, signal, Date.now())).then((outcome) => {
        publishCounts(outcome, send);
        showCounting(outcome, signal.workstation);
      });
    }

    const input = bindInput(node, (msg, send) => (msg.topic === 'signal' ? countSignal(msg, send) : handle(msg, send)));

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
      if (topic === EXPIRING_QUERY_TOPIC) {
        const query = parseExpiringQuery(msg.payload, noticeDays);
        const at = lease.store.nowIso();
        msg.payload = { at, withinDays: query.withinDays, qualifications: expiringQualifications(lease.store, at, query.withinDays, query.operator) };
        send([null, null, msg]);
        return;
      }
      await execute(parseCommand(topic, msg.payload), send, msg);
    }

    /** One command, as a msg or over HTTP (mes-api): the same rules, events, snapshots and reply. */
    async function execute(command: Command, send: Send, reply?: NodeMessageInFlow, identity?: unknown): Promise<CommandOutcome> {
      if (!lease || !dispatcher) throw new Error(problem ?? RED._('mes-dispatch.errors.noStore'));
      const active = dispatcher;
      const store = lease.store;
      // An override's signature is verified (bcrypt, asynchronous) before the transaction.
      const context = { ...await active.prepare(store, command), identity };
      const outcome = await store.transact((s) => active.execute(s, command, context));
      // A repeated command id gets its answer again but no events: they were sent the first time.
      if (reply) reply.payload = outcome;
      send([outcome.duplicate ? [] : eventMessages(outcome.events), null, reply ?? null]);
      if (!outcome.duplicate) refreshSnapshots(outcome.workstations);
      countStatus = '';
      node.status({ fill: 'green', shape: 'dot', text: statusText(`${command.type} ${outcome.orderId ? `${outcome.orderId}/${outcome.operationKey}` : outcome.workstation ?? ''}${outcome.duplicate ? ' (repeat)' : ''}`) });
      if (!outcome.duplicate) alertRefused(outcome.events);
      return outcome;
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

    // A quiet machine sends no signal to close its batch by event time: the wall clock does.
    let counting: Promise<void> = Promise.resolve();
    const closeQuietCounts = () => {
      const active = dispatcher;
      if (!lease || !active || !active.hasQuietCounts(lease.store, Date.now())) return;
      counting = lease.store.transact((s) => active.closeQuietCounts(s, Date.now()))
        .then((outcome) => publishCounts(outcome, sendFromNode))
        .catch((err: Error) => node.error(RED._('mes-dispatch.errors.counts', { message: err.message })));
    };
    const countsAnywhere = dispatcher && [...dispatcher.plant.workstations.values()].some((ws) => ws.counting !== 'manual');
    const countTimer = lease && dispatcher && countsAnywhere
      ? setInterval(closeQuietCounts, Math.min(QUIET_COUNTS_CHECK_MS, dispatcher.plant.countBatch.seconds * 1000))
      : undefined;

    // mes-api sends commands and reads queues through this node, so HTTP and the dashboard share one path.
    const service: DispatchPort = {
      execute: (command, identity) => execute(command, sendFromNode, undefined, identity),
      snapshot: (workstation) => (lease && dispatcher ? dispatcher.snapshot(lease.store, workstation) : undefined),
      plant: () => dispatcher?.plant,
    };
    const unregister = lease && dispatcher ? registerService('dispatch', config.store, service) : () => undefined;
    // Cross-line precedence (docs/site.md "Orders across lines"): the progress of the operations
    // other lines run for orders still pending here, read from the site; unreachable, the last
    // figures stay and the successors wait (reported once per outage).
    let siteRefresh: Promise<void> = Promise.resolve();
    let siteDown = false;
    const refreshSiteProgress = () => {
      if (!lease || !dispatcher || !sitePool || !siteProgress) return;
      const orderIds = (lease.store.statement("SELECT DISTINCT order_id FROM operations WHERE state = 'pending' LIMIT ?").all(MAX_CROSS_LINE_ORDERS) as { order_id: string }[])
        .map((r) => r.order_id);
      siteRefresh = siteProgress.refresh(sitePool.pool, orderIds).then(() => {
        siteDown = false;
        refreshSnapshots(allWorkstations());
      }, (err: Error) => {
        if (!siteDown) node.warn(RED._('mes-dispatch.errors.siteUnreachable', { message: err.message }));
        siteDown = true;
      });
    };
    const siteSeconds = Number(config.siteRefreshSeconds) > 0 ? Number(config.siteRefreshSeconds) : 5;
    const siteTimer = sitePool ? setInterval(refreshSiteProgress, siteSeconds * 1000) : undefined;
    if (sitePool) refreshSiteProgress();

    node.on('close', (done: () => void) => {
      unregister();
      if (timer) clearInterval(timer);
      if (siteTimer) clearInterval(siteTimer);
      if (countTimer) clearInterval(countTimer);
      closeAfter([input.settle(), background, counting, siteRefresh], () => {
        lease?.release();
        lease = undefined;
        void sitePool?.release();
        sitePool = undefined;
      }, done);
    });
  }

  RED.nodes.registerType('mes-dispatch', DispatchNode as unknown as (this: Node, config: NodeDef) => void);
};
