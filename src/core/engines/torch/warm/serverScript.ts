// Where the Python fork-server script lives. The same code runs from three places: dist/cli.mjs (ESM bundle),
// dist/extension.cjs (CJS bundle, where import.meta is empty) and the sources under tsx. All three sit below the
// package root, which holds resources/torch-warm-server.py, so we walk up from this module's file.
import { existsSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WARM_SERVER_RELATIVE = join('resources', 'torch-warm-server.py');

/** The file this code was loaded from (the bundle or the source file). */
export function thisModuleFile(): string {
  // In the CJS bundle `__filename` is the bundle; in ESM it is not defined and import.meta.url is.
  if (typeof __filename === 'string' && __filename) return __filename;
  return fileURLToPath(import.meta.url);
}

/**
 * Nearest ancestor folder of `fromFile` that contains resources/torch-warm-server.py, as the script's path.
 * Throws a specific error naming the folder searched when the package is incomplete.
 */
export function resolveWarmServerScript(fromFile: string = thisModuleFile(),
  exists: (p: string) => boolean = existsSync): string {
  let dir = dirname(fromFile);
  const { root } = parse(dir);
  for (;;) {
    const candidate = join(dir, WARM_SERVER_RELATIVE);
    if (exists(candidate)) return candidate;
    if (dir === root) break;
    dir = dirname(dir);
  }
  throw new Error(`the warm PyTorch server script ${WARM_SERVER_RELATIVE} was not found above ${dirname(fromFile)}; `
    + 'reinstall the extension/CLI (the package must ship its resources/ folder) or use cold PyTorch runs');
}
