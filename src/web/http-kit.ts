// What every brp-nas web route shares: errors with an HTTP status, the token check, size-limited
// JSON bodies with no unknown fields, and responses with the app's security headers. One module so
// the lab's routes and the searches' routes cannot drift apart on any of these rules.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeFileAtomic } from '../util/atomic-write.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Cross-origin isolation (WebAssembly threads need it, and a secure context), no caching, no type
 * sniffing, no framing by other sites.
 */
export const SECURITY_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

/** Pages run their own inline script and onnxruntime-web's WebAssembly, and load nothing from elsewhere. */
export const PAGE_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; img-src 'self' data:";

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function sendHtml(res: ServerResponse, html: string, extra: Record<string, string> = {}): void {
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': PAGE_CSP, ...extra });
  res.end(html);
}

/** A file's bytes as plain text (a log shown in the browser is text, never markup). */
export function sendText(res: ServerResponse, text: string | Buffer): void {
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': "default-src 'none'" });
  res.end(text);
}

/** The app's token, kept in `file` so a restarted server keeps its URL. */
export function loadToken(file: string): string {
  if (existsSync(file)) {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof j.token === 'string' && /^[0-9a-f]{32}$/.test(j.token)) return j.token;
  }
  const token = randomBytes(16).toString('hex');
  writeFileAtomic(file, JSON.stringify({ token, created: new Date().toISOString() }, null, 1));
  return token;
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token cookie a page sets, so its own requests carry the token without it in every URL. */
export const tokenCookie = (token: string, secure: boolean) => `brpnas_lab=${token}; HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;

/** The token from the query, an Authorization: Bearer header or the cookie; 401 without, 403 when wrong. */
export function checkToken(req: IncomingMessage, url: URL, token: string): void {
  const cookie = /(?:^|;\s*)brpnas_lab=([0-9a-f]+)/.exec(req.headers.cookie ?? '')?.[1];
  const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  const given = url.searchParams.get('token') ?? bearer ?? cookie;
  if (!given) throw new HttpError(401, 'this server needs its token: open the URL it printed');
  if (!sameSecret(given, token)) throw new HttpError(403, 'wrong token');
}

export function readBody(req: IncomingMessage, max: number): Promise<unknown> {
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

/** A JSON object with only the allowed fields, or a 400 naming what is wrong. */
export function fields(o: unknown, allowed: readonly string[], what: string): Record<string, unknown> {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new HttpError(400, `${what} must be a JSON object`);
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new HttpError(400, `unknown field ${JSON.stringify(k)} in ${what}`);
  return o as Record<string, unknown>;
}
