// Fix suggestions for "Run with this fix": derived from the real diagnosis of the seed runs (config diff of the real
// C and PyTorch stdouts, preflight of the real commented source file), the attribution's defaultN fork, and shown
// in the view model only where a what-if makes sense.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEffectiveConfig } from '../../src/core/diagnosis/effectiveConfig.ts';
import { diffConfigs } from '../../src/core/diagnosis/configDiff.ts';
import { preflight } from '../../src/core/diagnosis/preflight.ts';
import { suggestFixes } from '../../src/core/diagnosis/fixSuggestions.ts';
import { withFlags } from '../../src/core/cases/whatIf.ts';
import { buildViewModel, isWhatIfBundle, whatIfNotice } from '../../src/extension/panel/viewModel.ts';
import type { Bundle, CaseResult, ConfigMismatch, EngineRun } from '../../src/shared/types.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

const DIR = path.join(import.meta.dirname, '../fixtures/real-runs');
const read = (f: string) => readFileSync(path.join(DIR, f), 'utf8');
const FIXTURE = 'reports/2025-11-source-weights/phase_a/20251009T071821Z/fixtures/two_sources.txt';
const TC_D1 = `-mat A.mat -sourcefile ${FIXTURE} -default_F 100 -hdivsteps 0 -vdivsteps 0 -dispsteps 1 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -detpixels_x 256 -detpixels_y 256 -oversample 1 -nonoise -nointerpolate`.split(' ');
const TC_D3 = '-mat A.mat -default_F 100 -hdivrange 0.5 -hdivsteps 3 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -detpixels_x 256 -detpixels_y 256 -oversample 1 -nonoise -nointerpolate'.split(' ');
const keys = (s: { flags: string[] }[]) => s.map((x) => x.flags.join(' '));

