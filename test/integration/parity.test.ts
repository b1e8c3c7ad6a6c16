// runParity with the embedded engine on both sides (in-process worker threads, no child processes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runParity, ParityError } from '../../src/core/parity.ts';
import { readBundle, loadCaseImages } from '../../src/core/evidence/index.ts';
import type { Case } from '../../src/shared/types.ts';
import { copyDemoWorkspace } from '../helpers/demoWorkspace.ts';

const small = (id: string, extra: string[] = []): Case => ({
  id, label: id, source: 'user', fileStem: id.toLowerCase(), thresholds: { corrMin: 0.999, sumRatioTol: 1e-3 },
  flags: ['-mat', 'A.mat', '-default_F', '100', '-distance', '100', '-lambda', '1', '-pixel', '0.1', '-detpixels', '32', '-nonoise', '-nointerpolate', ...extra],
});

const workspace = () => copyDemoWorkspace('nbp-parity-');

test('embedded vs embedded: presets per side, verdicts, mismatches first in summary.md, bundle.json round trip', async () => {
  const ws = await workspace();
  const events: string[] = [];
  const b = await runParity({
    workspace: ws, cases: [small('NO-N'), small('WITH-N', ['-N', '1'])], candidate: 'embedded', reference: 'embedded',
    settings: { allowPrograms: false }, onProgress: (e) => events.push(e.message),
  });
  const [noN, withN] = b.cases;
  assert.equal(noN.verdict.status, 'fail', noN.verdict.reason);
  assert.ok(noN.mismatches.some((m) => m.field === 'nCells'), JSON.stringify(noN.mismatches));
  assert.equal(withN.verdict.status, 'pass', withN.verdict.reason);
  assert.equal(noN.reference.info?.preset, 'c');
  assert.equal(noN.candidate.info?.preset, 'pytorch');
  assert.ok(events.some((e) => /NO-N: fail/.test(e)));
  const summary = await readFile(join(b.dir, 'summary.md'), 'utf8');
  const sec = summary.slice(summary.indexOf('### NO-N'));
  assert.ok(sec.indexOf('What differs') < sec.indexOf('| correlation |'), 'mismatches come before the numbers');
  assert.deepEqual(noN.files.previews, ['preview_no-n_reference.png', 'preview_no-n_candidate.png', 'preview_no-n_diff.png']);
  assert.deepEqual((await readdir(b.dir)).filter((n) => n.startsWith('.')), [], 'empty scratch folders are removed');

  const again = await readBundle(b.dir);
  assert.equal(again.layout, 'nb-parity/1');
  assert.deepEqual(again.cases.map((c) => [c.caseId, c.verdict.status, c.metrics?.correlation]), b.cases.map((c) => [c.caseId, c.verdict.status, c.metrics?.correlation]));
  assert.equal(again.cases[0].reference.stdout, noN.reference.stdout);
  const imgs = await loadCaseImages(again, 'WITH-N');
  assert.equal(imgs.fpixels, 32);
  assert.deepEqual(imgs.candidate, withN.candidate.image);
  assert.notEqual(imgs.candidate, withN.candidate.image, 'a bundle read back from disk loads its image files');
  // The fresh bundle still holds the images it filed: they are served from memory, equal to the files.
  const fresh = await loadCaseImages(b, 'WITH-N');
  assert.equal(fresh.candidate, withN.candidate.image);
  assert.equal(fresh.reference, withN.reference.image);
  assert.deepEqual(fresh.reference, imgs.reference);
});

test('two runs at once get two STAMP folders; a pre-aborted run launches nothing but still files evidence', async () => {
  const ws = await workspace();
  const opts = { workspace: ws, cases: [small('A', ['-N', '1'])], candidate: 'embedded' as const, reference: 'embedded' as const, settings: { allowPrograms: false } };
  const [b1, b2] = await Promise.all([runParity(opts), runParity(opts)]);
  assert.notEqual(b1.dir, b2.dir);
  const ac = new AbortController();
  ac.abort();
  const b3 = await runParity({ ...opts, signal: ac.signal });
  assert.equal(b3.cases[0].verdict.status, 'error');
  assert.equal(b3.cases[0].reference.cancelled, true);
  assert.match(await readFile(join(b3.dir, 'summary.md'), 'utf8'), /cancelled/);
  await assert.rejects(runParity({ ...opts, cases: [] }), ParityError);
});

test('a case that cannot be filed (its evidence file already exists) becomes an error; the other evidence is kept', async () => {
  const ws = await workspace();
  const first = small('DUP', ['-N', '1']);
  const clash = { ...small('DUP-2', ['-N', '1']), fileStem: first.fileStem };
  const b = await runParity({ workspace: ws, cases: [first, clash], candidate: 'embedded', reference: 'embedded', settings: { allowPrograms: false } });
  assert.equal(b.cases[0].verdict.status, 'pass', b.cases[0].verdict.reason);
  assert.equal(b.cases[1].verdict.status, 'error');
  assert.match(b.cases[1].verdict.reason, /refusing to overwrite evidence file .*emb_ref_stdout_dup\.log/);
  const m = JSON.parse(await readFile(join(b.dir, 'metrics.json'), 'utf8'));
  assert.equal(m.cases.dup.verdict, 'pass', 'the first case keeps its evidence');
});
