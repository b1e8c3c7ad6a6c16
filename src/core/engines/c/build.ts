// Build the C reference with the repo's own Makefile (`make -C golden_suite_generator`), streaming its output.
import { join } from 'node:path';
import { runProcess } from '../process.ts';
import { GOLDEN_DIR } from './resolve.ts';

export interface BuildResult { ok: boolean; message: string; log: string; wallMs: number; command: string[] }

export async function buildCBinary(workspace: string, opts: { signal?: AbortSignal; onLog?: (line: string) => void; timeoutMs?: number } = {}): Promise<BuildResult> {
  const command = ['make', '-C', GOLDEN_DIR];
  opts.onLog?.(`$ cd ${workspace} && ${command.join(' ')}`);
  const r = await runProcess({
    file: 'make', args: command.slice(1), cwd: workspace, signal: opts.signal, timeoutMs: opts.timeoutMs ?? 300_000,
    onLine: (line) => opts.onLog?.(line),
  });
  const log = r.stdout + (r.stderr ? `\n${r.stderr}` : '');
  const bin = join(workspace, GOLDEN_DIR, 'nanoBragg');
  if (r.spawnError) return { ok: false, message: `cannot build the C binary: ${r.spawnError} (install make and gcc: apt-get install build-essential)`, log, wallMs: r.wallMs, command };
  if (r.cancelled) return { ok: false, message: 'the C build was cancelled', log, wallMs: r.wallMs, command };
  if (r.timedOut) return { ok: false, message: `the C build timed out after ${((opts.timeoutMs ?? 300_000) / 1000).toFixed(0)} s (--timeout)`, log, wallMs: r.wallMs, command };
  if (r.exitCode !== 0) {
    const tail = log.trim().split('\n').slice(-5).join(' | ');
    return { ok: false, message: `"make -C ${GOLDEN_DIR}" failed with status ${r.exitCode ?? r.signal}: ${tail}`, log, wallMs: r.wallMs, command };
  }
  return { ok: true, message: `built ${bin} in ${(r.wallMs / 1000).toFixed(1)} s`, log, wallMs: r.wallMs, command };
}
