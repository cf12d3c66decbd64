export * as store from './store';
export * as orders from './orders';
export * as genealogy from './genealogy';
export * from './util/errors';
export * as dispatch from './dispatch';
export * as plant from './plant';
export * as oee from './oee';
export * as erp from './erp';
export * as outbox from './outbox';
