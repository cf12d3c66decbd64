/**
 * Times and counts of one window (a shift, an order, a minute), the only thing OEE is computed
 * from. Windows and workstations are combined by adding these sums; percentages are derived only
 * at the end, so a rollup never averages percentages.
 */

/** What a stretch of machine time counts as. */
export type TimeCategory =
  | 'running' // producing: run time
  | 'micro' // a stop shorter than the micro-stop threshold: run time, a performance loss
  | 'planned' // planned stop signalled by the machine (or setup / idle configured as planned)
  | 'stopped' | 'faulted' | 'idle' | 'setup' // unplanned stops: stop time, availability loss
  | 'unknown'; // no signal for longer than the signal timeout: stop time, reported on its own

export const STOP_CATEGORIES = ['stopped', 'faulted', 'idle', 'setup', 'unknown'] as const;

export interface Totals {
  /** Time inside shifts, breaks included (ms). */
  shiftMs: number;
  breakMs: number;
  plannedStopMs: number;
  runningMs: number;
  microStopMs: number;
  stoppedMs: number;
  faultedMs: number;
  idleMs: number;
  setupMs: number;
  unknownMs: number;
  /** Time outside any shift (not planned), for windows that are not shifts. */
  offShiftMs: number;
  total: number;
  good: number;
  reject: number;
  startupReject: number;
  /** Σ count × ideal cycle time of its product (ms), for all, good, and reject counts. */
  idealMs: number;
  idealGoodMs: number;
  idealStartupRejectMs: number;
  /** Counts for which no ideal cycle time was known: performance and OEE cannot be exact. */
  countsWithoutIdealTime: number;
  /** Counted during a break, a planned stop or outside a shift: reported, not part of OEE. */
  outsidePlannedTotal: number;
  outsidePlannedGood: number;
  /** Downtime id → planned stop time of that downtime inside this window (ms). */
  downtime: Record<string, number>;
}

export function emptyTotals(): Totals {
  return {
    shiftMs: 0, breakMs: 0, plannedStopMs: 0, runningMs: 0, microStopMs: 0,
    stoppedMs: 0, faultedMs: 0, idleMs: 0, setupMs: 0, unknownMs: 0, offShiftMs: 0,
    total: 0, good: 0, reject: 0, startupReject: 0, idealMs: 0, idealGoodMs: 0, idealStartupRejectMs: 0,
    countsWithoutIdealTime: 0, outsidePlannedTotal: 0, outsidePlannedGood: 0, downtime: {},
  };
}

/** Adds `from` into `into` (sums every time, count and downtime share). Written out: it runs for every window of every snapshot. */
export function addTotals(into: Totals, from: Totals): Totals {
  into.shiftMs += from.shiftMs;
  into.breakMs += from.breakMs;
  into.plannedStopMs += from.plannedStopMs;
  into.runningMs += from.runningMs;
  into.microStopMs += from.microStopMs;
  into.stoppedMs += from.stoppedMs;
  into.faultedMs += from.faultedMs;
  into.idleMs += from.idleMs;
  into.setupMs += from.setupMs;
  into.unknownMs += from.unknownMs;
  into.offShiftMs += from.offShiftMs;
  into.total += from.total;
  into.good += from.good;
  into.reject += from.reject;
  into.startupReject += from.startupReject;
  into.idealMs += from.idealMs;
  into.idealGoodMs += from.idealGoodMs;
  into.idealStartupRejectMs += from.idealStartupRejectMs;
  into.countsWithoutIdealTime += from.countsWithoutIdealTime;
  into.outsidePlannedTotal += from.outsidePlannedTotal;
  into.outsidePlannedGood += from.outsidePlannedGood;
  for (const id in from.downtime) into.downtime[id] = (into.downtime[id] ?? 0) + from.downtime[id];
  return into;
}

const PACKED_FIELDS = (Object.keys(emptyTotals()) as (keyof Totals)[]).filter((k) => k !== 'downtime') as Exclude<keyof Totals, 'downtime'>[];

/** Totals as a plain array (fields in a fixed order, then the downtime shares): a tenth of the JSON. */
export function packTotals(t: Totals): (number | Record<string, number>)[] {
  return [...PACKED_FIELDS.map((k) => t[k]), t.downtime];
}

export function unpackTotals(packed: (number | Record<string, number>)[]): Totals {
  const t = emptyTotals();
  PACKED_FIELDS.forEach((k, i) => { t[k] = packed[i] as number; });
  t.downtime = { ...(packed[PACKED_FIELDS.length] as Record<string, number>) };
  return t;
}

export function cloneTotals(t: Totals): Totals {
  return addTotals(emptyTotals(), t);
}

