import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { byOutput, OperatorTerminal, TERMINAL_OUTPUTS, terminalSettings, type TerminalInput } from '../../lib/dashboard';
import type { PlantProvider } from '../mes-plant/provider';
import { bindInput, closeAfter, reportSetupFailure } from '../shared/adapter';
import { forgetWidgets, rememberForPage } from '../shared/page-replay';

// What a page shows of its workstation, given again to a widget that mounts after it was sent.
const REPLAYED_OUTPUTS: ReadonlySet<string> = new Set(['operation', 'queue', 'operators', 'selector']);

interface OperatorTerminalDef extends NodeDef {
  plant: string;
  allowBadges: boolean;
  version?: number;
}

export = function register(RED: NodeAPI): void {
  function OperatorTerminalNode(this: Node, config: OperatorTerminalDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    // Looked up at each use: a redeployed plant model (a workstation added) is seen at once.
    const plantModel = () => {
      const plant = RED.nodes.getNode(config.plant) as PlantProvider | null;
      if (!plant) throw new Error(RED._('mes-operator-terminal.errors.noPlant'));
      if (!plant.model) throw new Error(plant.problem ?? RED._('mes-operator-terminal.errors.noPlant'));
      return plant.model;
    };
    let terminal: OperatorTerminal | undefined;
    let problem: string | undefined;
    try {
      // Typed badges are a demo convenience: only in demo mode, and (in lib) only from loopback.
      const allowBadges = terminalSettings(config).allowBadges && (RED.settings as unknown as { mesMode?: string }).mesMode === 'demo';
      plantModel();
      terminal = new OperatorTerminal({ allowBadges, ownErrorSource: node.id, workstations: () => plantModel().workstations, reasons: () => plantModel().reasons });
    } catch (err) {
      problem = reportSetupFailure(node, err);
    }

    const wiredTo = (output: number): string[] => (node as unknown as { wires?: string[][] }).wires?.[output] ?? [];

    let shownCount = -1;
    const showConnections = (count: number) => {
      if (count === shownCount) return;
      shownCount = count;
      node.status({ fill: 'green', shape: 'dot', text: RED._('mes-operator-terminal.status.pages', { count }) });
    };
    if (terminal) showConnections(0);

    const input = bindInput(node, (msg, send) => {
      if (!terminal) throw new Error(problem);
      const { messages, refusal } = terminal.receive(msg as TerminalInput);
      if (messages.length > 0) {
        const outputs = byOutput(messages);
        outputs.forEach((batch, index) => {
          if (!REPLAYED_OUTPUTS.has(TERMINAL_OUTPUTS[index])) return;
          for (const out of batch) {
            const socketId = (out._client as { socketId?: unknown } | undefined)?.socketId;
            if (typeof socketId === 'string') rememberForPage(wiredTo(index), socketId, out);
          }
        });
        send(outputs as NodeMessage[][]);
      }
      if (refusal) {
        // bindInput shows the refusal on the status; the page count comes back with the next message.
        shownCount = -1;
        throw refusal;
      }
      showConnections(terminal.connectionCount);
    });

    node.on('close', (done: () => void) => {
      closeAfter([input.settle()], () => {
        terminal?.clear();
        forgetWidgets(TERMINAL_OUTPUTS.flatMap((_, index) => wiredTo(index)));
      }, done);
    });
  }

  RED.nodes.registerType('mes-operator-terminal', OperatorTerminalNode as unknown as (this: Node, config: NodeDef) => void);
};
