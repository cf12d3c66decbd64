import type { ApiRoute } from '../route';

/** Routes of this family (see lib/api/route.ts). */
export const RECORDS_ROUTES: readonly ApiRoute[] = [];
