import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadLatBench } from '../src/data/device-latency.js';
import { decodeArtifact, encodeArtifact } from '../src/predictors/artifact.js';
import { latencyBody, loadLatencyPredictor, trainLatencyPredictor } from '../src/predictors/latency.js';
import { withNb201NodeCosts } from '../src/predictors/node-costs.js';
import { loadSpaceLatencyPredictor, trainSpaceLatencyPredictor } from '../src/predictors/space-latency.js';
import { dartsLayerFeatures } from '../src/spaces/darts/cost.js';
import type { Genotype } from '../src/spaces/darts/genotype.js';
import { dartsSpace } from '../src/spaces/darts/space.js';
import { parseArch, vectorToCode } from '../src/spaces/nb201/cell.js';
import { encodeNb201Codes } from '../src/spaces/nb201/graphs.js';
import { Rng } from '../src/util/rng.js';
import { dataDir } from './helpers.js';

const reencode = (bytes: Uint8Array, change: (h: Record<string, unknown>) => void) => {
  const { header, params } = decodeArtifact(bytes);
  const { format: _f, version: _v, paramCount: _p, ...rest } = header as unknown as Record<string, unknown>;
  change(rest);
  return encodeArtifact(rest as Parameters<typeof encodeArtifact>[0], params);
};

test('NB201: each op node shown carries its (edge, op) weight over the scale; skip, none, dead and fixed nodes carry nothing', () => {
  const arch = '|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_1x1~2|';
  // edge 1 (2<-0) is dead: node 2 feeds nothing
  const dead = '|nor_conv_3x3~0|+|nor_conv_1x1~0|none~1|+|nor_conv_1x1~0|avg_pool_3x3~1|none~2|';
  const codes = [vectorToCode(parseArch(arch)), vectorToCode(parseArch(dead))];
  const model = { kind: 'layerwise', weights: Array.from({ length: 25 }, (_, j) => j + 1) };
  const set = withNb201NodeCosts(encodeNb201Codes(codes), codes, model, 2);
  assert.equal(set.features, 7);
  const cost = (g: number, n: number) => set.featureData[(g * set.nodes + n) * set.features + 6];
  // cell 0: edge 0 conv3x3 (op 3), edge 2 pool (op 4), edge 3 skip, edge 5 conv1x1 (op 2)
  assert.deepEqual(Array.from({ length: 9 }, (_, n) => cost(0, n)), [0, 0, (0 * 4 + 2 + 1) / 2, 0, (2 * 4 + 3 + 1) / 2, 0, 0, (5 * 4 + 1 + 1) / 2, 0]);
  // cell 1: edge 1's node shows no cost in a pruned cell (the device does not run it)
  assert.equal(cost(1, 3), 0);
  assert.equal(cost(1, 2), (0 * 4 + 2 + 1) / 2);
  assert.equal(cost(1, 5), (3 * 4 + 1 + 1) / 2);
  // the one-hot part is the encoding's, untouched
  const plain = encodeNb201Codes(codes);
  for (let r = 0; r < plain.count * plain.nodes; r++) assert.deepEqual(Array.from(set.featureData.subarray(r * 7, r * 7 + 6)), Array.from(plain.featureData.subarray(r * 6, r * 6 + 6)));
});

test('the NB201 GCN on the residual with node costs: saved with its scale, restored to the same predictions; forged costs refused', () => {
  const ds = loadLatBench('mobile-gpu-snapdragon-855-adreno-640-int8', dataDir());
  const e = trainLatencyPredictor(ds, { kind: 'gcn', prior: 'layerwise', seed: 1, train: 120, valid: 20, schedule: 'fast', config: { epochs: 1 } });
  const bytes = e.predictor.toArtifact();
  const { header } = decodeArtifact(bytes);
  assert.ok((header.node_costs as { scale: number }).scale > 0);
  assert.equal((header.gcn as { features: number }).features, 7);
  const back = loadLatencyPredictor(bytes);
  const codes = e.testCodes.slice(0, 50);
  assert.deepEqual(Array.from(back.predictSecondsOfCodes(codes)), Array.from(e.predictor.predictSecondsOfCodes(codes)));
  // its body cannot start an accuracy predictor (whose encoding has no cost feature)
  assert.throws(() => latencyBody(bytes, 'costs.model'), /^Error: costs.model: this GCN reads per-op costs as a 7th node feature/);
  const plain = trainLatencyPredictor(ds, { kind: 'gcn', prior: 'layerwise', nodeCosts: false, seed: 1, train: 120, valid: 20, schedule: 'fast', config: { epochs: 1 } });
  assert.equal(decodeArtifact(plain.predictor.toArtifact()).header.node_costs, undefined);
  assert.throws(() => loadLatencyPredictor(reencode(bytes, (h) => (h.node_costs = { scale: -1 })), 'forged.model'), /^Error: forged.model: malformed node costs/);
  assert.throws(() => loadLatencyPredictor(reencode(bytes, (h) => delete h.prior), 'forged.model'), /^Error: forged.model: node costs belong to a GCN with a layer-wise prior$/);

  // other spaces' GCNs have no costs (they measured no gain on DARTS): a space model claiming them is refused
  const rng = new Rng(3);
  const archs: Genotype[] = Array.from({ length: 80 }, () => dartsSpace.sample(rng));
  const seconds = Float64Array.from(archs, (g) => 1e-3 * (5 + dartsLayerFeatures(g).reduce((s, c, j) => s + c * ((j % 7) + 1), 0)));
  const d = trainSpaceLatencyPredictor({ device: 'synthetic', source: 'memory', space: dartsSpace, archs, seconds }, { kind: 'gcn', prior: 'layerwise', seed: 0, train: 50, valid: 10, schedule: 'fast', config: { epochs: 1 } });
  const dBytes = d.predictor.toArtifact();
  assert.equal(decodeArtifact(dBytes).header.node_costs, undefined);
  assert.deepEqual(Array.from(loadSpaceLatencyPredictor(dBytes).predictSeconds(archs.slice(60))), Array.from(d.predictor.predictSeconds(archs.slice(60))));
  assert.throws(() => loadSpaceLatencyPredictor(reencode(dBytes, (h) => (h.node_costs = { scale: 1 })), 'forged.model'), /^Error: forged.model: node costs belong to NB201 latency GCNs, not DARTS's$/);
});
