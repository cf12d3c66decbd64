import { configVersion } from '../util/config-version';

/**
 * The demo parts (mock ERP, demo orders) run only where the runtime says it is the demo:
 * `mesMode: 'demo'` in the Node-RED settings, which `npm start` sets by default. A Node-RED without
 * that setting (any plant that installs the package) is not the demo, so nothing there can take
 * actuals away from the real ERP or release orders nobody planned.
 */
export interface ModeSettings {
  mesMode?: unknown;
}

export function isDemoMode(settings: ModeSettings | undefined): boolean {
  return settings?.mesMode === 'demo';
}

/** The version of the demo nodes' configuration this code writes. */
export const DEMO_CONFIG_VERSION = 1;

/** A node saved by a newer release cannot be read by this one; say so instead of guessing. */
export function checkDemoConfigVersion(version: unknown): void {
  configVersion(version, DEMO_CONFIG_VERSION, 'demo node configuration');
}
