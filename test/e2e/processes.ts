// Finds processes by what they carry, so teardown can prove nothing outlived a scenario.
// Every process the harness starts gets NB_E2E_RUN=<run id> in its environment; children inherit it even when
// they leave the process group (setsid), so scanning /proc for it catches escapees that a group check misses.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo { pid: number; pgid: number; cmd: string }

function readProc(pid: number): { stat: string; cmdline: string; environ: string } | undefined {
  try {
    return {
      stat: readFileSync(`/proc/${pid}/stat`, 'utf8'),
      cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim(),
      environ: readFileSync(`/proc/${pid}/environ`, 'utf8'),
    };
  } catch {
    return undefined; // exited while we looked, or not ours to read
  }
}

function pgidOf(stat: string): number {
  // Fields after the ")" closing the command name: state ppid pgrp ...
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[2]);
}

function isZombie(stat: string): boolean {
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

/** Live (non-zombie) processes in process group `pgid` or carrying NB_E2E_RUN=`runId`. */
export function findProcesses(opts: { pgid?: number; runId?: string }): ProcInfo[] {
  const out: ProcInfo[] = [];
  const marker = opts.runId ? `NB_E2E_RUN=${opts.runId}\0` : undefined;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    const p = readProc(pid);
    if (!p || isZombie(p.stat)) continue;
    const pgid = pgidOf(p.stat);
    const inGroup = opts.pgid !== undefined && pgid === opts.pgid;
    const marked = marker !== undefined && (p.environ + '\0').includes(marker);
    if (inGroup || marked) out.push({ pid, pgid, cmd: p.cmdline.slice(0, 400) });
  }
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** SIGTERM the group (and marked strays), wait up to `graceMs`, then SIGKILL; returns what was still alive at the end. */
export async function killTree(opts: { pgid?: number; runId?: string; graceMs?: number }): Promise<ProcInfo[]> {
  const signalAll = (sig: NodeJS.Signals) => {
    if (opts.pgid) { try { process.kill(-opts.pgid, sig); } catch { /* group already gone */ } }
    for (const p of findProcesses(opts)) { try { process.kill(p.pid, sig); } catch { /* gone */ } }
  };
  signalAll('SIGTERM');
  const deadline = Date.now() + (opts.graceMs ?? 5000);
  while (Date.now() < deadline && findProcesses(opts).length > 0) await sleep(100);
  if (findProcesses(opts).length > 0) {
    signalAll('SIGKILL');
    const hard = Date.now() + 3000;
    while (Date.now() < hard && findProcesses(opts).length > 0) await sleep(100);
  }
  return findProcesses(opts);
}
