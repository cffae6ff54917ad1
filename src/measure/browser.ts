// A browser as a device: the same ONNX networks run with onnxruntime-web (the WebAssembly or the
// WebGPU execution provider) inside headless Chromium, driven by playwright-core. WebGPU takes the
// machine's GPU when Chromium finds one, and otherwise Chromium's software adapter (SwiftShader: a
// CPU emulating a GPU, which tests the path but says nothing of a GPU's speed); the adapter is
// recorded. A local HTTP server (loopback only)
// serves the page, the runtime files and the models; it sends COOP/COEP headers so the page is
// cross-origin isolated (threads, and a 5 us timer instead of 100 us). Timing happens in the page
// with performance.now(); the statistics are computed in Node with the same protocol as
// onnxruntime-node.

import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import type { Rng } from '../util/rng.js';
import type { MeasuredModel, NetworkToMeasure } from './ort-node.js';
import { latencyStats, type MeasureProtocol } from './protocol.js';
import { PAGE_TIMING_JS } from './page-timing.js';

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium(): string | null {
  const env = process.env.BRPNAS_CHROMIUM;
  if (env) return existsSync(env) ? env : null;
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>brp-nas latency</title></head><body>
<script type="module">
const params = new URLSearchParams(location.search);
const ep = params.get('ep') || 'wasm';
// WebGPU needs an adapter: say there is none rather than fail inside a session
const adapter = ep === 'webgpu' && navigator.gpu ? await navigator.gpu.requestAdapter() : null;
const ort = await import(ep === 'webgpu' ? '/ort/ort.webgpu.min.mjs' : '/ort/ort.wasm.min.mjs');
ort.env.wasm.wasmPaths = '/ort/';
ort.env.wasm.numThreads = Number(params.get('threads') || 1);
${PAGE_TIMING_JS}
window.measure = (models, protocol, seed) => timeGroup(models, protocol, seed, ep);
window.info = () => ({ userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency, crossOriginIsolated: self.crossOriginIsolated, threads: ort.env.wasm.numThreads, ep, ...(ep === 'webgpu' ? { adapter: adapter ? { vendor: adapter.info.vendor, architecture: adapter.info.architecture, description: adapter.info.description } : null } : {}) });
window.ready = true;
</script></body></html>`;

/** The execution providers of onnxruntime-web a browser runner can time with. */
export const BROWSER_EPS = ['wasm', 'webgpu'] as const;
export type BrowserEp = (typeof BROWSER_EPS)[number];

const TYPES: Record<string, string> = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

export interface BrowserRunner {
  info: Record<string, unknown>;
  measureGroup(nets: NetworkToMeasure[], protocol: MeasureProtocol, rng: Rng): Promise<MeasuredModel[]>;
  close(): Promise<void>;
}

export async function startBrowserRunner(threads: number, ep: BrowserEp = 'wasm'): Promise<BrowserRunner> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(`no Chromium found (looked for ${CHROMIUM_CANDIDATES.join(', ')}; set $BRPNAS_CHROMIUM); on Debian: apt-get install chromium`);
  const require = createRequire(import.meta.url);
  // the package's exports hide package.json; its main entry lives in dist/
  const ortDir = dirname(require.resolve('onnxruntime-web'));
  const ortVersion = JSON.parse(readFileSync(join(ortDir, '..', 'package.json'), 'utf8')).version as string;
  const models = new Map<string, Uint8Array>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin', 'Cache-Control': 'no-store' };
    try {
      if (url.pathname === '/') {
        res.writeHead(200, { ...headers, 'Content-Type': 'text/html' });
        res.end(PAGE);
      } else if (url.pathname.startsWith('/ort/')) {
        const file = normalize(join(ortDir, url.pathname.slice(5)));
        if (!file.startsWith(ortDir) || !existsSync(file)) {
          res.writeHead(404, headers);
          res.end();
          return;
        }
        res.writeHead(200, { ...headers, 'Content-Type': TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream' });
        res.end(readFileSync(file));
      } else if (url.pathname.startsWith('/model/')) {
        const bytes = models.get(url.pathname.slice(7));
        if (!bytes) {
          res.writeHead(404, headers);
          res.end();
          return;
        }
        res.writeHead(200, { ...headers, 'Content-Type': 'application/octet-stream' });
        res.end(bytes);
      } else {
        res.writeHead(404, headers);
        res.end();
      }
    } catch (e) {
      res.writeHead(500, headers);
      res.end(String(e));
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  const { chromium } = await import('playwright-core');
  const common = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  // WebGPU: the machine's GPU if Chromium finds one, else its software adapter
  const tries = ep === 'webgpu' ? [[...common, '--enable-unsafe-webgpu'], [...common, '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader']] : [[...common, '--disable-gpu']];
  let browser: Awaited<ReturnType<typeof chromium.launch>> | null = null;
  let page!: Awaited<ReturnType<Awaited<ReturnType<typeof chromium.launch>>['newPage']>>;
  const errors: string[] = [];
  for (const args of tries) {
    try {
      browser = await chromium.launch({ executablePath, headless: true, args });
    } catch (e) {
      server.close();
      throw new Error(`could not start Chromium (${executablePath}): ${(e as Error).message.split('\n')[0]}`);
    }
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/?threads=${threads}&ep=${ep}`);
    try {
      await page.waitForFunction('window.ready === true', undefined, { timeout: 30000 });
    } catch {
      await browser.close();
      server.close();
      throw new Error(`the measurement page did not load in Chromium${errors.length ? `: ${errors[0]}` : ''}`);
    }
    if (ep !== 'webgpu' || (await page.evaluate('window.info().adapter !== null'))) break;
    await browser.close();
    browser = null;
  }
  if (!browser) {
    server.close();
    throw new Error('Chromium offers no WebGPU adapter here, not even its software one (SwiftShader); measure with --ep wasm');
  }
  const pageInfo = (await page.evaluate('window.info()')) as Record<string, unknown>;
  const info = { runtime: `onnxruntime-web ${ortVersion} (${ep}) in ${await browser.version()}`, ...pageInfo, threads };
  const open = browser;
  let counter = 0;
  return {
    info,
    async measureGroup(nets, protocol, rng) {
      const specs = nets.map(({ net }) => {
        const key = `${counter++}.onnx`;
        models.set(key, net.bytes);
        return { url: `/model/${key}`, input: net.inputName, shape: net.inputShape, key };
      });
      try {
        const times = (await page.evaluate(
          ([m, p, s]) => (window as unknown as { measure: (a: unknown, b: unknown, c: unknown) => Promise<number[][][]> }).measure(m, p, s),
          [specs.map(({ url, input, shape }) => ({ url, input, shape })), protocol, rng.u32()] as const,
        )) as number[][][];
        return nets.map(({ arch }, i) => ({ arch, stats: latencyStats(times[i]) }));
      } finally {
        for (const s of specs) models.delete(s.key);
      }
    },
    async close() {
      await open.close();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
