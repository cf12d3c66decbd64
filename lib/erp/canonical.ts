import type { Dialect } from './types';

/** Plain canonical JSON: every actual, as documented in schemas/actual.schema.json, POSTed to `<base>/actuals`. */
export const canonicalDialect: Dialect = {
  name: 'canonical',
  map(actual) {
    return { method: 'POST', path: '/actuals', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: actual };
  },
};
