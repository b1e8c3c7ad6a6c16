// The per-user runtime folder of the warm server daemon (issue 14): where its unix socket lives. Anyone who can write
// there could impersonate the daemon (and see which commands we run), so the folder must be ours alone: created 0700,
// then checked with lstat (not a symlink, owned by us, no group/other access). A folder that fails the check is refused
// with a message saying what to do; the caller then runs cold.
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export class RuntimeDirError extends Error {
  constructor(message: string) { super(message); this.name = 'RuntimeDirError'; }
}

export const SOCKET_NAME = 'warm-torch.sock';

function uid(): number { return process.getuid?.() ?? -1; }

/** NB_PARITY_RUNTIME_DIR, else $XDG_RUNTIME_DIR/nb-parity, else <tmp>/nb-parity-<uid>. */
export function runtimeDirPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NB_PARITY_RUNTIME_DIR) return resolve(env.NB_PARITY_RUNTIME_DIR);
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'nb-parity');
  return join(tmpdir(), `nb-parity-${uid()}`);
}

function octal(mode: number): string { return (mode & 0o777).toString(8).padStart(4, '0'); }

/** Refuse a folder we must not trust; the message names it and says how to fix it. */
export function checkPrivateDir(dir: string): void {
  let st;
  try { st = lstatSync(dir); } catch (err) {
    throw new RuntimeDirError(`the warm server folder ${dir} cannot be read: ${(err as Error).message}`);
  }
  const fix = `remove it (or set NB_PARITY_RUNTIME_DIR to a private folder); warm PyTorch runs go cold until then`;
  if (st.isSymbolicLink()) throw new RuntimeDirError(`the warm server folder ${dir} is a symbolic link, refused: ${fix}`);
  if (!st.isDirectory()) throw new RuntimeDirError(`the warm server folder ${dir} is not a folder, refused: ${fix}`);
  if (uid() >= 0 && st.uid !== uid()) {
    throw new RuntimeDirError(`the warm server folder ${dir} belongs to another user (uid ${st.uid}, you are ${uid()}), refused: ${fix}`);
  }
  if (st.mode & 0o077) {
    throw new RuntimeDirError(`the warm server folder ${dir} has mode ${octal(st.mode)} (group/others may enter it), refused: `
      + `it must be 0700; chmod 700 it or ${fix}`);
  }
}

/** The checked runtime folder, created (0700) when missing. */
export function ensureRuntimeDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = runtimeDirPath(env);
  try {
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o700); // the umask may have taken bits away, never added: this only makes sure
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new RuntimeDirError(`cannot create the warm server folder ${dir}: ${(err as Error).message}`);
  }
  checkPrivateDir(dir);
  return dir;
}

/** A socket file we may connect to: a socket, ours, not writable by group/others. */
export function checkSocketFile(path: string): void {
  const st = lstatSync(path);
  if (!st.isSocket()) throw new RuntimeDirError(`${path} is not a socket, refused; remove it`);
  if (uid() >= 0 && st.uid !== uid()) throw new RuntimeDirError(`the warm server socket ${path} belongs to another user (uid ${st.uid}), refused; remove it`);
  if (st.mode & 0o022) throw new RuntimeDirError(`the warm server socket ${path} has mode ${octal(st.mode)} (writable by group/others), refused; remove it`);
}

/** A connection to the daemon's socket; undefined when none listens (no socket file, or a dead daemon's). A socket
 * that fails checkSocketFile is refused (rejects with its message). */
export function connectSocket(path: string): Promise<Socket | undefined> {
  return new Promise((resolve, reject) => {
    try { checkSocketFile(path); } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') { resolve(undefined); return; }
      reject(err);
      return;
    }
    const s = connect(path);
    s.once('connect', () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ? resolve(undefined) : reject(err)));
  });
}
