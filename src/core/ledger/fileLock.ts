// An exclusive lock beside a file (`.<name>.nb-parity.lock`, created with O_EXCL) around read-compare-write, so two
// `nb-parity record` processes on one ledger cannot both write Attempt #N. The lock names its holder (pid, host,
// time); a lock whose holder is a dead pid on this host, or that is older than the stale timeout, is taken over.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { LedgerError } from './edits.ts';

export interface LockOptions {
  /** Give up waiting after this long (default 30 s). */
  waitMs?: number;
  /** A lock older than this is stale whoever holds it (default 120 s; a record takes well under a second). */
  staleMs?: number;
}

interface Holder { pid: number; hostname: string; createdAt: string; token: string }

export function lockPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.nb-parity.lock`);
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

async function readHolder(lock: string): Promise<{ holder?: Holder; raw: string; ageMs: number } | undefined> {
  const st = await stat(lock).catch(() => undefined);
  if (!st) return undefined;
  const raw = await readFile(lock, 'utf8').catch(() => '');
  let holder: Holder | undefined;
  try { holder = JSON.parse(raw) as Holder; } catch { holder = undefined; }
  return { holder, raw, ageMs: Date.now() - st.mtimeMs };
}

/** Why the lock is stale, or undefined while its holder may still be working. */
function staleReason(h: { holder?: Holder; ageMs: number }, staleMs: number): string | undefined {
  if (h.holder && h.holder.hostname === hostname() && Number.isInteger(h.holder.pid) && !alive(h.holder.pid)) return `its holder, pid ${h.holder.pid} on this host, is gone`;
  if (h.ageMs > staleMs) return `it is ${Math.round(h.ageMs / 1000)} s old (over the ${Math.round(staleMs / 1000)} s stale timeout)`;
  return undefined;
}

/** Take a stale lock out of the way without deleting a fresh one another process just made. */
async function breakStale(lock: string, raw: string): Promise<void> {
  const aside = `${lock}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try { await rename(lock, aside); } catch { return; }
  const got = await readFile(aside, 'utf8').catch(() => '');
  if (got !== raw) {
    // Someone replaced it in between: put theirs back. link() never replaces an existing file, so if yet another
    // lock appeared meanwhile theirs is lost only as a lock, never as ledger data (every writer compares first).
    await link(aside, lock).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    return;
  }
  await unlink(aside).catch(() => undefined);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function withFileLock<T>(file: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const lock = lockPathFor(file);
  const waitMs = opts.waitMs ?? 30_000;
  const staleMs = opts.staleMs ?? 120_000;
  const me: Holder = { pid: process.pid, hostname: hostname(), createdAt: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  const mine = `${JSON.stringify(me)}\n`;
  const start = Date.now();
  for (;;) {
    try {
      const fh = await open(lock, 'wx', 0o644);
      try { await fh.writeFile(mine, 'utf8'); } finally { await fh.close(); }
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new LedgerError('io', `${lock}: cannot create the lock file (${code ?? (e as Error).message}); ${file} is untouched.`);
    }
    const h = await readHolder(lock);
    if (!h) continue; // released meanwhile
    const stale = staleReason(h, staleMs);
    if (stale) { await breakStale(lock, h.raw); continue; }
    if (Date.now() - start > waitMs) {
      const who = h.holder ? `pid ${h.holder.pid} on ${h.holder.hostname} since ${h.holder.createdAt}` : 'a process that has not written its name yet';
      throw new LedgerError('locked', `${file} is being edited by another nb-parity (${who}); waited ${Math.round(waitMs / 1000)} s, nothing was written. If no nb-parity is running, delete ${lock}.`);
    }
    await sleep(15 + Math.random() * 35);
  }
  try {
    return await fn();
  } finally {
    // Release only our own lock (a stale-breaker may have taken it over if we were very slow).
    const now = await readFile(lock, 'utf8').catch(() => '');
    if (now === mine) await unlink(lock).catch(() => undefined);
  }
}
