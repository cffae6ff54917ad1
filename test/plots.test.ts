import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curvesSvg, groupedBarsSvg } from '../src/report/plots.js';

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

test('curve plots: a long series name (a result label) is shown whole in the legend', async () => {
  // the labels the search bench gives its curves run to 50+ characters; vega's estimated text width
  // used to cut them at the legend's label limit with an ellipsis
  const name = 'brp-rounds10-first10-warm-params-explore0.2-local2-and-more';
  const mean = Array.from({ length: 30 }, (_, i) => 90 + i / 10);
  const svg = await curvesSvg([{ name, mean, se: mean.map(() => 0.05) }, { name: 'rea', mean: mean.map((m) => m - 0.5) }], { title: 't', xLabel: 'x', yLabel: 'y' });
  assert.ok(svg.includes(`>${name}<`), 'the legend holds the whole name');
  assert.ok(!svg.includes('\u2026') && !svg.includes('&#8230;'), 'no label cut with an ellipsis');
});

test('plots say what their marks are (subtitles), and a .png path gets a PNG of the same plot', async () => {
  const { curvesSvg, scatterSvg, paretoSvg, plotBytes } = await import('../src/report/plots.js');
  const curves = await curvesSvg([{ name: 'brp', mean: [1, 2, 3], se: [0.1, 0.1, 0.1] }], { title: 't', xLabel: 'x', yLabel: 'y' });
  assert.match(curves, /shaded bands: \+-1 standard error of the mean/);
  const scatter = await scatterSvg([1, 2, 3], [1.1, 2, 2.9], { title: 't', xLabel: 'x', yLabel: 'y', identity: true });
  assert.match(scatter, /dashed lines: \+-10% of the measurement/);
  const byFlops = await paretoSvg([{ latency_ms: 10, accuracy: 50, source: 'flops' }, { latency_ms: 20, accuracy: 60, source: 'flops' }], [{ latency_ms: 10, accuracy: 50 }], { title: 't', xLabel: 'MFLOPs' });
  assert.doesNotMatch(byFlops, /latency from/, 'no latency legend over MFLOPs');
  const byLatency = await paretoSvg([{ latency_ms: 1, accuracy: 50, source: 'measured' }, { latency_ms: 2, accuracy: 60, source: 'predicted' }], [{ latency_ms: 1, accuracy: 50 }], { title: 't', limitMs: 1.5 });
  assert.match(byLatency, /latency from/);
  assert.match(byLatency, /dashed: the latency limit/);
  assert.equal(plotBytes('a.svg', curves), curves);
  const png = plotBytes('a.PNG', curves) as Uint8Array;
  assert.deepEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(png.length > 5000, `${png.length} bytes`);
});
