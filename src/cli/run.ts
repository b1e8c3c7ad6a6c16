// `nb-parity run [CASE…]`: run parity cases, write an evidence bundle, print a result table (or JSON).
// Progress goes to stderr, results to stdout. Exit 0 all pass, 1 some fail, 2 error (a run crashed, bad input...).
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import type { Bundle, EngineId } from '../shared/types.ts';
import { loadCases, selectCases } from '../core/cases/index.ts';
import { caseParseCacheDir, lostCaseFiles, warnCaseFileErrors } from './caseCache.ts';
import { whatIfCase, whatIfMarker } from '../core/cases/whatIf.ts';
import { ParityError, runParity, type RunSettings } from '../core/parity.ts';
import { engineWithPreset, metricsFields } from '../core/evidence/texts.ts';
import { bundleFiles } from '../core/evidence/layout.ts';
import { matrixRow } from '../core/report/matrix.ts';
import { RunProgress } from './report/progress.ts';
import { matrixTable, TERMINAL_TEXT_WIDTH } from './report/matrixTable.ts';
import { JsonlStream, junitTargetProblem, writeJunit } from './report/outputs.ts';
import { cancelOnSignals, ENGINE_OPTION_HELP, ENGINE_OPTION_SPEC, OptionError, resolveEngineOptions, type EngineChoice } from './engineOptions.ts';
import { parseRoi } from '../shared/roi.ts';
import { reusedFrom } from '../shared/reusedRun.ts';
import { regionJson, regionLines } from './runRegions.ts';
import { suggestFixes } from '../core/diagnosis/fixSuggestions.ts';
import type { CaseResult } from '../shared/types.ts';

/** The diagnosis' flag suggestions for a case (none for a what-if bundle: that is already a tried fix). */
function suggestionsOf(b: Bundle, c: CaseResult) {
  return b.whatIf ? [] : suggestFixes({ ...c, attribution: b.attributions?.[c.fileStem] });
}
import { badInput, parseCommandArgs } from './usage.ts';

const HELP = `usage: nb-parity run [CASE…] [options]

Runs parity cases (default: the built-in TC-D1 and TC-D3) and writes an evidence bundle under
reports/<initiative>/<phase>/<STAMP>/ in the workspace. A CASE is a case id, or a YAML case id for all
of its runs (AT-PARALLEL-022 = every AT-PARALLEL-022/<run>); --all runs every case of the workspace.

options:
${ENGINE_OPTION_HELP}
  --all                      every case of the workspace (built-in, tests/parity_cases.yaml, .nb-parity/cases.json)
  --concurrency N            cases run at the same time (default: the cores available, here ${availableParallelism()};
                             both sides of a case always run together)
  --explain                  attribute a failing case's gap to named semantic forks
  --roi X0,X1,Y0,Y1          judge every case on this region (fast min, fast max, slow min, slow max; inclusive),
                             replacing the cases' own roi; full-frame metrics are still reported
  --jsonl                    one JSON line per run on stdout as each finishes, then a summary line
  --junit FILE               also write JUnit XML (one testcase per run) to FILE
  --what-if="FLAGS"          re-run the cases with FLAGS added on both sides (e.g. "-N 1") as a what-if bundle
                             (case ids get ~whatif; never recordable as the case itself)
  (--quiet aside, progress on a terminal is one live line rewritten in place, elsewhere plain lines)

exit status: 0 every case passes, 1 some case fails its thresholds, 2 an error (a run crashed, bad input).`;

