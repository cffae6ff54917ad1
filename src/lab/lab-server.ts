// `brp-nas lab`: an HTTP server (node:http) that any device joins by opening a URL. It assigns each
// device the networks of a seeded order (the `measure` order for the space, so every device measures
// the same architectures first), serves them as ONNX bytes, receives the raw timings, computes the
// `measure` statistics and appends each result durably to that device's own dataset file (the
// `measure` format: `latency train --device FILE` reads it). When a device passes a threshold, a
// child process trains its latency predictor, which its page then offers for download.
//
// Security, as a server on a network: it binds to 127.0.0.1 unless told otherwise; every request
// needs the lab token (a cookie set when the page is opened with ?token=, the query, or an
// Authorization: Bearer header; 401 without, 403 when wrong); bodies are size-limited JSON with no
// unknown fields; a result must be for an architecture the server assigned to that device, with
// finite positive timings of the protocol's shape; devices prove who they are with a key the server
// gave them, and nothing in a request names a file: device files are named by server-made ids.

import { spawn } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatasetWriter } from '../data/measured-dataset.js';
import { itemId, measureOrder, type MeasureItem, type MeasureSpaceName } from '../measure/measure-space.js';
import { latencyStats, type MeasureProtocol } from '../measure/protocol.js';
import type { OnnxNetwork } from '../onnx/graph-builder.js';
import { getSpace } from '../spaces/registry.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { DASHBOARD_PAGE, DEVICE_PAGE } from './lab-page.js';

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
  predictor: 'gcn' | 'layerwise' | 'flops';
  /** Largest request body accepted (bytes). */
  maxBody?: number;
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
  predictor: { predictor: string; measured: number; spearman: number | null; within10: number | null; kendall: number | null; test_count: number; path: string } | null;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const ORT_TYPES: Record<string, string> = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const BIN = fileURLToPath(new URL('../../../bin/brp-nas.js', import.meta.url));

