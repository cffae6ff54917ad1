// The search options, defined once: the CLI's flags, validation and help, the bench, the simulation
// defaults and the result files' names and keys all come from this table.

import { NB101_REVEAL_COLUMNS, type Nb101RevealColumn } from '../data/nb101-pool.js';
import { NB201_DATASETS, type Nb201Dataset } from '../spaces/nb201/cost.js';

/** Spaces a simulated search runs on (each needs a benchmark table). */
export const SEARCH_SPACES = ['nb201', 'nb101'] as const;
/** Spaces a search with real training (--trainer) runs on: any space. */
export const REAL_SEARCH_SPACES = ['nb201', 'nb101', 'darts'] as const;
export type SearchSpaceName = (typeof REAL_SEARCH_SPACES)[number];

export const STRATEGIES = ['brp', 'gcn', 'rea', 'random'] as const;
export type StrategyName = (typeof STRATEGIES)[number];
export const TARGET_SCALINGS = ['rank', 'minmax'] as const;
export type TargetScaling = (typeof TARGET_SCALINGS)[number];
/** Zero-cost scores of an architecture (no training): the parameter count, the expected SynFlow (NB201). */
export const ZERO_COST_SCORES = ['params', 'synflow'] as const;
export type ZeroCostName = (typeof ZERO_COST_SCORES)[number];
/** How the first round of a predictor search is chosen: at random, or by a zero-cost score. */
export const WARM_STARTS = ['random', ...ZERO_COST_SCORES] as const;
export type WarmStart = (typeof WARM_STARTS)[number];

export const DATASET_ALIASES: Record<string, Nb201Dataset> = { cifar10: 'cifar10', 'cifar10-valid': 'cifar10', cifar100: 'cifar100', imagenet16: 'imagenet16', imagenet: 'imagenet16', 'imagenet16-120': 'imagenet16', 'ImageNet16-120': 'imagenet16' };

/** Everything that defines a search (simulated or real). */
export interface SearchSettings {
  space: SearchSpaceName;
  /** NB201 dataset (null on other spaces). */
  dataset: Nb201Dataset | null;
  /** NB101: the pool table (null = the shared data's nb101-cells.csv) and the column training reveals. */
  pool: string | null;
  reveal: Nb101RevealColumn | null;
  strategy: StrategyName;
  budget: number;
  runs: number;
  seed: number;
  /** Rounds of the iterative selection (brp, gcn). */
  rounds: number;
  /** Models in the first round (null: budget / rounds, as every round). */
  first: number | null;
  /** How the first round is chosen (brp, gcn). */
  warmStart: WarmStart;
  /** Share of each later round (but the last) proposed at random from the top of the ranking (brp, gcn; the reference: 0.5). */
  explore: number;
  /** Predicted-best picks from the neighbours of this many best measured models (brp, gcn; 0: from the whole ranking). */
  local: number;
  /** How the BRP scales measured accuracies before its soft pair targets. */
  targets: TargetScaling;
  /** The reference's half-random last round instead of an all-exploit one (brp, gcn). */
  referenceSelection: boolean;
  /** Head-only warm-up steps after --transfer (brp). */
  warmup: number;
  /** Latency predictor whose GCN body starts the BRP (brp). */
  transfer: string | null;
  latLimitMs: number | null;
  latencyModel: string | null;
  /** Of the budget, trainings spent at the end on the K best by validation, once more with another seed; the pick is the best mean. */
  finalRetrain: number;
}

export type OptionKind = 'int' | 'num' | 'choice' | 'bool' | 'path';

export interface SearchOptionDef {
  key: keyof SearchSettings;
  flag: string;
  kind: OptionKind;
  /** Placeholder in the usage line. */
  value?: string;
  min?: number;
  max?: number;
  choices?: readonly string[];
  /** Strategies the option means something for; 'all' for every one. */
  appliesTo: readonly StrategyName[] | 'all';
  /** Spaces the option means something for (default all). */
  spaces?: readonly SearchSpaceName[];
  /** An int option that also takes `auto` (null: a value derived from the others). */
  auto?: true;
  /** Short tag for result file names when the value differs from its SEARCH_BASELINE value. */
  tag?: (v: never) => string;
  /**
   * In result keys only when set to something other than its SEARCH_BASELINE value: options added
   * after results were made, so those results (made with the baseline) stay valid.
   */
  keyWhenSet?: true;
  /** Shown in the short help (`search --help`); the rest only in `search --help all`. */
  common?: true;
  help: string;
}

const PREDICTOR: readonly StrategyName[] = ['brp', 'gcn'];
const base = (p: string) => p.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_.-]+/g, '_');

