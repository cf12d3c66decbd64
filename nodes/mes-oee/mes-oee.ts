import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { commitTiming, OeeEngine, OeeRecorder, OeeRepository, parseOeeConfig, reasonPaths, SignalParser, type OeeCommand } from '../../lib/oee';
import { oeeConfigForLine, workstationsOffLine } from '../../lib/plant';
import type { StoreLease, StoredEvent } from '../../lib/store';
import type { PlantProvider } from '../mes-plant/provider';
import type { OeePort } from '../../lib/api';
import { bindInput, closeAfter, reportSetupFailure, SharedCompletion, statusText, type Send, type StoreProvider } from '../shared/adapter';
import { registerService } from '../shared/services';

interface OeeNodeDef extends NodeDef {
  /** 2: the line's workstations, calendar and reasons come from the plant model; 1 (or none): from the JSON fields below. */
  version?: number | string;
  store: string;
  /** The `mes-plant` config node (version 2). */
  plant?: string;
  line: string;
  /** Version 1 only: JSON text, kept so that flows saved before the plant model keep working. */
  workstations?: string;
  calendar?: string;
  reasons?: string;
  microStopSeconds: number | string;
  signalTimeoutSeconds: number | string;
  snapshotIntervalSeconds: number | string;
  wallClock: boolean;
  wallClockGraceSeconds: number | string;
  idleIsPlanned: boolean;
  setupIsPlanned: boolean;
  counterMode: 'increment' | 'absolute';
  counterMax: number | string;
  countScheme: 'good-reject' | 'total-reject';
  startupWindowSeconds: number | string;
  futureToleranceSeconds: number | string;
  /** How often the workstation states are saved whole; signals in between go to the journal. */
  checkpointSeconds?: number | string;
  /**
   * When a machine signal counts as finished for Complete nodes: once the commit that holds it is
   * durable ('durable', the default), or once it is applied ('applied'; the commit follows within
   * the commit spacing of `commitTiming`, see docs/oee.md).
   */
  finishSignals?: 'durable' | 'applied';
}

/** Least time between two snapshots sent for state changes (the periodic ones come on top). */
const CHANGE_SNAPSHOT_SPACING_MS = 100;

/** Version 2 reads the plant model; a node saved before it (no version, JSON fields) is version 1. */
function isPlantVersion(def: OeeNodeDef): boolean {
  return Number(def.version || 1) >= 2 || (!!def.plant && def.workstations === undefined);
}

const num = (value: unknown, fallback: number) => (value === '' || value === undefined || value === null ? fallback : Number(value));

