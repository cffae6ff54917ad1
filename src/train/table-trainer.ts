// A benchmark table as the trainer (`--trainer table:nb201`): "training" a candidate reveals what the
// simulation reveals, one seed's validation accuracy drawn from the same seeded stream in the same
// (proposal) order, and reports the mean test accuracy as the metric `test_accuracy`. A real search
// driven by it therefore trains exactly what the simulation's first run trains, through the whole
// real-training path (journal, workers, retries, resume); tests and the demo use it.

import type { SimBenchmark } from '../search/benchmark.js';
import type { Rng } from '../util/rng.js';
import type { AttemptHandle, AttemptOutcome, AttemptSpec, TrainerRunner } from './runner.js';

export const TABLE_TRAINERS = ['table:nb201'] as const;

export class TableTrainer implements TrainerRunner {
  readonly describe: string;
  private readonly values = new Map<number, { accuracy: number; test: number }>();
  private readonly pending = new Set<NodeJS.Immediate>();

  /** `revealRng` must be the simulation's reveal stream for the same seed (see realSearchStreams). */
  constructor(
    private readonly bench: SimBenchmark,
    private readonly revealRng: Rng,
  ) {
    this.describe = `table: ${bench.describe.pool}; reveals ${bench.describe.reveal}`;
  }

  /** A final retraining (`retrainOf`) reveals another seed of the same cell, as the simulation does. */
  proposed(index: number, arch: string, retrainOf?: number): void {
    if (this.values.has(index)) return;
    const id = this.bench.domain.lookup(arch);
    const first = retrainOf === undefined ? undefined : this.values.get(retrainOf);
    const accuracy = first ? this.bench.revealAgain(id, first.accuracy, this.revealRng) : this.bench.reveal(id, this.revealRng);
    this.values.set(index, { accuracy, test: this.bench.oracle(id) });
  }

  start(spec: AttemptSpec, done: (o: AttemptOutcome) => void): AttemptHandle {
    const v = this.values.get(spec.index);
    if (!v) throw new Error(`table trainer: candidate ${spec.index} was never proposed`);
    const job = setImmediate(() => {
      this.pending.delete(job);
      done({ ok: true, result: { accuracy: v.accuracy, metrics: { test_accuracy: v.test } } });
    });
    this.pending.add(job);
    return { started: Date.now() };
  }

  async stopAll(): Promise<void> {
    for (const j of this.pending) clearImmediate(j);
    this.pending.clear();
  }
}
