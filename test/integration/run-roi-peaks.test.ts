// `nb-parity run` with regions of interest and peaks, through the built CLI on copies of the demo workspace (embedded
// engine on both sides, real processes, real bundle files).
//
// The ROI case: both sides use the embedded C preset at -oversample 2; the candidate takes Ω/P from the LAST subpixel
// (fork subpixelCache=last) instead of the first. That moves every pixel a little, most at the detector corners and
// least along the anti-diagonal through the centre, so a max|Δ| gate can fail on the full frame and pass on a central
// region. The test checks that premise on the stored images before it relies on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { copyDemoWorkspace } from '../helpers/demoWorkspace.ts';
import { decodeFloat32LE } from '../../src/core/images/floatImage.ts';
import { computeRoiMetrics } from '../../src/core/metrics/roi.ts';
import { computeMetrics } from '../../src/core/metrics/metrics.ts';
import { comparePeaks } from '../../src/core/metrics/peaks.ts';
import { metricsFields } from '../../src/core/evidence/texts.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/nb-parity.mjs');
const nbp = (args: string[]) => execa(process.execPath, [BIN, ...args], { reject: false, cwd: tmpdir() });
const EMB = ['--candidate', 'embedded', '--reference', 'embedded', '--json', '--quiet'];

const GATE = 3e-7;
const CENTRE = { x0: 48, x1: 79, y0: 48, y1: 79 };

async function roiWorkspace(): Promise<string> {
  const ws = await copyDemoWorkspace('nbp-roi-', ['A.mat']);
  await mkdir(join(ws, '.nb-parity'));
  await writeFile(join(ws, '.nb-parity/cases.json'), JSON.stringify({
    cases: [{
      id: 'ROI-OS2',
      flags: '-mat A.mat -default_F 100 -N 1 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -oversample 2 -detpixels 128 -nonoise -nointerpolate',
      thresholds: { maxAbsMax: GATE },
      roi: [CENTRE.x0, CENTRE.x1, CENTRE.y0, CENTRE.y1],
      embedded: { reference: { preset: 'c' }, candidate: { preset: 'c', forks: { subpixelCache: 'last' } } },
    }],
  }, null, 2));
  return ws;
}

async function images(bundle: string, stem: string): Promise<{ ref: Float32Array; cand: Float32Array }> {
  const ref = decodeFloat32LE(new Uint8Array(await readFile(join(bundle, `emb_ref_${stem}.bin`))));
  const cand = decodeFloat32LE(new Uint8Array(await readFile(join(bundle, `emb_cand_${stem}.bin`))));
  return { ref, cand };
}

