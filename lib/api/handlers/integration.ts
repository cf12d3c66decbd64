import type { ApiContextBase, ApiHandler } from '../handler';

/** Handlers of this family, by operationId (see lib/api/routes/integration.ts). */
export const INTEGRATION_HANDLERS: Record<string, ApiHandler<ApiContextBase>> = {};
