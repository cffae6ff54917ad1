// A router of node:http: routes by method and path (a string, or a pattern whose groups become the
// handler's params), the token checked before any route runs, and every failure answered as JSON
// with its status (500s say only "internal error" and go to the server's log). The lab's device
// routes and the searches' routes register on one router, so both live behind one token.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, checkToken, sendHtml, sendJson, tokenCookie } from './http-kit.js';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The path pattern's groups, decoded. */
  params: string[];
  /** True when the server speaks TLS (cookies get Secure). */
  secure: boolean;
  /** Send a page, with the token cookie its own requests then carry. */
  page(html: string): void;
}

export type RouteHandler = (c: RouteContext) => Promise<void> | void;

interface Route {
  method: 'GET' | 'POST';
  path: string | RegExp;
  handler: RouteHandler;
}

export class Router {
  private readonly routes: Route[] = [];

  constructor(
    private readonly token: string,
    private readonly onError: (message: string) => void = () => {},
  ) {}

  get(path: string | RegExp, handler: RouteHandler): this {
    this.routes.push({ method: 'GET', path, handler });
    return this;
  }

  post(path: string | RegExp, handler: RouteHandler): this {
    this.routes.push({ method: 'POST', path, handler });
    return this;
  }

  /** The request listener of an http or https server. */
  listener(secure: boolean): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      this.dispatch(req, res, secure).catch((e) => {
        if (res.headersSent) return res.destroy();
        const status = e instanceof HttpError ? e.status : 500;
        if (status === 500) this.onError(`error: ${(e as Error).message}`);
        sendJson(res, status, { error: status === 500 ? 'internal error' : (e as Error).message });
      });
    };
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, secure: boolean): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://app');
    checkToken(req, url, this.token);
    const p = url.pathname;
    for (const r of this.routes) {
      if (r.method !== req.method) continue;
      let params: string[] | null = null;
      if (typeof r.path === 'string') params = r.path === p ? [] : null;
      else {
        const m = r.path.exec(p);
        if (m) {
          try {
            params = m.slice(1).map((x) => decodeURIComponent(x ?? ''));
          } catch {
            throw new HttpError(400, 'a malformed path');
          }
        }
      }
      if (params) return r.handler({ req, res, url, params, secure, page: (html) => sendHtml(res, html, { 'Set-Cookie': tokenCookie(this.token, secure) }) });
    }
    throw new HttpError(404, 'no such page');
  }
}
