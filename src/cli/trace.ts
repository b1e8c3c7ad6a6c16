// `nb-parity trace CASE`: trace one pixel on both sides, name the first divergence, file the traces in the bundle.
// Progress on stderr, the verdict (or --json) on stdout. Exit 0 agree (also by compensation), 1 differ, 2 error.
import { parseArgs } from 'node:util';
import { loadCases, selectCases } from '../core/cases/index.ts';
import { caseParseCacheDir, lostCaseFiles, warnCaseFileErrors } from './caseCache.ts';
import { ParityError } from '../core/settings.ts';
import { parsePixelRequest, runTrace, TraceRunError, type PixelRequest } from '../core/run/trace.ts';
import type { CandidateDtype, TraceDiff } from '../core/trace/types.ts';
import { cancelOnSignals, ENGINE_OPTION_HELP, ENGINE_OPTION_SPEC, OptionError, resolveEngineOptions, type EngineChoice } from './engineOptions.ts';
import { badInput, parseCommandArgs } from './usage.ts';

const HELP = `usage: nb-parity trace CASE [options]

Runs the case's reference and candidate with -trace_pixel S F, lines the two traces up by name and says whether the
pixel's results differ and, if so, the first traced quantity that parts in a way that reaches the result. The
traces, trace_diff_<stem>_s<S>_f<F>.json and first_divergence.md go into the case's newest bundle (new files only;
summary.md and bundle.json gain the result), or into a fresh bundle when none holds the case.

options:
  --pixel S,F|max-delta|peak the pixel (default max-delta: the largest finite |Δ| of the case's bundle)
  --bundle DIR               the bundle to read the images from and file the trace into
  --candidate-dtype float32|float64   the candidate's precision (default float64 when the flags say -dtype float64)
${ENGINE_OPTION_HELP}

exit status: 0 the results agree (also by compensation), 1 they differ, 2 an error (a side failed, no trace, bad input).`;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...ENGINE_OPTION_SPEC,
      pixel: { type: 'string' },
      bundle: { type: 'string' },
      'candidate-dtype': { type: 'string' },
    },
  });
}

export async function traceCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('trace', HELP, () => parse(argv));
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const bad = badInput('trace');
  if (positionals.length !== 1) return bad(`expected one CASE, got ${positionals.length ? positionals.join(' ') : 'none'} ("nb-parity cases" lists them)`);
  let choice: EngineChoice;
  let pixel: PixelRequest;
  try {
    choice = await resolveEngineOptions(values);
    pixel = parsePixelRequest(values.pixel ?? 'max-delta');
  } catch (err) {
    if (err instanceof OptionError || err instanceof Error) return bad(err.message);
    throw err;
  }
  const dtype = values['candidate-dtype'];
  if (dtype !== undefined && dtype !== 'float32' && dtype !== 'float64') return bad(`--candidate-dtype ${dtype}: expected float32 or float64`);
  const { workspace } = choice;
  const { cases: all, errors, unreadable } = await loadCases(workspace, { parseCacheDir: caseParseCacheDir() });
  const { cases, unknown } = selectCases(all, positionals);
  if (unknown.length) return bad(lostCaseFiles(workspace, unreadable, errors, `case ${unknown.join(', ')} not found`) ?? `unknown case ${unknown.join(', ')} in ${workspace}; "nb-parity cases --workspace ${workspace}" lists them`);
  warnCaseFileErrors('trace', workspace, errors, unreadable);
  if (cases.length !== 1) return bad(`${positionals[0]} names ${cases.length} cases (${cases.map((c) => c.id).join(', ')}); trace one at a time`);
  const quiet = values.quiet || false;

  const { signal, release } = cancelOnSignals('trace');
  try {
    const r = await runTrace({
      workspace, caseDef: cases[0], reference: choice.reference, candidate: choice.candidate, settings: choice.settings,
      pixel, bundleDir: values.bundle, candidateDtype: dtype as CandidateDtype | undefined, signal,
      onProgress: (e) => { if (!quiet && !/\d+%$/.test(e.message)) console.error(`  ${e.message}`); },
      onLog: (line) => { if (!quiet) console.error(`  ${line}`); },
    });
    const code = r.diff.verdict === 'differ' ? 1 : 0;
    if (values.json) {
      console.log(JSON.stringify({
        ...r.diff, exitCode: code, bundle: r.bundleDir, freshBundle: r.freshBundle, pixelSource: r.pixelSource,
        files: r.record.files, timing: r.timing,
      }, null, 2));
    } else {
      console.log(humanText(r.diff, r.bundleDir, r.record.files, r.pixelSource));
    }
    return code;
  } catch (err) {
    if (signal.aborted) return bad('cancelled; no trace filed');
    if (err instanceof TraceRunError || err instanceof ParityError) return bad(err.message);
    throw err;
  } finally {
    release();
  }
}

function humanText(d: TraceDiff, dir: string, files: { reference: string; candidate: string; diff: string; markdown: string }, pixelSource: string): string {
  const differing = d.rows.filter((r) => !r.formatOnly && r.class !== 'equal' && r.class !== 'precision');
  const out = [d.text, '', `pixel (slow ${d.pixel.slow}, fast ${d.pixel.fast}) from ${pixelSource}; ${d.rows.length} rows, ${differing.length} differ beyond ${d.candidateDtype} precision`];
  for (const r of differing.slice(0, 12)) {
    const tag = r.divergence === 'first' ? '→ first divergence' : r.divergence === 'later' ? 'divergence' : r.artefact ? `artefact: ${r.artefact.quirk}` : r.class;
    out.push(`  ${r.label}: ${r.reference ?? '—'} vs ${r.candidate ?? '—'} (${tag})`);
  }
  if (differing.length > 12) out.push(`  … ${differing.length - 12} more in ${files.markdown}`);
  out.push('', `bundle: ${dir}`, `  ${files.markdown}, ${files.diff}, ${files.reference}, ${files.candidate}`);
  return out.join('\n');
}
