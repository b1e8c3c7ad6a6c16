// `nb-parity compare` and `nb-parity export` through the built CLI on real bundles of the demo workspace
// (embedded engine on both sides, real processes). A "fix" of TC-D3 is the candidate switched to the C preset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { makeTempDir } from '../helpers/tempDirs.ts';
import { copyDemoWorkspace } from '../helpers/demoWorkspace.ts';
import { decodeNpy } from '../../src/core/images/npy.ts';
import { decodeFloat32LE } from '../../src/core/images/floatImage.ts';
import { CSV_COLUMNS } from '../../src/core/export/caseExport.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/nb-parity.mjs');
const nbp = (args: string[]) => execa(process.execPath, [BIN, ...args], { reject: false, cwd: tmpdir() });

async function demoBundles(): Promise<{ ws: string; broken: string; fixed: string }> {
  const ws = await copyDemoWorkspace('nbp-compare-');
  const run = async (preset: string) => {
    const r = await nbp(['run', 'TC-D3', '--workspace', ws, '--candidate', 'embedded', '--reference', 'embedded', '--candidate-preset', preset, '--json', '--quiet']);
    assert.notEqual(r.exitCode, 2, r.stderr);
    return JSON.parse(r.stdout).bundle as string;
  };
  const broken = await run('pytorch');
  const fixed = await run('c');
  return { ws, broken, fixed };
}

test('compare: a change that fixes TC-D3 is "better" (exit 0), the reverse "worse" (exit 1), the same bundle "unchanged"', async () => {
  const { broken, fixed } = await demoBundles();
  const better = await nbp(['compare', broken, fixed, '--json']);
  assert.equal(better.exitCode, 0, better.stderr);
  const j = JSON.parse(better.stdout);
  assert.equal(j.cases.length, 1);
  const c = j.cases[0];
  assert.equal(c.caseId, 'TC-D3');
  assert.equal(c.change, 'better');
  assert.equal(c.a.status, 'fail');
  assert.equal(c.b.status, 'pass');
  assert.equal(c.images.reference.identical, true, 'the reference did not move');
  assert.equal(c.images.candidate.identical, false, 'the candidate moved');
  assert.ok(c.images.candidate.maxAbs > 1, String(c.images.candidate.maxAbs));
  const corr = c.metrics.find((m: { metric: string }) => m.metric === 'correlation');
  assert.ok(corr.a < 0.1 && corr.b > 0.999999, JSON.stringify(corr));
  assert.deepEqual(j.summary, { better: 1, worse: 0, unchanged: 0 });

  const worse = await nbp(['compare', fixed, broken]);
  assert.equal(worse.exitCode, 1);
  assert.match(worse.stdout, /TC-D3: WORSE — pass → fail/);
  assert.match(worse.stdout, /reference identical; candidate moved: \d+ pixels, max \|Δ\| [\d.e+-]+ at \(\d+, \d+\)/);

  const same = await nbp(['compare', fixed, fixed, '--roi', '100,160,90,150']);
  assert.equal(same.exitCode, 0);
  assert.match(same.stdout, /TC-D3: UNCHANGED/);
  assert.match(same.stdout, /ROI 100,160,90,150: unchanged/);

  const prev = await nbp(['compare', fixed, '--previous', '--json']);
  assert.equal(prev.exitCode, 0, prev.stderr);
  assert.equal(JSON.parse(prev.stdout).a.dir, broken, '--previous finds the older bundle of the same case');
  const none = await nbp(['compare', broken, '--previous']);
  assert.equal(none.exitCode, 2);
  assert.match(none.stderr, /no older bundle in its workspace ran/);
  const noCase = await nbp(['compare', broken, fixed, '--case', 'TC-D1']);
  assert.equal(noCase.exitCode, 2);
  assert.match(noCase.stderr, /case TC-D1 is not in both bundles/);
  const badRoi = await nbp(['compare', broken, fixed, '--roi', '1,2,3']);
  assert.equal(badRoi.exitCode, 2);
  assert.match(badRoi.stderr, /expected X0,X1,Y0,Y1/);
  const missing = await nbp(['compare', join(broken, 'nope'), fixed]);
  assert.equal(missing.exitCode, 2);
  assert.match(missing.stderr, /not an evidence bundle folder/);

  // export: .npy equal to the bundle's float images, CSV with the full frame and the ROI row; never overwrites.
  const out = await makeTempDir('nbp-export-');
  const npy = await nbp(['export', broken, '--case', 'TC-D3', '--format', 'npy', '--out', out]);
  assert.equal(npy.exitCode, 0, npy.stderr);
  const names = (await readdir(out)).sort();
  assert.deepEqual(names, ['tc_d3_candidate.npy', 'tc_d3_delta.npy', 'tc_d3_reference.npy']);
  const cand = decodeNpy(await readFile(join(out, 'tc_d3_candidate.npy')));
  assert.deepEqual(cand.shape, [256, 256]);
  const binName = (await readdir(broken)).find((f) => /^emb_cand_tc_d3\.bin$/.test(f))!;
  assert.deepEqual(Buffer.from(cand.data.buffer), Buffer.from(decodeFloat32LE(await readFile(join(broken, binName))).buffer));
  const again = await nbp(['export', broken, '--case', 'TC-D3', '--format', 'npy', '--out', out]);
  assert.equal(again.exitCode, 2);
  assert.match(again.stderr, /already exists; nothing was overwritten/);
  const csv = await nbp(['export', broken, '--case', 'TC-D3', '--format', 'csv', '--out', out, '--roi', '100,160,90,150']);
  assert.equal(csv.exitCode, 0, csv.stderr);
  const lines = (await readFile(join(out, 'tc_d3_metrics.csv'), 'utf8')).trim().split('\n');
  assert.equal(lines[0], CSV_COLUMNS.join(','));
  assert.equal(lines.length, 3);
  assert.match(lines[2], /^TC-D3,roi,100,160,90,150,3721,/);
  const badFormat = await nbp(['export', broken, '--case', 'TC-D3', '--format', 'mat']);
  assert.equal(badFormat.exitCode, 2);
  assert.match(badFormat.stderr, /--format mat: expected npy or csv/);
});