function parseJson(text: string | undefined, field: string): unknown {
  try {
    return JSON.parse(text || 'null');
  } catch (err) {
    throw new Error(`${field}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
}

export = function register(RED: NodeAPI): void {
  function OeeNode(this: Node, def: OeeNodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const storeNode = RED.nodes.getNode(def.store) as StoreProvider | null;
    let lease: StoreLease | undefined;
    let engine: OeeEngine;
    let parser: SignalParser;
    let repo: OeeRepository;
    let recorder: OeeRecorder;
    let otherLines = new Set<string>();
    try {
      const settings = {
        microStopSeconds: num(def.microStopSeconds, 120),
        signalTimeoutSeconds: num(def.signalTimeoutSeconds, 300),
        idleIsPlanned: !!def.idleIsPlanned,
        setupIsPlanned: !!def.setupIsPlanned,
        countScheme: def.countScheme || 'good-reject',
        startupWindowSeconds: num(def.startupWindowSeconds, 0),
        futureToleranceSeconds: num(def.futureToleranceSeconds, 300),
      };
      let input: unknown;
      if (isPlantVersion(def)) {
        const plantNode = RED.nodes.getNode(def.plant ?? '') as PlantProvider | null;
        if (!plantNode) throw new Error(RED._('mes-oee.errors.noPlant'));
        if (!plantNode.model) throw new Error(plantNode.problem ?? RED._('mes-oee.errors.noPlant'));
        input = oeeConfigForLine(plantNode.model, def.line, settings);
        otherLines = workstationsOffLine(plantNode.model, def.line);
      } else {
        input = {
          ...settings,
          line: def.line,
          workstations: parseJson(def.workstations, 'workstations'),
          calendar: parseJson(def.calendar, 'calendar'),
          reasons: parseJson(def.reasons || '[]', 'reasons'),
          counterMode: def.counterMode || 'increment',
          counterMax: num(def.counterMax, 65535),
        };
      }
      const config = parseOeeConfig(input);
      engine = new OeeEngine(config);
      parser = new SignalParser(config, reasonPaths(config.reasons), otherLines);
      if (!storeNode) throw new Error(RED._('mes-oee.errors.noStore'));
      lease = storeNode.acquire();
      repo = new OeeRepository(lease.store, config.line);
      recorder = new OeeRecorder(lease.store, engine, repo, {
        checkpointMs: num(def.checkpointSeconds, 1) * 1000,
        ...commitTiming(def.finishSignals === 'applied' ? 'applied' : 'durable'),
        onEvents: (events) => sendEvents(events),
      });
      recorder.restore();
    } catch (err) {
      lease?.release();
      lease = undefined;
      reportSetupFailure(node, err);
      return;
    }
    const store = lease.store;
    node.status({ fill: 'grey', shape: 'dot', text: RED._('mes-oee.status.waiting') });

    function sendEvents(events: StoredEvent[]): void {
      for (const event of events) node.send([null, { topic: event.type, payload: event }, null]);
    }

    function snapshotMessages(workstations: Iterable<string>): NodeMessage[] {
      const msgs: NodeMessage[] = [];
      for (const id of workstations) {
        const snap = engine.snapshot(id);
        if (snap) msgs.push({ topic: `oee/snapshot/${id}`, payload: snap });
      }
      const line = engine.lineSnapshot();
      if (line) {
        msgs.push({ topic: `oee/snapshot/line/${line.line}`, payload: line });
        const oee = line.shift?.oee;
        node.status({
          fill: 'green', shape: 'dot',
          text: statusText(`${line.shift ? line.shift.name : RED._('mes-oee.status.noShift')} OEE ${oee === null || oee === undefined ? '–' : `${(oee * 100).toFixed(1)} %`}`),
        });
      }
      return msgs;
    }
    function sendSnapshots(workstations: Iterable<string>): void {
      const msgs = snapshotMessages(workstations);
      if (msgs.length > 0) node.send([msgs, null, null]);
    }
    // A state change is snapshotted after the turn of the event loop it came in; changes that
    // follow within CHANGE_SNAPSHOT_SPACING_MS share the next snapshot (one per workstation, one
    // of the line, each computed once): every workstation that changed gets a snapshot of its
    // latest state, and a busy line of 50 machines is not summed again for each change.
    const changed = new Set<string>();
    let lastChangeSnapshot = 0;
    let changeTimer: NodeJS.Timeout | null = null;
    function sendChangeSnapshots(): void {
      changeTimer = null;
      lastChangeSnapshot = Date.now();
      const ids = [...changed];
      changed.clear();
      sendSnapshots(ids);
    }
    function stateChanged(id: string): void {
      if (changed.size === 0) {
        const wait = lastChangeSnapshot + CHANGE_SNAPSHOT_SPACING_MS - Date.now();
        if (wait > 0) changeTimer = setTimeout(sendChangeSnapshots, wait);
        else setImmediate(sendChangeSnapshots);
      }
      changed.add(id);
    }

    async function classify(command: Extract<OeeCommand, { kind: 'classify' }>): Promise<StoredEvent> {
      await recorder.persist();
      const event = await store.transact((s) => repo.classify(s, command.downtimeId, command.reason, command.actor, command.time));
      engine.classify(command.downtimeId, command.reason);
      recorder.checkpointNext();
      await recorder.persist();
      sendEvents([event]);
      return event;
    }

    // What mes-api serves (OEE and downtime over HTTP): the same engine, rules and events as msgs to this node.
    const service: OeePort = {
      line: engine.config.line,
      hasWorkstation: (id) => engine.hasWorkstation(id),
      // A workstation that has not signalled yet has no figures: its answer says so with nulls.
      workstationNow: async (id) => {
        await recorder.persist();
        return engine.snapshot(id) ?? { scope: 'workstation', line: engine.config.line, workstation: id, time: null, state: null, shift: null, order: null, lastHour: null };
      },
      lineNow: async () => {
        await recorder.persist();
        return engine.lineSnapshot() ?? { scope: 'line', line: engine.config.line, time: null, states: {}, shift: null, lastHour: null };
      },
      shifts: async (q) => { await recorder.persist(); return repo.shifts(q); },
      days: async (q) => { await recorder.persist(); return repo.days(q); },
      downtime: async (q) => { await recorder.persist(); return repo.downtime(q); },
      classify: (downtimeId, reason, actor) => {
        const command = parser.parse({ topic: 'oee/classify', payload: { downtimeId, reason, actor } }, Date.now());
        if (command.kind !== 'classify') throw new Error('a classification was not parsed as one');
        return classify(command);
      },
    };
    const unregister = registerService('oee', def.store, service, engine.config.line);

    async function run(command: Exclude<OeeCommand, { kind: 'signal' }>, msg: NodeMessageInFlow, send: Send): Promise<void> {
      switch (command.kind) {
        case 'tick':
          engine.advance(command.time, command.workstation);
          recorder.checkpointNext();
          await recorder.persist();
          sendSnapshots(engine.workstationIds());
          return;
        case 'operation-started':
          engine.startOperation(command.workstation, command);
          recorder.checkpointNext();
          stateChanged(command.workstation);
          await recorder.persist();
          return;
        case 'operation-completed':
          engine.endOperation(command.workstation, command.time, command.orderId, command.operationKey);
          recorder.checkpointNext();
          await recorder.persist();
          return;
        case 'classify':
          msg.payload = await classify(command);
          send([null, null, msg]);
          return;
        case 'query':
          await recorder.persist();
          msg.payload = command.query === 'shifts' ? repo.shifts(command) : repo.downtime(command);
          send([null, null, msg]);
          return;
        case 'snapshot': {
          await recorder.persist();
          const workstations: Record<string, unknown> = {};
          for (const id of engine.workstationIds()) workstations[id] = engine.snapshot(id);
          msg.payload = { line: engine.lineSnapshot(), workstations };
          send([null, null, msg]);
          return;
        }
        case 'ignored':
          return;
      }
    }

    // A signal finishes with the others of its commit (one SharedCompletion per commit), or, with
    // finishSignals 'applied', at once; a failed commit then reaches Catch nodes on its own.
    const finishWhenApplied = def.finishSignals === 'applied';
    // A failed commit reaches Catch nodes once, whichever caller saw it first.
    const reported = new WeakSet<object>();
    function commitFailed(err: unknown): void {
      if (typeof err === 'object' && err !== null) {
        if (reported.has(err)) return;
        reported.add(err);
      }
      node.status({ fill: 'red', shape: 'ring', text: statusText((err as Error).message ?? String(err)) });
      node.error(err, {});
    }
    let commitSeen: Promise<unknown> | null = null;
    let completion: SharedCompletion | undefined;
    function finishing(commit: Promise<unknown>): SharedCompletion | undefined {
      if (commit !== commitSeen) {
        commitSeen = commit;
        if (finishWhenApplied) commit.catch(commitFailed);
        else completion = new SharedCompletion(commit);
      }
      return completion;
    }

    // The hot path: a machine signal is applied in memory, journaled for the next group commit,
    // and costs no promise or async function of its own (at 50,000/s, that is what shows).
    const input = bindInput(node, (msg, send) => {
      const command = parser.parse(msg as NodeMessageInFlow & { sourceTimestamp?: unknown }, Date.now());
      if (command.kind !== 'signal') return run(command, msg, send);
      if (recorder.signal(command.index, command.time, command.state, command.faultCode, command.first, command.reject)) stateChanged(command.workstation);
      return finishing(recorder.persist());
    });

    // The periodic snapshot; with the wall clock on, it also moves event time so that a silent
    // machine turns `unknown` after the signal timeout without waiting for its next signal.
    const intervalMs = num(def.snapshotIntervalSeconds, 1) * 1000;
    const graceMs = num(def.wallClockGraceSeconds, 10) * 1000;
    const timer = intervalMs > 0 ? setInterval(() => {
      if (def.wallClock) {
        engine.advance(Date.now() - graceMs);
        recorder.checkpointNext();
      }
      sendSnapshots(engine.workstationIds());
      // Booking for the snapshots may have closed a shift: store it now, not with the next signal.
      recorder.persist().catch(commitFailed);
    }, intervalMs) : null;

    node.on('close', (done: () => void) => {
      unregister();
      if (timer) clearInterval(timer);
      if (changeTimer) clearTimeout(changeTimer);
      // Messages in flight first, then the states saved whole, so a restart needs no journal.
      const saved = input.settle()
        .then(() => {
          recorder.checkpointNext();
          return recorder.persist();
        })
        .catch((err: unknown) => node.error(err));
      closeAfter([saved], () => {
        lease?.release();
        lease = undefined;
      }, done);
    });
  }

  RED.nodes.registerType('mes-oee', OeeNode as unknown as (this: Node, config: NodeDef) => void);
};