export async function runCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('run', HELP, () => parse(argv));
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const bad = badInput('run');
  let choice: EngineChoice;
  try {
    choice = await resolveEngineOptions(values);
  } catch (err) {
    if (err instanceof OptionError) return bad(err.message);
    throw err;
  }
  const { workspace, candidate, reference } = choice;
  let concurrency = availableParallelism();
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) return bad(`--concurrency ${values.concurrency}: expected a whole number ≥ 1`);
  }
  let roi: RunSettings['roi'];
  try { roi = values.roi !== undefined ? parseRoi(values.roi) : undefined; } catch (e) { return bad((e as Error).message); }
  const { cases: all, errors, unreadable } = await loadCases(workspace, { parseCacheDir: caseParseCacheDir() });
  const quiet = values.quiet || false;
  if (values.all && positionals.length) return bad(`--all runs every case; drop the case ids (${positionals.join(' ')}) or --all`);
  if (values.json && values.jsonl) return bad('--json and --jsonl both print on stdout; pick one');
  const junit = values.junit !== undefined ? resolve(values.junit) : undefined;
  const junitProblem = junit && await junitTargetProblem(junit);
  if (junitProblem) return bad(junitProblem);
  const lostAll = values.all && lostCaseFiles(workspace, unreadable, errors, '--all refused');
  if (lostAll) return bad(lostAll);
  const { cases: picked, unknown } = values.all ? { cases: all, unknown: [] } : selectCases(all, positionals);
  if (unknown.length) {
    // A case refused by its case file (bad thresholds, unknown key...) is "unknown" here: say why instead.
    const why = errors.filter((e) => unknown.some((u) => e.includes(`(${u})`) || e.includes(`"${u}"`) || e.includes(`${u}.runs[`)));
    if (why.length) return bad(`case(s) ${unknown.join(', ')} not run: the case file has errors for them:\n  ${why.join('\n  ')}`);
    const lost = lostCaseFiles(workspace, unreadable, errors, `case(s) ${unknown.join(', ')} not found`);
    if (lost) return bad(lost);
    return bad(`unknown case(s) ${unknown.join(', ')} in ${workspace}; "nb-parity cases --workspace ${workspace}" lists them`);
  }
  warnCaseFileErrors('run', workspace, errors, unreadable);

  const whatIfFlags = values['what-if'] !== undefined ? values['what-if'].trim().split(/\s+/).filter(Boolean) : undefined;
  if (whatIfFlags && !whatIfFlags.length) return bad('--what-if needs the flags to add, e.g. --what-if "-N 1"');
  if (whatIfFlags && !whatIfFlags[0].startsWith('-')) return bad(`--what-if "${values['what-if']}": expected flags starting with -, e.g. "-N 1"`);
  let cases = picked;
  try { if (whatIfFlags) cases = picked.map((c) => whatIfCase(c, whatIfFlags)); } catch (e) { return bad((e as Error).message); }
  const whatIf = whatIfFlags ? whatIfMarker(picked, whatIfFlags) : undefined;

  const settings: RunSettings = { ...choice.settings, concurrency, explain: values.explain, roi };

  // Ctrl+C (or a closed terminal) cancels: every process tree is killed, the bundle records what ran.
  const { signal, release } = cancelOnSignals('run');
  let bundle: Bundle;
  const progress = new RunProgress(process.stderr, cases.length, { quiet });
  const jsonl = values.jsonl ? new JsonlStream(process.stdout, cases.length) : undefined;
  try {
    bundle = await runParity({
      workspace, cases, candidate, reference, settings, signal, ...(whatIf ? { whatIf } : {}),
      onProgress: progress.onProgress,
      onLog: progress.onLog,
      onCaseDone: (r, info) => { progress.onCaseDone(r); jsonl?.onCaseDone(r, info); },
    });
  } catch (err) {
    if (err instanceof ParityError) return bad(err.message);
    throw err;
  } finally {
    progress.stop();
    release();
  }
  const statuses = bundle.cases.map((c) => c.verdict.status);
  const code = signal.aborted || statuses.includes('error') ? 2 : statuses.includes('fail') ? 1 : 0;
  if (junit) {
    try {
      await writeJunit(junit, bundle, { reference, candidate });
    } catch (err) {
      console.error(`nb-parity run: could not write --junit ${junit}: ${(err as Error).message} (the bundle ${bundle.dir} is complete)`);
      return 2;
    }
  }
  if (jsonl) {
    jsonl.summary(bundle, { exitCode: code, cancelled: signal.aborted, junit });
  } else if (values.json) {
    console.log(JSON.stringify({
      bundle: bundle.dir, stamp: bundle.stamp, candidate, reference, exitCode: code, cancelled: signal.aborted,
      wallMs: bundle.wallMs ?? null,
      timing: bundle.timing ?? null,
      cases: bundle.cases.map((c) => ({
        caseId: c.caseId, fileStem: c.fileStem, verdict: c.verdict.status, reason: c.verdict.reason, failed: c.verdict.failed,
        metrics: metricsFields(c.metrics), ...regionJson(c), mismatches: c.mismatches, preflight: c.preflight, files: c.files,
        attribution: bundle.attributions?.[c.fileStem] ?? null,
        suggestions: suggestionsOf(bundle, c),
        reference: { engine: c.reference.engine, exitCode: c.reference.exitCode ?? null, signal: c.reference.signal ?? null, wallMs: c.reference.wallMs, simMs: c.reference.simMs ?? null, error: c.reference.error ?? null, reusedFrom: reusedFrom(c.reference)?.from ?? null },
        candidate: { engine: c.candidate.engine, exitCode: c.candidate.exitCode ?? null, signal: c.candidate.signal ?? null, wallMs: c.candidate.wallMs, simMs: c.candidate.simMs ?? null, error: c.candidate.error ?? null, reusedFrom: reusedFrom(c.candidate)?.from ?? null },
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
      ...ENGINE_OPTION_SPEC,
      concurrency: { type: 'string' },
      explain: { type: 'boolean' },
      roi: { type: 'string' },
      all: { type: 'boolean' },
      jsonl: { type: 'boolean' },
      junit: { type: 'string' },
      'what-if': { type: 'string' },
    },
  });
}

/** The human result: the matrix (one row per run), then what differs, then the bundle and matrix.md paths. */
export function resultTable(b: Bundle, reference: EngineId, candidate: EngineId): string {
  const first = b.cases[0];
  const out = [`candidate ${engineWithPreset(candidate, first?.candidate)} vs reference ${engineWithPreset(reference, first?.reference)}`, '', matrixTable(b.matrix ?? b.cases.map((c) => matrixRow(c)), process.stdout.isTTY ? TERMINAL_TEXT_WIDTH : Infinity), ...regionLines(b)];
  const withDiffs = b.cases.filter((c) => c.mismatches.length || c.preflight.length);
  if (withDiffs.length) {
    out.push('', 'What differs:');
    for (const c of withDiffs) {
      for (const m of c.mismatches) out.push(`  ${c.caseId}: ${m.field} ${m.reference} vs ${m.candidate} — ${m.explanation}`);
      for (const p of c.preflight) out.push(`  ${c.caseId}: preflight: ${p.message}`);
    }
  }
  const tries = b.cases.flatMap((c) => (c.verdict.status === 'pass' ? [] : suggestionsOf(b, c).map((x) => `  ${c.caseId}: --what-if="${x.flags.join(' ')}" (${x.from.join(', ')})`)));
  if (tries.length) out.push('', 'Try a fix without editing the case (nb-parity run ID … --what-if="FLAGS"):', ...tries);
  const atts = b.attributions as Record<string, { status?: string; summary?: string; error?: string }> | undefined;
  if (atts && Object.keys(atts).length) {
    out.push('', 'Attribution (--explain):');
    for (const c of b.cases) {
      const a = atts[c.fileStem];
      if (a) out.push(`  ${c.caseId}: ${a.status ?? 'unknown'} — ${a.summary ?? a.error ?? ''}`);
    }
  }
  const reused = b.cases.flatMap((c) => [c.reference, c.candidate].filter((r) => reusedFrom(r)).map((r) => `${c.caseId} ${r.side}`));
  if (reused.length) out.push('', `C not run, reused from identical earlier runs (--c-reuse off runs them): ${reused.join(', ')}`);
  out.push('', `bundle: ${b.dir}`, ...(b.matrix ? [`matrix: ${join(b.dir, bundleFiles.matrix)}`] : []));
  return out.join('\n');
}
