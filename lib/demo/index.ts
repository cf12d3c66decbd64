export * from './mode';
export * from './http';
export * from './mock-erp';
export * from './orders';
