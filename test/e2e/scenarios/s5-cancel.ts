// Scenario 5: cancel a long embedded run from its progress notification. Honest check of "no engine worker
// remains": the embedded engine's workers are worker_threads of the extension host process, which Linux lists in
// /proc/<pid>/task with the name "WorkerThread" and their own CPU ticks. While the case runs those threads compute;
// after Cancel they must stop computing within seconds, stay stopped, and the ones that were busy must be gone
// (the engine terminates busy workers). Per-thread ticks are not fooled by the extension host's own start-up work or
// by other load on a shared machine. We also check no engine child process exists and that no image of the
// cancelled case is written. (The case is 2048², -N 5, -oversample 3: long enough never to finish first.)
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMBEDDED_BOTH, mergeWorkspaceSettings, type Scenario } from '../harness.ts';
import { findProcesses, sleep } from '../processes.ts';
import { pollUntil, runCommand } from '../workbench.ts';
import { listStampDirs, TITLE_RUN_CASE } from './common.ts';

const BIG = {
  id: 'E2E-BIG',
  stem: 'e2e_big',
  flags: '-mat A.mat -default_F 100 -N 5 -oversample 3 -detpixels 2048 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -nonoise -nointerpolate',
};

const TICKS_PER_S = 100; // Linux USER_HZ

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime (fields 14 and 15)
}

/** CPU use of a process in cores, averaged over `ms`. */
async function cpuCores(pid: number, ms: number): Promise<number> {
  const a = cpuTicks(pid);
  await sleep(ms);
  return (cpuTicks(pid) - a) / TICKS_PER_S / (ms / 1000);
}

function threadCount(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).length;
}

/** Threads of a process with their names and CPU ticks so far. */
function threads(pid: number): { tid: number; comm: string; ticks: number }[] {
  const out: { tid: number; comm: string; ticks: number }[] = [];
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ tid: Number(t), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ticks: Number(f[11]) + Number(f[12]) });
    } catch { /* thread exited */ }
  }
  return out;
}

// Node names worker_threads "WorkerThread" in /proc; the engine's are the only ones the extension host starts.
const WORKER_COMM = 'WorkerThread';
const BUSY_WORKER_CORES = 0.1;     // clearly computing, even on a box shared with other work
const STOPPED_WORKER_CORES = 0.02; // ≤ 1 tick per 0.5 s: not computing

/** CPU of the engine worker threads over `ms`, and the ids of those that computed. */
async function workerCores(pid: number, ms: number): Promise<{ cores: number; workers: number[] }> {
  const a = new Map(threads(pid).filter((t) => t.comm === WORKER_COMM).map((t) => [t.tid, t.ticks]));
  await sleep(ms);
  let ticks = 0;
  const busyIds: number[] = [];
  for (const t of threads(pid)) {
    if (t.comm !== WORKER_COMM) continue;
    const d = t.ticks - (a.get(t.tid) ?? 0);
    ticks += d;
    if (d > 0) busyIds.push(t.tid);
  }
  return { cores: ticks / TICKS_PER_S / (ms / 1000), workers: busyIds };
}

function extensionHostPid(runId: string, pgid: number): number {
  // findProcesses matches the group OR the marker, so each process is listed once.
  const hosts = findProcesses({ runId, pgid }).filter((p) => /extensionHost/.test(p.cmd));
  assert.equal(hosts.length, 1, `expected one extension host process among: ${findProcesses({ pgid }).map((h) => `${h.pid} ${h.cmd}`).join(' | ')}`);
  return hosts[0].pid;
}

