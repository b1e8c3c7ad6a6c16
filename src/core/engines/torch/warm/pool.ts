// One warm server per (interpreter, environment): a different interpreter or env means a different torch import,
// so a different parent. A torch upgrade on disk is caught by the parent itself (it refuses runs as "stale" and the
// client restarts it). Servers are created lazily and started by their first run.
import { createHash } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import { WarmTorchServer, type WarmServerOptions } from './server.ts';

/** Fork is what makes warm runs possible; Windows has none, so the runner uses cold runs there. */
export function warmSupported(platform: NodeJS.Platform = process.platform): boolean {
  return platform !== 'win32';
}

/** Identity of the interpreter file: its real path and modification time (a reinstalled venv is a new key). */
function interpreterIdentity(python: string): string {
  try {
    const real = realpathSync(python);
    return `${real}@${statSync(real).mtimeMs}`;
  } catch {
    return python; // a bare name on PATH: the server resolves it; still a stable key
  }
}

export function warmServerKey(python: string, env: Record<string, string> = {}): string {
  const entries = Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify([interpreterIdentity(python), entries])).digest('hex').slice(0, 16);
}

const MAX_SERVERS = 2; // each parent holds torch in memory (~0.3-0.5 GB)
const servers = new Map<string, WarmTorchServer>();

export type WarmPoolOptions = Omit<WarmServerOptions, 'python' | 'env'>;

/** The server for this interpreter and env, created if needed (not started: its first run starts it). */
export function getWarmServer(python: string, env: Record<string, string> = {}, opts: WarmPoolOptions = {}): { key: string; server: WarmTorchServer } {
  const key = warmServerKey(python, env);
  let server = servers.get(key);
  if (server) {
    servers.delete(key); // re-insert: Map order doubles as least-recently-used order
    server.setLog(opts.onLog);
  } else {
    server = new WarmTorchServer({ ...opts, python, env });
    while (servers.size >= MAX_SERVERS) {
      const [oldKey, old] = servers.entries().next().value as [string, WarmTorchServer];
      servers.delete(oldKey);
      void old.dispose();
    }
  }
  servers.set(key, server);
  return { key, server };
}

/** Kill every warm parent and child (deactivate, CLI exit, tests). */
export async function disposeWarmServers(): Promise<void> {
  const all = [...servers.values()];
  servers.clear();
  await Promise.all(all.map((s) => s.dispose()));
}

/**
 * Start the warm parent for this interpreter/env now, in the background (e.g. when the extension activates with
 * torchMode auto), so the first parity run does not wait for `import torch`. Never throws; false when it failed.
 */
export async function prewarmWarmServer(python: string, env: Record<string, string> = {}, opts: WarmPoolOptions = {}): Promise<boolean> {
  if (!warmSupported()) return false;
  try {
    await getWarmServer(python, env, opts).server.start();
    return true;
  } catch (err) {
    opts.onLog?.(`warm PyTorch server could not be started ahead of time: ${(err as Error).message}`);
    return false;
  }
}

/** The pooled servers, least recently used first (for `nb-parity server status`). */
export function listWarmServers(): { key: string; server: WarmTorchServer }[] {
  return [...servers.entries()].map(([key, server]) => ({ key, server }));
}
