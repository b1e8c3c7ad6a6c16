// The bundle writer on real files (whole bundles from runParity with the embedded engine, so an integration test): complete.json is written last and names every file with its sha256; a cancelled
// run says so; adding trace files changes no existing byte except summary.md, bundle.json and complete.json; nothing
// is ever clobbered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runParity } from '../../src/core/parity.ts';
import { BundleWriter, bundleFiles, readCompletion, type RunTexts } from '../../src/core/evidence/index.ts';
import type { Case, EngineRun } from '../../src/shared/types.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';
import { copyDemoWorkspace } from '../helpers/demoWorkspace.ts';

const small: Case = {
  id: 'TINY', label: 'TINY', source: 'user', fileStem: 'tiny', thresholds: { corrMin: 0.999, sumRatioTol: 1e-3 },
  flags: ['-mat', 'A.mat', '-default_F', '100', '-distance', '100', '-lambda', '1', '-pixel', '0.1', '-detpixels', '24', '-nonoise', '-nointerpolate'],
};

const workspace = () => copyDemoWorkspace('nbp-writer-');

const sha = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true })) if (e.isFile()) out[e.name] = await sha(join(dir, e.name));
  return out;
}

const texts = (tag: string): RunTexts => ({
  commands: `c ${tag}\n`, metrics: '{}\n', correlation: '1\n', sumRatio: '1\n', diagnostics: '\n', env: '{}\n', bundleJson: `{"t":"${tag}"}\n`, summary: `# ${tag}\n`,
});

test('a run ends with complete.json: every other file listed with its sha256, and it is the newest file', async () => {
  const ws = await workspace();
  const b = await runParity({ workspace: ws, cases: [small], candidate: 'embedded', reference: 'embedded', settings: { allowPrograms: false } });
  const done = await readCompletion(b.dir);
  assert.equal(done.status, 'complete');
  const now = await snapshot(b.dir);
  const markerHash = now[bundleFiles.complete];
  assert.ok(markerHash, 'complete.json exists');
  delete now[bundleFiles.complete];
  assert.deepEqual(done.files, now, 'the marker lists exactly the other files, with their current hashes');
  for (const n of ['emb_ref_tiny.bin', 'emb_cand_tiny.bin', 'summary.md', 'bundle.json', 'env.json', 'commands.txt', 'metrics.json', 'preview_tiny_diff.png']) {
    assert.ok(n in now, `${n} is listed`);
  }
  const raw = JSON.parse(await readFile(join(b.dir, bundleFiles.complete), 'utf8'));
  assert.equal(raw.schema, 'nb-parity/complete');
  assert.ok(!Number.isNaN(Date.parse(raw.finishedAt)));
  const markerTime = (await stat(join(b.dir, bundleFiles.complete))).mtimeMs;
  for (const n of Object.keys(now)) assert.ok((await stat(join(b.dir, n))).mtimeMs <= markerTime, `${n} was written before complete.json`);
});

test('a cancelled run is marked cancelled; a bundle without the marker reads as missing', async () => {
  const ws = await workspace();
  const ac = new AbortController();
  ac.abort();
  const b = await runParity({ workspace: ws, cases: [small], candidate: 'embedded', reference: 'embedded', settings: { allowPrograms: false }, signal: ac.signal });
  const c = await readCompletion(b.dir);
  assert.equal(c.status, 'cancelled');
  assert.ok(c.files && 'summary.md' in c.files);

  const bare = await makeTempDir('nbp-writer-bare-');
  await writeFile(join(bare, 'summary.md'), 'x');
  assert.deepEqual(await readCompletion(bare), { status: 'missing' });
  await writeFile(join(bare, bundleFiles.complete), '{"schema":"nb-parity/complete","status":"done?"');
  assert.deepEqual(await readCompletion(bare), { status: 'missing' }, 'a torn marker is no marker');
});

