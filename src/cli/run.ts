// `nb-parity run [CASE…]`: run parity cases, write an evidence bundle, print a result table (or JSON).
// Progress goes to stderr, results to stdout. Exit 0 all pass, 1 some fail, 2 error (a run crashed, bad input...).
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import type { Bundle, EngineId, EngineRun, PresetName } from '../shared/types.ts';
import { loadCases, selectCases } from '../core/cases/index.ts';
import { ParityError, runParity, type RunSettings } from '../core/parity.ts';
import { metricsFields } from '../core/evidence/texts.ts';
import { num, engineName } from '../core/evidence/texts.ts';

const HELP = `usage: nb-parity run [CASE…] [options]

Runs parity cases (default: the built-in TC-D1 and TC-D3) and writes an evidence bundle under
reports/<initiative>/<phase>/<STAMP>/ in the workspace.

options:
  --workspace DIR            the nanoBragg checkout (default: current folder)
  --candidate torch|embedded|c   default torch
  --reference c|embedded|torch   default c
  --candidate-preset c|pytorch   embedded engine preset for the candidate (default pytorch)
  --reference-preset c|pytorch   embedded engine preset for the reference (default c)
  --timeout SEC              per-side timeout in seconds (default 1800)
  --concurrency N            cases run at the same time (default 1; both sides of a case always run together)
  --c-binary PATH            C binary (default: NB_C_BIN, golden_suite_generator/nanoBragg, ./nanoBragg)
  --python PATH              Python for the PyTorch port (default: NB_PY_BIN, python3)
  --env NAME=VALUE           extra environment for the programs (repeatable), e.g. NANOBRAGG_DISABLE_COMPILE=1
  --initiative NAME          default 2025-11-source-weights
  --phase NAME               default phase_e
  --explain                  attribute a failing case's gap to named semantic forks
  --json                     print the results as JSON on stdout
  --quiet                    no progress on stderr

exit status: 0 every case passes, 1 some case fails its thresholds, 2 an error (a run crashed, bad input).`;

const ENGINES: EngineId[] = ['c', 'torch', 'embedded'];
const PRESETS: PresetName[] = ['c', 'pytorch'];

