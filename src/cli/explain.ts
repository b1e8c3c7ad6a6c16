// `nb-parity explain BUNDLE`: attribute each case's reference↔candidate gap in an evidence bundle to named semantic
// forks of the embedded engine, print the step table (or JSON), and record the result in the bundle WITHOUT
// touching existing evidence: attribution.json when absent, otherwise attribution-<n>.json (and model images alike).
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import type { PresetName } from '../shared/types.ts';
import { readBundle, loadCaseImages, BundleWriter } from '../core/evidence/index.ts';
import { attributionToJson, formatAttributionTable, type Attribution } from '../core/attribution/index.ts';
import { attributeCaseResult, presetFor } from '../core/attribution/forCase.ts';
import { BUILTIN_CASES } from '../core/cases/index.ts';
import { badInput, parseCommandArgs } from './usage.ts';

const HELP = `usage: nb-parity explain BUNDLE [options]

Explains why the candidate differs from the reference in an evidence bundle: runs the embedded engine from the
reference's semantics and searches the smallest set of named forks (defaultN, sourceParser, sourceLambda,
polarization, subpixelCache, sincgGuard, phiZeroCarry) whose image matches the candidate.

options:
  --case ID            only this case (repeatable; default every case with both images)
  --workspace DIR      where the case's relative paths (A.mat, -sourcefile) resolve (default: the bundle's workspace)
  --reference-preset c|pytorch   semantics of the reference (default: c for C, pytorch for PyTorch, the embedded run's preset)
  --time-budget SEC    time box per case (default 20)
  --workers N          embedded engine worker threads (0 = this thread)
  --json               print the attributions as JSON on stdout
  --quiet              no progress on stderr

Writes attribution.json into the bundle if it has none, else attribution-<n>.json; never overwrites evidence.
exit status: 0 attribution ran (whatever it found), 2 error (bad bundle, missing images, bad option).`;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      case: { type: 'string', multiple: true },
      workspace: { type: 'string' },
      'reference-preset': { type: 'string' },
      'time-budget': { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

export async function explainCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('explain', HELP, () => parse(argv));
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const bad = badInput('explain');
  if (positionals.length !== 1) return bad(`expected one BUNDLE folder, got ${positionals.length ? positionals.join(' ') : 'none'}\n\n${HELP}`);
  const presetOpt = values['reference-preset'];
  if (presetOpt !== undefined && presetOpt !== 'c' && presetOpt !== 'pytorch') return bad(`--reference-preset ${presetOpt}: expected c or pytorch`);
  const budget = values['time-budget'] !== undefined ? Number(values['time-budget']) : 20;
  if (!(budget > 0)) return bad(`--time-budget ${values['time-budget']}: expected a positive number of seconds`);
  const workers = values.workers !== undefined ? Number(values.workers) : undefined;
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0)) return bad(`--workers ${values.workers}: expected a whole number ≥ 0`);
  const log = (line: string) => { if (!values.quiet) console.error(line); };

  const dir = resolve(positionals[0]);
  let bundle;
  try {
    bundle = await readBundle(dir);
  } catch (err) {
    return bad((err as Error).message);
  }
  const wanted = values.case ?? [];
  const unknown = wanted.filter((id) => !bundle.cases.some((c) => c.caseId === id || c.fileStem === id));
  if (unknown.length) return bad(`${dir}: no case ${unknown.join(', ')} (it has ${bundle.cases.map((c) => c.caseId).join(', ') || 'none'})`);
  const cases = wanted.length ? bundle.cases.filter((c) => wanted.includes(c.caseId) || wanted.includes(c.fileStem)) : bundle.cases;
  const workspace = resolve(values.workspace ?? bundle.workspace ?? process.cwd());

  const ac = new AbortController();
  const onSigint = () => { log('nb-parity explain: cancelling…'); ac.abort(); };
  process.once('SIGINT', onSigint);
  process.once('SIGHUP', onSigint);
  const results: Record<string, Attribution> = {};
  const skipped: string[] = [];
  let failures = 0;
  try {
    for (const c of cases) {
      let images;
      try {
        images = await loadCaseImages(bundle, c.caseId);
      } catch (err) {
        skipped.push(`${c.caseId}: ${(err as Error).message}`);
        failures++;
        continue;
      }
      if (!images.reference || !images.candidate) {
        skipped.push(`${c.caseId}: the bundle lacks the ${!images.reference ? 'reference' : 'candidate'} image; nothing to explain`);
        continue;
      }
      // Old bundles may not record the flags: the seed's stems (tc_d1, tc_d3) are the built-in cases.
      const flags = c.flags.length ? c.flags : BUILTIN_CASES.find((b) => b.fileStem === c.fileStem || b.id === c.caseId)?.flags ?? [];
      if (!flags.length) {
        skipped.push(`${c.caseId}: the bundle does not record this case's flags, so the engine cannot re-run it`);
        failures++;
        continue;
      }
      const referencePreset = (presetOpt as PresetName | undefined) ?? presetFor(c.reference);
      log(`${c.caseId}: attributing (reference preset ${referencePreset}, time box ${budget} s)…`);
      const a = await attributeCaseResult(c, {
        flags, cwd: workspace, referencePreset, reference: images.reference, candidate: images.candidate,
        fpixels: images.fpixels, spixels: images.spixels, timeBudgetMs: budget * 1000, workers, signal: ac.signal,
      });
      results[c.fileStem] = a;
      if (!values.json) console.log(`${formatAttributionTable(a, c.caseId)}\n`);
    }
  } catch (err) {
    if ((err as Error).name === 'AbortError') return bad('cancelled; nothing was written');
    return bad((err as Error).message);
  } finally {
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGHUP', onSigint);
  }
  for (const s of skipped) log(`nb-parity explain: skipped ${s}`);
  if (!Object.keys(results).length) return bad(`${dir}: no case with both images to explain`);

  // Record without overwriting: attribution.json, else attribution-2.json, …; model images with the same suffix.
  const json: Record<string, unknown> = {};
  for (const [stem, a] of Object.entries(results)) json[stem] = attributionToJson(a);
  const text = `${JSON.stringify(json, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
  let written: string;
  try {
    const models = Object.entries(results)
      .filter(([, a]) => a.modelImage && a.status !== 'no-divergence' && a.status !== 'not-modelled')
      .map(([stem, a]) => ({ stem, image: a.modelImage! }));
    written = (await BundleWriter.open(dir).addAttribution(text, models, log)).attribution;
  } catch (err) {
    return bad(`could not record the attribution in ${dir}: ${(err as Error).message}`);
  }
  if (values.json) console.log(JSON.stringify({ bundle: dir, file: written, attributions: json }, null, 2));
  else console.log(`attribution written to ${join(dir, written)}`);
  return failures ? 2 : 0;
}