test('a case with roi: full frame fails its gate, the ROI passes → PASS, judged on the ROI, both reported everywhere', async () => {
  const ws = await roiWorkspace();
  const r = await nbp(['run', 'ROI-OS2', '--workspace', ws, ...EMB]);
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  const j = JSON.parse(r.stdout);
  const c = j.cases[0];
  assert.equal(c.verdict, 'pass');
  assert.match(c.reason, /\(ROI 48,79,48,79; full frame corr /);

  const { ref, cand } = await images(j.bundle, 'roi_os2');
  const full = computeMetrics(ref, cand, 128);
  const roi = computeRoiMetrics(ref, cand, 128, CENTRE).metrics;
  // The premise: the full frame misses the gate, the region meets it.
  assert.ok(full.maxAbsDiff! > GATE, `full-frame max|Δ| ${full.maxAbsDiff}`);
  assert.ok(roi.maxAbsDiff! <= GATE, `ROI max|Δ| ${roi.maxAbsDiff}`);

  // metrics.json: the full-frame fields as before, plus roi {x0,x1,y0,y1, metrics…} equal to the stored images' ROI metrics.
  const mj = JSON.parse(await readFile(join(j.bundle, 'metrics.json'), 'utf8'));
  const mc = mj.cases.roi_os2;
  assert.equal(mc.verdict, 'pass');
  assert.equal(mc.max_abs_diff, full.maxAbsDiff);
  assert.deepEqual(mc.roi, { ...CENTRE, ...JSON.parse(JSON.stringify(metricsFields(roi))) });
  assert.equal(mc.roi.pixels, 32 * 32);

  // bundle.json: CaseResult.roi / roiMetrics.
  const bj = JSON.parse(await readFile(join(j.bundle, 'bundle.json'), 'utf8'));
  assert.deepEqual(bj.cases[0].roi, CENTRE);
  assert.equal(bj.cases[0].roiMetrics.maxAbsDiff, roi.maxAbsDiff);
  assert.equal(bj.cases[0].metrics.maxAbsDiff, full.maxAbsDiff);

  // summary.md: a full-frame column beside the ROI's.
  const md = await readFile(join(j.bundle, 'summary.md'), 'utf8');
  assert.match(md, /\| metric \| full frame \| ROI 48,79,48,79 \(judged\) \|/);
  // CLI JSON and table.
  assert.deepEqual({ x0: c.roi.x0, x1: c.roi.x1, y0: c.roi.y0, y1: c.roi.y1 }, CENTRE);
  assert.equal(c.roi.metrics.max_abs_diff, roi.maxAbsDiff);
  const table = await nbp(['run', 'ROI-OS2', '--workspace', ws, '--candidate', 'embedded', '--reference', 'embedded', '--quiet']);
  assert.equal(table.exitCode, 0, table.stderr);
  assert.match(table.stdout, /ROI-OS2: ROI 48,79,48,79: corr [\d.]+, sum ratio [\d.]+, RMSE \S+, max\|Δ\| \S+; full frame corr/);
});

test('run --roi replaces the case roi; a region that leaves the image is an error verdict naming the size; bad text exits 2', async () => {
  const ws = await roiWorkspace();
  // The top-left corner moves most: the same gate fails there.
  const corner = await nbp(['run', 'ROI-OS2', '--workspace', ws, ...EMB, '--roi', '0,15,0,15']);
  assert.equal(corner.exitCode, 1, corner.stderr);
  const c = JSON.parse(corner.stdout).cases[0];
  assert.equal(c.verdict, 'fail');
  assert.match(c.reason, /^max_abs_diff .*\(ROI 0,15,0,15; full frame/);
  assert.equal(c.failed[0].metric, 'ROI max_abs_diff');
  assert.deepEqual([c.roi.x0, c.roi.x1, c.roi.y0, c.roi.y1], [0, 15, 0, 15]);

  const off = await nbp(['run', 'ROI-OS2', '--workspace', ws, ...EMB, '--roi', '0,200,0,10']);
  assert.equal(off.exitCode, 2);
  const o = JSON.parse(off.stdout).cases[0];
  assert.equal(o.verdict, 'error');
  assert.match(o.reason, /ROI 0,200,0,10 leaves the 128×128 image/);
  assert.equal(o.metrics.pixels, 128 * 128, 'full-frame metrics are still reported');

  const bad = await nbp(['run', 'ROI-OS2', '--workspace', ws, ...EMB, '--roi', '1,2,3']);
  assert.equal(bad.exitCode, 2);
  assert.match(bad.stderr, /--roi 1,2,3: expected X0,X1,Y0,Y1/);
});

test('peaks on TC-D3: reference vs candidate both with preset c → every peak matched at distance 0, in every output', async () => {
  const ws = await copyDemoWorkspace('nbp-peaks-', ['A.mat']);
  const r = await nbp(['run', 'TC-D3', '--workspace', ws, ...EMB, '--candidate-preset', 'c']);
  assert.equal(r.exitCode, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  const p = j.cases[0].peaks;
  const { ref, cand } = await images(j.bundle, 'tc_d3');
  const fpixels = Math.sqrt(ref.length);
  const expected = comparePeaks(ref, cand, fpixels);
  assert.ok(p.referencePeaks > 0);
  assert.equal(p.referencePeaks, expected.referencePeaks);
  assert.equal(p.matched, p.referencePeaks);
  assert.equal(p.candidatePeaks, p.referencePeaks);
  assert.equal(p.maxDistance, 0);
  assert.equal(p.meanDistance, 0);
  assert.deepEqual(p.unmatchedReference, []);
  const mj = JSON.parse(await readFile(join(j.bundle, 'metrics.json'), 'utf8'));
  assert.equal(mj.cases.tc_d3.peaks.matched, p.matched);
  assert.equal(mj.cases.tc_d3.peaks.max_distance, 0);
  const md = await readFile(join(j.bundle, 'summary.md'), 'utf8');
  assert.match(md, new RegExp(`Peaks: ${p.matched}/${p.referencePeaks} matched, mean 0 px, max 0 px`));

  // The PyTorch preset (N=5 when -N is absent) has many more, sharper peaks than C's N=1: not all of them match.
  const broken = JSON.parse((await nbp(['run', 'TC-D3', '--workspace', ws, ...EMB])).stdout).cases[0].peaks;
  assert.ok(broken.candidatePeaks > broken.referencePeaks, JSON.stringify(broken));
  assert.equal(broken.unmatchedCandidateCount, broken.candidatePeaks - broken.matched);
  assert.ok(broken.unmatchedCandidate.length <= 50);
});

test('a parity_cases.yaml run roi reaches the run: one run inside the image is judged on it, one off the image is an error', async () => {
  const ws = await copyDemoWorkspace('nbp-roi-yaml-', ['A.mat']);
  await mkdir(join(ws, 'tests'));
  await writeFile(join(ws, 'tests/parity_cases.yaml'), [
    'cases:',
    '  - id: Y',
    '    base_args: "-mat A.mat -default_F 100 -N 1 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -detpixels 64 -nonoise -nointerpolate"',
    '    thresholds: {corr_min: 0.999}',
    '    roi: [10, 20, 30, 40]',
    '    runs:',
    '      - name: inside',
    '      - name: outside',
    '        roi: "0,70,0,10"',
  ].join('\n'));
  const r = await nbp(['run', 'Y', '--workspace', ws, ...EMB, '--candidate-preset', 'c']);
  assert.equal(r.exitCode, 2, r.stderr);
  const [inside, outside] = JSON.parse(r.stdout).cases;
  assert.equal(inside.verdict, 'pass');
  assert.match(inside.reason, /\(ROI 10,20,30,40; full frame corr 1,/);
  assert.equal(inside.roi.metrics.pixels, 11 * 11);
  assert.equal(outside.verdict, 'error');
  assert.match(outside.reason, /ROI 0,70,0,10 leaves the 64×64 image \(fast 0…63, slow 0…63\)/);
});
