import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ENC_FEATURES,
  ENC_NODES,
  NB201_SIZE,
  archStringToVector,
  codeToVector,
  encode,
  isValid,
  isomorphismKey,
  parseArch,
  sampleCodes,
  tupleStringToVector,
  vectorToArchString,
  vectorToCode,
  vectorToTupleString,
} from '../src/spaces/nb201/cell.js';
import { nb201SpaceSummary } from '../src/spaces/nb201/summary.js';
import { loadNb201Index } from '../src/data/nb201-bench.js';
import { Rng } from '../src/util/rng.js';
import { dataDir } from './helpers.js';

const EXAMPLE = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';

test('worked example maps to (3, 3, 4, 1, 3, 1) and back', () => {
  assert.deepEqual(archStringToVector(EXAMPLE), [3, 3, 4, 1, 3, 1]);
  assert.equal(vectorToArchString([3, 3, 4, 1, 3, 1]), EXAMPLE);
  assert.equal(vectorToTupleString([3, 3, 4, 1, 3, 1]), '(3, 3, 4, 1, 3, 1)');
});

test('string, vector, tuple and code round-trip for all 15,625 cells', () => {
  for (let c = 0; c < NB201_SIZE; c++) {
    const v = codeToVector(c);
    assert.equal(vectorToCode(v), c);
    const s = vectorToArchString(v);
    assert.deepEqual(archStringToVector(s), v);
    assert.deepEqual(tupleStringToVector(vectorToTupleString(v)), v);
    assert.deepEqual(parseArch(v.join('')), v);
  }
  // position 0 changes fastest, as the reference iterator does
  assert.deepEqual(codeToVector(1), [1, 0, 0, 0, 0, 0]);
  assert.deepEqual(codeToVector(5), [0, 1, 0, 0, 0, 0]);
});

test('malformed architectures give errors that name the problem', () => {
  assert.throws(() => archStringToVector('|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|'), /unknown NB201 operation "conv"/);
  assert.throws(() => archStringToVector('|none~0|+|none~0|none~1|'), /3 node groups/);
  assert.throws(() => archStringToVector('|none~1|+|none~0|none~1|+|none~0|none~1|none~2|'), /must read from node 0/);
  assert.throws(() => archStringToVector('|none~0|+|none~0|+|none~0|none~1|none~2|'), /node 2 needs 2 inputs/);
  assert.throws(() => parseArch('hello'), /unknown NB201 architecture "hello"/);
  assert.throws(() => parseArch('(1, 2, 3)'), /not an NB201 tuple key/);
  assert.throws(() => codeToVector(15625), /0..15624/);
  assert.throws(() => vectorToCode([0, 0, 0, 0, 0, 5]), /0..4/);
});

test('encoding of the worked example matches the reference matrix and features', () => {
  const { adjacency, features } = encode([3, 3, 4, 1, 3, 1]);
  const expected = [
    '111111111',
    '011100001',
    '001010100',
    '000100001',
    '000010001',
    '000001000',
    '000000101',
    '000000010',
    '000000001',
  ];
  for (let i = 0; i < ENC_NODES; i++) assert.equal(Array.from(adjacency.subarray(i * 9, i * 9 + 9)).join(''), expected[i], `row ${i}`);
  const argmax = [5, 3, 1, 1, 2, -1, 1, -1, 4];
  for (let i = 0; i < ENC_NODES; i++) {
    const row = Array.from(features.subarray(i * ENC_FEATURES, (i + 1) * ENC_FEATURES));
    const hot = row.indexOf(1);
    assert.equal(hot, argmax[i], `row ${i}`);
    assert.equal(row.reduce((a, b) => a + b, 0), hot < 0 ? 0 : 1);
  }
});

test('disconnected cell encodes as identity plus global row with io one-hots', () => {
  const { adjacency, features } = encode([0, 0, 0, 0, 0, 0]);
  for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) assert.equal(adjacency[i * 9 + j], i === 0 || i === j ? 1 : 0);
  assert.deepEqual(Array.from(features.subarray(0, 6)), [0, 0, 0, 0, 0, 1]);
  assert.deepEqual(Array.from(features.subarray(6, 12)), [0, 0, 0, 1, 0, 0]);
  assert.deepEqual(Array.from(features.subarray(48, 54)), [0, 0, 0, 0, 1, 0]);
  assert.equal(features.subarray(12, 48).reduce((a, b) => a + b, 0), 0);
});

test('space counts: 15,284 valid, 8,687 encodings, largest encoding class 467, disconnected class 341', () => {
  const s = nb201SpaceSummary();
  assert.equal(s.total, 15625);
  assert.equal(s.valid, 15284);
  assert.equal(s.distinct_encodings, 8687);
  assert.equal(s.unique_all, 6466); // the NAS-Bench-201 paper's unique-architecture count
  assert.equal(s.unique, 6461);
  const classes = new Map<string, number>();
  let invalidKeys = new Set<string>();
  for (let c = 0; c < NB201_SIZE; c++) {
    const v = codeToVector(c);
    const e = encode(v);
    const k = e.adjacency.join('') + e.features.join('');
    classes.set(k, (classes.get(k) ?? 0) + 1);
    if (!isValid(v)) invalidKeys.add(k);
  }
  assert.equal(Math.max(...classes.values()), 467);
  assert.equal(invalidKeys.size, 1);
  assert.equal(classes.get([...invalidKeys][0]), 341);
});

test('isomorphism key equals the benchmark UniqueString for every cell, in NB201 index order', async () => {
  const { readFileSync } = await import('node:fs');
  const rows = readFileSync(`${dataDir()}/nats-bench-landscape/nats_bench.csv`, 'utf8').trim().split('\n').slice(1);
  assert.equal(rows.length, NB201_SIZE);
  const index = loadNb201Index(dataDir());
  rows.forEach((row, i) => {
    const [, , , arch, unique] = row.split(',');
    const v = archStringToVector(arch);
    assert.equal(isomorphismKey(v), unique, arch);
    assert.equal(index.indexOf(v), i);
    assert.equal(index.archStringAt(i), arch);
  });
  // Known anchor: the best CIFAR-100 cell is NB201 index 9930.
  assert.equal(index.indexOf([3, 3, 3, 1, 3, 3]), 9930);
  assert.equal(index.archStringAt(0), '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|');
});

test('seeded sampling is reproducible, distinct and valid', () => {
  const a = sampleCodes(new Rng(7), 500);
  const b = sampleCodes(new Rng(7), 500);
  const c = sampleCodes(new Rng(8), 500);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.equal(new Set(a).size, 500);
  assert.ok(a.every((x) => isValid(codeToVector(x))));
});
