// The ask/tell interface shared by every search strategy: the strategy proposes architectures,
// someone trains them (a benchmark table in simulation, real training otherwise) and tells the
// strategy what they measured. Strategies never see test accuracies. Architectures are NB201 vector
// codes here; the public wrapper (search/arch-search.ts) takes and returns arch strings.

export interface Observation {
  /** NB201 vector code. */
  code: number;
  /** The measured quality (higher is better), e.g. validation accuracy in percent. */
  value: number;
}

export interface SearchStrategy {
  readonly name: string;
  /**
   * Propose up to `max` architectures to train next (distinct, never proposed before). An empty
   * answer means the strategy waits for the results of architectures it proposed earlier.
   */
  ask(max: number): number[];
  /** Report measurements for proposed architectures (each at most once). */
  tell(observations: Observation[]): void;
  /** Proposed architectures whose result will never come (training failed): stop waiting for them. */
  forget(codes: number[]): void;
  /** Release resources (worker threads). */
  dispose?(): void;
}

/**
 * The rule every strategy follows: one architecture per equivalence class (isomorphic cells train
 * to the same network, so a second one wastes a training run). `classOf` names the class.
 */
export type ClassOf = (code: number) => string;

/** Tracks the classes proposed so far; `claim` is true (and records the class) for a new class. */
export class ClassSet {
  private readonly used = new Set<string>();
  constructor(private readonly classOf?: ClassOf) {}
  has(code: number): boolean {
    return this.classOf ? this.used.has(this.classOf(code)) : false;
  }
  claim(code: number): boolean {
    if (!this.classOf) return true;
    const k = this.classOf(code);
    if (this.used.has(k)) return false;
    this.used.add(k);
    return true;
  }
}