export type OptionValues = Omit<SearchSettings, 'dataset' | 'strategy' | 'space' | 'pool' | 'reveal'>;

/**
 * What result names and keys are relative to, fixed for good so that a file's name keeps its meaning
 * when a default changes: the defaults of the first release (BRP-NAS's 5 rounds of equal size, the
 * first at random). A name tags every option that differs from it.
 */
export const SEARCH_BASELINE: OptionValues = {
  budget: 100,
  runs: 25,
  seed: 0,
  rounds: 5,
  first: null,
  warmStart: 'random',
  explore: 0.5,
  local: 0,
  targets: 'rank',
  referenceSelection: false,
  warmup: 0,
  transfer: null,
  latLimitMs: null,
  latencyModel: null,
  finalRetrain: 0,
};

/**
 * What a search uses when a flag is not given (chosen in v0.1.0, 2026-12-02 to 2026-12-03, on
 * CIFAR-10 design runs of master seeds 100, 200 and 300, never the report's seed 0; see
 * docs/research/search-design.md): 10 rounds of 10, the first chosen by parameter count, the
 * predicted-best picks from the neighbours of the 2 best measured, 8 of each later round's 10 from
 * those picks and 2 at random; --first is at most the budget. BRP-NAS's own selection: --rounds 5
 * --first auto --warm-start random --explore 0.5 --local 0.
 */
export const SEARCH_DEFAULTS: OptionValues = { ...SEARCH_BASELINE, rounds: 10, first: 10, warmStart: 'params', explore: 0.2, local: 2 };

/** The first round's size when none is asked for: the default, at most the budget; a single round takes it all. */
export function defaultFirstRound(budget: number, rounds: number): number {
  return rounds < 2 ? budget : Math.min(SEARCH_DEFAULTS.first!, budget);
}

