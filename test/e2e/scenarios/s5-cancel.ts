// Scenario 5: cancel a long embedded run from its progress notification. Honest check of "no engine worker
// remains": the embedded engine's workers are threads of the extension host process, so we sample that process's
// CPU time from /proc (utime+stime). While the case runs it burns ≥ ~1 core; after Cancel it must fall to idle
// within seconds, and stay there (no worker keeps computing). The engine terminates busy workers on cancel, so the
// process's thread count (/proc/<pid>/task) must also drop. We also check no engine child process exists and that no
// image of the cancelled case is written afterwards. Thresholds leave room for other work on a shared 2-core box.
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
  flags: '-mat A.mat -default_F 100 -N 5 -oversample 2 -detpixels 2048 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -nonoise -nointerpolate',
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

const BUSY_CORES = 0.5;
const IDLE_CORES = 0.2;

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
    existing.cases.push({ id: BIG.id, label: 'e2e: large case to cancel (2048², -N 5, -oversample 2)', flags: BIG.flags,
      fileStem: BIG.stem, thresholds: { corrMin: 0.999, sumRatioTol: 0.001 } });
    writeFileSync(file, JSON.stringify(existing, null, 2) + '\n');
  },
  async run(ctx) {
    const { page, step, shot, workspace, runId, log, server } = ctx;
    // code-server forks the extension host a few seconds after the workbench connects.
    const host = await step('find the extension host process', () => pollUntil('the extension host process',
      async () => extensionHostPid(runId, server.pid), 30_000, 500));
    const idle = await cpuCores(host, 1000);
    log(`extension host ${host}: ${idle.toFixed(2)} cores before the run`);
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
    const busy = await step('the run is computing (progress notification, extension host busy)', async () => {
      await cancelButton.waitFor({ state: 'visible', timeout: 30_000 });
      const cores = await pollUntil(`the extension host to use ≥ ${BUSY_CORES} cores`, async () => {
        const c = await cpuCores(host, 1000);
        return c >= BUSY_CORES ? c : undefined;
      }, 30_000, 0);
      await shot('progress');
      return { cores, threads: threadCount(host) };
    });
    log(`running: extension host at ${busy.cores.toFixed(2)} cores, ${busy.threads} threads`);

    const t0 = Date.now();
    await step('click Cancel on the progress notification', () => cancelButton.click());
    const stopMs = await step('CPU falls to idle within seconds', async () => {
      await pollUntil(`the extension host CPU to fall below ${IDLE_CORES} cores`, async () => (await cpuCores(host, 500)) < IDLE_CORES || undefined, 15_000, 0);
      return Date.now() - t0;
    });
    log(`stopped ${(stopMs / 1000).toFixed(1)} s after Cancel (includes one 0.5 s sample)`);
    await step('it stays idle: no worker keeps computing', async () => {
      const later = await cpuCores(host, 3000);
      assert.ok(later < IDLE_CORES, `extension host still at ${later.toFixed(2)} cores 3 s after the stop`);
      const threads = threadCount(host);
      log(`after cancel: ${later.toFixed(2)} cores over 3 s, ${threads} threads (${busy.threads} while running)`);
      assert.ok(threads < busy.threads, `the extension host has ${threads} threads after cancel, ${busy.threads} while running: the workers were not terminated`);
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
