// `brp-nas lab`: an HTTP server (node:http) that any device joins by opening a URL. It assigns each
// device the networks of a seeded order (the `measure` order for the space, so every device measures
// the same architectures first), serves them as ONNX bytes, receives the raw timings, computes the
// `measure` statistics and appends each result durably to that device's own dataset file (the
// `measure` format: `latency train --device FILE` reads it). When a device passes a threshold, a
// child process trains its latency predictor, which its page then offers for download.
//
// The routes register on a web/router.ts Router, so `brp-nas ui` serves them beside the searches'
// behind one token. Security, as a server on a network: it binds to 127.0.0.1 unless told
// otherwise; every request needs the token (web/http-kit.ts: a cookie set when the page is opened
// with ?token=, the query, or an Authorization: Bearer header; 401 without, 403 when wrong); bodies
// are size-limited JSON with no unknown fields; a result must be for an architecture the server assigned to that device, with
// finite positive timings of the protocol's shape; devices prove who they are with a key the server
// gave them, and nothing in a request names a file: device files are named by server-made ids.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import { DatasetWriter } from '../data/measured-dataset.js';
import { itemId, measureOrder, type MeasureItem, type MeasureSpaceName } from '../measure/measure-space.js';
import { latencyStats, type MeasureProtocol } from '../measure/protocol.js';
import type { OnnxNetwork } from '../onnx/graph-builder.js';
import { getSpace } from '../spaces/registry.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { HttpError, SECURITY_HEADERS, fields, loadToken, readBody, sameSecret, sendJson } from '../web/http-kit.js';
import { Router } from '../web/router.js';
import { serve } from '../web/serve.js';
import type { TlsFiles } from '../web/tls.js';
import { dashboardPage, devicePage } from './lab-page.js';
import { dueStage, runStage, saveDevicePredictor, type DevicePredictor } from './device-predictor.js';

export interface LabOptions {
  dir: string;
  host: string;
  port: number;
  space: MeasureSpaceName;
  /** Seed of the measurement order (every device measures the same architectures first). */
  seed: number;
  /** Networks per device. */
  count: number;
  protocol: MeasureProtocol;
  /** Train a device's predictor when its count reaches each of these. */
  trainAt: number[];
  /** `latency train --predictor` for the devices' predictors. */
  predictor: 'auto' | 'gcn' | 'layerwise' | 'flops';
  /**
   * NB201: measure first the K cells `measure --select spread` chooses, and at K adapt the LatBench
   * base to them (a predictor within a minute or two); 0: no such stage.
   */
  fewshot: number;
  /** Largest request body accepted (bytes). */
  maxBody?: number;
  /** Where the device page and the dashboard are served (default / and /dashboard). */
  paths?: { device: string; dashboard: string };
  /** Serve HTTPS with this certificate (a phone on the network then gets a secure context). */
  tls?: TlsFiles | null;
  onEvent?: (line: string) => void;
}

