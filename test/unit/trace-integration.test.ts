// The trace's integration pieces that need no process: pixel choice, filing into a bundle (new names only),
// the ledger's First Divergence line, the webview protocol guards and the table layout — on the seed's real traces.
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { decodeFloat32LE } from '../../src/core/images/floatImage.ts';
import { compareTraces, renderFirstDivergenceMarkdown, type TraceDiff } from '../../src/core/trace/index.ts';
import { maxDeltaPixel, parsePixelRequest, peakPixel, outsideDetector } from '../../src/core/run/tracePixel.ts';
import { dtypeFromFlags, type TraceRunResult } from '../../src/core/run/trace.ts';
import { addTraceToBundle, type TraceToAdd } from '../../src/core/evidence/traceFiles.ts';
import { firstDivergenceLines } from '../../src/core/ledger/traceLines.ts';
import { composeEntry, type AttemptInput } from '../../src/core/ledger/compose.ts';
import { isHostToWebview, isWebviewToHost } from '../../src/shared/messages.ts';
import { traceViewOf } from '../../src/extension/panel/traceView.ts';
import { traceTableLayout } from '../../media/webview/traceTable.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

const DIR = path.join(import.meta.dirname, '..', 'fixtures', 'traces');
const text = (f: string) => readFileSync(path.join(DIR, f), 'utf8');
const img = (f: string) => decodeFloat32LE(readFileSync(path.join(DIR, f)));

function diffOf(id: string, caseId = 'TC-D3'): TraceDiff {
  return compareTraces(text(`${id}.c.trace.log`), text(`${id}.py.trace.log`), {
    case: caseId, referenceImage: { image: img(`${id}.c.bin`), fpixels: 256 }, candidateImage: { image: img(`${id}.py.bin`), fpixels: 256 },
  });
}

function toAdd(id: string, diff = diffOf(id)): TraceToAdd {
  return {
    caseId: 'TC-D3', fileStem: 'tc_d3', pixel: diff.pixel, pixelSource: '--pixel', prefixes: { reference: 'c', candidate: 'py' },
    engines: { reference: 'C', candidate: 'PyTorch' }, referenceText: text(`${id}.c.trace.log`), candidateText: text(`${id}.py.trace.log`),
    diff, markdown: (files) => renderFirstDivergenceMarkdown(diff, files),
  };
}

test('--pixel parsing: S,F forms, max-delta, peak; anything else names what is expected', () => {
  assert.deepEqual(parsePixelRequest('129,129'), { slow: 129, fast: 129 });
  assert.deepEqual(parsePixelRequest(' (12, 7) '), { slow: 12, fast: 7 });
  assert.deepEqual(parsePixelRequest('3 4'), { slow: 3, fast: 4 });
  assert.equal(parsePixelRequest('max-delta'), 'max-delta');
  assert.equal(parsePixelRequest('PEAK'), 'peak');
  assert.throws(() => parsePixelRequest('-1,2'), /--pixel -1,2: expected S,F/);
  assert.throws(() => parsePixelRequest('1.5,2'), /expected S,F/);
  assert.match(outsideDetector({ slow: 256, fast: 0 }, 256, 256) ?? '', /outside the 256×256 detector/);
  assert.equal(outsideDetector({ slow: 255, fast: 255 }, 256, 256), undefined);
});

test('max-|Δ| skips non-finite differences; peak skips NaN; the seed pair peaks its |Δ| at the traced (129, 129)', () => {
  const a = new Float32Array([0, 1, NaN, 5, 2, Infinity]);
  const b = new Float32Array([0, 4, 100, 5, 2.5, 0]);
  assert.deepEqual(maxDeltaPixel(a, b, 3), { slow: 0, fast: 1 });
  assert.deepEqual(peakPixel(new Float32Array([1, NaN, 3, 2]), 2), { slow: 1, fast: 0 });
  assert.equal(peakPixel(new Float32Array([NaN, NaN]), 2), undefined);
  assert.equal(maxDeltaPixel(new Float32Array([NaN]), new Float32Array([1]), 1), undefined);
  assert.deepEqual(maxDeltaPixel(img('tc_d3_seed.c.bin'), img('tc_d3_seed.py.bin'), 256), { slow: 129, fast: 129 });
  assert.equal(dtypeFromFlags(['-N', '1', '-dtype', 'float64']), 'float64');
  assert.equal(dtypeFromFlags(['-N', '1']), 'float32');
});