test('addTraceFiles: new trace files, every other byte identical except summary.md, bundle.json and complete.json', async () => {
  const ws = await workspace();
  const b = await runParity({ workspace: ws, cases: [small], candidate: 'embedded', reference: 'embedded', settings: { allowPrograms: false } });
  const before = await snapshot(b.dir);
  const writer = BundleWriter.open(b.dir, b.stamp);
  const added = await writer.addTraceFiles([{ stem: 'tiny', slow: 3, fast: 7, c: 'TRACE_C x\n', py: 'TRACE_PY x\n', diff: '{"first":null}\n' }], {
    firstDivergence: '# first divergence\n', summary: '# rewritten summary\n', bundleJson: '{"rewritten":true}\n',
  });
  assert.deepEqual(added, ['trace_c_tiny_s3_f7.log', 'trace_py_tiny_s3_f7.log', 'trace_diff_tiny_s3_f7.json', 'first_divergence.md']);
  const after = await snapshot(b.dir);
  const rewritten = new Set<string>([bundleFiles.summary, bundleFiles.bundle, bundleFiles.complete]);
  for (const [name, hash] of Object.entries(before)) {
    if (rewritten.has(name)) assert.notEqual(after[name], hash, `${name} was rewritten`);
    else assert.equal(after[name], hash, `${name} is byte-identical`);
  }
  assert.equal(await readFile(join(b.dir, 'trace_c_tiny_s3_f7.log'), 'utf8'), 'TRACE_C x\n');
  const c = await readCompletion(b.dir);
  assert.equal(c.status, 'complete');
  const listed = { ...after };
  delete listed[bundleFiles.complete];
  assert.deepEqual(c.files, listed, 'the refreshed marker lists the trace files too');

  await assert.rejects(writer.addTraceFiles([{ stem: 'tiny', slow: 3, fast: 7, c: 'other\n' }]), /refusing to overwrite/);
  assert.equal(await readFile(join(b.dir, 'trace_c_tiny_s3_f7.log'), 'utf8'), 'TRACE_C x\n', 'the first trace is untouched');
});

test('no clobber: filing a side, previews, run files and attribution never replace an existing file', async () => {
  const dir = await makeTempDir('nbp-writer-nc-');
  const w = BundleWriter.open(dir);
  const scratch = await w.scratch('emb', 'x');
  const image = new Float32Array([1, 2, 3, 4]);
  await writeFile(scratch.outFile, Buffer.from(image.buffer));
  await writeFile(join(dir, 'emb_x.bin'), 'older evidence');
  const run: EngineRun = { engine: 'embedded', side: 'reference', fpixels: 2, spixels: 2, stdout: 'out\n', stderr: '', command: ['x'], env: {}, cwd: dir, wallMs: 1, image };
  const logs: string[] = [];
  const filed = await w.fileSide('emb', 'x', run, (l) => logs.push(l));
  assert.equal(filed.image, undefined, 'the image was not moved over the older file');
  assert.match(logs.join('\n'), /could not move emb_x\.bin: refusing to overwrite/);
  assert.equal(await readFile(join(dir, 'emb_x.bin'), 'utf8'), 'older evidence');
  await assert.rejects(w.fileSide('emb', 'x', { ...run, image: undefined }, () => undefined), /refusing to overwrite/, 'stdout exists now');

  await w.finish(texts('one'), 'complete');
  await assert.rejects(w.finish(texts('two'), 'complete'), /refusing to overwrite/);
  assert.equal(await readFile(join(dir, 'summary.md'), 'utf8'), '# one\n');

  const first = await w.addAttribution('{"a":1}\n', [{ stem: 'x', image }]);
  const second = await w.addAttribution('{"a":2}\n', [{ stem: 'x', image }]);
  assert.deepEqual([first, second], [{ attribution: 'attribution.json', models: ['model_x.bin'] }, { attribution: 'attribution-2.json', models: ['model_x-2.bin'] }]);
  assert.equal(await readFile(join(dir, 'attribution.json'), 'utf8'), '{"a":1}\n');
  const c = await readCompletion(dir);
  assert.ok(c.files && 'attribution-2.json' in c.files && 'model_x-2.bin' in c.files, 'the marker follows added attribution files');
});

