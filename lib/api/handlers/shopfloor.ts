import type { ApiContextBase, ApiHandler } from '../handler';

/** Handlers of this family, by operationId (see lib/api/routes/shopfloor.ts). */
export const SHOPFLOOR_HANDLERS: Record<string, ApiHandler<ApiContextBase>> = {};
