import type { Rng } from '../util/rng.js';
import type { Observation, SearchStrategy } from './strategy.js';

/** Random search: candidates in a seeded random order, without repeats. */
export class RandomSearch implements SearchStrategy {
  readonly name = 'random';
  private order: Int32Array;
  private next = 0;

  constructor(candidates: ArrayLike<number>, rng: Rng) {
    this.order = rng.shuffle(Int32Array.from(candidates));
  }

  ask(max: number): number[] {
    const out = Array.from(this.order.subarray(this.next, Math.min(this.order.length, this.next + max)));
    this.next += out.length;
    return out;
  }

  tell(_: Observation[]): void {}
}
