import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import { cellSvg, opColour } from '../src/report/cell-svg.js';
import { getSpace } from '../src/spaces/registry.js';
import { cli } from './helpers.js';

const DARTS_V2 =
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";
const NB101 = '{"matrix":[[0,1,1,1,0,1,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,1],[0,0,0,0,1,0,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,1],[0,0,0,0,0,0,0]],"ops":["input","conv3x3-bn-relu","maxpool3x3","conv3x3-bn-relu","conv3x3-bn-relu","conv1x1-bn-relu","output"]}';

const paths = (svg: string) => [...svg.matchAll(/<path d="M[^"]*Q[^"]*"[^>]*>/g)].map((m) => m[0]);
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)/g)].map((m) => m[1]);

test('NB201 drawing: one arrow per edge that carries something, ops named, dead edges dashed, none left out', () => {
  const s = getSpace('nb201');
  // edge 2 (1->2) is a convolution whose node 2 reaches the output only through `none`: dead
  const v = s.parse('|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|nor_conv_3x3~1|none~2|');
  const [d] = s.draw(v);
  assert.equal(d.edges.length, 5);
  const svg = cellSvg(s.draw(v));
  const edges = paths(svg);
  assert.equal(edges.length, 5, 'none is no edge');
  assert.equal(edges.filter((p) => p.includes('stroke-dasharray')).length, 2, 'the two edges into node 2 are dead');
  for (const op of ['nor_conv_3x3', 'avg_pool_3x3', 'skip_connect (dead)', 'nor_conv_1x1 (dead)']) assert.ok(texts(svg).includes(op), op);
  assert.ok(!texts(svg).includes('none'));
});

test('DARTS drawing: both cells, eight op edges each and four into the output; an op keeps its colour across cells', () => {
  const s = getSpace('darts');
  const ds = s.draw(s.parse(DARTS_V2));
  assert.deepEqual(ds.map((d) => d.title), ['normal cell', 'reduction cell']);
  for (const d of ds) {
    assert.equal(d.edges.filter((e) => e.op).length, 8);
    assert.equal(d.edges.filter((e) => e.to === 'out').length, 4);
  }
  const svg = cellSvg(ds, { title: 'DARTS V2 <&>' });
  assert.equal(paths(svg).length, 24);
  assert.ok(svg.includes('DARTS V2 &lt;&amp;&gt;'), 'titles are escaped');
  const skip = opColour(ds[0].ops, 'skip_connect');
  assert.equal(opColour(ds[1].ops, 'skip_connect'), skip);
  // every skip_connect edge in both cells is drawn in that colour
  assert.equal(paths(svg).filter((p) => p.includes(`stroke="${skip}"`)).length, 2 + 3);
  assert.ok(new Resvg(svg).render().asPng().length > 1000, 'resvg renders it');
});

test('NB101 drawing: ops on the vertices, one arrow per matrix edge', () => {
  const s = getSpace('nb101');
  const c = s.parse(NB101);
  const svg = cellSvg(s.draw(c));
  assert.equal(paths(svg).length, 9);
  assert.deepEqual(texts(svg).filter((t) => /bn-relu|pool/.test(t)).slice(0, 5), ['conv3x3-bn-relu', 'maxpool3x3', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv1x1-bn-relu']);
  assert.throws(() => cellSvg([]), /nothing to draw/);
  assert.throws(() => cellSvg([{ title: 't', ops: [], nodes: [{ id: 'a', label: 'a', role: 'input' }], edges: [{ from: 'a', to: 'b' }] }]), /unknown node/);
});

test('space --arch A --draw FILE: SVG or PNG by the extension; a wrong name or no --arch writes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-draw-'));
  try {
    const png = join(dir, 'darts.png');
    const r = cli(['space', 'darts', '--arch', DARTS_V2, '--draw', png, '--json']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual([...readFileSync(png).subarray(1, 4)], [...Buffer.from('PNG')]);
    assert.ok(JSON.parse(r.out).key, 'the description still prints');
    const svg = join(dir, 'nb201.svg');
    assert.equal(cli(['space', 'nb201', '--arch', '334131', '--draw', svg]).code, 0);
    assert.match(readFileSync(svg, 'utf8'), /^<svg[^>]*>.*nor_conv_3x3.*<\/svg>\n$/s);
    const bad = cli(['space', 'nb201', '--arch', '334131', '--draw', join(dir, 'x.txt')]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--draw takes a \.svg or \.png/);
    assert.match(cli(['space', 'nb101', '--draw', join(dir, 'y.svg')]).err, /--draw needs --arch/);
    const broken = cli(['space', 'darts', '--arch', 'Genotype(normal=[])', '--draw', join(dir, 'z.svg')]);
    assert.equal(broken.code, 1);
    assert.ok(!existsSync(join(dir, 'x.txt')) && !existsSync(join(dir, 'y.svg')) && !existsSync(join(dir, 'z.svg')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
