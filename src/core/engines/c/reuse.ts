// Reusing an earlier C run. The reference binary rarely changes while a port is being fixed, yet every parity call ran
// it again (on the 55-run matrix, 18 s of the 28 s warm call). A C run is reused only when an earlier run had exactly
// the same key — the binary's bytes, its arguments, the bytes of every input file they name, and the environment the
// program sees that can shape it — AND that command has already given byte-identical float files in two real runs
// (a build or a flag that draws random numbers is never frozen). Every 20th reuse of a command runs it again and
// compares; one difference and the command is never reused again. The float file is copied from the earlier bundle
// after its sha256 is checked, so an edited or deleted bundle means a real run, never a wrong image.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { CommandPlan } from '../runFinish.ts';
import { sha256File, type CBinary } from './resolve.ts';

export const C_RUNS_DIR = '.nb-parity/c-runs';
export const C_RUN_SCHEMA = 'nb-parity/c-run';
/** Every SAMPLE_EVERY-th reuse of a command runs it for real and compares. */
export const C_REUSE_SAMPLE_EVERY = 20;
/** Real runs kept per command (the newest first is copied from; older ones are fallbacks when a bundle was removed). */
const KEEP_RUNS = 4;

/** Variables of the inherited environment that can change what the C program computes or prints: OpenMP's, the
 * loader's, and the nanoBragg tools' own (NB_*, NANOBRAGG*), except this tool's (NB_PARITY_*), which it never sees. */
const SHAPING_ENV = /^(OMP_|GOMP_|KMP_|NB_|NANOBRAGG|LD_LIBRARY_PATH$|LD_PRELOAD$)/;
const OURS = /^NB_PARITY_/;

export interface CRunKey {
  key: string;
  binarySha256: string;
  /** sha256 of each input file named by the arguments, by absolute path. */
  inputs: Record<string, string>;
  env: Record<string, string>;
}

export interface CRealRun {
  bundle: string;
  /** Absolute path of the filed float file. */
  image: string;
  sha256: string;
  bytes: number;
  at: string;
  wallMs: number;
}

export interface CRunEntry {
  schema: typeof C_RUN_SCHEMA;
  version: 1;
  key: string;
  binary: { path: string; sha256: string };
  args: string[];
  inputs: Record<string, string>;
  env: Record<string, string>;
  stdout: string;
  stderr: string;
  /** Real runs, newest first. */
  runs: CRealRun[];
  /** Two real runs agreed (true) or differed (false, then never reused); undefined after one run. */
  deterministic?: boolean;
  /** Why deterministic is false: the two hashes, or the first stdout line that differed. */
  differed?: string;
  /** Reuses in all. */
  reuses: number;
  /** Reuses since the last real run: the sample clock (a real run, sampled or not, sets it back to 0). */
  sinceReal?: number;
}

/** What runC does with one command: reuse an earlier run's image, or run it (saying why). */
export type CReuseDecision =
  | { reuse: true; entry: CRunEntry; from: CRealRun; data: Buffer; stdout: string; stderr: string; note: string }
  | { reuse: false; note: string; entry?: CRunEntry; sampled?: boolean };

/** The key of one C command (plan.argv = binary, flags…, -floatfile, out). undefined when it cannot be keyed. */
export async function cRunKey(binary: CBinary, plan: CommandPlan, env: NodeJS.ProcessEnv = process.env): Promise<CRunKey | undefined> {
  const args = argsOf(plan);
  const inputs: Record<string, string> = {};
  for (const a of args) {
    if (!isAbsolute(a) || inputs[a]) continue;
    const s = await stat(a).catch(() => undefined);
    if (!s) continue;
    if (!s.isFile()) return undefined; // a folder argument: what the program reads in it is unknown
    inputs[a] = await sha256File(a);
  }
  const shaping: Record<string, string> = {};
  for (const k of Object.keys(env).sort()) if (SHAPING_ENV.test(k) && !OURS.test(k) && env[k] !== undefined) shaping[k] = env[k]!;
  Object.assign(shaping, plan.env);
  const key = createHash('sha256').update(JSON.stringify({ v: 1, binary: binary.sha256, args, inputs, env: shaping })).digest('hex').slice(0, 32);
  return { key, binarySha256: binary.sha256, inputs, env: shaping };
}

/** The arguments without the runner's own `-floatfile <scratch path>`, which differs on every run. */
function argsOf(plan: CommandPlan): string[] {
  const a = plan.argv.slice(1);
  const i = a.lastIndexOf('-floatfile');
  return i >= 0 ? [...a.slice(0, i), ...a.slice(i + 2)] : a;
}

