// The certificate behind --https. A phone opening the app at its LAN address needs HTTPS to get a
// secure context (WebGPU, and the cross-origin isolation that WebAssembly threads need); no public
// authority signs a LAN address, so the app makes a self-signed certificate (with the `selfsigned`
// library, not hand-written ASN.1) naming every address this machine has, and keeps it in the app's
// directory: a restarted server shows the same certificate, so a browser's exception stays valid. A
// user's own certificate (--cert/--key) is checked to be a pair before the server starts.

import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';

export interface TlsFiles {
  cert: string;
  key: string;
  /** Where they came from, for the log line. */
  source: string;
}

/** Names a certificate for this machine should carry: loopback, its host name, its addresses, `extra`. */
export function machineNames(extra: string[] = []): { dns: string[]; ips: string[] } {
  const ips = new Set(['127.0.0.1', '::1']);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) ips.add(a.address.replace(/%.*$/, ''));
  const dns = new Set(['localhost', hostname()]);
  for (const x of extra) if (x && x !== '0.0.0.0' && x !== '::') (isIP(x) ? ips : dns).add(x);
  return { dns: [...dns].sort(), ips: [...ips].sort() };
}

/** True when the certificate is valid for at least another day and names every one of `names`. */
function stillGood(certPem: string, names: { dns: string[]; ips: string[] }): boolean {
  try {
    const c = new X509Certificate(certPem);
    if (Date.parse(c.validTo) - Date.now() < 24 * 3600 * 1000) return false;
    const san = c.subjectAltName ?? '';
    // node writes IPv6 SAN entries expanded; loopback ::1 is checked by the v4 entry alone
    return names.dns.every((d) => san.includes(`DNS:${d}`)) && names.ips.filter((ip) => isIP(ip) === 4).every((ip) => san.includes(`IP Address:${ip}`));
  } catch {
    return false;
  }
}

/** The app's certificate in DIR/tls/, made (or made again: expiring, or an address it lacks) when needed. */
export async function appCertificate(dir: string, extraNames: string[] = []): Promise<TlsFiles> {
  const tlsDir = join(dir, 'tls');
  const certPath = join(tlsDir, 'cert.pem');
  const keyPath = join(tlsDir, 'key.pem');
  const names = machineNames(extraNames);
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, 'utf8');
    if (stillGood(cert, names)) return { cert, key: readFileSync(keyPath, 'utf8'), source: `${certPath} (self-signed, kept)` };
  }
  // loaded here, not at start-up: every brp-nas command would otherwise pay for it (about 80 ms)
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: 'brp-nas' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...names.dns.map((value) => ({ type: 2 as const, value })), ...names.ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  mkdirSync(tlsDir, { recursive: true });
  writeFileAtomic(keyPath, pems.private, { mode: 0o600 });
  writeFileAtomic(certPath, pems.cert);
  return { cert: pems.cert, key: pems.private, source: `${certPath} (self-signed, made now for ${[...names.dns, ...names.ips].join(', ')})` };
}

/** A user's certificate and key, checked to be PEM and a pair. */
export function userCertificate(certPath: string, keyPath: string): TlsFiles {
  const read = (p: string, what: string) => {
    if (!existsSync(p)) throw new Error(`--${what} ${p}: no such file`);
    return readFileSync(p, 'utf8');
  };
  const cert = read(certPath, 'cert');
  const key = read(keyPath, 'key');
  let x: X509Certificate;
  try {
    x = new X509Certificate(cert);
  } catch {
    throw new Error(`--cert ${certPath}: not a PEM certificate`);
  }
  let k;
  try {
    k = createPrivateKey(key);
  } catch {
    throw new Error(`--key ${keyPath}: not a PEM private key (an encrypted key is not supported)`);
  }
  if (!x.checkPrivateKey(k)) throw new Error(`--key ${keyPath} is not the key of --cert ${certPath}`);
  return { cert, key, source: certPath };
}