test('addTraceToBundle: new files only, suffixed on a re-trace; summary.md keeps its bytes and bundle.json its keys', async () => {
  const dir = await makeTempDir('nbp-tracefiles-');
  const summary = '# Parity summary\n\nTC-D3 fail\n';
  const bundleJson = `${JSON.stringify({ layout: 'nb-parity/1', stamp: 'S', cases: [{ caseId: 'TC-D3', n: 1.5e-7 }] }, null, 2)}\n`;
  await writeFile(path.join(dir, 'summary.md'), summary);
  await writeFile(path.join(dir, 'bundle.json'), bundleJson);
  await writeFile(path.join(dir, 'c_tc_d3.bin'), 'IMAGE');
  const first = await addTraceToBundle(dir, toAdd('tc_d3_seed'));
  assert.deepEqual(first.files, { reference: 'trace_c_tc_d3_s129_f129.log', candidate: 'trace_py_tc_d3_s129_f129.log', diff: 'trace_diff_tc_d3_s129_f129.json', markdown: 'first_divergence.md' });
  const second = await addTraceToBundle(dir, toAdd('tc_d3_seed'));
  assert.deepEqual(second.files, { reference: 'trace_c_tc_d3_s129_f129-2.log', candidate: 'trace_py_tc_d3_s129_f129-2.log', diff: 'trace_diff_tc_d3_s129_f129-2.json', markdown: 'first_divergence-2.md' });
  assert.equal(await readFile(path.join(dir, 'c_tc_d3.bin'), 'utf8'), 'IMAGE');
  assert.equal(await readFile(path.join(dir, 'trace_c_tc_d3_s129_f129.log'), 'utf8'), text('tc_d3_seed.c.trace.log'));
  const s = await readFile(path.join(dir, 'summary.md'), 'utf8');
  assert.ok(s.startsWith(summary));
  assert.equal(s.match(/## Pixel trace: TC-D3 at \(129, 129\)/g)?.length, 2);
  const j = JSON.parse(await readFile(path.join(dir, 'bundle.json'), 'utf8'));
  const { traces, ...rest } = j;
  assert.deepEqual(rest, JSON.parse(bundleJson));
  assert.deepEqual(traces.map((t: { files: { diff: string } }) => t.files.diff), ['trace_diff_tc_d3_s129_f129.json', 'trace_diff_tc_d3_s129_f129-2.json']);
  assert.equal(JSON.parse(await readFile(path.join(dir, 'trace_diff_tc_d3_s129_f129.json'), 'utf8')).firstDivergence.name, 'F_latt_a');
});

test('a legacy bundle (no bundle.json) gets the trace files and a summary.md, but no bundle.json', async () => {
  const dir = await makeTempDir('nbp-tracefiles-legacy-');
  await addTraceToBundle(dir, toAdd('tc_d3_N1'));
  const names = (await readdir(dir)).sort();
  assert.deepEqual(names, ['first_divergence.md', 'summary.md', 'trace_c_tc_d3_s128_f128.log', 'trace_diff_tc_d3_s128_f128.json', 'trace_py_tc_d3_s128_f128.log']);
});

test('ledger: one First Divergence line per traced pixel (newest trace), none for plain agreement; between Metrics and Artifacts', async () => {
  const dir = await makeTempDir('nbp-traceledger-');
  await addTraceToBundle(dir, toAdd('tc_d3_seed'));
  await addTraceToBundle(dir, toAdd('tc_d3_seed'));
  await addTraceToBundle(dir, toAdd('tc_d3_N1'));
  const comp = diffOf('tc_d1_N1', 'TC-D1');
  await addTraceToBundle(dir, { ...toAdd('tc_d1_N1', comp), caseId: 'TC-D1', fileStem: 'tc_d1' });
  const lines = await firstDivergenceLines(dir, 'reports/x/phase_e/20260101T000000Z/');
  assert.deepEqual(lines, [
    'First Divergence: none in the result (agree by compensation: I_before_scaling 40000 vs 10000, steps 4 vs 2, polar 0.5 vs 1) at pixel (128, 128); trace reports/x/phase_e/20260101T000000Z/trace_diff_tc_d1_s128_f128.json',
    'First Divergence: F_latt_a 1 vs 5 (N cells) at pixel (129, 129); trace reports/x/phase_e/20260101T000000Z/trace_diff_tc_d3_s129_f129-2.json',
  ]);
  const input: AttemptInput = { date: '2026-01-01', stamp: 'S', bundlePath: 'reports/x/', verdict: 'fail', cases: [], mismatches: [], forks: [], firstDivergence: lines };
  const entry = composeEntry(input, 3);
  assert.match(entry[1], /^\s+Metrics: /);
  assert.match(entry[2], /^\s+First Divergence: none in the result/);
  assert.match(entry[3], /^\s+First Divergence: F_latt_a 1 vs 5/);
  assert.match(entry[4], /^\s+Artifacts: reports\/x\//);
  const heading = composeEntry(input, 3, { kind: 'heading', indent: '', marker: '' });
  assert.ok(heading.some((l) => /^- First Divergence: F_latt_a/.test(l)));
  assert.deepEqual(await firstDivergenceLines(await makeTempDir('nbp-empty-'), 'r/'), []);
});

function runResult(id: string): TraceRunResult {
  const diff = diffOf(id);
  return {
    diff, bundleDir: '/b', freshBundle: false, pixel: diff.pixel, pixelSource: 'largest finite |Δ| of bundle S',
    record: { case: 'TC-D3', fileStem: 'tc_d3', pixel: diff.pixel, pixelSource: '', verdict: diff.verdict, firstDivergence: diff.firstDivergence, text: diff.text, reference: 'C', candidate: 'PyTorch', candidateDtype: 'float32', createdAt: '', files: { reference: 'a', candidate: 'b', diff: 'c', markdown: 'd' } },
    runs: {} as TraceRunResult['runs'], timing: { bundleMs: 0, traceMs: 0, compareMs: 0, fileMs: 0, totalMs: 1234.4 },
  };
}

test('protocol: trace requests and results are guarded; a structured-cloned real result passes, broken ones do not', () => {
  assert.ok(isWebviewToHost({ type: 'trace', requestId: 1, caseId: 'TC-D3', pixel: { slow: 129, fast: 129 } }));
  assert.ok(isWebviewToHost({ type: 'trace', requestId: 1, caseId: 'TC-D3', pixel: 'max-delta' }));
  assert.ok(isWebviewToHost({ type: 'traceCancel', requestId: 2 }));
  assert.ok(!isWebviewToHost({ type: 'trace', requestId: 1, caseId: 'TC-D3', pixel: { slow: -1, fast: 0 } }));
  assert.ok(!isWebviewToHost({ type: 'trace', requestId: 1, caseId: 'TC-D3', pixel: 'middle' }));
  assert.ok(!isWebviewToHost({ type: 'trace', requestId: 1, pixel: 'peak' }));
  assert.ok(!isWebviewToHost({ type: 'traceCancel' }));
  const view = traceViewOf(runResult('tc_d3_seed'));
  assert.ok(isHostToWebview(structuredClone({ type: 'traceResult', view })));
  assert.equal(view.wallMs, 1234);
  assert.ok(!isHostToWebview({ type: 'traceResult', view: { ...view, verdict: 'maybe' } }));
  assert.ok(!isHostToWebview({ type: 'traceResult', view: { ...view, rows: [{ ...view.rows[0], class: 'weird' }] } }));
  assert.ok(!isHostToWebview({ type: 'traceResult', view: { ...view, firstDivergence: { name: 3 } } }));
});

test('table layout: groups in order, the first divergence is the focus row, artefacts dimmed with their reason', () => {
  const layout = traceTableLayout(traceViewOf(runResult('tc_d3_seed')));
  assert.equal(layout.focusKey, 'F_latt_a');
  // C's geometry block has no PyTorch counterpart (format-only, not shown): the table starts with the pixel block.
  assert.equal(layout.sections[0].title, 'Pixel');
  const all = layout.sections.flatMap((s) => s.rows);
  const first = all.find((r) => r.key === 'F_latt_a')!;
  assert.ok(first.classes.includes('trace-first'));
  assert.ok(all.find((r) => r.key === 'F_latt_b')!.classes.includes('trace-later'));
  const rot = all.find((r) => r.key === 'rot_a_angstroms')!;
  assert.ok(rot.classes.includes('trace-artefact'));
  assert.match(rot.note ?? '', /^artefact: .*metres/);
  assert.ok(layout.formatOnly > 0, 'names printed by one dialect only are counted');
  assert.ok(!all.some((r) => r.key.startsWith('spindle_axis')), '…and not shown');
  // Per-source rows of the C trace sit in their own section after the pixel block.
  const d1 = traceTableLayout(traceViewOf(runResult('tc_d1_seed')));
  const sourceIdx = d1.sections.findIndex((s) => s.title.startsWith('Source'));
  assert.ok(sourceIdx > d1.sections.findIndex((s) => s.title === 'Pixel'), d1.sections.map((s) => s.title).join(', '));
  assert.equal(traceTableLayout(traceViewOf(runResult('tc_d3_N1'))).focusKey, undefined);
});
