// Where the CLI keeps parsed case files between calls (src/core/cases/parseCache.ts): the warm server's runtime folder,
// and only when it already exists and passes the same privacy check as the daemon's socket folder (a planted copy
// there would decide which commands run). Never created for this: a cold-only user gets no folder and no copy.
import { checkPrivateDir, runtimeDirPath } from '../core/engines/torch/warm/runtimeDir.ts';

export function caseParseCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = runtimeDirPath(env);
  try {
    checkPrivateDir(dir);
    return dir;
  } catch {
    return undefined;
  }
}
