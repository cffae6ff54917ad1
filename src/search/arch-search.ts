// The public ask/tell search: architectures in and out as users write them (the space's strings:
// NB201 arch strings, NB101 ModelSpec JSON), accuracies in percent. It wraps a strategy (random, rea, gcn, brp) and guards the protocol: only
// architectures it asked for can be told, each once, with a finite value; a training that failed is
// reported with fail() and frees its budget; ask() says when it is waiting, and history() and best()
// say what happened. The simulation and the CLI drive the same strategies.

import { createWasmKernels } from '../nn/kernels-wasm.js';
import type { Kernels } from '../nn/kernels.js';
import { getSpace, type SpaceName } from '../spaces/registry.js';
import { sampleDistinct } from '../spaces/space.js';
import { allCodes, isValid, parseArch, vectorToArchString, vectorToCode, type Nb201Vector } from '../spaces/nb201/cell.js';
import { Rng } from '../util/rng.js';
import type { StopSignal } from '../util/stop.js';
import { IterativePredictorSearch } from './iterative.js';
import { BRP_LEARNER_DEFAULTS, BrpLearner, GCN_LEARNER_DEFAULTS, GcnLearner, type BrpLearnerOptions, type GcnLearnerOptions } from './learners.js';
import { SEARCH_DEFAULTS, STRATEGIES, defaultFirstRound, type StrategyName, type WarmStart } from './options.js';
import { zeroCostScores } from './zero-cost.js';
import { RandomSearch } from './random.js';
import { REA_DEFAULTS, RegularizedEvolution } from './rea.js';
import { enumerationDomain, listDomain, nb201Domain, type SearchDomain } from './domain.js';
import type { SearchStrategy } from './strategy.js';

export type ArchInput = string | Nb201Vector;

export interface ArchSearchOptions {
  /** The search space (default nb201). */
  space?: SpaceName;
  strategy: StrategyName;
  /** Architectures to train in all (failed ones do not count). */
  budget: number;
  seed?: number;
  /** Rounds of the iterative selection (brp, gcn). */
  rounds?: number;
  /**
   * The candidates (default: the whole space where it can be enumerated: all 15,284 valid NB201
   * cells, all 423,624 NB101 cells; otherwise (DARTS) a seeded random sample of `sampleSize`).
   */
  candidates?: readonly ArchInput[];
  /** Size of the seeded candidate sample of a space that cannot be enumerated (default 20,000). */
  sampleSize?: number;
  /** Propose one cell per isomorphism class (default true). */
  dedupe?: boolean;
  /** Predictor searches take all last-round picks from the predicted best (default true). */
  exploitLastRound?: boolean;
  /**
   * Models in the first round of a predictor search (default SEARCH_DEFAULTS.first, at most the
   * budget; null: budget / rounds, every round alike, on the reference's training schedule).
   */
  first?: number | null;
  /** How a predictor search chooses its first round (default SEARCH_DEFAULTS.warmStart). */
  warmStart?: WarmStart;
  /** Share of each later round (but the last) proposed at random (default SEARCH_DEFAULTS.explore). */
  explore?: number;
  /** Predicted-best picks from the neighbours of this many best measured models (default SEARCH_DEFAULTS.local: 0, the whole ranking). */
  local?: number;
  brp?: Partial<BrpLearnerOptions>;
  gcn?: Partial<GcnLearnerOptions>;
  /** Body parameters to start the BRP from (a GCN latency predictor's, see latencyBody). */
  transferBody?: Float32Array;
  /** Kernels for the predictors (default: single-thread WebAssembly). */
  kernels?: Kernels;
  /** Polled while the predictors train: a stop makes ask() throw InterruptedError. */
  signal?: StopSignal;
  /** The strategy's random stream (default: new Rng(seed)); a real search passes the simulation's. */
  rng?: Rng;
}

export interface Trial {
  arch: string;
  /** What training measured (e.g. validation accuracy, %): higher is better. */
  accuracy: number;
  /** 1-based position in training order. */
  step: number;
}

