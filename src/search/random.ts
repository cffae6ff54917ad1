import type { Rng } from '../util/rng.js';
import { ClassSet, type ClassOf, type Observation, type SearchStrategy } from './strategy.js';

/** Random search: candidates in a seeded random order, one per equivalence class, without repeats. */
export class RandomSearch implements SearchStrategy {
  readonly name = 'random';
  private order: Int32Array;
  private next = 0;
  private readonly classes: ClassSet;

  constructor(candidates: ArrayLike<number>, rng: Rng, classOf?: ClassOf) {
    this.order = rng.shuffle(Int32Array.from(candidates));
    this.classes = new ClassSet(classOf);
  }

  ask(max: number): number[] {
    const out: number[] = [];
    while (out.length < max && this.next < this.order.length) {
      const c = this.order[this.next++];
      if (this.classes.claim(c)) out.push(c);
    }
    return out;
  }

  tell(_: Observation[]): void {}
  forget(_: number[]): void {}
}
