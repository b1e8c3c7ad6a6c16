// `nb-parity server status|stop` and `nb-parity server --daemon` (what `nb-parity run --torch-mode warm|auto` starts on
// first use): the per-user warm PyTorch server daemon. See docs/warm-torch.md.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { idleTimeoutOption, OptionError } from './engineOptions.ts';
import { DAEMON_PROTOCOL, connectDaemon, daemonStatus, ensureRuntimeDir, runtimeDirPath, serveDaemon, type DaemonStatus } from '../core/engines/torch/warm/index.ts';
import { parseCommandArgs } from './usage.ts';
import { CALLS, serveCalls } from './serveCalls.ts';
import { codeFolder, codeIdentity } from '../core/codeIdentity.ts';

const HELP = `usage: nb-parity server status [--json] | stop | --daemon [--idle-timeout SEC]

The per-user warm PyTorch server that "nb-parity run" (--torch-mode auto, the default, or warm) starts on first
use. It keeps torch imported between runs (each run still imports the port fresh from disk) and stops by itself
after --idle-timeout seconds without runs (default 600; also spelled --server-idle, the name "nb-parity run" uses
for it; NB_PARITY_SERVER_IDLE when neither is given).
Its socket lives in $NB_PARITY_RUNTIME_DIR, else $XDG_RUNTIME_DIR/nb-parity, else /tmp/nb-parity-<uid> (mode 0700).

  status    pid, socket, uptime, idle time left, servers by key, runs served (exit 3 when none runs)
  stop      ask it to stop (its Python servers and their runs end), kill it if it has not gone after 5 s
  --daemon  run the daemon in this process (used by nb-parity itself)`;

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function describe(s: DaemonStatus): string {
  const lines = [
    `warm server daemon pid ${s.pid} (protocol ${s.version}${s.version !== DAEMON_PROTOCOL ? `; this nb-parity speaks ${DAEMON_PROTOCOL}, so its runs go cold: "nb-parity server stop" stops it` : ''})`,
    `  socket:     ${s.socket}`,
    `  uptime:     ${secs(s.uptimeMs)}, runs served ${s.runsServed}, runs in flight ${s.activeRuns}, clients ${s.clients}`,
    ...(s.callsServed !== undefined ? [`  calls:      ${s.callsServed} carried out here, ${s.activeCalls ?? 0} in flight (nb-parity run and trace calls made while it runs)`] : []),
    `  idle stop:  after ${secs(s.idleMs)} without runs; ${s.idleLeftMs === null ? 'runs or calls in flight' : `${secs(s.idleLeftMs)} left`}`,
    `  servers:    ${s.servers.length ? '' : 'none'}`,
  ];
  for (const v of s.servers) {
    lines.push(`    ${v.key}  ${v.python}  ${v.pid ? `pid ${v.pid}, life ${v.life}` : 'not running'}, torch ${v.torch ?? 'n/a'}${v.env.PYTHONPATH ? `, PYTHONPATH ${v.env.PYTHONPATH}` : ''}`);
  }
  return lines.join('\n');
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

export async function serverCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('server', HELP, () => parseArgs({
    args: argv, allowPositionals: true,
    options: { daemon: { type: 'boolean' }, 'idle-timeout': { type: 'string' }, 'server-idle': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  }));
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (values.daemon) {
    let idle: number;
    try {
      idle = idleTimeoutOption(values['server-idle'], values['idle-timeout'], process.env.NB_PARITY_SERVER_IDLE) ?? 600;
    } catch (err) {
      if (!(err instanceof OptionError)) throw err;
      console.error(`nb-parity server: ${err.message}`);
      return 2;
    }
    const dir = ensureRuntimeDir();
    const logFile = join(dir, 'daemon.log');
    const log = (line: string) => { try { appendFileSync(logFile, `${new Date().toISOString()} [${process.pid}] ${line}\n`); } catch { /* best effort */ } };
    // Our build as it is now, before anything could replace it: a client of another build is declined (serveCalls.ts).
    const code = codeIdentity();
    const serving = serveDaemon({ dir, idleMs: idle * 1000, log, calls: serveCalls(code, codeFolder()) });
    for (const load of Object.values(CALLS)) void load().catch(() => undefined); // loaded ahead: the first call here starts warm
    const why = await serving;
    log(`exited: ${why}`);
    process.exit(0);
  }
  const [what] = positionals;
  if (what === 'status') {
    const s = await daemonStatus();
    if (!s) {
      if (values.json) console.log('null'); else console.log(`no warm server daemon is running (socket folder ${runtimeDirPath()})`);
      return 3;
    }
    console.log(values.json ? JSON.stringify(s, null, 2) : describe(s));
    return 0;
  }
  if (what === 'stop') {
    const c = await connectDaemon(process.env, true);
    if (!c) { console.log('no warm server daemon is running'); return 0; }
    const s = await c.ask({ type: 'status' }, 'status') as DaemonStatus;
    await c.ask({ type: 'stop' }, 'stop').catch(() => undefined);
    c.close();
    for (let i = 0; i < 100 && alive(s.pid); i++) await new Promise((r) => setTimeout(r, 50));
    if (alive(s.pid)) {
      process.kill(s.pid, 'SIGKILL'); // its Python servers see their stdin close and take their runs with them
      console.log(`warm server daemon pid ${s.pid} did not stop within 5 s: killed`);
    } else {
      console.log(`warm server daemon pid ${s.pid} stopped (${s.runsServed} runs served)`);
    }
    return 0;
  }
  console.error(`nb-parity server: expected status, stop or --daemon\n\n${HELP}`);
  return 2;
}
