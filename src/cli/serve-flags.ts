// What every command that serves pages shares (lab, ui): its flags (--dir, --host, --port, --https,
// --cert, --key, --no-qr, --quiet), their checks, and the announcement and lifetime of the server.

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import QRCode from 'qrcode';
import { EXIT_INTERRUPTED, interruptSignal } from '../util/interrupt.js';
import { appCertificate, userCertificate, type TlsFiles } from '../web/tls.js';
import { UsageError, intFlag } from './args.js';
import type { CliIo } from './command.js';

export const SERVER_OPTIONS = { dir: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, https: { type: 'boolean' }, cert: { type: 'string' }, key: { type: 'string' }, 'no-qr': { type: 'boolean' }, quiet: { type: 'boolean' } } as const;

/** --dir (checked to be no file), --host (127.0.0.1 unless given), --port, and the certificate. */
export async function serverSettings(v: Record<string, unknown>, cmd: string, dirWhat: string, defaultPort: number, io: CliIo): Promise<{ dir: string; host: string; port: number; tls: TlsFiles | null }> {
  if (typeof v.dir !== 'string') throw new UsageError(`${cmd}: --dir DIR is required (${dirWhat})`);
  const dir = resolve(v.dir);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`${cmd}: --dir ${dir} is a file; give a directory (it is made if missing)`);
  const host = typeof v.host === 'string' ? v.host : '127.0.0.1';
  const port = intFlag(v.port as string | undefined, 'port', defaultPort, 0, 65535, cmd);
  const tls = await tlsFromFlags(v, dir, host, cmd);
  if (tls) io.err(`brp-nas ${cmd}: HTTPS with ${tls.source}`);
  return { dir, host, port, tls };
}

/**
 * Say where the server is (the QR code, of `qrUrl`, only on a terminal), run until Ctrl-C (or
 * SIGTERM), close it, and give the exit code.
 */
export async function serveUntilInterrupted(io: CliIo, v: Record<string, unknown>, o: { line: string; host: string; qrUrl: string; close: () => Promise<void> }): Promise<number> {
  io.out(o.line);
  if (o.host === '0.0.0.0' || o.host === '::') io.out("  (HOST: this machine's address on your network)");
  if (!v['no-qr'] && process.stdout.isTTY) io.out(await QRCode.toString(o.qrUrl, { type: 'terminal', small: true }));
  await new Promise<void>((r) => {
    const t = setInterval(() => {
      if (!interruptSignal.stopped) return;
      clearInterval(t);
      r();
    }, 200);
  });
  await o.close();
  return EXIT_INTERRUPTED;
}

/** The certificate to serve with, or null for plain HTTP. */
export async function tlsFromFlags(v: Record<string, unknown>, dir: string, host: string, cmd: string): Promise<TlsFiles | null> {
  const cert = v.cert as string | undefined;
  const key = v.key as string | undefined;
  if ((cert === undefined) !== (key === undefined)) throw new UsageError(`${cmd}: --cert and --key go together`);
  if (cert !== undefined && !v.https) throw new UsageError(`${cmd}: --cert/--key need --https`);
  if (!v.https) return null;
  if (cert !== undefined) {
    try {
      return userCertificate(cert, key!);
    } catch (e) {
      throw new UsageError(`${cmd}: ${(e as Error).message}`);
    }
  }
  return appCertificate(dir, [host]);
}
