import { INTEGRATION_HANDLERS } from './integration';
import { RECORDS_HANDLERS } from './records';
import { SHOPFLOOR_HANDLERS } from './shopfloor';

/** The handlers the mes-api node serves, by operationId. */
export const LINE_HANDLERS = { ...INTEGRATION_HANDLERS, ...SHOPFLOOR_HANDLERS, ...RECORDS_HANDLERS };
export type { DispatchPort, ShopfloorContext } from './shopfloor';
export { handleSiteApi, siteRouteOf, type SiteApiContext, type SiteApiRequest, type SiteApiResult } from './site';
