import type { ApiContextBase, ApiHandler } from '../handler';

/** Handlers of this family, by operationId (see lib/api/routes/records.ts). */
export const RECORDS_HANDLERS: Record<string, ApiHandler<ApiContextBase>> = {};
