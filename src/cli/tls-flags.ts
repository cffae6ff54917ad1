// --https, --cert and --key: one definition for every command that serves pages (lab, ui).

import { appCertificate, userCertificate, type TlsFiles } from '../web/tls.js';
import { UsageError } from './args.js';

export const TLS_OPTIONS = { https: { type: 'boolean' }, cert: { type: 'string' }, key: { type: 'string' } } as const;

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
