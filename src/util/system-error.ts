// Node's system errors ("listen EADDRINUSE: address already in use ...", "ENOTDIR: not a directory,
// mkdir ...") in the words a user needs: what is wrong, with what, and what to do.

/** A user-facing one-line message for a Node system error, or null when `e` is not one. */
export function describeSystemError(e: unknown): string | null {
  if (typeof e !== 'object' || e === null) return null;
  const x = e as NodeJS.ErrnoException & { address?: string; port?: number; dest?: string };
  if (typeof x.code !== 'string' || !/^E[A-Z]+$/.test(x.code)) return null;
  const path = x.path ?? x.dest;
  switch (x.code) {
    case 'EADDRINUSE':
      return `port ${x.port} on ${x.address} is already in use by another program: choose another with --port`;
    case 'EADDRNOTAVAIL':
      return `${x.address} is not an address of this machine: check --host`;
    case 'EACCES':
    case 'EPERM':
      return x.syscall === 'listen' ? `not allowed to listen on port ${x.port} of ${x.address} (ports below 1024 need privileges): choose another with --port` : `permission denied: ${path ?? x.message}`;
    case 'ENOTDIR':
      return `${path ?? 'a path'}: a part of this path is a file, not a directory`;
    case 'EISDIR':
      return `${path ?? 'a path'} is a directory, where a file was expected`;
    case 'ENOENT':
      return `no such file or directory: ${path ?? x.message}`;
    case 'ENOSPC':
      return `no space left on the device${path ? ` (writing ${path})` : ''}`;
    case 'EROFS':
      return `${path ?? 'the target'} is on a read-only file system`;
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files: raise the limit (ulimit -n) or close other programs';
    default:
      return null;
  }
}
