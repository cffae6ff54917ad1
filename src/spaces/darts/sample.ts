// Random DARTS genotypes as the reference draws them (get_random_model, Python `random`, bit-exact
// through PyRandom): per cell, 8 ops by random.choices over DARTS_OPS, then for nodes 2..5 two
// distinct inputs by random.sample from the nodes so far. NB301's sampler draws the same way.

import { PyRandom } from '../../util/py-random.js';
import { DARTS_OPS, type DartsCell, type Genotype } from './genotype.js';

const OP_IDS = DARTS_OPS.map((_, i) => i);

export interface UniformSource {
  choices<T>(population: readonly T[], k: number): T[];
  sample<T>(population: readonly T[], k: number): T[];
}

function randomCell(r: UniformSource): DartsCell {
  const ops = r.choices(OP_IDS, 8);
  const inputs: number[] = [];
  const pool = [0, 1];
  for (let node = 2; node < 6; node++) {
    inputs.push(...r.sample(pool, 2));
    pool.push(node);
  }
  return { ops, inputs };
}

export function randomGenotype(r: UniformSource): Genotype {
  const normal = randomCell(r);
  return { normal, reduce: randomCell(r) };
}

/** The reference's seeded sample stream: random.seed(seed), then genotypes one after another. */
export function referenceSampler(seed: number): () => Genotype {
  const r = new PyRandom(seed);
  return () => randomGenotype(r);
}