export const SEARCH_OPTIONS: readonly SearchOptionDef[] = [
  { key: 'space', common: true, flag: 'space', kind: 'choice', choices: SEARCH_SPACES, appliesTo: 'all', help: 'search space (default nb201)' },
  { key: 'dataset', common: true, flag: 'dataset', kind: 'choice', choices: NB201_DATASETS, appliesTo: 'all', spaces: ['nb201'], help: 'NB201 dataset (required on nb201)' },
  { key: 'pool', flag: 'pool', kind: 'path', value: 'FILE.csv', appliesTo: 'all', spaces: ['nb101'], tag: (v: string) => `pool-${base(v)}`, help: "NB101 pool table with the columns of nb101-cells.csv (default: the data's)" },
  { key: 'reveal', flag: 'reveal', kind: 'choice', choices: NB101_REVEAL_COLUMNS, appliesTo: 'all', spaces: ['nb101'], help: 'NB101 column training reveals, and the report judges by (default val108_1run)' },
  { key: 'strategy', common: true, flag: 'strategy', kind: 'choice', choices: STRATEGIES, appliesTo: 'all', help: 'brp: binary relation predictor with iterative selection; gcn: the same with a GCN regressor; rea: regularised evolution; random (required)' },
  { key: 'budget', common: true, flag: 'budget', kind: 'int', min: 2, max: 1e6, appliesTo: 'all', tag: (v: number) => `b${v}`, help: 'models trained per run' },
  // not in names or keys: run r is the same in a search of any length, so more runs extend a result
  { key: 'runs', common: true, flag: 'runs', kind: 'int', min: 1, max: 100000, appliesTo: 'all', help: 'independent runs (more runs extend an earlier result)' },
  { key: 'seed', common: true, flag: 'seed', kind: 'int', min: 0, max: 2 ** 32 - 1, appliesTo: 'all', tag: (v: number) => `seed${v}`, help: 'seed of the first run (the others derive from it)' },
  { key: 'rounds', flag: 'rounds', kind: 'int', min: 1, max: 1000, appliesTo: PREDICTOR, tag: (v: number) => `rounds${v}`, help: 'rounds of the iterative data selection' },
  { key: 'first', flag: 'first', kind: 'int', value: 'N|auto', min: 1, max: 1e6, auto: true, appliesTo: PREDICTOR, keyWhenSet: true, tag: (v: number | null) => (v === null ? 'firstauto' : `first${v}`), help: 'models in the first round, at most the budget; the rest share the other rounds, the BRP trained 3 steps per measured model (auto: budget / rounds each, on the reference schedule of 60 steps times the round)' },
  { key: 'warmStart', flag: 'warm-start', kind: 'choice', choices: WARM_STARTS, appliesTo: PREDICTOR, keyWhenSet: true, tag: (v: string) => `warm-${v}`, help: "how the first round is chosen: random, or by a zero-cost score in a predictor's place, params or synflow (nb201 only): half the highest-scoring, half at random from the better half" },
  { key: 'explore', flag: 'explore', kind: 'num', value: 'F', min: 0, max: 1, appliesTo: PREDICTOR, keyWhenSet: true, tag: (v: number) => `explore${v}`, help: "share of each round after the first (but the last) proposed at random from the top 1/2^round of the ranking, the rest the predicted best (the reference: 0.5)" },
  { key: 'local', flag: 'local', kind: 'int', value: 'K', min: 0, max: 1000, appliesTo: PREDICTOR, keyWhenSet: true, tag: (v: number) => `local${v}`, help: 'take each round\'s predicted-best picks from the cells one mutation away from the K best measured so far (0: from the whole ranking); the random share stays global' },
  { key: 'targets', flag: 'targets', kind: 'choice', choices: TARGET_SCALINGS, appliesTo: ['brp'], tag: (v: string) => v, help: "scaling of accuracies before the soft pair targets (minmax: the reference's)" },
  { key: 'referenceSelection', flag: 'reference-selection', kind: 'bool', appliesTo: PREDICTOR, tag: () => 'refsel', help: "the reference's half-random last round" },
  { key: 'transfer', flag: 'transfer', kind: 'path', value: 'MODEL', appliesTo: ['brp'], spaces: ['nb201'], tag: (v: string) => `transfer-${base(v)}`, help: 'start the BRP body from a GCN latency predictor' },
  { key: 'warmup', flag: 'warmup', kind: 'int', min: 0, max: 100000, appliesTo: ['brp'], spaces: ['nb201'], tag: (v: number) => `warmup${v}`, help: 'head-only warm-up steps after --transfer' },
  { key: 'latLimitMs', common: true, flag: 'lat-limit', kind: 'num', value: 'MS', min: 0, appliesTo: 'all', tag: (v: number) => `lat${v}`, help: 'latency limit in ms: candidates a --latency-model predicts within it; with --trainer, also what the trainer measured (latency_ms)' },
  { key: 'finalRetrain', flag: 'final-retrain', kind: 'int', value: 'K', min: 0, max: 1000, appliesTo: 'all', keyWhenSet: true, tag: (v: number) => `retrain${v}`, help: 'of the budget, K trainings at the end: the K best by validation accuracy trained once more with another seed; the model picked is the best by the mean of its two (0: the best single validation accuracy; default 0 in simulations, and with --trainer a tenth of the budget, at most 3)' },
  { key: 'latencyModel', common: true, flag: 'latency-model', kind: 'path', value: 'MODEL', appliesTo: 'all', spaces: ['nb201'], tag: (v: string) => base(v), help: 'latency predictor that enforces --lat-limit' },
];

/**
 * Version of the search protocol: bumped whenever a change alters what a search with the same
 * options computes, so cached results of an older protocol are recognised as stale. 2: every
 * strategy proposes one cell per isomorphism class (REA and random did not).
 */
export const SEARCH_PROTOCOL = 2;

export class SearchOptionError extends Error {}

const applies = (d: SearchOptionDef, s: StrategyName) => d.appliesTo === 'all' || d.appliesTo.includes(s);
const inSpace = (d: SearchOptionDef, sp: SearchSpaceName) => !d.spaces || d.spaces.includes(sp);
/** Keys that are not plain options: they name the result first. */
const HEAD = new Set<keyof SearchSettings>(['space', 'dataset', 'reveal', 'strategy']);

/**
 * Settings from parsed flag values (strings and booleans, as node:util parseArgs gives them):
 * checks types and ranges, and refuses options that mean nothing for the chosen strategy.
 */
