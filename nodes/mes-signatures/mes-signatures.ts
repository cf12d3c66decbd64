import type { Node, NodeAPI, NodeDef } from 'node-red';
import { adminAuthAccounts, createSignatures, SIGNED_ACTIONS, type AdminUser, type SignatureService, type SignedAction } from '../../lib/compliance';
import { configVersion } from '../../lib/util';

interface MesSignaturesDef extends NodeDef {
  version?: number;
  /** The actions that need a signature. */
  actions: SignedAction[];
  /** The actions whose signer must not be the person who performed them. */
  twoPerson: SignedAction[];
  maxFailures: number | string;
  lockoutMinutes: number | string;
  /** 'store': accounts in the MES store (npm run accounts); 'adminAuth': the Node-RED admin users. */
  accountSource: 'store' | 'adminAuth';
}

/** What other nodes find through their `signatures` config property: `RED.nodes.getNode(id).signatures`. */
interface SignaturesProvider extends Node {
  signatures?: SignatureService;
}

const actionsOf = (value: unknown): SignedAction[] => (Array.isArray(value) ? value : []).filter((a): a is SignedAction => (SIGNED_ACTIONS as readonly unknown[]).includes(a));

export = function register(RED: NodeAPI): void {
  function MesSignaturesNode(this: SignaturesProvider, config: MesSignaturesDef) {
    RED.nodes.createNode(this, config);
    try {
      configVersion(config.version, 1, 'mes-signatures configuration');
      const adminUsers = ((RED.settings as { adminAuth?: { users?: AdminUser[] } }).adminAuth?.users);
      if (config.accountSource === 'adminAuth' && !Array.isArray(adminUsers)) throw new Error(RED._('mes-signatures.errors.noAdminUsers'));
      this.signatures = createSignatures({
        actions: actionsOf(config.actions),
        twoPerson: actionsOf(config.twoPerson),
        maxFailures: Number(config.maxFailures ?? 5),
        lockoutMinutes: Number(config.lockoutMinutes ?? 15),
        accounts: config.accountSource === 'adminAuth' ? adminAuthAccounts(adminUsers ?? []) : undefined,
      });
    } catch (err) {
      this.error(err as Error);
    }
  }
  RED.nodes.registerType('mes-signatures', MesSignaturesNode as unknown as (this: Node, config: NodeDef) => void);
};
