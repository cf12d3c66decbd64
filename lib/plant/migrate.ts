import type { ShiftDef, Weekday } from '../oee/calendar';
import type { PlantConfig } from './types';

const EVERY_DAY: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Version 1 shifts: each starts at `start` every day and lasts until the next one starts. */
interface StartOnlyShift {
  name: string;
  start: string;
}

function isStartOnly(shift: unknown): shift is StartOnlyShift {
  return !!shift && typeof shift === 'object' && !('days' in shift) && !('end' in shift);
}

/**
 * Version 1 → 2: start-only shifts become calendar shifts of every weekday that end where the
 * next one starts (one shift alone lasts the whole day), so every event keeps the shift it had.
 * Version 1 rows have no signal, counting or reason settings: the defaults of version 2 apply.
 */
function fromVersion1(config: Record<string, unknown>): PlantConfig {
  const shifts = Array.isArray(config.shifts) ? config.shifts : [];
  const startOnly = shifts.filter(isStartOnly);
  let migrated: unknown[] = shifts;
  if (startOnly.length === shifts.length && shifts.length > 0) {
    // Each ends where the next later start is (the earliest, tomorrow, for the last); the list
    // keeps its order so that an error still names the row the engineer wrote.
    const starts = [...new Set(startOnly.map((s) => String(s.start)))].sort();
    migrated = startOnly.map((shift): ShiftDef => {
      const next = starts.find((s) => s > String(shift.start)) ?? starts[0];
      return { name: shift.name, days: [...EVERY_DAY], start: shift.start, end: next };
    });
  }
  return { ...(config as unknown as PlantConfig), shifts: migrated as ShiftDef[], version: 2 };
}

/**
 * Version 2 → 3: work centers may require skills (`workCenterSkills`); a version 2 plant requires
 * none. The version moves so that a release without qualification checks refuses a plant that
 * has them rather than silently letting unqualified operators work.
 */
function fromVersion2(config: PlantConfig): PlantConfig {
  return { ...config, workCenterSkills: config.workCenterSkills ?? [], version: 3 };
}

/**
 * Brings a saved `mes-plant` configuration to the current version, so a plant's flows saved by
 * an earlier release keep working. The parser refuses a version it does not read first.
 */
export function migratePlantConfig(input: unknown): PlantConfig {
  const config = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const version = config.version === undefined || config.version === '' ? 1 : Number(config.version);
  if (version === 1) return fromVersion2(fromVersion1(config));
  if (version === 2) return fromVersion2(config as unknown as PlantConfig);
  return { ...(config as unknown as PlantConfig), version };
}