/** Build a strategy over a domain's ids (shared by ArchSearch and the simulation). */
export function createStrategy(opts: Omit<ArchSearchOptions, 'candidates' | 'seed' | 'space'>, domain: SearchDomain, candidates: Int32Array, rng: Rng): SearchStrategy {
  const rounds = opts.rounds ?? SEARCH_DEFAULTS.rounds;
  const first = opts.first === undefined ? defaultFirstRound(opts.budget, rounds) : (opts.first ?? undefined);
  const classOf = opts.dedupe === false ? undefined : domain.classOf;
  // a zero-cost score for the first round (the parameter count, the expected SynFlow)
  const warm = opts.warmStart ?? SEARCH_DEFAULTS.warmStart;
  const warmScores = warm !== 'random' ? (ids: Int32Array) => zeroCostScores(domain, warm, ids, opts.signal) : undefined;
  const iterative = { budget: opts.budget, rounds, classOf, exploitLastRound: opts.exploitLastRound, first, warmScores, explore: opts.explore ?? SEARCH_DEFAULTS.explore, local: opts.local ?? SEARCH_DEFAULTS.local, neighbours: domain.neighbours };
  const kernels = () => opts.kernels ?? createWasmKernels();
  // the predictors learn on their own stream, forked from the search's
  const learnerRng = () => rng.fork();
  const graphs = () => domain.graphs();
  switch (opts.strategy) {
    case 'random':
      return new RandomSearch(candidates, rng, classOf);
    case 'rea':
      return new RegularizedEvolution(candidates, rng, domain.neighbours, REA_DEFAULTS, classOf);
    case 'brp': {
      // rounds of another size (--first) train 3 steps per measured model: the default schedule's rate
      const brpOpts = { ...BRP_LEARNER_DEFAULTS, ...(first !== undefined ? { stepsPerModel: BRP_LEARNER_DEFAULTS.stepsPerRound / 20 } : {}), ...opts.brp, signal: opts.signal };
      return new IterativePredictorSearch('brp', candidates, rng, new BrpLearner(kernels(), graphs(), learnerRng(), brpOpts, opts.transferBody), iterative);
    }
    case 'gcn':
      return new IterativePredictorSearch('gcn', candidates, rng, new GcnLearner(kernels(), graphs(), learnerRng(), { ...GCN_LEARNER_DEFAULTS, ...opts.gcn, signal: opts.signal }), iterative);
    default:
      throw new Error(`unknown strategy ${JSON.stringify(opts.strategy)}; known: ${STRATEGIES.join(', ')}`);
  }
}

export class ArchSearch {
  private readonly strategy: SearchStrategy;
  private readonly domain: SearchDomain;
  private readonly allowed: Set<number>;
  private readonly pendingCodes = new Set<number>();
  private readonly trials: Trial[] = [];
  private failures = 0;

  constructor(private readonly opts: ArchSearchOptions) {
    if (!(STRATEGIES as readonly string[]).includes(opts.strategy)) throw new Error(`unknown strategy ${JSON.stringify(opts.strategy)}; known: ${STRATEGIES.join(', ')}`);
    if (!Number.isInteger(opts.budget) || opts.budget < 2) throw new Error(`budget must be an integer >= 2, got ${opts.budget}`);
    const space = getSpace(opts.space ?? 'nb201');
    let codes: Int32Array;
    if (space.name === 'nb201') {
      this.domain = nb201Domain;
      codes = opts.candidates
        ? Int32Array.from(opts.candidates, (a) => {
            const v = parseArch(a);
            if (!isValid(v)) throw new Error(`candidate ${vectorToArchString(v)} is a disconnected cell: it cannot be trained`);
            return vectorToCode(v);
          })
        : allCodes({ validOnly: true });
    } else if (opts.candidates) {
      const archs = opts.candidates.map((a) => {
        if (typeof a !== 'string') throw new Error(`${space.title} candidates are architecture strings, got ${typeof a}`);
        return space.parse(a);
      });
      const keys = archs.map((a) => space.key(a));
      if (new Set(keys).size !== keys.length) throw new Error('the candidates list an architecture twice (or two isomorphic ones)');
      this.domain = listDomain(space, archs, keys);
      codes = Int32Array.from(archs.keys());
    } else if (space.size().enumerable) {
      this.domain = enumerationDomain(space);
      codes = Int32Array.from({ length: this.domain.size }, (_, i) => i);
    } else {
      const n = opts.sampleSize ?? 20000;
      if (!Number.isInteger(n) || n < 2) throw new Error(`sampleSize must be an integer >= 2, got ${n}`);
      // the candidate sample gets its own stream, so the strategy's choices do not depend on its size
      const rng = new Rng(opts.seed ?? 0).fork();
      const drawn = sampleDistinct(space, rng, n, new Set());
      this.domain = listDomain(space, drawn.map((d) => d.arch), drawn.map((d) => d.key));
      codes = Int32Array.from(drawn.keys());
    }
    if (new Set(codes).size !== codes.length) throw new Error('the candidates list an architecture twice');
    if (codes.length < opts.budget) throw new Error(`${codes.length} candidates are fewer than the budget ${opts.budget}`);
    this.allowed = new Set(codes);
    this.strategy = createStrategy(opts, this.domain, codes, opts.rng ?? new Rng(opts.seed ?? 0));
  }

