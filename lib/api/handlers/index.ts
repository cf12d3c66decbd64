import { INTEGRATION_HANDLERS } from './integration';
import { OEE_HANDLERS } from './oee';
import { OUTBOX_HANDLERS } from './outbox';
import { RECORDS_HANDLERS } from './records';
import { SHOPFLOOR_HANDLERS, type ShopfloorContext } from './shopfloor';
import type { IntegrationContext } from './integration';
import type { OeeContext } from './oee';
import type { OutboxContext } from './outbox';
import type { ApiHandler } from '../handler';

/** Everything the line's handlers reach; the mes-api node builds it per request. */
export type LineApiContext = ShopfloorContext & OeeContext & OutboxContext & IntegrationContext;

/** The handlers the mes-api node serves, by operationId. */
export const LINE_HANDLERS: Record<string, ApiHandler<LineApiContext>> = { ...INTEGRATION_HANDLERS, ...SHOPFLOOR_HANDLERS, ...OEE_HANDLERS, ...OUTBOX_HANDLERS, ...RECORDS_HANDLERS };
export type { DispatchPort, GenealogyPort, ShopfloorContext } from './shopfloor';
export type { OeeContext, OeePort } from './oee';
export type { OutboxContext, OutboxPort } from './outbox';
export { exportPlantOf, type IntegrationContext } from './integration';
export { handleSiteApi, siteRouteOf, type SiteApiContext, type SiteApiRequest, type SiteApiResult } from './site';
