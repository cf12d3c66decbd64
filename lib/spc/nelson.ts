/**
 * The eight Nelson rules (L. S. Nelson, "The Shewhart Control Chart — Tests for Special Causes",
 * Journal of Quality Technology 16(4), 1984), evaluated incrementally: each new point updates a
 * few run counters and a window of the last 15 points, so a point costs the same whatever the
 * history's length.
 *
 * A rule fires when it starts to hold: a point that only extends the same run does not fire it
 * again (a run of 12 on one side is one rule-2 violation, not four), so a hold is asked once.
 * Rule 1 fires on every point beyond 3σ. A point exactly on the centre line is on neither side.
 */
export interface NelsonPoint<Ref> { value: number; ref: Ref }

export interface NelsonViolation<Ref> {
  rule: number;
  description: string;
  /** The points the rule looked at, oldest first. */
  points: Ref[];
}

export const NELSON_RULES: Record<number, string> = {
  1: 'one point beyond 3σ',
  2: 'nine points in a row on one side of the centre line',
  3: 'six points in a row steadily increasing or decreasing',
  4: 'fourteen points in a row alternating up and down',
  5: 'two of three points in a row beyond 2σ on the same side',
  6: 'four of five points in a row beyond 1σ on the same side',
  7: 'fifteen points in a row within 1σ of the centre line',
  8: 'eight points in a row beyond 1σ on either side',
};

const WINDOW = 15;

interface Seen<Ref> { z: number; value: number; ref: Ref }

export class NelsonEvaluator<Ref> {
  private readonly recent: Seen<Ref>[] = [];
  private side = 0;
  private sideRun = 0;
  /** Points in the current strictly monotone run, and its direction. */
  private trendRun = 1;
  private trendDir = 0;
  /** Points in the current alternating run, and the sign of its last step. */
  private altRun = 1;
  private lastStep = 0;
  private within1Run = 0;
  private beyond1Run = 0;
  private held5 = false;
  private held6 = false;

  constructor(private readonly center: number, private readonly sigma: number) {}

  /** Evaluates the rules on a new point; returns those that start to hold at it. */
  add(point: NelsonPoint<Ref>): NelsonViolation<Ref>[] {
    const z = this.sigma > 0 ? (point.value - this.center) / this.sigma : 0;
    const previous = this.recent[this.recent.length - 1];
    this.recent.push({ z, value: point.value, ref: point.ref });
    if (this.recent.length > WINDOW) this.recent.shift();
    const found: NelsonViolation<Ref>[] = [];
    const last = (k: number) => this.recent.slice(-k).map((p) => p.ref);
    const fire = (rule: number, points: Ref[]) => found.push({ rule, description: NELSON_RULES[rule], points });

    if (Math.abs(z) > 3) fire(1, [point.ref]);

    const side = Math.sign(z);
    this.sideRun = side !== 0 && side === this.side ? this.sideRun + 1 : side !== 0 ? 1 : 0;
    this.side = side;
    if (this.sideRun === 9) fire(2, last(9));

    const step = previous ? Math.sign(point.value - previous.value) : 0;
    this.trendRun = step !== 0 && step === this.trendDir ? this.trendRun + 1 : step !== 0 ? 2 : 1;
    this.trendDir = step;
    if (this.trendRun === 6) fire(3, last(6));

    this.altRun = step !== 0 && this.lastStep !== 0 && step === -this.lastStep ? this.altRun + 1 : step !== 0 ? 2 : 1;
    this.lastStep = step;
    if (this.altRun === 14) fire(4, last(14));

    const holds5 = this.sameSide(3, 2, 2);
    if (holds5 && !this.held5) fire(5, this.beyondInWindow(3, 2));
    this.held5 = holds5;
    const holds6 = this.sameSide(5, 4, 1);
    if (holds6 && !this.held6) fire(6, this.beyondInWindow(5, 1));
    this.held6 = holds6;

    this.within1Run = Math.abs(z) < 1 ? this.within1Run + 1 : 0;
    if (this.within1Run === 15) fire(7, last(15));
    this.beyond1Run = Math.abs(z) > 1 ? this.beyond1Run + 1 : 0;
    if (this.beyond1Run === 8) fire(8, last(8));
    return found;
  }

  /** Whether at least `k` of the last `m` points lie beyond `limit`σ on the side of the newest point. */
  private sameSide(m: number, k: number, limit: number): boolean {
    if (this.recent.length < k) return false;
    const newest = this.recent[this.recent.length - 1];
    if (Math.abs(newest.z) <= limit) return false;
    const side = Math.sign(newest.z);
    return this.recent.slice(-m).filter((p) => Math.sign(p.z) === side && Math.abs(p.z) > limit).length >= k;
  }

  private beyondInWindow(m: number, limit: number): Ref[] {
    const side = Math.sign(this.recent[this.recent.length - 1].z);
    return this.recent.slice(-m).filter((p) => Math.sign(p.z) === side && Math.abs(p.z) > limit).map((p) => p.ref);
  }
}