/** The lab's token, kept in DIR/lab.json so a restarted lab keeps its URL (and devices their place). */
function labToken(dir: string): string {
  const p = join(dir, 'lab.json');
  if (existsSync(p)) {
    const j = JSON.parse(readFileSync(p, 'utf8'));
    if (typeof j.token === 'string' && /^[0-9a-f]{32}$/.test(j.token)) return j.token;
  }
  const token = randomBytes(16).toString('hex');
  writeFileAtomic(p, JSON.stringify({ token, created: new Date().toISOString() }, null, 1));
  return token;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readBody(req: IncomingMessage, max: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return reject(new HttpError(415, 'send JSON (Content-Type: application/json)'));
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > max) return reject(new HttpError(413, `the body is larger than ${max} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new HttpError(413, `the body is larger than ${max} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpError(400, 'the body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

function fields(o: unknown, allowed: readonly string[], what: string): Record<string, unknown> {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new HttpError(400, `${what} must be a JSON object`);
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new HttpError(400, `unknown field ${JSON.stringify(k)} in ${what}`);
  return o as Record<string, unknown>;
}

export async function startLab(o: LabOptions): Promise<Lab> {
  const maxBody = o.maxBody ?? 256 * 1024;
  mkdirSync(join(o.dir, 'devices'), { recursive: true });
  mkdirSync(join(o.dir, 'models'), { recursive: true });
  const token = labToken(o.dir);
  const order = measureOrder(o.space, o.seed);
  const count = Math.min(o.count, order.count);
  const items: MeasureItem[] = [];
  const itemAt = (i: number) => {
    while (items.length <= i) items.push(order.at(items.length));
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
    l = { writer, points, assignment: null, last: null, training: false, predictor: null };
    const modelMeta = join(o.dir, 'models', `${d.id}.json`);
    if (existsSync(modelMeta)) l.predictor = JSON.parse(readFileSync(modelMeta, 'utf8'));
    live.set(d.id, l);
    return l;
  };
  const status = (d: Device, l: Live) => ({ device: d.id, name: d.name, measured: l.writer.measured.size, count, done: l.writer.measured.size >= count, training: l.training, points: l.points.map(({ ms, mflops }) => ({ ms, mflops })), predictor: l.predictor ? { predictor: l.predictor.predictor, measured: l.predictor.measured, spearman: l.predictor.spearman, within10: l.predictor.within10 } : null });

  const auth = (req: IncomingMessage, url: URL): void => {
    const cookie = /(?:^|;\s*)brpnas_lab=([0-9a-f]+)/.exec(req.headers.cookie ?? '')?.[1];
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const given = url.searchParams.get('token') ?? bearer ?? cookie;
    if (!given) throw new HttpError(401, 'this lab needs its token: open the URL the lab printed');
    if (!sameSecret(given, token)) throw new HttpError(403, 'wrong lab token');
  };
  const device = (idArg: unknown, keyArg: unknown): Device => {
    const d = typeof idArg === 'string' ? devices.get(idArg) : undefined;
    if (!d || typeof keyArg !== 'string' || !sameSecret(keyArg, d.key)) throw new HttpError(403, 'unknown device, or not its key');
    return d;
  };

  // a device's predictor: trained in a child process, so the server keeps answering
  const maybeTrain = (d: Device, l: Live) => {
    const n = l.writer.measured.size;
    const due = o.trainAt.filter((t) => n >= t).pop();
    if (due === undefined || l.training || (l.predictor && l.predictor.measured >= due)) return;
    l.training = true;
    const model = join(o.dir, 'models', `${d.id}.model`);
    // 60% to train, 10% to stop early, the rest (at least 30%) to report the quality on
    const train = Math.max(2, Math.floor(n * 0.6));
    const valid = Math.max(1, Math.floor(n * 0.1));
    const args = [BIN, 'latency', 'train', '--device', datasetPath(d.id), '--predictor', o.predictor, '--train', String(train), '--valid', String(valid), '--seed', '0', '--save', `${model}.tmp`, '--no-plot', '--quiet', '--json'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => {
      l.training = false;
      try {
        if (code !== 0) throw new Error(err.trim().split('\n').pop() || `exit ${code}`);
        const r = JSON.parse(out.trim().split('\n').pop()!);
        renameSync(`${model}.tmp`, model);
        l.predictor = { predictor: o.predictor, measured: n, spearman: r.spearman, within10: r.within10, kendall: r.kendall, test_count: r.test_count, path: model };
        writeFileAtomic(join(o.dir, 'models', `${d.id}.json`), JSON.stringify(l.predictor, null, 1));
        o.onEvent?.(`${d.id}: ${o.predictor} latency predictor on ${n} networks, test Spearman ${typeof r.spearman === 'number' ? r.spearman.toFixed(3) : 'n/a'} (${r.test_count} test networks)`);
      } catch (e) {
        o.onEvent?.(`${d.id}: training its predictor failed: ${(e as Error).message}`);
      }
      maybeTrain(d, l);
    });
  };

  const ortDir = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { ...headers, 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://lab');
    auth(req, url);
    const p = url.pathname;
    const cookie = `brpnas_lab=${token}; HttpOnly; SameSite=Strict; Path=/`;
    if (req.method === 'GET' && (p === '/' || p === '/dashboard')) {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Set-Cookie': cookie, 'Content-Security-Policy': "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; img-src 'self' data:" });
      res.end(p === '/' ? DEVICE_PAGE : DASHBOARD_PAGE);
      return;
    }
    if (req.method === 'GET' && p.startsWith('/ort/')) {
      const file = normalize(join(ortDir, p.slice(5)));
      if (!file.startsWith(ortDir + '/') || !existsSync(file) || !(file.slice(file.lastIndexOf('.')) in ORT_TYPES)) throw new HttpError(404, 'no such file');
      res.writeHead(200, { ...headers, 'Content-Type': ORT_TYPES[file.slice(file.lastIndexOf('.'))] });
      res.end(readFileSync(file));
      return;
    }
    if (req.method === 'POST' && p === '/api/join') {
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
      json(res, 200, { device: d.id, key: d.key, name: d.name, space: o.space, status: status(d, l) });
      return;
    }
    if (req.method === 'GET' && p === '/api/next') {
      const d = device(url.searchParams.get('device'), url.searchParams.get('key'));
      const l = open(d);
      if (!l.assignment) {
        const next: MeasureItem[] = [];
        for (let i = 0; i < count && next.length < o.protocol.interleave; i++) {
          const it = itemAt(i);
          if (!l.writer.measured.has(itemId(it))) next.push(it);
        }
        if (next.length === 0) return json(res, 200, { done: true, status: status(d, l) });
        l.assignment = { id: randomBytes(8).toString('hex'), items: next, posted: next.map(() => false), nets: new Map(), seed: randomBytes(4).readUInt32LE(0) };
      }
      // a reload gets the same assignment again: nothing measured is lost, nothing measured twice
      const a = l.assignment;
      const open_ = a.items.map((it, i) => ({ it, i })).filter(({ i }) => !a.posted[i]);
      const nets = open_.map(({ it, i }) => {
        if (!a.nets.has(i)) a.nets.set(i, it.build());
        return a.nets.get(i)!;
      });
      json(res, 200, { assignment: a.id, seed: a.seed, protocol: o.protocol, items: open_.map(({ it, i }, k) => ({ item: i, arch: it.arch, url: `/api/model?device=${encodeURIComponent(d.id)}&key=${encodeURIComponent(d.key)}&assignment=${a.id}&item=${i}`, input: nets[k].inputName, shape: nets[k].inputShape })), status: status(d, l) });
      return;
    }
    if (req.method === 'GET' && p === '/api/model') {
      const d = device(url.searchParams.get('device'), url.searchParams.get('key'));
      const a = open(d).assignment;
      const i = Number(url.searchParams.get('item'));
      if (!a || url.searchParams.get('assignment') !== a.id || !a.nets.has(i)) throw new HttpError(404, 'no such assigned network');
      res.writeHead(200, { ...headers, 'Content-Type': 'application/octet-stream' });
      res.end(a.nets.get(i)!.bytes);
      return;
    }
    if (req.method === 'POST' && p === '/api/result') {
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
      json(res, 200, status(d, l));
      return;
    }
    if (req.method === 'GET' && p === '/api/predictor') {
      const d = device(url.searchParams.get('device'), url.searchParams.get('key'));
      const pr = open(d).predictor;
      if (!pr || !existsSync(pr.path)) throw new HttpError(404, 'no predictor trained for this device yet');
      res.writeHead(200, { ...headers, 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename="${d.id}.model"` });
      res.end(readFileSync(pr.path));
      return;
    }
    if (req.method === 'GET' && p === '/api/devices') {
      const list = [...devices.values()].map((d) => {
        const l = open(d);
        const ms = l.points.map((x) => x.ms).sort((x, y) => x - y);
        return { id: d.id, name: d.name, ...d.info, measured: l.writer.measured.size, count, median_ms: ms.length ? ms[Math.floor(ms.length / 2)] : null, training: l.training, predictor: l.predictor && { predictor: l.predictor.predictor, measured: l.predictor.measured, spearman: l.predictor.spearman, within10: l.predictor.within10 }, last: l.last };
      });
      json(res, 200, { space: o.space, count, dir: o.dir, devices: list });
      return;
    }
    if (req.method === 'GET' && p === '/favicon.ico') {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    throw new HttpError(404, 'no such page');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (res.headersSent) return res.destroy();
      const status = e instanceof HttpError ? e.status : 500;
      if (status === 500) o.onEvent?.(`error: ${(e as Error).message}`);
      json(res, status, { error: status === 500 ? 'internal error' : (e as Error).message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = o.host === '0.0.0.0' || o.host === '::' ? 'HOST' : o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    port,
    // a connected device keeps its connection alive: close those too, or Ctrl-C would wait for them
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

