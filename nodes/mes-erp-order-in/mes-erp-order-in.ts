import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import { fromB2mmlOperationsSchedule, fromSapProductionOrder } from '../../lib/erp';
import { ValidationError, configVersion } from '../../lib/util';
import { bindInput } from '../shared/adapter';

interface ErpOrderInDef extends NodeDef {
  dialect: 'sap' | 'b2mml';
}

function parseSapBody(payload: unknown): unknown {
  if (Buffer.isBuffer(payload) || typeof payload === 'string') {
    const text = Buffer.isBuffer(payload) ? payload.toString('utf8') : payload;
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new ValidationError([{ field: '', rule: 'json', message: `the body is not valid JSON: ${(err as Error).message}` }], 'SAP production order');
    }
  }
  return payload;
}

export = function register(RED: NodeAPI): void {
  function ErpOrderInNode(this: Node, config: ErpOrderInDef) {
    RED.nodes.createNode(this, config);
    // A configuration of a newer release is refused, not read as this one (none yet to migrate).
    try {
      configVersion((config as { version?: unknown }).version, 1, 'mes-erp-order-in configuration');
    } catch (err) {
      this.error((err as Error).message);
      this.status({ fill: 'red', shape: 'ring', text: 'unsupported configuration version' });
      return;
    }
    const node = this;
    const dialect = config.dialect === 'b2mml' ? 'b2mml' : 'sap';
    const input = bindInput(node, async (msg, send) => {
      try {
        msg.payload = dialect === 'sap' ? fromSapProductionOrder(parseSapBody(msg.payload))
          : fromB2mmlOperationsSchedule(Buffer.isBuffer(msg.payload) ? msg.payload : String(msg.payload ?? ''));
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        // An HTTP caller gets the field list as a 400 on the second output, wired to http response.
        const reply = msg as NodeMessageInFlow & { statusCode?: number; headers?: Record<string, string> };
        reply.statusCode = 400;
        reply.headers = { 'Content-Type': 'application/json; charset=utf-8' };
        reply.payload = { error: 'invalidRequest', errors: err.errors };
        send([null, reply]);
        throw err;
      }
      send([msg, null]);
    });
    node.on('close', (done: () => void) => {
      input.settle().finally(() => done());
    });
  }
  RED.nodes.registerType('mes-erp-order-in', ErpOrderInNode as unknown as (this: Node, config: NodeDef) => void);
};
