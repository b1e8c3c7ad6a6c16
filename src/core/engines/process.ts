// Child processes for the engines: execa with each child in its own process group, so a cancel or a timeout can
// take down the whole tree (the C binary's OpenMP threads are one process, but Python wrappers, `make` and shell
// scripts fork). Nothing here ever leaves a process running after its promise settles.
import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import { guardGroup, releaseGroup } from './orphanGuard.ts';

export interface ProcessRequest {
  file: string;
  args: string[];
  cwd: string;
  /** Variables set on top of the inherited environment. */
  env?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with each complete stdout/stderr line as it arrives (progress, build logs). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Grace between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

/** How a child process ended: what the runners turn into an EngineRun (runFinish.ts), cold or warm alike. */
export interface ProcessOutcome {
  exitCode?: number;
  signal?: string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cancelled: boolean;
  /** The program could not be started at all (ENOENT, EACCES...), worded for the user. */
  spawnError?: string;
  wallMs: number;
}

export interface ProcessResult extends ProcessOutcome {
  pid?: number;
  /** Every pid we saw in the tree (child and descendants), for callers and tests that verify nothing survived. */
  treePids: number[];
}

/** Process groups we started and have not yet reaped: killed synchronously if our own process exits. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pgid of liveGroups) {
      try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ }
    }
  });
}

/** Children by parent pid, read from /proc (Linux). Empty elsewhere: the process-group kill still applies. */
function childrenByParent(): Map<number, number[]> {
  const map = new Map<number, number[]>();
  let entries: string[];
  try { entries = readdirSync('/proc'); } catch { return map; }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised command name, which may itself contain spaces or parentheses.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(rest[1]);
      const list = map.get(ppid) ?? [];
      list.push(Number(name));
      map.set(ppid, list);
    } catch { /* raced with exit */ }
  }
  return map;
}

/** All descendants of pid (not pid itself), depth first. */
export function descendantsOf(pid: number): number[] {
  const tree = childrenByParent();
  const out: number[] = [];
  const stack = [...(tree.get(pid) ?? [])];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(tree.get(p) ?? []));
  }
  return out;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers signal 0; treat it as gone.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

/**
 * Signal a process, its process group and every descendant found in /proc (some programs start their own
 * groups or sessions, so the group alone is not enough). Returns the pids signalled.
 */
export function killDescendants(pid: number, signal: NodeJS.Signals = 'SIGTERM'): number[] {
  const pids = [pid, ...descendantsOf(pid)];
  try { process.kill(-pid, signal); } catch { /* no such group */ }
  for (const p of pids) {
    try { process.kill(p, signal); } catch { /* already gone */ }
  }
  return pids;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Run one program to completion, or until cancelled/timed out, and make sure its whole tree is gone. */
export async function runProcess(req: ProcessRequest): Promise<ProcessResult> {
  installExitHook();
  const started = performance.now();
  const grace = req.killGraceMs ?? 1500;
  const seen = new Set<number>();
  let timedOut = false;
  let cancelled = false;

  if (req.signal?.aborted) {
    return { stdout: '', stderr: '', timedOut: false, cancelled: true, wallMs: 0, treePids: [] };
  }

  const child = execa(req.file, req.args, {
    cwd: req.cwd,
    env: req.env,
    extendEnv: true,
    detached: true,
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
    maxBuffer: 512 * 1024 * 1024,
  });
  const pid = child.pid;
  if (pid !== undefined) { liveGroups.add(pid); seen.add(pid); guardGroup(pid); }

  const lineSplitter = (stream: 'stdout' | 'stderr') => {
    let buf = '';
    return (chunk: Buffer | string) => {
      if (!req.onLine) return;
      buf += chunk.toString();
      let i: number;
      while ((i = buf.search(/\r?\n|\r/)) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + (buf[i] === '\r' && buf[i + 1] === '\n' ? 2 : 1));
        req.onLine(line, stream);
      }
    };
  };
  child.stdout?.on('data', lineSplitter('stdout'));
  child.stderr?.on('data', lineSplitter('stderr'));

  let killing: Promise<void> | undefined;
  const terminate = () => {
    if (killing || pid === undefined) return;
    killing = (async () => {
      for (const p of killDescendants(pid, 'SIGTERM')) seen.add(p);
      const deadline = performance.now() + grace;
      while (performance.now() < deadline) {
        if (![...seen].some(isAlive)) return;
        await sleep(25);
      }
      for (const p of killDescendants(pid, 'SIGKILL')) seen.add(p);
      for (const p of seen) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    })();
  };

  const onAbort = () => { cancelled = true; terminate(); };
  req.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = req.timeoutMs && req.timeoutMs > 0
    ? setTimeout(() => { timedOut = true; terminate(); }, req.timeoutMs)
    : undefined;
  // Remember descendants while the child runs: once the child dies they are re-parented and invisible to a walk.
  const watcher = pid !== undefined
    ? setInterval(() => { for (const p of descendantsOf(pid)) seen.add(p); }, 200)
    : undefined;

  // Finish on the program's own exit: a background child it left holding stdout open must not keep us waiting
  // for the pipes (and the timeout) — kill its group once the program is gone, then collect the output.
  const exited = new Promise<void>((res) => { child.once('exit', () => res()); });
  await Promise.race([exited, child.then(() => undefined, () => undefined)]);
  if (pid !== undefined) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* group already empty */ }
    for (const p of seen) { if (p !== pid) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } } }
  }
  const result = await child;
  if (timer) clearTimeout(timer);
  if (watcher) clearInterval(watcher);
  req.signal?.removeEventListener('abort', onAbort);

  // The child exited; anything it left behind in its group (or that we saw in its tree) must not outlive it.
  if (pid !== undefined) {
    const strays = [...seen].filter((p) => p !== pid && isAlive(p));
    let groupAlive = false;
    try { process.kill(-pid, 0); groupAlive = true; } catch { /* group empty */ }
    if (strays.length || groupAlive) {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
      for (const p of strays) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    }
    if (killing) await killing;
    liveGroups.delete(pid);
    releaseGroup(pid);
  }

  const r = result as unknown as {
    exitCode?: number; signal?: string; stdout?: string; stderr?: string; failed?: boolean; code?: string;
    originalMessage?: string; shortMessage?: string;
  };
  let spawnError: string | undefined;
  if (r.exitCode === undefined && r.signal === undefined && r.failed && !cancelled && !timedOut) {
    spawnError = r.code === 'ENOENT'
      ? `program not found: ${req.file}`
      : r.code === 'EACCES'
        ? `program is not executable: ${req.file} (chmod +x it or choose another)`
        : `could not start ${req.file}: ${r.originalMessage ?? r.shortMessage ?? 'unknown error'}`;
  }
  return {
    pid,
    exitCode: r.exitCode,
    signal: r.signal ?? undefined,
    stdout: typeof r.stdout === 'string' ? r.stdout : '',
    stderr: typeof r.stderr === 'string' ? r.stderr : '',
    timedOut,
    cancelled,
    spawnError,
    wallMs: performance.now() - started,
    treePids: [...seen],
  };
}
