// Serialises daemon start-ups in one runtime folder. Two `nb-parity run` calls that find no daemon (or a dead daemon's
// leftover socket) each start one; without a lock both could judge the leftover socket dead, and the second would
// unlink the first's fresh socket and listen in its place, leaving two daemons and cutting the first one's clients
// off. Under this lock "is a daemon answering? else remove the leftover and listen" is one step. The lock is a file
// created exclusively ('wx') holding the holder's pid; a holder that died (SIGKILL between lock and unlock) is detected
// by its pid and its lock taken over.
import { linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export const START_LOCK_NAME = 'daemon-start.lock';

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

function holder(path: string): number | undefined {
  try { return Number(readFileSync(path, 'utf8').trim()) || undefined; } catch { return undefined; }
}

function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    try { writeSync(fd, `${process.pid}\n`); } finally { closeSync(fd); }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** A dead holder's lock: move it aside (atomic, so only one taker gets it) and put it back if it was not the dead one's. */
function takeOverIfDead(path: string): void {
  const pid = holder(path);
  let age = 0;
  try { age = Date.now() - statSync(path).mtimeMs; } catch { return; }
  // A lock without a pid yet is being written (or its writer died right after creating it).
  if (pid === undefined ? age < 2000 : alive(pid)) return;
  const aside = `${path}.${process.pid}`;
  try { renameSync(path, aside); } catch { return; }
  const moved = holder(aside);
  if (moved !== pid && moved !== undefined && alive(moved)) {
    try { linkSync(aside, path); } catch { /* someone took the lock meanwhile: theirs stands */ }
  }
  rmSync(aside, { force: true });
}

/** Run `fn` holding the start lock of `dir` (waits up to `timeoutMs` for another starter, then runs anyway). */
export async function withStartLock<T>(dir: string, fn: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const path = join(dir, START_LOCK_NAME);
  const deadline = Date.now() + timeoutMs;
  let held = false;
  while (!(held = tryCreate(path)) && Date.now() < deadline) {
    takeOverIfDead(path);
    await new Promise((r) => setTimeout(r, 20));
  }
  try {
    return await fn();
  } finally {
    if (held && holder(path) === process.pid) rmSync(path, { force: true });
  }
}
