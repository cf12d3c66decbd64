import { INTEGRATION_ROUTES } from './integration';
import { OEE_ROUTES } from './oee';
import { OUTBOX_ROUTES } from './outbox';
import { RECORDS_ROUTES } from './records';
import { SHOPFLOOR_ROUTES } from './shopfloor';
import { SITE_ROUTES } from './site';

/** Every endpoint a line's shipped flows serve; the OpenAPI document lists exactly these. */
export const LINE_ROUTES = [...INTEGRATION_ROUTES, ...SHOPFLOOR_ROUTES, ...OEE_ROUTES, ...OUTBOX_ROUTES, ...RECORDS_ROUTES];

/** The site server's endpoints (over PostgreSQL). */
export { SITE_ROUTES };
export { SITE_RESPONSE_SCHEMAS } from './site';