function entryPath(workspace: string, key: string): string {
  return join(workspace, C_RUNS_DIR, `${key}.json`);
}

export async function readEntry(workspace: string, key: string): Promise<CRunEntry | undefined> {
  try {
    const e = JSON.parse(await readFile(entryPath(workspace, key), 'utf8')) as CRunEntry;
    return e?.schema === C_RUN_SCHEMA && e.version === 1 && e.key === key && Array.isArray(e.runs) ? e : undefined;
  } catch {
    return undefined;
  }
}

/** Decide for one command. Never throws: anything unreadable means a real run. */
export async function decideCReuse(workspace: string, k: CRunKey, plan: CommandPlan): Promise<CReuseDecision> {
  const entry = await readEntry(workspace, k.key);
  if (!entry || !entry.runs.length) {
    const near = await nearestRecord(workspace, k, plan);
    return { reuse: false, note: `first run of this command${near ? ` (an earlier record with the same arguments differs in ${near})` : ''}; it is reused once two real runs give byte-identical float files` };
  }
  if (entry.deterministic === false) return { reuse: false, entry, note: `not reused: two runs of this command gave different output (${entry.differed ?? 'sha256 differed'}), so it always runs` };
  if (entry.deterministic !== true) return { reuse: false, entry, note: 'second run of this command: compared with the first' };
  const since = entry.sinceReal ?? entry.reuses % C_REUSE_SAMPLE_EVERY;
  if (since + 1 >= C_REUSE_SAMPLE_EVERY) {
    return { reuse: false, entry, sampled: true, note: `sampled check: after ${since} reuses since its last real run, this command runs again and is compared` };
  }
  for (const from of entry.runs) {
    const data = await readFile(from.image).catch(() => undefined);
    if (!data || data.byteLength !== from.bytes) continue;
    if (createHash('sha256').update(data).digest('hex') !== from.sha256) continue;
    const agreeing = entry.runs.filter((r) => r.sha256 === from.sha256).length;
    return {
      reuse: true, entry, from, data, stdout: pathsIn(entry.stdout, plan), stderr: pathsIn(entry.stderr, plan),
      note: `not run: reused the float file of an identical earlier run (${from.image}, ${from.at}, sha256 ${from.sha256.slice(0, 16)}…): the same binary (sha256 ${entry.binary.sha256.slice(0, 16)}…), arguments, input files and environment; ${agreeing} real runs of it gave this file; reuse ${since + 1} since its last real run (every ${C_REUSE_SAMPLE_EVERY}th runs it again); --c-reuse off runs it anyway`,
    };
  }
  return { reuse: false, entry, note: 'not reused: the earlier runs\' float files are gone or changed (bundles removed or edited)' };
}

/** What separates this key from a record of the same binary path and arguments (why a command runs "again"). */
async function nearestRecord(workspace: string, k: CRunKey, plan: CommandPlan): Promise<string | undefined> {
  const dir = join(workspace, C_RUNS_DIR);
  const names = await readdir(dir).catch(() => [] as string[]);
  const args = JSON.stringify(argsOf(plan));
  let best: { e: CRunEntry; at: string } | undefined;
  for (const n of names) {
    if (!n.endsWith('.json')) continue;
    const e = await readEntry(workspace, n.slice(0, -5));
    if (!e || e.binary.path !== plan.argv[0] || JSON.stringify(e.args) !== args || !e.runs[0]) continue;
    if (!best || e.runs[0].at > best.at) best = { e, at: e.runs[0].at };
  }
  if (!best) return undefined;
  const e = best.e;
  const parts: string[] = [];
  if (e.binary.sha256 !== k.binarySha256) parts.push('the binary\'s bytes (rebuilt)');
  for (const f of new Set([...Object.keys(e.inputs), ...Object.keys(k.inputs)])) if (e.inputs[f] !== k.inputs[f]) parts.push(`the bytes of ${f}`);
  for (const v of new Set([...Object.keys(e.env), ...Object.keys(k.env)])) if (e.env[v] !== k.env[v]) parts.push(`${v} (${e.env[v] ?? 'unset'} → ${k.env[v] ?? 'unset'})`);
  return parts.length ? parts.join(', ') : undefined;
}

// The C binary prints its -floatfile path ("writing … as 65536 4-byte floats"), which is in each run's own scratch
// folder: entries keep the output with placeholders, and a reuse prints this run's paths, as a real run here would.
const OUT = '{{floatfile}}';
const CWD = '{{cwd}}';
function pathsOut(text: string, plan: CommandPlan): string {
  return text.split(plan.argv[plan.argv.length - 1]).join(OUT).split(plan.cwd).join(CWD);
}
function pathsIn(text: string, plan: CommandPlan): string {
  return text.split(OUT).join(plan.argv[plan.argv.length - 1]).split(CWD).join(plan.cwd);
}

