// Starts code-server (VS Code OSS for the browser) for one scenario, with every folder it writes to inside the
// scenario's run folder, and stops it by process group.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { findProcesses, killTree, sleep, type ProcInfo } from './processes.ts';
import type { Tools } from './tools.ts';

export interface CodeServerOptions {
  tools: Tools;
  runDir: string;          // throw-away folder for this scenario
  runId: string;           // NB_E2E_RUN marker inherited by every child
  vsix?: string;           // absent only for the harness self-check
  trustWorkspaces: boolean; // false → Restricted Mode for the opened folder
  userSettings?: Record<string, unknown>;
  env?: Record<string, string>;
}

export interface CodeServer {
  url: string;             // base URL, open `${url}/?folder=...`
  port: number;
  pid: number;
  logFile: string;
  userDataDir: string;
  stop(): Promise<ProcInfo[]>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
};

export function folderEnv(runDir: string, runId: string, extra?: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    XDG_CONFIG_HOME: join(runDir, 'xdg', 'config'),
    XDG_DATA_HOME: join(runDir, 'xdg', 'data'),
    XDG_CACHE_HOME: join(runDir, 'xdg', 'cache'),
    TMPDIR: join(runDir, 'tmp'),
    NB_E2E_RUN: runId,
    ...extra,
  };
  // Variables of the surrounding shell that would change what the extension does.
  delete env.NB_C_BIN; delete env.NB_PY_BIN; delete env.VSCODE_IPC_HOOK_CLI;
  if (extra?.NB_C_BIN) env.NB_C_BIN = extra.NB_C_BIN;
  for (const k of ['config', 'data', 'cache']) mkdirSync(join(runDir, 'xdg', k), { recursive: true });
  mkdirSync(join(runDir, 'tmp'), { recursive: true });
  return env;
}

export async function startCodeServer(o: CodeServerOptions): Promise<CodeServer> {
  const userDataDir = join(o.runDir, 'user');
  const extDir = join(o.runDir, 'ext');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, ...o.userSettings }, null, 2));
  const port = await freePort();
  const configFile = join(o.runDir, 'config.yaml');
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const env = folderEnv(o.runDir, o.runId, o.env);
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extDir];

  // Install the VSIX the way a user would (about 1 s); the CLI exits when done.
  if (o.vsix) await installVsix(o, common, env);
  const args = [o.tools.codeServerEntry, ...common, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--bind-addr', `127.0.0.1:${port}`];
  if (!o.trustWorkspaces) {
    // Restricted Mode is the default for an opened folder; nothing to pass.
  } else {
    args.push('--disable-workspace-trust');
  }
  const logFile = join(o.runDir, 'code-server.log');
  const log = createWriteStream(logFile);
  // detached: code-server leads its own process group, so teardown reaches the file watcher and extension host.
  const child: ChildProcess = spawn(o.tools.node24, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const pid = child.pid!;
  let exited: number | null | undefined;
  child.on('exit', (code) => { exited = code; });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<ProcInfo[]> => {
    const left = await killTree({ pgid: pid, runId: o.runId, graceMs: 5000 });
    log.end();
    return left;
  };
  registerEmergencyKill(pid);

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`code-server exited (code ${exited}) before answering; see ${logFile}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { await stop(); throw new Error(`code-server did not answer ${url}/healthz in 60 s; see ${logFile}`); }
    await sleep(200);
  }
  return { url, port, pid, logFile, userDataDir, stop };
}

async function installVsix(o: CodeServerOptions, common: string[], env: Record<string, string>): Promise<void> {
  const inst = await execa(o.tools.node24, [o.tools.codeServerEntry, ...common, '--install-extension', o.vsix!],
    { env, reject: false, all: true, stdin: 'ignore', timeout: 120_000 });
  if (inst.exitCode !== 0 || !/successfully installed/i.test(inst.all ?? '')) {
    throw new Error(`code-server --install-extension ${o.vsix} failed (exit ${inst.exitCode}):\n${inst.all}`);
  }
}

// If the harness dies (Ctrl-C, crash), the groups it started must not outlive it.
const groups = new Set<number>();
let hooked = false;
function registerEmergencyKill(pgid: number): void {
  groups.add(pgid);
  if (hooked) return;
  hooked = true;
  const killAll = () => { for (const g of groups) { try { process.kill(-g, 'SIGKILL'); } catch { /* gone */ } } };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { killAll(); process.exit(130); });
}

export function forgetGroup(pgid: number): void {
  groups.delete(pgid);
}

export { findProcesses };
