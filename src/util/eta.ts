// Time left of a long job, for progress lines: the rate of the steps done so far in this process
// (steps finished before it, e.g. by an interrupted run that this one resumes, do not count), applied
// to the steps still to do.

/** "45 s", "3 min 20 s", "1 h 05 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

export class Eta {
  private readonly t0: number;

  /**
   * A job of `total` steps of which `done0` are already done (by an earlier process) when this one
   * starts measuring, at `now` milliseconds (performance.now()).
   */
  constructor(
    private readonly total: number,
    private readonly done0 = 0,
    now = performance.now(),
  ) {
    this.t0 = now;
  }

  /** Seconds left after `done` steps, or null before the first step of this process is done. */
  secondsLeft(done: number, now = performance.now()): number | null {
    const steps = done - this.done0;
    if (steps <= 0) return null;
    return (((now - this.t0) / 1000) * Math.max(0, this.total - done)) / steps;
  }

  /** "about 3 min 20 s left" (or "" before the first step is done, and when under a second is left). */
  text(done: number, now = performance.now()): string {
    const s = this.secondsLeft(done, now);
    return s === null || s < 1 ? '' : `about ${formatDuration(s)} left`;
  }
}

/** A measured value without float noise: six significant digits (70.36000004882813 -> 70.36). */
export function roundForDisplay(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x);
}
