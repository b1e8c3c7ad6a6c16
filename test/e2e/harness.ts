// One scenario = a fresh copy of the demo workspace, a fresh code-server, a fresh Chromium profile, a results
// folder of screenshots, and a teardown that proves no process was left behind.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startCodeServer, forgetGroup, type CodeServer } from './codeServer.ts';
import { findProcesses, killTree } from './processes.ts';
import { loadChromium, type Page, type Browser } from './pw.ts';
import { E2E_DIR, type Tools } from './tools.ts';
import { waitForWorkbench } from './workbench.ts';

export const REPO = resolve(E2E_DIR, '..', '..');
export const DEMO_WORKSPACE = join(REPO, 'examples', 'demo-workspace');
export const RESULTS_ROOT = join(E2E_DIR, 'results');

export interface ConsoleEntry { type: string; text: string; url: string }

export interface ScenarioContext {
  page: Page;
  workspace: string;    // the fresh copy opened in VS Code
  runDir: string;
  runId: string;        // NB_E2E_RUN marker every started process carries
  resultsDir: string;
  server: CodeServer;
  console: ConsoleEntry[];
  /** Runs one named step; a failure names the step and keeps a screenshot of that moment. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Saves `<nn>-<name>.png` into the scenario's results folder. */
  shot(name: string): Promise<string>;
  log(line: string): void;
}

export interface Scenario {
  name: string;          // results folder name, e.g. "1-run-seed"
  title: string;
  trusted?: boolean;     // default true (--disable-workspace-trust); false → Restricted Mode
  emptyWorkspace?: boolean; // open an empty folder instead of the demo workspace (harness self-check only)
  /** Browser viewport; default 1600×1000 (README screenshots use 1280 wide). */
  viewport?: { width: number; height: number };
  /** Changes the fresh workspace copy before VS Code opens it; may return extra environment for code-server. */
  prepare?(workspace: string): Promise<{ env?: Record<string, string> } | void> | { env?: Record<string, string> } | void;
  run(ctx: ScenarioContext): Promise<void>;
}

export interface ScenarioResult { name: string; title: string; ok: boolean; ms: number; failedStep?: string; error?: string; screenshots: string[] }

class StepError extends Error {
  constructor(readonly step: string, readonly inner: Error, readonly screenshot?: string) {
    super(`step "${step}" failed: ${inner.message}`);
  }
}

/** Reads a JSON settings file that may contain comments (VS Code's JSONC). */
export function readJsonc(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8')
    .replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_m, str: string | undefined) => str ?? '')
    .replace(/,(\s*[}\]])/g, '$1');
  return text.trim() ? JSON.parse(text) as Record<string, unknown> : {};
}

export function mergeWorkspaceSettings(workspace: string, values: Record<string, unknown>): void {
  const file = join(workspace, '.vscode', 'settings.json');
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(file, JSON.stringify({ ...readJsonc(file), ...values }, null, 2) + '\n');
}

/** Both sides on the embedded engine: the C binary and PyTorch do not exist in CI. */
export const EMBEDDED_BOTH = { 'nbParity.candidate': 'embedded', 'nbParity.reference': 'embedded' };

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