  /**
   * Up to `max` architectures to train next. An empty answer means either the budget is spent
   * (`done`), or the strategy waits for the results of `pending` architectures (tell or fail them).
   */
  ask(max = 1): string[] {
    if (!Number.isInteger(max) || max < 1) throw new Error(`ask(max): max must be a positive integer, got ${max}`);
    const room = this.opts.budget - this.trials.length - this.pendingCodes.size;
    if (room <= 0) return [];
    const codes = this.strategy.ask(Math.min(max, room));
    for (const c of codes) this.pendingCodes.add(c);
    if (codes.length === 0 && this.pendingCodes.size === 0 && !this.done) throw new Error(`${this.opts.strategy} has no architecture left to propose (${this.trials.length} trained, ${this.failures} failed)`);
    return codes.map((c) => this.domain.format(c));
  }

  private idOf(arch: ArchInput): number {
    if (this.domain === nb201Domain) return vectorToCode(parseArch(arch));
    if (typeof arch !== 'string') throw new Error(`${this.domain.space.title} architectures are strings, got ${typeof arch}`);
    return this.domain.lookup(arch);
  }

  private pendingCode(arch: ArchInput, what: string): number {
    const code = this.idOf(arch);
    if (!this.pendingCodes.has(code)) {
      const name = this.domain.format(code);
      if (!this.allowed.has(code)) throw new Error(`${what}: ${name} is not a candidate of this search`);
      throw new Error(`${what}: ${name} was not asked for, or its result was already told`);
    }
    return code;
  }

  /** Report what training measured for an asked architecture (higher is better). */
  tell(arch: ArchInput, accuracy: number): void {
    const code = this.pendingCode(arch, 'tell');
    if (typeof accuracy !== 'number' || !Number.isFinite(accuracy)) throw new Error(`tell: the accuracy of ${this.domain.format(code)} must be a finite number, got ${accuracy}`);
    this.strategy.tell([{ code, value: accuracy }]);
    this.pendingCodes.delete(code);
    this.trials.push({ arch: this.domain.format(code), accuracy, step: this.trials.length + 1 });
  }

  /** An asked architecture whose training failed: the search stops waiting for it; it frees its budget slot. */
  fail(arch: ArchInput): void {
    const code = this.pendingCode(arch, 'fail');
    this.strategy.forget([code]);
    this.pendingCodes.delete(code);
    this.failures++;
  }

  /** Asked architectures without a result yet. */
  get pending(): string[] {
    return [...this.pendingCodes].map((c) => this.domain.format(c));
  }

  /** How many candidates the search chooses from. */
  get candidateCount(): number {
    return this.allowed.size;
  }

  /** True once `budget` architectures have results. */
  get done(): boolean {
    return this.trials.length >= this.opts.budget;
  }

  /** Every result in the order it was told. */
  history(): readonly Trial[] {
    return this.trials.slice();
  }

  /** The best result so far (the first of equals), or null before any. */
  best(): Trial | null {
    return this.trials.reduce<Trial | null>((a, t) => (a === null || t.accuracy > a.accuracy ? t : a), null);
  }

  dispose(): void {
    this.strategy.dispose?.();
  }
}