export function searchSettingsFrom(values: Record<string, unknown>, command = 'search', mode: 'simulate' | 'real' = 'simulate'): SearchSettings {
  const fail = (m: string): never => {
    throw new SearchOptionError(`${command}: ${m}`);
  };
  const spaces: readonly string[] = mode === 'real' ? REAL_SEARCH_SPACES : SEARCH_SPACES;
  const spaceArg = values.space ?? 'nb201';
  if (typeof spaceArg !== 'string' || !spaces.includes(spaceArg)) {
    if (spaceArg === 'darts') fail('--space darts has no benchmark table to simulate on: search it with real training (--trainer)');
    fail(`unknown search space ${JSON.stringify(spaceArg)}; known: ${spaces.join(', ')}`);
  }
  const space = spaceArg as SearchSpaceName;
  for (const d of SEARCH_OPTIONS) if (!inSpace(d, space) && values[d.flag] !== undefined && values[d.flag] !== false) fail(`--${d.flag} does not apply to --space ${space} (only to ${d.spaces!.join(', ')})`);
  let dataset: Nb201Dataset | null = null;
  let reveal: Nb101RevealColumn | null = null;
  if (mode === 'real') {
    // the trainer reveals accuracies: a pool table and its column belong to simulations
    for (const f of ['pool', 'reveal']) if (values[f] !== undefined) fail(`--${f} selects what a simulation reveals; with --trainer the trainer reveals accuracies`);
    if (values.dataset !== undefined) dataset = DATASET_ALIASES[values.dataset as string] ?? fail(`unknown dataset ${JSON.stringify(values.dataset)}; known: ${NB201_DATASETS.join(', ')}`);
  } else if (space === 'nb201') {
    if (typeof values.dataset !== 'string') fail(`--dataset is required (${NB201_DATASETS.join(', ')})`);
    dataset = DATASET_ALIASES[values.dataset as string] ?? fail(`unknown dataset ${JSON.stringify(values.dataset)}; known: ${NB201_DATASETS.join(', ')}`);
  } else {
    const r = values.reveal ?? 'val108_1run';
    if (typeof r !== 'string' || !(NB101_REVEAL_COLUMNS as readonly string[]).includes(r)) fail(`--reveal must be one of ${NB101_REVEAL_COLUMNS.join(', ')}, got ${JSON.stringify(r)}`);
    reveal = r as Nb101RevealColumn;
  }
  if (typeof values.strategy !== 'string') fail(`--strategy is required (${STRATEGIES.join(', ')})`);
  if (!(STRATEGIES as readonly string[]).includes(values.strategy as string)) fail(`--strategy must be one of ${STRATEGIES.join(', ')}, got ${JSON.stringify(values.strategy)}`);
  const strategy = values.strategy as StrategyName;
  const out: SearchSettings = { ...SEARCH_DEFAULTS, space, dataset, reveal, pool: null, strategy };
  for (const d of SEARCH_OPTIONS) {
    if (HEAD.has(d.key)) continue;
    const v = values[d.flag];
    if (v === undefined || v === false) continue;
    if (!applies(d, strategy)) fail(`--${d.flag} does not apply to --strategy ${strategy} (only to ${(d.appliesTo as readonly string[]).join(', ')})`);
    const range = () => (d.max !== undefined ? `between ${d.min} and ${d.max}` : `at least ${d.min}`);
    let x: unknown;
    if (d.kind === 'bool') x = true;
    else if (typeof v !== 'string') fail(`--${d.flag} needs a value`);
    else if (d.auto && v === 'auto') x = null;
    else if (d.kind === 'int' || d.kind === 'num') {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n) || (d.kind === 'int' && !Number.isInteger(n))) fail(`--${d.flag} must be ${d.kind === 'int' ? 'an integer' : 'a number'} ${range()}${d.auto ? ' or auto' : ''}, got ${JSON.stringify(v)}`);
      if ((d.min !== undefined && n < d.min) || (d.max !== undefined && n > d.max)) fail(`--${d.flag} must be ${range()}, got ${n}`);
      x = n;
    } else if (d.kind === 'choice') {
      if (!d.choices!.includes(v)) fail(`--${d.flag} must be one of ${d.choices!.join(', ')}, got ${JSON.stringify(v)}`);
      x = v;
    } else x = v;
    (out as unknown as Record<string, unknown>)[d.key] = x;
  }
  if (mode === 'simulate' && (out.latLimitMs === null) !== (out.latencyModel === null)) fail('--lat-limit and --latency-model go together');
  if (mode === 'real' && values.runs !== undefined && out.runs !== 1) fail('a search with --trainer is one run (--runs 1)');
  if (mode === 'real') out.runs = 1;
  // real trainings are noisy and the pick is deployed: retrain the few best unless told otherwise
  if (mode === 'real' && values['final-retrain'] === undefined) out.finalRetrain = Math.min(3, Math.floor(out.budget / 10));
  if (out.latLimitMs !== null && !(out.latLimitMs > 0)) fail('--lat-limit must be a positive number of milliseconds');
  if (out.warmStart === 'synflow' && space !== 'nb201') fail('--warm-start synflow: only nb201 has a SynFlow score; use params');
  if (out.warmup > 0 && out.transfer === null) fail('--warmup trains the head of a transferred body: it needs --transfer MODEL');
  // the default first round shrinks to a small budget; one asked for does not
  if (values.first === undefined) out.first = defaultFirstRound(out.budget, out.rounds);
  if (out.finalRetrain > 0 && out.finalRetrain > out.budget / 2) fail(`--final-retrain ${out.finalRetrain} is more than half the budget (${out.budget})`);
  if (out.first !== null && out.first > out.budget) fail(`--first ${out.first} is more than the budget (${out.budget})`);
  if (out.first !== null && out.first < out.budget && out.rounds < 2) fail('--first needs --rounds 2 or more (the rest of the budget goes to the later rounds)');
  return out;
}