test('complete.json comes before the last previews, which are then listed; a refresh keeps the recorded image hashes', async () => {
  const ws = await workspace();
  const b = await runParity({ workspace: ws, cases: [small], candidate: 'embedded', reference: 'embedded', settings: { allowPrograms: false } });
  const t = b.timing!;
  assert.ok(t.completeMs !== undefined && t.previewWaitMs !== undefined && t.completeMs + t.previewWaitMs <= t.totalMs + 1, JSON.stringify(t));
  const first = await readCompletion(b.dir);
  for (const n of ['preview_tiny_reference.png', 'preview_tiny_candidate.png', 'preview_tiny_diff.png']) assert.ok(first.files && n in first.files, `${n} is listed once added`);
  // The images were hashed from memory: the hashes must be those of the files on disk.
  for (const n of ['emb_ref_tiny.bin', 'emb_cand_tiny.bin']) assert.equal(first.files![n], await sha(join(b.dir, n)), `${n} hash`);
  // Edit an image after the run, then add files: the refreshed marker must not bless the edit.
  const bin = join(b.dir, 'emb_ref_tiny.bin');
  const bytes = await readFile(bin);
  bytes[0] ^= 1;
  await writeFile(bin, bytes);
  await BundleWriter.open(b.dir, b.stamp).addTraceFiles([{ stem: 'tiny', slow: 1, fast: 2, c: 'TRACE_C y\n' }]);
  const after = await readCompletion(b.dir);
  assert.equal(after.files!['emb_ref_tiny.bin'], first.files!['emb_ref_tiny.bin'], 'the run-time hash is kept');
  assert.notEqual(after.files!['emb_ref_tiny.bin'], await sha(bin));
  assert.equal(after.files!['trace_c_tiny_s1_f2.log'], await sha(join(b.dir, 'trace_c_tiny_s1_f2.log')));
});

test('previews encoded early (one side done while the other runs) are the bytes writePreviews would encode itself', async () => {
  const image = (seed: number) => Float32Array.from({ length: 32 * 24 }, (_, i) => ((i * 7919 + seed) % 997) / 10);
  const side = (s: 'reference' | 'candidate', seed: number): EngineRun => ({ engine: 'embedded', side: s, fpixels: 32, spixels: 24,
    stdout: '', stderr: '', command: [], env: {}, cwd: '/', wallMs: 1, image: image(seed) });
  const [ref, cand] = [side('reference', 1), side('candidate', 2)];
  const plain = BundleWriter.open(await makeTempDir('nbp-prev-a-'));
  const early = BundleWriter.open(await makeTempDir('nbp-prev-b-'));
  const { PreviewQueue } = await import('../../src/core/run/previews.ts');
  const q = new PreviewQueue(2);
  q.encodeEarly(ref);
  assert.ok(q.encoded(ref) && !q.encoded(cand), 'only the side that finished first is encoded early');
  const a = await plain.writePreviews('p', ref, cand, true);
  const b = await early.writePreviews('p', ref, cand, true, [], q.encoded);
  assert.deepEqual(b, a, 'same names in the same order');
  for (const name of a) assert.ok((await readFile(join(plain.dir, name))).equals(await readFile(join(early.dir, name))), name);
});

test('preview jobs: an earlier case\'s run once every engine has launched; the last case\'s only at drain (after complete.json)', async () => {
  const { PreviewQueue } = await import('../../src/core/run/previews.ts');
  const q = new PreviewQueue(4); // two cases, two sides each
  const ran: string[] = [];
  for (let i = 0; i < 4; i++) q.notifyLaunch();
  q.schedule(async () => { ran.push('first case'); });
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(ran, ['first case'], 'every engine launched: the first case\'s previews go at once');
  q.schedule(async () => { ran.push('last case'); });
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(ran, ['first case'], 'the last case\'s previews wait for drain()');
  await q.drain();
  assert.deepEqual(ran, ['first case', 'last case']);
});