test('history: both bundles of TC-D3 newest first with their verdicts and presets; --limit; an unknown case is an empty list; bad input exits 2', async () => {
  const { ws, broken, fixed } = await demoBundles();
  const j = await nbp(['history', 'TC-D3', '--workspace', ws, '--json']);
  assert.equal(j.exitCode, 0, j.stderr);
  const h = JSON.parse(j.stdout);
  assert.equal(h.total, 2);
  assert.deepEqual(h.rows.map((r: { bundleDir: string }) => r.bundleDir), [fixed, broken]);
  assert.deepEqual(h.rows.map((r: { verdict: string }) => r.verdict), ['pass', 'fail']);
  assert.match(h.rows[1].engines, /preset pytorch.* vs .*preset c/);
  const broke = JSON.parse(await readFile(join(broken, 'metrics.json'), 'utf8'));
  assert.equal(h.rows[1].correlation, broke.cases.tc_d3.correlation); // the bundle's own number, not recomputed

  const text = await nbp(['history', 'TC-D3', '--workspace', ws, '--limit', '1']);
  assert.equal(text.exitCode, 0, text.stderr);
  assert.match(text.stdout, /TC-D3: 2 bundle\(s\), corr over time/);
  assert.ok(text.stdout.includes(fixed) && !text.stdout.includes(broken), text.stdout);
  assert.match(text.stdout, /1 older \(--limit\)/);

  // Engine filters: the demo bundles ran embedded on both sides.
  assert.deepEqual(h.rows.map((r: { candidateEngine: string; referenceEngine: string }) => `${r.candidateEngine}/${r.referenceEngine}`), ['embedded/embedded', 'embedded/embedded']);
  const emb = JSON.parse((await nbp(['history', 'TC-D3', '--workspace', ws, '--json', '--candidate', 'embedded', '--reference', 'embedded'])).stdout);
  assert.equal(emb.total, 2);
  const torch = await nbp(['history', 'TC-D3', '--workspace', ws, '--candidate', 'torch']);
  assert.equal(torch.exitCode, 0);
  assert.match(torch.stdout, /no bundle in .* ran TC-D3/);
  const badEngine = await nbp(['history', 'TC-D3', '--workspace', ws, '--reference', 'gpu']);
  assert.equal(badEngine.exitCode, 2);
  assert.match(badEngine.stderr, /--reference gpu: expected one of c, torch, embedded/);

  const none = await nbp(['history', 'NOPE', '--workspace', ws, '--json']);
  assert.equal(none.exitCode, 0, none.stderr);
  assert.deepEqual(JSON.parse(none.stdout).rows, []);
  assert.equal((await nbp(['history', '--workspace', ws])).exitCode, 2);
  assert.equal((await nbp(['history', 'TC-D3', '--workspace', ws, '--limit', '0'])).exitCode, 2);
  assert.equal((await nbp(['history', 'TC-D3', '--workspace', join(ws, 'nope')])).exitCode, 2);
});
