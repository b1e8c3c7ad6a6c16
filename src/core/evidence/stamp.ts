// Bundle folders: reports/<initiative>/<phase>/<STAMP>/ with STAMP = UTC YYYYMMDDTHHMMSSZ (the seed's convention).
// A stamp is claimed with a non-recursive mkdir, which fails if the folder exists: earlier bundles are never
// touched, and two runs in the same second get consecutive seconds instead of sharing a folder.
import { mkdir } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { ParityError } from '../settings.ts';

export const DEFAULT_REPORTS_ROOT = 'reports';
export const DEFAULT_INITIATIVE = '2025-11-source-weights';
export const DEFAULT_PHASE = 'phase_e';
export const STAMP_RE = /^\d{8}T\d{6}Z$/;

export function newStamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

export function stampToDate(stamp: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(stamp);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

/** The phase folder that holds the bundles: <workspace>/<reportsRoot>/<initiative>/<phase>. */
export function phaseDir(workspace: string, s: { reportsRoot?: string; initiative?: string; phase?: string } = {}): string {
  const initiative = s.initiative ?? DEFAULT_INITIATIVE;
  const phase = s.phase ?? DEFAULT_PHASE;
  // Initiative and phase come from flags/settings: they must stay inside the reports folder.
  for (const [name, value] of [['initiative', initiative], ['phase', phase]] as const) {
    if (isAbsolute(value)) throw new ParityError(`${name} "${value}" is an absolute path; use a name inside the reports folder`);
    if (value.split(/[\\/]/).includes('..')) throw new ParityError(`${name} "${value}" contains ".." and would write bundles outside the reports folder`);
  }
  const root = join(workspace, s.reportsRoot ?? DEFAULT_REPORTS_ROOT);
  const dir = join(root, initiative, phase);
  if (relative(root, dir).startsWith('..')) throw new ParityError(`bundle folder ${dir} would be outside ${root}`);
  return dir;
}

/** Create a fresh bundle folder; on a collision try the following seconds (never reuses an existing folder). */
export async function createBundleDir(parent: string, now: Date = new Date(), attempts = 120): Promise<{ dir: string; stamp: string }> {
  await mkdir(parent, { recursive: true });
  let t = Math.floor(now.getTime() / 1000) * 1000;
  for (let i = 0; i < attempts; i++, t += 1000) {
    const stamp = newStamp(new Date(t));
    const dir = join(parent, stamp);
    try {
      await mkdir(dir);
      return { dir, stamp };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot create the evidence folder ${dir}: ${(err as Error).message}`);
    }
  }
  throw new Error(`cannot find a free STAMP under ${parent} (${attempts} consecutive seconds taken)`);
}