/**
 * Lines that differ between runs of one command without saying anything about the float file: OpenMP's "N% done"
 * progress (its threads print in another order every run) and the noise image's time-based seed and photon count.
 */
const NOT_ABOUT_THE_FLOAT_FILE = [/^\s*\d+% done\s*$/, /^\s*seed: -?\d+\s*$/, /^\s*\d+ photons on noise image\b/];
function comparable(stdout: string): string[] {
  return stdout.split(/\r?\n/).filter((l) => !NOT_ABOUT_THE_FLOAT_FILE.some((re) => re.test(l)));
}

/** The first line where two stdouts differ (after `comparable`), or undefined when they agree. */
function stdoutDifference(a: string, b: string): string | undefined {
  const [x, y] = [comparable(a), comparable(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `stdout line "${(x[i] ?? '(none)').slice(0, 80)}" then "${(y[i] ?? '(none)').slice(0, 80)}"`;
  }
  return undefined;
}

function shortRun(r: CRealRun): string {
  return `${r.image}, ${r.at}`;
}

/**
 * After a real run was filed (`real`: its float file's sha256 and size, as the bundle writer hashed it): add it to the
 * command's entry (and settle determinism). Returns what it concluded, for the run's note. Never throws.
 */
export async function recordCRun(workspace: string, binary: CBinary, plan: CommandPlan, k: CRunKey, real: CRealRun, stdout: string, stderr: string): Promise<string | undefined> {
  try {
    stdout = pathsOut(stdout, plan);
    stderr = pathsOut(stderr, plan);
    const prev = await readEntry(workspace, k.key);
    const entry: CRunEntry = prev ?? {
      schema: C_RUN_SCHEMA, version: 1, key: k.key, binary: { path: binary.path, sha256: binary.sha256 }, args: argsOf(plan),
      inputs: k.inputs, env: k.env, stdout, stderr, runs: [], reuses: 0,
    };
    let outcome: string | undefined;
    const last = entry.runs[0];
    if (last && entry.deterministic !== false) {
      // Against what was recorded when that run was filed (its file may have been edited since).
      const stdoutDiffers = stdoutDifference(entry.stdout, stdout);
      if (last.sha256 === real.sha256 && !stdoutDiffers) {
        entry.deterministic = true;
        outcome = `this run is byte-identical to the earlier run as recorded (${shortRun(last)}, float file sha256 ${last.sha256.slice(0, 16)}…)`;
      } else {
        entry.deterministic = false;
        entry.differed = last.sha256 !== real.sha256 ? `float file sha256 ${last.sha256.slice(0, 16)}… then ${real.sha256.slice(0, 16)}…` : `the same float file, but ${stdoutDiffers}`;
        outcome = `this run DIFFERS from the earlier run (${shortRun(last)}): ${entry.differed}; this command will not be reused`;
      }
    }
    entry.sinceReal = 0;
    entry.runs = [real, ...entry.runs.filter((r) => r.image !== real.image)].slice(0, KEEP_RUNS);
    await writeEntry(workspace, entry);
    return outcome;
  } catch {
    return undefined;
  }
}

/** Count one reuse (the sample clock). Never throws; a lost count between two racing calls only moves the sample. */
export async function countCReuse(workspace: string, entry: CRunEntry): Promise<void> {
  try {
    const now = (await readEntry(workspace, entry.key)) ?? entry;
    now.reuses = (now.reuses ?? 0) + 1;
    now.sinceReal = (now.sinceReal ?? 0) + 1;
    await writeEntry(workspace, now);
  } catch { /* the reuse stands; only the count is lost */ }
}

async function writeEntry(workspace: string, entry: CRunEntry): Promise<void> {
  const dir = join(workspace, C_RUNS_DIR);
  // The folder is a cache: keep it out of the user's git status (written when the folder is made).
  if (await mkdir(dir, { recursive: true })) await writeFile(join(dir, '.gitignore'), '*\n', { flag: 'wx' }).catch(() => undefined);
  const tmp = join(dir, `.${entry.key}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(tmp, `${JSON.stringify(entry, null, 2)}\n`);
  await rename(tmp, entryPath(workspace, entry.key)).catch(async (e: unknown) => { await unlink(tmp).catch(() => undefined); throw e; });
}
