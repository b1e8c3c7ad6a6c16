// Loading case files for the CLI. Where the CLI keeps parsed case files between calls (src/core/cases/parseCache.ts): the warm server's runtime folder,
// and only when it already exists and passes the same privacy check as the daemon's socket folder (a planted copy
// there would decide which commands run). Never created for this: a cold-only user gets no folder and no copy.
import { relative } from 'node:path';
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

/**
 * When a case file could not be read at all (a YAML syntax error...), every case it defines is missing: a run of
 * "all cases", or of an id that may be one of them, must not go on as if they did not exist (a matrix would pass with
 * most of its runs silently left out). The sentence to refuse with, or undefined when no file was lost.
 */
export function lostCaseFiles(workspace: string, unreadable: readonly string[], errors: readonly string[], why: string): string | undefined {
  if (!unreadable.length) return undefined;
  const names = unreadable.map((f) => relative(workspace, f) || f).join(' and ');
  const own = errors.filter((e) => unreadable.some((f) => e.startsWith(f)));
  return `${why}: ${names} could not be read, so none of its cases are known; fix it first:\n  ${own.join('\n  ')}`;
}

/** The case files' errors as warnings on stderr, for a run that goes on without the cases they cost. */
export function warnCaseFileErrors(command: string, workspace: string, errors: readonly string[], unreadable: readonly string[]): void {
  for (const e of errors) console.error(`nb-parity ${command}: warning: ${e}`);
  for (const f of unreadable) console.error(`nb-parity ${command}: warning: ${relative(workspace, f) || f} could not be read: none of its cases are available`);
}
