// The ask/tell interface shared by every search strategy: the strategy proposes architectures,
// someone trains them (a benchmark table in simulation, real training otherwise) and tells the
// strategy what they measured. Strategies never see test accuracies.

export interface Observation {
  /** NB201 vector code. */
  code: number;
  /** The measured quality (higher is better), e.g. validation accuracy in percent. */
  value: number;
}

export interface SearchStrategy {
  readonly name: string;
  /** Propose up to `max` architectures to train next (distinct, not yet told). */
  ask(max: number): number[];
  /** Report measurements for proposed architectures. */
  tell(observations: Observation[]): void;
  /** Release resources (worker threads). */
  dispose?(): void;
}
