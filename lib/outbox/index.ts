export * from './outbox';
export * from './policy';
export * from './commands';
export { outboxSchema } from './schema';
