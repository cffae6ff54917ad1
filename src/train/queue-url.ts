// The queue address: redis://[user:password@]host:port[/db][/queue-name] (rediss:// for TLS).
// The queue name defaults to brp-nas; searches on one queue keep apart by their job ids.

export interface QueueAddress {
  connection: { host: string; port: number; db: number; username?: string; password?: string; tls?: object };
  name: string;
  /** The URL without its password, for logs and results. */
  display: string;
}

export class QueueUrlError extends Error {}

export function parseQueueUrl(url: string): QueueAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueUrlError(`--queue ${JSON.stringify(url)} is not a URL; write redis://HOST:PORT[/DB][/NAME]`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new QueueUrlError(`--queue must be a redis:// or rediss:// URL, got ${u.protocol}`);
  if (u.search || u.hash) throw new QueueUrlError('--queue takes no query or fragment: redis://HOST:PORT[/DB][/NAME]');
  const parts = u.pathname.split('/').filter((p) => p !== '');
  let db = 0;
  if (parts.length && /^\d+$/.test(parts[0])) db = Number(parts.shift());
  if (parts.length > 1) throw new QueueUrlError(`--queue ${url}: the path is [/DB][/NAME], got ${u.pathname}`);
  const name = parts[0] ?? 'brp-nas';
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name)) throw new QueueUrlError(`--queue: the queue name ${JSON.stringify(name)} may hold letters, digits, '_', '.', '-'`);
  const port = u.port ? Number(u.port) : 6379;
  const connection: QueueAddress['connection'] = { host: u.hostname.replace(/^\[|\]$/g, ''), port, db };
  if (u.username) connection.username = decodeURIComponent(u.username);
  if (u.password) connection.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') connection.tls = {};
  return { connection, name, display: `${u.protocol}//${u.host}/${db}/${name}` };
}
