import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupedBarsSvg } from '../src/report/plots.js';

test('grouped bar charts: one bar per (group, series) in each panel, labels shown', async () => {
  const bars = (scale: number) =>
    ['device-a', 'device-b', 'device-c'].flatMap((group, i) => ['gcn', 'flops'].map((series, j) => ({ group, series, value: scale * (0.5 + 0.1 * i + 0.2 * j) })));
  const svg = await groupedBarsSvg([{ title: 'within 10%', bars: bars(100), domain: [0, 100] }, { title: 'Spearman', bars: bars(1) }], { title: 'quality' });
  assert.match(svg, /^<svg/);
  for (const label of ['device-a', 'device-b', 'device-c', 'gcn', 'flops', 'within 10%', 'Spearman', 'quality']) assert.ok(svg.includes(label), `missing ${label}`);
  // vega draws each bar as one path inside the rect marks' group
  const barPaths = [...svg.matchAll(/<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/gs)].map((m) => (m[1].match(/<path/g) ?? []).length);
  assert.deepEqual(barPaths, [6, 6], `bars per panel ${barPaths}`);
  await assert.rejects(groupedBarsSvg([], { title: 'x' }), /no panels/);
});
