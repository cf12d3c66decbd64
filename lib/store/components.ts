import type { SchemaComponent } from './schema';
import { coreSchema } from './core-schema';
import { dispatchSchema } from '../dispatch/schema';
import { oeeSchema } from '../oee/schema';
import { genealogySchema } from '../genealogy/schema';
import { outboxSchema } from '../outbox/schema';

/** Every schema component of this release, in the order their tables may depend on each other. */
export const ALL_COMPONENTS: SchemaComponent[] = [coreSchema, dispatchSchema, oeeSchema, genealogySchema, outboxSchema];