export async function runCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    console.error(`nb-parity run: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) { console.log(HELP); return 0; }
  const bad = (msg: string) => { console.error(`nb-parity run: ${msg}`); return 2; };
  const candidate = (values.candidate ?? 'torch') as EngineId;
  const reference = (values.reference ?? 'c') as EngineId;
  if (!ENGINES.includes(candidate)) return bad(`--candidate ${candidate}: expected one of ${ENGINES.join(', ')}`);
  if (!ENGINES.includes(reference)) return bad(`--reference ${reference}: expected one of ${ENGINES.join(', ')}`);
  for (const [flag, v] of [['--candidate-preset', values['candidate-preset']], ['--reference-preset', values['reference-preset']]] as const) {
    if (v !== undefined && !PRESETS.includes(v as PresetName)) return bad(`${flag} ${v}: expected one of ${PRESETS.join(', ')}`);
  }
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const t = Number(values.timeout);
    if (!(t > 0)) return bad(`--timeout ${values.timeout}: expected a positive number of seconds`);
    timeoutMs = t * 1000;
  }
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) return bad(`--concurrency ${values.concurrency}: expected a whole number ≥ 1`);
  }
  const extraEnv: Record<string, string> = {};
  for (const e of values.env ?? []) {
    const i = e.indexOf('=');
    if (i <= 0) return bad(`--env ${e}: expected NAME=VALUE`);
    extraEnv[e.slice(0, i)] = e.slice(i + 1);
  }
  const workspace = resolve(values.workspace ?? process.cwd());
  if (!(await stat(workspace).then((s) => s.isDirectory(), () => false))) {
    return bad(`--workspace ${workspace}: no such folder; pass the nanoBragg checkout (or run from inside it)`);
  }
  const { cases: all, errors } = await loadCases(workspace);
  const quiet = values.quiet || false;
  for (const e of errors) console.error(`nb-parity run: warning: ${e}`);
  const { cases, unknown } = selectCases(all, positionals);
  if (unknown.length) {
    // A case refused by its case file (bad thresholds, unknown key...) is "unknown" here: say why instead.
    const why = errors.filter((e) => unknown.some((u) => e.includes(`(${u})`) || e.includes(`"${u}"`) || e.includes(`${u}.runs[`)));
    if (why.length) return bad(`case(s) ${unknown.join(', ')} not run: the case file has errors for them:\n  ${why.join('\n  ')}`);
    return bad(`unknown case(s) ${unknown.join(', ')} in ${workspace}; "nb-parity cases --workspace ${workspace}" lists them`);
  }

  const settings: RunSettings = {
    allowPrograms: true,
    cBinary: values['c-binary'],
    cBinarySource: values['c-binary'] !== undefined ? '--c-binary' : undefined,
    python: values.python,
    extraEnv,
    initiative: values.initiative,
    phase: values.phase,
    timeoutMs: timeoutMs ? { reference: timeoutMs, candidate: timeoutMs } : undefined,
    concurrency,
    explain: values.explain,
    embedded: {
      reference: values['reference-preset'] ? { preset: values['reference-preset'] as PresetName } : undefined,
      candidate: values['candidate-preset'] ? { preset: values['candidate-preset'] as PresetName } : undefined,
    },
  };

  // Ctrl+C cancels: every process tree is killed, the bundle records what ran. A second Ctrl+C exits at once.
  const ac = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    console.error('nb-parity run: cancelling (Ctrl+C again to quit at once)…');
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  // A closed terminal or SSH session (SIGHUP) cancels the same way: nothing left running.
  process.on('SIGHUP', onSigint);
  let bundle: Bundle;
  try {
    bundle = await runParity({
      workspace, cases, candidate, reference, settings, signal: ac.signal,
      onProgress: (e) => { if (!quiet && !/\d+%$/.test(e.message)) console.error(`  ${e.message}`); },
      onLog: (line) => { if (!quiet) console.error(`  ${line}`); },
    });
  } catch (err) {
    if (err instanceof ParityError) return bad(err.message);
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    process.off('SIGHUP', onSigint);
  }
  const statuses = bundle.cases.map((c) => c.verdict.status);
  const code = ac.signal.aborted || statuses.includes('error') ? 2 : statuses.includes('fail') ? 1 : 0;
  if (values.json) {
    console.log(JSON.stringify({
      bundle: bundle.dir, stamp: bundle.stamp, candidate, reference, exitCode: code, cancelled: ac.signal.aborted,
      wallMs: bundle.wallMs ?? null,
      timing: bundle.timing ?? null,
      cases: bundle.cases.map((c) => ({
        caseId: c.caseId, fileStem: c.fileStem, verdict: c.verdict.status, reason: c.verdict.reason, failed: c.verdict.failed,
        metrics: metricsFields(c.metrics), mismatches: c.mismatches, preflight: c.preflight, files: c.files,
        attribution: bundle.attributions?.[c.fileStem] ?? null,
        reference: { engine: c.reference.engine, exitCode: c.reference.exitCode ?? null, signal: c.reference.signal ?? null, wallMs: c.reference.wallMs, simMs: c.reference.simMs ?? null, error: c.reference.error ?? null },
        candidate: { engine: c.candidate.engine, exitCode: c.candidate.exitCode ?? null, signal: c.candidate.signal ?? null, wallMs: c.candidate.wallMs, simMs: c.candidate.simMs ?? null, error: c.candidate.error ?? null },
      })),
    }, null, 2));
  } else {
    console.log(resultTable(bundle, reference, candidate));
  }
  return code;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      workspace: { type: 'string', short: 'w' },
      candidate: { type: 'string' },
      reference: { type: 'string' },
      'candidate-preset': { type: 'string' },
      'reference-preset': { type: 'string' },
      timeout: { type: 'string' },
      concurrency: { type: 'string' },
      'c-binary': { type: 'string' },
      python: { type: 'string' },
      env: { type: 'string', multiple: true },
      initiative: { type: 'string' },
      phase: { type: 'string' },
      explain: { type: 'boolean' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** The human result: one row per case, then what differs, then the bundle path. */
export function resultTable(b: Bundle, reference: EngineId, candidate: EngineId): string {
  const rows = b.cases.map((c) => [c.caseId, c.verdict.status.toUpperCase(), num(c.metrics?.correlation), num(c.metrics?.sumRatio), c.verdict.reason]);
  const head = ['case', 'verdict', 'correlation', 'sum ratio', 'reason'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((x, i) => (i === r.length - 1 ? x : x.padEnd(w[i]))).join('  ');
  const side = (e: EngineId, run?: EngineRun) => `${engineName(e)}${e === 'embedded' && run?.info?.preset ? ` (preset ${String(run.info.preset)})` : ''}`;
  const first = b.cases[0];
  const out = [`candidate ${side(candidate, first?.candidate)} vs reference ${side(reference, first?.reference)}`, '', line(head), ...rows.map(line)];
  const withDiffs = b.cases.filter((c) => c.mismatches.length || c.preflight.length);
  if (withDiffs.length) {
    out.push('', 'What differs:');
    for (const c of withDiffs) {
      for (const m of c.mismatches) out.push(`  ${c.caseId}: ${m.field} ${m.reference} vs ${m.candidate} — ${m.explanation}`);
      for (const p of c.preflight) out.push(`  ${c.caseId}: preflight: ${p.message}`);
    }
  }
  const atts = b.attributions as Record<string, { status?: string; summary?: string; error?: string }> | undefined;
  if (atts && Object.keys(atts).length) {
    out.push('', 'Attribution (--explain):');
    for (const c of b.cases) {
      const a = atts[c.fileStem];
      if (a) out.push(`  ${c.caseId}: ${a.status ?? 'unknown'} — ${a.summary ?? a.error ?? ''}`);
    }
  }
  out.push('', `bundle: ${b.dir}`);
  return out.join('\n');
}