export const cancel: Scenario = {
  name: '5-cancel',
  title: 'cancel a long embedded run from the progress notification',
  prepare(ws) {
    mergeWorkspaceSettings(ws, EMBEDDED_BOTH);
    mkdirSync(join(ws, '.nb-parity'), { recursive: true });
    const file = join(ws, '.nb-parity', 'cases.json');
    const existing = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as { cases: unknown[] } : { cases: [] };
    existing.cases.push({ id: BIG.id, label: 'e2e: large case to cancel (2048², -N 5, -oversample 3)', flags: BIG.flags,
      fileStem: BIG.stem, thresholds: { corrMin: 0.999, sumRatioTol: 0.001 } });
    writeFileSync(file, JSON.stringify(existing, null, 2) + '\n');
  },
  async run(ctx) {
    const { page, step, shot, workspace, runId, log, server } = ctx;
    // code-server forks the extension host a few seconds after the workbench connects.
    const host = await step('find the extension host process', () => pollUntil('the extension host process',
      async () => extensionHostPid(runId, server.pid), 30_000, 500));
    const idle = await cpuCores(host, 1000);
    const idleWorkers = threads(host).filter((t) => t.comm === WORKER_COMM).length;
    log(`extension host ${host}: ${idle.toFixed(2)} cores before the run, ${idleWorkers} worker threads`);
    const stampsBefore = listStampDirs(workspace);

    await step(`palette: ${TITLE_RUN_CASE} → ${BIG.id}`, async () => {
      await runCommand(page, TITLE_RUN_CASE);
      const row = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: BIG.id }).first();
      await row.waitFor({ state: 'visible', timeout: 20_000 });
      await shot('case-pick');
      await row.click();
      // A multi-select pick needs OK; a single pick has already closed.
      const ok = page.locator('.quick-input-widget .quick-input-action a, .quick-input-widget .monaco-button').filter({ hasText: /^OK$/ });
      if (await ok.count() && await ok.first().isVisible()) await ok.first().click();
    });
    const cancelButton = page.locator('.notifications-toasts .notification-list-item .monaco-button').filter({ hasText: /^Cancel$/ }).first();
    const busy = await step('the run is computing (progress notification, engine worker threads busy)', async () => {
      await cancelButton.waitFor({ state: 'visible', timeout: 30_000 });
      const rate = await pollUntil(`engine worker threads to use ≥ ${BUSY_WORKER_CORES} cores`, async () => {
        const r = await workerCores(host, 1000);
        return r.cores >= BUSY_WORKER_CORES ? r : undefined;
      }, 30_000, 0);
      await shot('progress');
      return { ...rate, threads: threadCount(host) };
    });
    log(`running: ${busy.workers.length} engine worker threads at ${busy.cores.toFixed(2)} cores; extension host has ${busy.threads} threads`);

    const t0 = Date.now();
    await step('click Cancel on the progress notification', () => cancelButton.click());
    const stopMs = await step('the engine worker threads stop computing within seconds', async () => {
      await pollUntil('the worker threads to stop (no CPU in a 0.5 s window)', async () =>
        (await workerCores(host, 500)).cores < STOPPED_WORKER_CORES || undefined, 15_000, 0);
      return Date.now() - t0;
    });
    log(`workers stopped ${(stopMs / 1000).toFixed(1)} s after Cancel (resolution: one 0.5 s sample)`);
    await step('they stay stopped and the busy workers are gone', async () => {
      const later = await workerCores(host, 3000);
      const hostCores = await cpuCores(host, 1000);
      const alive = threads(host);
      const survivors = busy.workers.filter((w) => alive.some((t) => t.tid === w));
      log(`after cancel: workers ${later.cores.toFixed(2)} cores over 3 s; extension host ${hostCores.toFixed(2)} cores; ` +
        `${alive.length} threads (${busy.threads} while running); ${survivors.length}/${busy.workers.length} busy workers still exist`);
      assert.ok(later.cores < STOPPED_WORKER_CORES, `engine worker threads still use ${later.cores.toFixed(2)} cores 3 s after the stop`);
      assert.deepEqual(survivors, [], `worker threads busy before Cancel were not terminated: ${survivors.join(', ')}`);
      const engines = findProcesses({ runId }).filter((p) => /engine-worker|nanoBragg|nanobrag_torch/.test(p.cmd));
      assert.deepEqual(engines, [], `engine processes remain: ${engines.map((e) => e.cmd).join(' | ')}`);
      await shot('cancelled');
    });
    await step('no image of the cancelled case was written', async () => {
      const fresh = listStampDirs(workspace).filter((d) => !stampsBefore.includes(d));
      const images = fresh.flatMap((d) => readdirSync(d).filter((n) => n.endsWith(`_${BIG.stem}.bin`)).map((n) => join(d, n)));
      assert.deepEqual(images, [], `images of the cancelled case: ${images.join(', ')}`);
      log(`bundle folders after cancel: ${fresh.length}`);
    });
  },
};
