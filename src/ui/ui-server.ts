// `brp-nas ui`: one web app, one token, one server: the searches under a directory (list, live pages,
// logs, cells) and the latency lab's device pages (DIR/lab holds its datasets and predictors).

import { join } from 'node:path';
import { addLabRoutes, type LabOptions } from '../lab/lab-server.js';
import { loadToken } from '../web/http-kit.js';
import { Router } from '../web/router.js';
import { serve } from '../web/serve.js';
import type { TlsFiles } from '../web/tls.js';
import { addSearchRoutes } from './search-routes.js';

export interface UiOptions {
  dir: string;
  host: string;
  port: number;
  tls?: TlsFiles | null;
  /** The lab's settings (its datasets go to DIR/lab). */
  lab: Pick<LabOptions, 'space' | 'seed' | 'count' | 'protocol' | 'trainAt' | 'predictor' | 'fewshot'>;
  onEvent?: (line: string) => void;
}

export interface Ui {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export async function startUi(o: UiOptions): Promise<Ui> {
  const token = loadToken(join(o.dir, 'ui.json'));
  const router = new Router(token, (m) => o.onEvent?.(m));
  const searches = addSearchRoutes(router, o.dir);
  addLabRoutes(router, { ...o.lab, dir: join(o.dir, 'lab'), host: o.host, port: o.port, paths: { device: '/device', dashboard: '/devices' }, onEvent: o.onEvent });
  const served = await serve(router, { host: o.host, port: o.port, tls: o.tls });
  return {
    url: `${served.base}/?token=${token}`,
    token,
    port: served.port,
    close: async () => {
      searches.close();
      await served.close();
    },
  };
}