export interface Lab {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

interface Device {
  id: string;
  key: string;
  name: string;
  info: { userAgent: string; hardwareConcurrency: number; crossOriginIsolated: boolean; ep: string; threads: number };
  created: string;
}

interface Live {
  writer: DatasetWriter;
  points: { arch: string; ms: number; mflops: number }[];
  /** The open assignment; its networks are built once (a reload gets the same ones again). */
  assignment: { id: string; items: MeasureItem[]; posted: boolean[]; nets: Map<number, OnnxNetwork>; seed: number } | null;
  last: string | null;
  training: boolean;
  predictor: DevicePredictor | null;
  /** The few-shot stage ran (or failed): it is not tried again. */
  adaptTried: boolean;
}

const ORT_TYPES: Record<string, string> = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' };

/** Register the lab's pages and API (devices, their assignments and results, predictors) on `router`. */
export function addLabRoutes(router: Router, o: LabOptions): void {
  const maxBody = o.maxBody ?? 256 * 1024;
  mkdirSync(join(o.dir, 'devices'), { recursive: true });
  mkdirSync(join(o.dir, 'models'), { recursive: true });
  if (o.fewshot > 0 && o.space !== 'nb201') throw new Error(`few-shot adaptation (fewshot ${o.fewshot}) covers nb201, not ${o.space}`);
  const order = measureOrder(o.space, o.seed);
  const count = Math.min(o.count, order.count);
  // with a few-shot stage, the cells latency adapt should see come first, then the seeded order without them
  const first = o.fewshot > 0 ? measureOrder('nb201', o.seed, {}, { how: 'spread', count: o.fewshot }) : null;
  const firstIds = new Set(first ? Array.from({ length: first.count }, (_, i) => itemId(first.at(i))) : []);
  const items: MeasureItem[] = [];
  let next = 0;
  const itemAt = (i: number) => {
    while (items.length <= i) {
      if (first && items.length < first.count) items.push(first.at(items.length));
      else {
        let it = order.at(next++);
        while (firstIds.has(itemId(it))) it = order.at(next++);
        items.push(it);
      }
    }
    return items[i];
  };
  const space = getSpace(o.space);
  const mflopsOf = (arch: string) => space.cost(space.parse(arch)).flops / 1e6;
  const registryPath = join(o.dir, 'devices.json');
  const devices = new Map<string, Device>();
  if (existsSync(registryPath)) for (const d of JSON.parse(readFileSync(registryPath, 'utf8')).devices as Device[]) devices.set(d.id, d);
  const saveRegistry = () => writeFileAtomic(registryPath, JSON.stringify({ space: o.space, devices: [...devices.values()] }, null, 1));
  const live = new Map<string, Live>();
  const datasetPath = (id: string) => join(o.dir, 'devices', `${id}.jsonl`);

  const header = (d: Device) => ({
    format: 'brp-nas-latency' as const,
    version: 1,
    device: d.id,
    space: o.space,
    setup: { runtime: 'onnxruntime-web-lab', ep: d.info.ep, threads: d.info.threads, protocol: o.protocol, network: { batch: 1 }, order_seed: o.seed },
    machine: { name: d.name, ...d.info },
  });
  const open = (d: Device): Live => {
    let l = live.get(d.id);
    if (l) return l;
    const path = datasetPath(d.id);
    let writer: DatasetWriter;
    try {
      writer = DatasetWriter.open(path, header(d));
    } catch (e) {
      throw new HttpError(409, (e as Error).message);
    }
    const points: Live['points'] = [];
    // the writer has checked the file (and cut a torn last line); its rows are the device's points
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line) continue;
      const r = JSON.parse(line);
      if (typeof r.arch === 'string' && typeof r.latency_s === 'number') points.push({ arch: r.arch, ms: r.latency_s * 1e3, mflops: mflopsOf(r.arch) });
    }
    l = { writer, points, assignment: null, last: null, training: false, predictor: null, adaptTried: false };
    const modelMeta = join(o.dir, 'models', `${d.id}.json`);
    if (existsSync(modelMeta)) l.predictor = JSON.parse(readFileSync(modelMeta, 'utf8'));
    live.set(d.id, l);
    return l;
  };
  const status = (d: Device, l: Live) => ({ device: d.id, name: d.name, measured: l.writer.measured.size, count, done: l.writer.measured.size >= count, training: l.training, points: l.points.map(({ ms, mflops }) => ({ ms, mflops })), predictor: l.predictor ? { predictor: l.predictor.predictor, measured: l.predictor.measured, spearman: l.predictor.spearman, within10: l.predictor.within10 } : null });

  const device = (idArg: unknown, keyArg: unknown): Device => {
    const d = typeof idArg === 'string' ? devices.get(idArg) : undefined;
    if (!d || typeof keyArg !== 'string' || !sameSecret(keyArg, d.key)) throw new HttpError(403, 'unknown device, or not its key');
    return d;
  };

  // a device's predictor, in stages (lab/device-predictor.ts), off the server's thread
  const maybeTrain = (d: Device, l: Live) => {
    const n = l.writer.measured.size;
    const stage = l.training ? null : dueStage(n, o.fewshot, o.trainAt, l.predictor, l.adaptTried || existsSync(join(o.dir, 'models', `${d.id}.adapt.model`)));
    if (!stage) return;
    l.training = true;
    if (stage === 'adapt') l.adaptTried = true;
    runStage(stage, { dir: o.dir, id: d.id, dataset: datasetPath(d.id), n, predictor: o.predictor, fewshot: o.fewshot, seed: o.seed })
      .then((p) => {
        l.predictor = p;
        saveDevicePredictor(o.dir, d.id, p);
        const fmt = (x: number | null | undefined) => (typeof x === 'number' ? x.toFixed(3) : 'n/a');
        const others = Object.entries(p.candidates ?? {}).filter(([k, f]) => k !== p.predictor && f).map(([k, f]) => `${k} ${fmt(f!.spearman)}`);
        o.onEvent?.(`${d.id}: ${p.predictor} latency predictor at ${n} networks, Spearman ${fmt(p.spearman)} on ${p.test_count} held-out networks${others.length ? ` (against ${others.join(', ')})` : ''}`);
      })
      .catch((e) => {
        // a failed adaptation (no LatBench data here, say) must not stop the trained stages
        o.onEvent?.(`${d.id}: ${stage === 'adapt' ? 'adapting the LatBench base' : 'training its predictor'} failed: ${(e as Error).message}`);
      })
      .finally(() => {
        l.training = false;
        maybeTrain(d, l);
      });
  };

  const ortDir = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));

  const paths = o.paths ?? { device: '/', dashboard: '/dashboard' };
  const page = devicePage(space.title);
  const dashboard = dashboardPage(paths.device);
  router.get(paths.device, (c) => c.page(page));
  router.get(paths.dashboard, (c) => c.page(dashboard));
  router.get(/^\/ort\/(.+)$/, ({ res, params }) => {
    const file = normalize(join(ortDir, params[0]));
    if (!file.startsWith(ortDir + '/') || !existsSync(file) || !(file.slice(file.lastIndexOf('.')) in ORT_TYPES)) throw new HttpError(404, 'no such file');
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': ORT_TYPES[file.slice(file.lastIndexOf('.'))] });
    res.end(readFileSync(file));
  });
  router.post('/api/join', async ({ req, res }) => {
    const b = fields(await readBody(req, maxBody), ['name', 'userAgent', 'hardwareConcurrency', 'crossOriginIsolated', 'ep', 'threads', 'device', 'key'], 'the join request');
    let d: Device;
    if (b.device !== undefined) d = device(b.device, b.key);
    else {
      const name = typeof b.name === 'string' ? b.name.trim() : '';
      if (!name || name.length > 60) throw new HttpError(422, 'a device name of 1-60 characters is required');
      if (typeof b.userAgent !== 'string' || b.userAgent.length > 500) throw new HttpError(422, 'userAgent must be a string');
      if (!Number.isInteger(b.hardwareConcurrency) || (b.hardwareConcurrency as number) < 0 || (b.hardwareConcurrency as number) > 4096) throw new HttpError(422, 'hardwareConcurrency must be an integer');
      if (b.ep !== 'wasm' && b.ep !== 'webgpu') throw new HttpError(422, 'ep must be wasm or webgpu');
      if (!Number.isInteger(b.threads) || (b.threads as number) < 1 || (b.threads as number) > 64) throw new HttpError(422, 'threads must be an integer 1-64');
      const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'device';
      d = { id: `${slug}-${randomBytes(3).toString('hex')}`, key: randomBytes(16).toString('hex'), name, info: { userAgent: b.userAgent, hardwareConcurrency: b.hardwareConcurrency as number, crossOriginIsolated: b.crossOriginIsolated === true, ep: b.ep, threads: b.threads as number }, created: new Date().toISOString() };
      devices.set(d.id, d);
      saveRegistry();
      o.onEvent?.(`${d.id} joined: ${d.name}, ${d.info.ep}, ${d.info.threads} thread(s), ${d.info.userAgent}`);
    }
    const l = open(d);
    sendJson(res, 200, { device: d.id, key: d.key, name: d.name, space: o.space, status: status(d, l) });
  });
  router.get('/api/next', ({ res, url }) => {
    const d = device(url.searchParams.get('device'), url.searchParams.get('key'));
    const l = open(d);
    if (!l.assignment) {
      const next: MeasureItem[] = [];
      for (let i = 0; i < count && next.length < o.protocol.interleave; i++) {
        const it = itemAt(i);
        if (!l.writer.measured.has(itemId(it))) next.push(it);
      }
      if (next.length === 0) return sendJson(res, 200, { done: true, status: status(d, l) });
      l.assignment = { id: randomBytes(8).toString('hex'), items: next, posted: next.map(() => false), nets: new Map(), seed: randomBytes(4).readUInt32LE(0) };
    }
    // a reload gets the same assignment again: nothing measured is lost, nothing measured twice
    const a = l.assignment;
    const open_ = a.items.map((it, i) => ({ it, i })).filter(({ i }) => !a.posted[i]);
    const nets = open_.map(({ it, i }) => {
      if (!a.nets.has(i)) a.nets.set(i, it.build());
      return a.nets.get(i)!;
    });
    sendJson(res, 200, { assignment: a.id, seed: a.seed, protocol: o.protocol, items: open_.map(({ it, i }, k) => ({ item: i, arch: it.arch, url: `/api/model?device=${encodeURIComponent(d.id)}&key=${encodeURIComponent(d.key)}&assignment=${a.id}&item=${i}`, input: nets[k].inputName, shape: nets[k].inputShape })), status: status(d, l) });
  });
  router.get('/api/model', ({ res, url }) => {
    const d = device(url.searchParams.get('device'), url.searchParams.get('key'));
    const a = open(d).assignment;
    const i = Number(url.searchParams.get('item'));
    if (!a || url.searchParams.get('assignment') !== a.id || !a.nets.has(i)) throw new HttpError(404, 'no such assigned network');
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'application/octet-stream' });
    res.end(a.nets.get(i)!.bytes);
  });
  router.post('/api/result', async ({ req, res }) => {
    const b = fields(await readBody(req, maxBody), ['device', 'key', 'assignment', 'item', 'arch', 'times'], 'the result');
    const d = device(b.device, b.key);
    const l = open(d);
    const a = l.assignment;
    const i = b.item as number;
    if (!a || b.assignment !== a.id || !Number.isInteger(i) || i < 0 || i >= a.items.length || a.posted[i] || b.arch !== a.items[i].arch) throw new HttpError(409, 'not an architecture assigned to this device and still open');
    const t = b.times;
    const shapeOk = Array.isArray(t) && t.length === o.protocol.rounds && t.every((r) => Array.isArray(r) && r.length === o.protocol.runsPerRound);
    if (!shapeOk) throw new HttpError(422, `times must be ${o.protocol.rounds} rounds of ${o.protocol.runsPerRound} runs`);
    for (const r of t as unknown[][]) for (const x of r) if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0 || x > 3600) throw new HttpError(422, 'every time must be a finite positive number of seconds');
    const stats = latencyStats(t as number[][]);
    const it = a.items[i];
    l.writer.append({ arch: it.arch, ...(it.code !== undefined ? { code: it.code } : { key: it.key }), latency_s: stats.latency, median_s: stats.median, p10_s: stats.p10, p90_s: stats.p90, cv: stats.cv, runs: stats.runs });
    a.posted[i] = true;
    if (a.posted.every(Boolean)) l.assignment = null;
    l.points.push({ arch: it.arch, ms: stats.latency * 1e3, mflops: mflopsOf(it.arch) });
    l.last = new Date().toISOString();
    maybeTrain(d, l);
    sendJson(res, 200, status(d, l));
  });
  router.get('/api/predictor', ({ res, url }) => {
    const d = device(url.searchParams.get('device'), url.searchParams.get('key'));
    const pr = open(d).predictor;
    if (!pr || !existsSync(pr.path)) throw new HttpError(404, 'no predictor trained for this device yet');
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename="${d.id}.model"` });
    res.end(readFileSync(pr.path));
  });
  router.get('/api/devices', ({ res }) => {
    const list = [...devices.values()].map((d) => {
      const l = open(d);
      const ms = l.points.map((x) => x.ms).sort((x, y) => x - y);
      return { id: d.id, name: d.name, ...d.info, measured: l.writer.measured.size, count, median_ms: ms.length ? ms[Math.floor(ms.length / 2)] : null, training: l.training, predictor: l.predictor && { predictor: l.predictor.predictor, measured: l.predictor.measured, spearman: l.predictor.spearman, within10: l.predictor.within10 }, last: l.last };
    });
    sendJson(res, 200, { space: o.space, count, dir: o.dir, devices: list });
  });
  router.get('/favicon.ico', ({ res }) => {
    res.writeHead(204, SECURITY_HEADERS);
    res.end();
  });
}

/** The lab alone (`brp-nas lab`): its routes on a server of their own, behind the token in DIR/lab.json. */
export async function startLab(o: LabOptions): Promise<Lab> {
  const token = loadToken(join(o.dir, 'lab.json'));
  const router = new Router(token, (m) => o.onEvent?.(m));
  addLabRoutes(router, o);
  const served = await serve(router, { host: o.host, port: o.port, tls: o.tls });
  return { url: `${served.base}/?token=${token}`, token, port: served.port, close: served.close };
}