export async function runScenario(s: Scenario, tools: Tools, vsix: string | undefined, opts: { keep?: boolean; log: (l: string) => void }): Promise<ScenarioResult> {
  const started = Date.now();
  const resultsDir = join(RESULTS_ROOT, s.name);
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  // Short path under /tmp: code-server puts unix sockets in TMPDIR and the user-data dir (108-byte limit).
  const runDir = mkdtempSync(join(tmpdir(), `nbe2e-${s.name.split('-')[0]}-`));
  const runId = `${s.name}-${process.pid}-${Date.now()}`;
  const screenshots: string[] = [];
  let shotNo = 0;
  let currentStep = 'setup';
  let page: Page | undefined;
  let browser: Browser | undefined;
  let server: CodeServer | undefined;
  const log = (l: string) => opts.log(`  [${s.name}] ${l.replace(/\n/g, '\n      ')}`);

  const shot = async (name: string): Promise<string> => {
    const file = join(resultsDir, `${String(++shotNo).padStart(2, '0')}-${name}.png`);
    if (page) { await page.screenshot({ path: file, timeout: 15_000 }); screenshots.push(file); }
    return file;
  };
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    currentStep = name;
    const t0 = Date.now();
    try {
      const v = await fn();
      log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      return v;
    } catch (e) {
      if (e instanceof StepError) throw e;
      let file: string | undefined;
      try { file = await shot(`FAILED-${name.replace(/[^A-Za-z0-9]+/g, '-')}`); } catch { /* page gone */ }
      log(`FAIL ${name}: ${(e as Error).message}`);
      throw new StepError(name, e as Error, file);
    }
  };

  let error: Error | undefined;
  try {
    const workspace = join(runDir, 'ws');
    if (s.emptyWorkspace) mkdirSync(workspace);
    else {
      if (!existsSync(DEMO_WORKSPACE)) throw new Error(`${DEMO_WORKSPACE} is missing: the e2e scenarios open a copy of the demo workspace`);
      cpSync(DEMO_WORKSPACE, workspace, { recursive: true });
    }
    const prep = (await s.prepare?.(workspace)) ?? {};
    server = await step('start code-server', () => startCodeServer({
      tools, runDir, runId, vsix, trustWorkspaces: s.trusted !== false, env: prep.env,
    }));
    const chromium = loadChromium(tools.playwrightCoreDir);
    browser = await chromium.launch({
      executablePath: tools.chromium, headless: true, args: CHROMIUM_ARGS, timeout: 60_000,
      env: { ...(process.env as Record<string, string>), NB_E2E_RUN: runId, TMPDIR: join(runDir, 'tmp') },
    });
    const context = await browser.newContext({ viewport: s.viewport ?? { width: 1600, height: 1000 } });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const consoleEntries: ConsoleEntry[] = [];
    page.on('console', (m) => consoleEntries.push({ type: m.type(), text: m.text(), url: m.location().url }));
    page.on('pageerror', (e) => consoleEntries.push({ type: 'pageerror', text: String(e.message ?? e), url: '' }));
    const p = page;
    await step('open workbench', async () => {
      await p.goto(`${server!.url}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
      await waitForWorkbench(p);
    });
    try {
      await s.run({ page: p, workspace, runDir, runId, resultsDir, server, console: consoleEntries, step, shot, log });
    } finally {
      writeFileSync(join(resultsDir, 'console.log'), consoleEntries.map((c) => `[${c.type}] ${c.text}  (${c.url})`).join('\n') + '\n');
    }
  } catch (e) {
    error = e as Error;
    if (!(e instanceof StepError)) {
      try { await shot(`FAILED-${currentStep.replace(/[^A-Za-z0-9]+/g, '-')}`); } catch { /* no page */ }
    }
  }

  // Teardown: browser first, then the code-server group; then prove nothing carrying our marker survived.
  try { await browser?.close(); } catch { /* already gone */ }
  const left = server ? await server.stop() : [];
  if (server) forgetGroup(server.pid);
  const strays = [...left, ...findProcesses({ runId })];
  if (strays.length > 0) {
    await killTree({ runId, graceMs: 1000 });
    const msg = `processes left behind after teardown: ${strays.map((p) => `${p.pid} ${p.cmd}`).join('; ')}`;
    error = error ?? new Error(msg);
    log(msg);
  }
  if (error && server) {
    // Keep the logs next to the screenshots for whoever reads the failure.
    try { cpSync(server.logFile, join(resultsDir, 'code-server.log')); } catch { /* none */ }
    try { copyExtHostLogs(server.userDataDir, resultsDir); } catch { /* none */ }
  }
  if (!error && !opts.keep) rmSync(runDir, { recursive: true, force: true });
  else log(`run folder kept: ${runDir}`);
  const step_ = error instanceof StepError ? error.step : error ? currentStep : undefined;
  return {
    name: s.name, title: s.title, ok: !error, ms: Date.now() - started, failedStep: step_,
    error: error ? (error instanceof StepError ? `${error.message}${error.screenshot ? `\n    screenshot: ${error.screenshot}` : ''}` : error.message) : undefined,
    screenshots,
  };
}

function copyExtHostLogs(userDataDir: string, resultsDir: string): void {
  const logs = join(userDataDir, 'logs');
  for (const stamp of readdirSync(logs)) {
    const exthost = join(logs, stamp, 'exthost1');
    if (existsSync(exthost)) cpSync(exthost, join(resultsDir, 'exthost-logs'), { recursive: true });
  }
}