test('TC-D3 (real C vs PyTorch, no -N): "-N 1" (reference, + preflight) first, then "-N 5"; each a real fix', async () => {
  const c = parseEffectiveConfig(read('c_tc_d3.stdout.log'), 'c', { flags: TC_D3 });
  const p = parseEffectiveConfig(read('py_tc_d3.stdout.log'), 'torch', { flags: TC_D3 });
  const mismatches = diffConfigs(c, p, { reference: 'c', candidate: 'torch' });
  const warnings = await preflight({ flags: TC_D3, workspace: await makeTempDir('nbp-sugg-') });
  const s = suggestFixes({ flags: TC_D3, mismatches, preflight: warnings });
  assert.deepEqual(keys(s), ['-N 1', '-N 5']);
  assert.deepEqual(s[0].from, ['config-diff', 'preflight']);
  assert.match(s[0].why, /nCells is 1×1×1 on the reference, 5×5×5 on the candidate; -N 1 on both sides sets the reference's value/);
  assert.match(s[0].why, /Preflight: No -N given/);
  assert.deepEqual(s[1].from, ['config-diff']);
  // The fix really removes the difference: the real runs with the same -N have no mismatch left.
  const fixed = withFlags(TC_D3, s[0].flags);
  const p1 = parseEffectiveConfig(read('py_tc_d3_N1.stdout.log'), 'torch', { flags: fixed });
  assert.deepEqual(diffConfigs(parseEffectiveConfig(read('c_tc_d3.stdout.log'), 'c', { flags: fixed }), p1, { reference: 'c', candidate: 'torch' }), []);
});

test('TC-D1 with the commented source file: -N from the diff, -lambda from the one-valued λ column; ghost lines give no flag', async () => {
  const ws = await makeTempDir('nbp-sugg-');
  await fs.mkdir(path.join(ws, path.dirname(FIXTURE)), { recursive: true });
  await fs.copyFile(path.join(DIR, 'two_sources_commented.txt'), path.join(ws, FIXTURE));
  const warnings = await preflight({ flags: TC_D1, workspace: ws });
  assert.deepEqual(warnings.find((w) => w.code === 'source-lambda-differs')?.flags, ['-lambda', '6.2']);
  assert.equal(warnings.find((w) => w.code === 'sourcefile-comments')?.flags, undefined, 'removing comment lines is not a flag');
  const c = parseEffectiveConfig(read('c_tc_d1.stdout.log'), 'c', { flags: TC_D1 });
  const p = parseEffectiveConfig(read('py_tc_d1.stdout.log'), 'torch', { stderr: read('py_tc_d1.stderr.log'), flags: TC_D1 });
  const s = suggestFixes({ flags: TC_D1, mismatches: diffConfigs(c, p, { reference: 'c', candidate: 'torch' }), preflight: warnings });
  assert.deepEqual(keys(s), ['-N 1', '-N 5', '-lambda 6.2']);
  assert.match(s[2].why, /wavelength column \(6\.2 Å/);
});

const mm = (field: string, reference: string, candidate: string, severity: ConfigMismatch['severity'] = 'critical'): ConfigMismatch =>
  ({ field, reference, candidate, explanation: `${field} differs`, severity });

test('config-diff fields map to their flag; a flag the case already gives is never suggested again; info is ignored', () => {
  const s = suggestFixes({ flags: ['-oversample', '1'], preflight: [], mismatches: [
    mm('oversample', '1', '2'), mm('distance', '100 mm', '231.275 mm'), mm('pixelSize', '0.172 mm', '0.1 mm'),
    mm('nCells', '2×3×4', '5×5×5'), mm('convention', 'mosflm', 'xds'), mm('phiSteps', '1', '10', 'info'), mm('detector', '256×256', '128×128'),
  ] });
  assert.deepEqual(keys(s), ['-distance 100', '-distance 231.275', '-pixel 0.172', '-pixel 0.1', '-Na 2 -Nb 3 -Nc 4', '-N 5']);
  assert.deepEqual(suggestFixes({ flags: ['-N', '5'], preflight: [{ code: 'no-N', message: 'x' }], mismatches: [mm('nCells', '1×1×1', '5×5×5')] }), []);
  assert.deepEqual(suggestFixes({ flags: [], preflight: [], mismatches: [mm('nCells', 'n/a', '5×5×5')] }).map((x) => x.flags), [['-N', '5']]);
});

test('an older bundle\'s "no-N" warning (no flags field) still suggests C\'s default; the attribution\'s defaultN fork adds its -N', () => {
  const attribution = { status: 'explained', chosen: [{ fork: 'defaultN', value: '5', from: '1', doc: '' }, { fork: 'polarization', value: 'per-source', from: 'first-source' }] };
  const s = suggestFixes({ flags: TC_D3, mismatches: [], preflight: [{ code: 'no-N', message: 'No -N given.' }], attribution });
  assert.deepEqual(keys(s), ['-N 1', '-N 5']);
  assert.deepEqual(s[0].from, ['preflight', 'attribution']);
  assert.match(s[1].why, /Attribution: the defaultN fork \(1 → 5\)/);
  assert.deepEqual(suggestFixes({ flags: TC_D3, mismatches: [], preflight: [], attribution: { chosen: 'garbage' } }), []);
});

const run = (side: 'reference' | 'candidate'): EngineRun => ({ engine: 'embedded', side, fpixels: 4, spixels: 4, stdout: '', stderr: '', command: [], env: {}, cwd: '', wallMs: 1 });
const result = (caseId: string): CaseResult => ({
  caseId, label: caseId, fileStem: 'tc_d3', flags: TC_D3, thresholds: {}, reference: run('reference'), candidate: run('candidate'),
  verdict: { status: 'fail', reason: 'x', failed: [] }, mismatches: [mm('nCells', '1×1×1', '5×5×5')], preflight: [], files: {},
});
const bundle = (cases: CaseResult[], extra: Partial<Bundle> = {}): Bundle => ({ dir: '/b', stamp: 'S', layout: '1', createdAt: '', cases, ...extra });

test('view model: suggestions on a normal bundle; none on a what-if (marked or suffixed) or a compare view; what-if notice', () => {
  const vm = buildViewModel(bundle([result('TC-D3')]), { readOnly: false }).viewModel;
  assert.deepEqual(vm.cases[0].suggestions?.map((x) => x.flags.join(' ')), ['-N 1', '-N 5']);
  assert.equal(vm.whatIf, undefined);
  const marked = bundle([result('TC-D3~whatif')], { whatIf: { flags: ['-N', '1'], of: ['TC-D3'] } });
  const wvm = buildViewModel(marked, { readOnly: false }).viewModel;
  assert.equal(wvm.cases[0].suggestions, undefined);
  assert.deepEqual(wvm.whatIf, { flags: ['-N', '1'], of: ['TC-D3'] });
  assert.ok(isWhatIfBundle(bundle([result('TC-D3~whatif')])), 'a suffixed case id alone makes a what-if');
  assert.match(whatIfNotice(marked)!, /What-if run \(-N 1 on both sides of TC-D3\)\. Record is off: a what-if is never recorded as the case itself/);
  assert.equal(whatIfNotice(bundle([result('TC-D3')])), undefined);
  const cmp = buildViewModel(bundle([result('A:TC-D3')]), { readOnly: true, compare: { caseId: 'TC-D3', caseIdB: 'TC-D3', a: { dir: '/a', stamp: 'A', label: 'A', verdict: 'fail' }, b: { dir: '/b', stamp: 'B', label: 'B', verdict: 'pass' }, judgement: '', moved: '' } }).viewModel;
  assert.equal(cmp.cases[0].suggestions, undefined);
});
