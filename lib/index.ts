export * as store from './store';
export * as orders from './orders';
export * from './util/errors';
export * as dispatch from './dispatch';
export * as erp from './erp';
export * as outbox from './outbox';
