// Which C binary runs: the setting / NB_C_BIN, then ./golden_suite_generator/nanoBragg, then the older "frozen"
// ./nanoBragg — never silently: the caller reports the origin, the path and the sha256.
import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';

export type CBinaryOrigin = 'setting' | 'NB_C_BIN' | 'golden_suite_generator' | 'frozen';

export interface CBinary {
  path: string;
  origin: CBinaryOrigin;
  /** True for the top-level ./nanoBragg, an older build that may not match the C source. */
  frozen: boolean;
  sha256: string;
  /** For origin 'setting': who set it ('--c-binary' from the CLI, the extension setting otherwise). */
  settingName?: string;
}

export type CResolution =
  | { ok: true; binary: CBinary }
  | { ok: false; message: string; /** golden_suite_generator/Makefile exists: `make -C golden_suite_generator` can build it. */ buildable: boolean; tried: string[] };

export const GOLDEN_DIR = 'golden_suite_generator';

/** Why `p` cannot be run, or undefined when it can. */
async function whyNotExecutable(p: string): Promise<string | undefined> {
  try {
    const s = await stat(p);
    if (!s.isFile()) return 'is not a file';
    await access(p, constants.X_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'does not exist';
    if (code === 'EACCES') return 'is not executable (chmod +x it)';
    return `cannot be checked (${code ?? String(err)})`;
  }
}

async function executable(p: string): Promise<boolean> {
  return (await whyNotExecutable(p)) === undefined;
}

export async function sha256File(p: string): Promise<string> {
  const h = createHash('sha256');
  await new Promise<void>((res, rej) => {
    createReadStream(p).on('data', (d) => h.update(d)).on('end', () => res()).on('error', rej);
  });
  return h.digest('hex');
}

/** `settingName` is what to blame when `setting` is wrong: '--c-binary' from the CLI, the extension setting otherwise. */
export async function resolveCBinary(
  workspace: string, setting?: string, env: NodeJS.ProcessEnv = process.env, settingName = 'the cBinary setting',
): Promise<CResolution> {
  const tried: string[] = [];
  const explicit: [string | undefined, CBinaryOrigin][] = [[setting, 'setting'], [env.NB_C_BIN, 'NB_C_BIN']];
  for (const [value, origin] of explicit) {
    if (!value) continue;
    const p = isAbsolute(value) ? value : resolve(workspace, value);
    tried.push(`${p} (${origin})`);
    // An explicit choice that is wrong is an error, not a reason to fall back to something else silently.
    const why = await whyNotExecutable(p);
    if (why) {
      const source = origin === 'setting' ? settingName : 'NB_C_BIN';
      return {
        ok: false,
        buildable: false,
        tried,
        message: `the C binary named by ${source} is missing or not executable (it ${why}): ${p}; fix the path (or drop ${source} to use ${GOLDEN_DIR}/nanoBragg)`,
      };
    }
    return { ok: true, binary: { path: p, origin, frozen: false, sha256: await sha256File(p), ...(origin === 'setting' ? { settingName } : {}) } };
  }
  const golden = join(workspace, GOLDEN_DIR, 'nanoBragg');
  tried.push(golden);
  if (await executable(golden)) return { ok: true, binary: { path: golden, origin: 'golden_suite_generator', frozen: false, sha256: await sha256File(golden) } };
  const frozen = join(workspace, 'nanoBragg');
  tried.push(frozen);
  // Building the real reference beats falling back to an older frozen binary (the seed's rule).
  const buildable = await stat(join(workspace, GOLDEN_DIR, 'Makefile')).then((s) => s.isFile(), () => false);
  if (!buildable && (await executable(frozen))) {
    return { ok: true, binary: { path: frozen, origin: 'frozen', frozen: true, sha256: await sha256File(frozen) } };
  }
  if (buildable) {
    const frozenNote = (await executable(frozen)) ? ` (the frozen ./nanoBragg is NOT used automatically; set NB_C_BIN=${frozen} to run it on purpose)` : '';
    return { ok: false, buildable: true, tried, message: `no C binary at ${golden}; it can be built with "make -C ${GOLDEN_DIR}"${frozenNote}` };
  }
  return {
    ok: false,
    buildable: false,
    tried,
    message: `no nanoBragg C binary found (tried ${tried.join(', ')}); set NB_C_BIN or the cBinary setting, or open a nanoBragg checkout with ${GOLDEN_DIR}/Makefile`,
  };
}

export function describeCBinary(b: CBinary): string {
  const where = b.frozen
    ? `FROZEN binary ./nanoBragg (an older build that may not match ${GOLDEN_DIR}/nanoBragg.c)`
    : b.origin === 'golden_suite_generator' ? `${GOLDEN_DIR}/nanoBragg` : `from ${b.origin === 'setting' ? b.settingName ?? 'the cBinary setting' : 'NB_C_BIN'}`;
  return `C binary ${b.path} — ${where}, sha256 ${b.sha256.slice(0, 16)}…`;
}
