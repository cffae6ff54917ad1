// Regularised (aging) evolution (Real et al. 2019): a population of the most recent models;
// each child is a random neighbour (one mutation, as the space defines it) of the best of a random
// tournament; the oldest model dies.

import type { Rng } from '../util/rng.js';
import { ClassSet, type ClassOf, type Observation, type SearchStrategy } from './strategy.js';

export interface ReaOptions {
  population: number;
  tournament: number;
}

export const REA_DEFAULTS: ReaOptions = { population: 20, tournament: 5 };

export class RegularizedEvolution implements SearchStrategy {
  readonly name = 'rea';
  private readonly allowed: Set<number>;
  private readonly seen = new Set<number>();
  private readonly classes: ClassSet;
  private population: Observation[] = [];
  private readonly initial: number[] = [];
  private pending = 0;

  constructor(
    candidates: ArrayLike<number>,
    private readonly rng: Rng,
    /** Ids one mutation away from an id (in a fixed order per id): the space's mutation. */
    private readonly neighbours: (id: number) => number[],
    private readonly opts: ReaOptions = REA_DEFAULTS,
    classOf?: ClassOf,
  ) {
    if (opts.tournament < 1 || opts.population < opts.tournament) throw new Error('REA needs 1 <= tournament <= population');
    this.allowed = new Set(Array.from(candidates));
    this.classes = new ClassSet(classOf);
    // the initial population: a random order, one cell per class
    for (const c of rng.shuffle(Int32Array.from(candidates))) {
      if (this.initial.length >= opts.population) break;
      if (this.classes.claim(c)) this.initial.push(c);
    }
  }

  ask(max: number): number[] {
    const out: number[] = [];
    while (out.length < max && this.initial.length) {
      const c = this.initial.shift()!;
      this.seen.add(c);
      out.push(c);
    }
    if (out.length) {
      this.pending += out.length;
      return out;
    }
    if (this.pending > 0 || this.population.length === 0) return []; // wait for results
    // one child per call, as the algorithm is sequential
    const t = this.rng.sample(this.population, Math.min(this.opts.tournament, this.population.length));
    const parent = t.reduce((a, b) => (b.value > a.value ? b : a));
    const child = this.mutate(parent.code);
    if (child === null) return [];
    this.seen.add(child);
    this.classes.claim(child);
    this.pending++;
    return [child];
  }

  private fresh(c: number): boolean {
    return this.allowed.has(c) && !this.seen.has(c) && !this.classes.has(c);
  }

  /** A random neighbour that is allowed and of a class not yet proposed. */
  private mutate(code: number): number | null {
    const options = this.neighbours(code).filter((c) => this.fresh(c));
    if (options.length) return options[this.rng.int(options.length)];
    // every neighbour seen: fall back to a random fresh candidate
    const rest = Array.from(this.allowed).filter((c) => this.fresh(c));
    return rest.length ? rest[this.rng.int(rest.length)] : null;
  }

  tell(obs: Observation[]): void {
    for (const o of obs) {
      this.population.push(o);
      if (this.population.length > this.opts.population) this.population.shift();
      this.pending--;
    }
  }

  forget(codes: number[]): void {
    this.pending -= codes.length;
  }
}