/** Books `ms` of machine time of `category` at a calendar period of `kind`. */
export function addTime(t: Totals, kind: 'off' | 'shift' | 'break', category: TimeCategory, ms: number, downtimeId: string | null): void {
  if (kind === 'off') {
    t.offShiftMs += ms;
    return;
  }
  t.shiftMs += ms;
  if (kind === 'break') {
    t.breakMs += ms;
    return;
  }
  switch (category) {
    case 'running': t.runningMs += ms; break;
    case 'micro': t.microStopMs += ms; break;
    case 'planned': t.plannedStopMs += ms; break;
    case 'stopped': t.stoppedMs += ms; break;
    case 'faulted': t.faultedMs += ms; break;
    case 'idle': t.idleMs += ms; break;
    case 'setup': t.setupMs += ms; break;
    case 'unknown': t.unknownMs += ms; break;
  }
  if (downtimeId !== null) t.downtime[downtimeId] = (t.downtime[downtimeId] ?? 0) + ms;
}

export interface Metrics {
  times: {
    shiftSeconds: number;
    breakSeconds: number;
    plannedStopSeconds: number;
    plannedSeconds: number;
    runSeconds: number;
    stopSeconds: number;
    microStopSeconds: number;
    unknownSeconds: number;
    offShiftSeconds: number;
    idealSeconds: number;
  };
  counts: { total: number; good: number; reject: number; outsidePlannedTime: { total: number; good: number }; withoutIdealTime: number };
  availability: number | null;
  performance: number | null;
  quality: number | null;
  oee: number | null;
  /** Performance above 1: the ideal cycle time is set too slow; the figure is reported as is. */
  performanceAboveIdeal: boolean;
  /**
   * Counts in planned time with no run time: the state signal says stopped (or nothing) while the
   * counter counts. P is null then and A × P × Q undefined; OEE is still Σ ideal good time / planned.
   */
  countsWithoutRunTime: boolean;
  /** The six big losses in seconds, plus unknown time; with `fullyProductiveSeconds` they add up to planned time. */
  losses: {
    equipmentFailureSeconds: number;
    setupAndAdjustmentsSeconds: number;
    idlingAndMinorStopsSeconds: number;
    reducedSpeedSeconds: number;
    processDefectsSeconds: number;
    reducedYieldSeconds: number;
    unknownSeconds: number;
    fullyProductiveSeconds: number;
  };
}

const s = (ms: number) => Math.round(ms) / 1000;

/**
 * The OEE definitions, in one place:
 * planned = shift − breaks − planned stops; run = planned − stop time (micro-stops stay in run);
 * A = run / planned; P = Σ ideal time of all counts / run; Q = Σ ideal time of good counts /
 * Σ ideal time of all counts (= good / total for one product); OEE = A × P × Q = Σ ideal time of
 * good counts / planned. A figure whose denominator is zero is null, never 0 or NaN.
 */
export function computeMetrics(t: Totals): Metrics {
  const stopMs = t.stoppedMs + t.faultedMs + t.idleMs + t.setupMs + t.unknownMs;
  const plannedMs = t.shiftMs - t.breakMs - t.plannedStopMs;
  const runMs = plannedMs - stopMs;
  const idealKnown = t.countsWithoutIdealTime === 0;
  const availability = plannedMs > 0 ? runMs / plannedMs : null;
  const performance = runMs > 0 && idealKnown ? t.idealMs / runMs : null;
  let quality: number | null = null;
  if (t.total > 0) quality = idealKnown && t.idealMs > 0 ? t.idealGoodMs / t.idealMs : t.good / t.total;
  const oee = plannedMs > 0 && idealKnown ? t.idealGoodMs / plannedMs : null;
  const idealRejectMs = t.idealMs - t.idealGoodMs;
  return {
    times: {
      shiftSeconds: s(t.shiftMs),
      breakSeconds: s(t.breakMs),
      plannedStopSeconds: s(t.plannedStopMs),
      plannedSeconds: s(plannedMs),
      runSeconds: s(runMs),
      stopSeconds: s(stopMs),
      microStopSeconds: s(t.microStopMs),
      unknownSeconds: s(t.unknownMs),
      offShiftSeconds: s(t.offShiftMs),
      idealSeconds: s(t.idealMs),
    },
    counts: {
      total: t.total, good: t.good, reject: t.reject,
      outsidePlannedTime: { total: t.outsidePlannedTotal, good: t.outsidePlannedGood },
      withoutIdealTime: t.countsWithoutIdealTime,
    },
    availability,
    performance,
    quality,
    oee,
    performanceAboveIdeal: performance !== null && performance > 1,
    countsWithoutRunTime: runMs <= 0 && t.total > 0,
    losses: {
      equipmentFailureSeconds: s(t.stoppedMs + t.faultedMs),
      setupAndAdjustmentsSeconds: s(t.setupMs),
      idlingAndMinorStopsSeconds: s(t.idleMs + t.microStopMs),
      reducedSpeedSeconds: s(runMs - t.microStopMs - t.idealMs),
      processDefectsSeconds: s(idealRejectMs - t.idealStartupRejectMs),
      reducedYieldSeconds: s(t.idealStartupRejectMs),
      unknownSeconds: s(t.unknownMs),
      fullyProductiveSeconds: s(t.idealGoodMs),
    },
  };
}
