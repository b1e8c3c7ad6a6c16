// Where the kernel worker script lives, for every way this code runs:
// - bundled ESM (dist/cli.mjs): dist/engine-worker.mjs next to the bundle (import.meta.url);
// - bundled CJS (dist/extension.cjs): import.meta is empty there, so __dirname/engine-worker.mjs;
// - from sources under tsx (tests): worker-dev.mjs next to this module (registers tsx in the thread, then
//   loads worker.ts: tsx's --import hook does not reach worker threads on Node 20).
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BUNDLED_WORKER = 'engine-worker.mjs';
export const DEV_WORKER = 'worker-dev.mjs';

export function resolveWorkerScript(moduleUrl: string | undefined, cjsDirname: string | undefined, override?: string): URL {
  if (override) return pathToFileURL(override);
  if (moduleUrl) {
    const here = fileURLToPath(moduleUrl);
    const dir = dirname(here);
    return pathToFileURL(join(dir, here.endsWith('.ts') ? DEV_WORKER : BUNDLED_WORKER));
  }
  if (cjsDirname) return pathToFileURL(join(cjsDirname, BUNDLED_WORKER));
  throw new Error('embedded engine: cannot locate its worker script (neither import.meta.url nor __dirname is available); set NB_ENGINE_WORKER to dist/engine-worker.mjs');
}

/** The worker script for the running code. */
export function workerScript(): URL {
  // In the CJS bundle esbuild turns import.meta into {}, so .url is undefined there.
  const url = (import.meta as { url?: string }).url;
  const cjsDir = typeof __dirname === 'string' ? __dirname : undefined;
  return resolveWorkerScript(url, cjsDir, process.env.NB_ENGINE_WORKER);
}
