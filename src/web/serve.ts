// Start a router on HTTP or HTTPS, and say its URL. A connected browser keeps its connection alive:
// close() ends those too, or Ctrl-C would wait for them.

import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Router } from './router.js';
import type { TlsFiles } from './tls.js';

export interface Served {
  /** scheme://host:port, the host as a browser would type it (HOST when bound to every address). */
  base: string;
  port: number;
  secure: boolean;
  close(): Promise<void>;
}

export async function serve(router: Router, o: { host: string; port: number; tls?: TlsFiles | null }): Promise<Served> {
  const secure = !!o.tls;
  const server: Server = secure ? createHttps({ cert: o.tls!.cert, key: o.tls!.key }, router.listener(true)) : createHttp(router.listener(false));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = o.host === '0.0.0.0' || o.host === '::' ? 'HOST' : o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    base: `${secure ? 'https' : 'http'}://${shownHost}:${port}`,
    port,
    secure,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