/** The settings that change a search's results, in a fixed order (checkpoint and result keys). */
export function searchKey(s: SearchSettings): Record<string, unknown> {
  // NB201 keys are those of the results made before other spaces existed (they stay valid)
  const key: Record<string, unknown> = s.space === 'nb201' ? { protocol: SEARCH_PROTOCOL, dataset: s.dataset, strategy: s.strategy } : { protocol: SEARCH_PROTOCOL, space: s.space, reveal: s.reveal, strategy: s.strategy };
  for (const d of SEARCH_OPTIONS) {
    if (HEAD.has(d.key) || d.key === 'runs' || !applies(d, s.strategy) || !inSpace(d, s.space)) continue;
    if (d.keyWhenSet && s[d.key] === (SEARCH_BASELINE as Record<string, unknown>)[d.key]) continue;
    key[d.key] = s[d.key];
  }
  return key;
}

/**
 * Whether two result keys (objects or their JSON) describe the same search. An option that is unset
 * (null) is the same as an option the key does not name: keys made before an option applied to a
 * space (--lat-limit on NB101 since the real search) stay valid.
 */
export function sameSearchKey(a: string | Record<string, unknown>, b: string | Record<string, unknown>): boolean {
  const canon = (k: string | Record<string, unknown>) => {
    const o = typeof k === 'string' ? (JSON.parse(k) as Record<string, unknown>) : k;
    return JSON.stringify(Object.entries(o).filter(([, v]) => v !== null));
  };
  try {
    return canon(a) === canon(b);
  } catch {
    return false;
  }
}

/** What the settings ask of a strategy: the CLI, the search with real training and the bench share it. */
export function strategyKnobs(s: SearchSettings): { rounds: number; first: number | null; warmStart: WarmStart; explore: number; local: number; exploitLastRound: boolean; brp: { targets: TargetScaling; warmupSteps: number }; finalRetrain: number } {
  return { rounds: s.rounds, first: s.first, warmStart: s.warmStart, explore: s.explore, local: s.local, exploitLastRound: !s.referenceSelection, brp: { targets: s.targets, warmupSteps: s.warmup }, finalRetrain: s.finalRetrain };
}

/**
 * A result file's base name: dataset and strategy, budget and seed always, then a tag for every
 * other option that applies and differs from its baseline value, so no two settings share a name (the
 * number of runs is left out: a longer search extends a shorter one).
 */
export function searchResultName(s: SearchSettings): string {
  const parts: string[] = s.space === 'nb201' ? [s.dataset!, s.strategy] : [s.space, s.reveal!, s.strategy];
  for (const d of SEARCH_OPTIONS) {
    if (!d.tag || !applies(d, s.strategy) || !inSpace(d, s.space)) continue;
    const v = s[d.key];
    const always = d.key === 'budget' || d.key === 'seed';
    if (always || (v ?? null) !== ((SEARCH_BASELINE as Record<string, unknown>)[d.key] ?? null)) parts.push((d.tag as (x: unknown) => string)(v));
  }
  return parts.join('-');
}

/** The options part of the search usage text: every option, or (`common`) the short help's. */
export function searchOptionsHelp(common = false): string {
  return SEARCH_OPTIONS.filter((d) => !common || d.common).map((d) => {
    const dflt = (SEARCH_DEFAULTS as Record<string, unknown>)[d.key];
    const val = d.kind === 'bool' ? '' : ` ${d.value ?? (d.choices ? d.choices.join('|') : 'N')}`;
    const scope = (d.appliesTo === 'all' ? '' : ` [${d.appliesTo.join(', ')}]`) + (d.spaces ? ` [${d.spaces.join(', ')}]` : '');
    const def = dflt === undefined || dflt === null || dflt === false ? '' : ` (default ${dflt})`;
    const head = `  --${d.flag}${val}`;
    return (head.length < 34 ? head.padEnd(34) : `${head}\n${' '.repeat(34)}`) + wrap(`${d.help}${def}${scope}`, 100 - 34).join(`\n${' '.repeat(34)}`);
  }).join('\n');
}

/** Words in lines of at most `width` characters (a longer word keeps a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  return [...lines, line];
}
