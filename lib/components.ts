import { coreSchema, type SchemaComponent } from './store';
import { dispatchSchema } from './dispatch';
import { oeeSchema } from './oee';
import { genealogySchema } from './genealogy';
import { outboxSchema } from './outbox';
import { qualificationSchema, signatureSchema } from './compliance';
import { spcSchema } from './spc';

/**
 * Every schema component of this release, in the order their tables may depend on each other.
 * Assembled here, outside lib/store, so the store stays ignorant of the parts that use it.
 */
export const ALL_COMPONENTS: SchemaComponent[] = [coreSchema, dispatchSchema, oeeSchema, genealogySchema, outboxSchema, qualificationSchema, signatureSchema, spcSchema];
