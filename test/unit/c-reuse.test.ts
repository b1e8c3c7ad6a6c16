// Reusing an earlier C run (src/core/engines/c/reuse.ts): the key follows everything the program's output depends on,
// a command is reused only after two real runs agreed, never after they differed, and never from a changed file.
import { describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { C_REUSE_SAMPLE_EVERY, countCReuse, cRunKey, decideCReuse, readEntry, recordCRun } from '../../src/core/engines/c/reuse.ts';
import type { CBinary } from '../../src/core/engines/c/resolve.ts';
import type { CommandPlan } from '../../src/core/engines/runFinish.ts';
import { makeTempDirSync } from '../helpers/tempDirs.ts';

const binary = (sha = 'a'.repeat(64)): CBinary => ({ path: '/opt/nanoBragg', origin: 'setting', frozen: false, sha256: sha });

function setup() {
  const ws = makeTempDirSync('nb-c-reuse-');
  const mat = join(ws, 'A.mat');
  writeFileSync(mat, '1 0 0\n0 1 0\n0 0 1\n');
  let n = 0;
  // Each call is one run: its own scratch folder and -floatfile path, as the runner makes them.
  const plan = (extra: string[] = []): CommandPlan => {
    const cwd = join(ws, `bundle${++n}`, '.scratch');
    mkdirSync(cwd, { recursive: true });
    return { argv: ['/opt/nanoBragg', '-mat', mat, '-N', '1', ...extra, '-floatfile', join(cwd, 'c_x.bin')], env: {}, cwd };
  };
  /** File a "real run" that wrote `bytes`, as case.ts does after moving the image into its bundle. */
  const file = async (p: CommandPlan, bytes: number[], stdout = `writing ${p.argv.at(-1)} as 4 4-byte floats\n`) => {
    const k = (await cRunKey(binary(), p, {}))!;
    const image = join(p.cwd, '..', 'c_x.bin');
    writeFileSync(image, Buffer.from(new Float32Array(bytes).buffer));
    const data = readFileSync(image);
    const real = { bundle: join(p.cwd, '..'), image, at: '2026-12-07T12:00:00Z', wallMs: 80, sha256: createHash('sha256').update(data).digest('hex'), bytes: data.byteLength };
    const outcome = await recordCRun(ws, binary(), p, k, real, stdout, '');
    return { k, image, outcome };
  };
  return { ws, mat, plan, file };
}

describe('C run reuse', () => {
  it('keys on the binary, the arguments, the input files\' bytes and the shaping environment, not the output path', async () => {
    const { mat, plan } = setup();
    const a = (await cRunKey(binary(), plan(), {}))!.key;
    assert.equal((await cRunKey(binary(), plan(), { HOME: '/x', NB_PARITY_TORCH_MODE: 'cold' }))!.key, a, 'another scratch path, an unrelated variable');
    assert.notEqual((await cRunKey(binary('b'.repeat(64)), plan(), {}))!.key, a, 'another binary');
    assert.notEqual((await cRunKey(binary(), plan(['-oversample', '2']), {}))!.key, a, 'another flag');
    assert.notEqual((await cRunKey(binary(), plan(), { OMP_NUM_THREADS: '1' }))!.key, a, 'OpenMP');
    assert.notEqual((await cRunKey(binary(), plan(), { NB_STANDIN_C_MODE: 'nan' }))!.key, a, 'a nanoBragg tool variable');
    const p = plan();
    assert.notEqual((await cRunKey(binary(), { ...p, env: { KMP_DUPLICATE_LIB_OK: 'TRUE' } }, {}))!.key, a, '--env');
    writeFileSync(mat, '1 0 0\n0 1 0\n0 0 2\n');
    assert.notEqual((await cRunKey(binary(), plan(), {}))!.key, a, 'an edited input file');
  });

  it('a first run says what differs from a record of the same arguments; a stdout difference is named', async () => {
    const { ws, mat, plan, file } = setup();
    await file(plan(), [1, 2, 3, 4], 'N=1\n');
    writeFileSync(mat, '2 0 0\n0 1 0\n0 0 1\n');
    const p = plan();
    const d = await decideCReuse(ws, (await cRunKey(binary(), p, { OMP_NUM_THREADS: '1' }))!, p);
    assert.match(d.note, new RegExp(`first run of this command \\(an earlier record with the same arguments differs in the bytes of ${mat.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, OMP_NUM_THREADS \\(unset → 1\\)\\)`));
    const q = plan();
    const kq = (await cRunKey(binary(), q, {}))!;
    await file(q, [5, 5, 5, 5], 'N=1\n');
    const r = await file(plan(), [5, 5, 5, 5], 'N=5\n');
    assert.match(r.outcome ?? '', /the same float file, but stdout line "N=1" then "N=5"/);
    assert.equal((await readEntry(ws, kq.key))?.deterministic, false);
  });

  it('runs the first and second time, reuses from the third when two runs agreed, with this run\'s paths in stdout', async () => {
    const { ws, plan, file } = setup();
    const p1 = plan();
    const k = (await cRunKey(binary(), p1, {}))!;
    assert.match((await decideCReuse(ws, k, p1)).note, /first run of this command/);
    const r1 = await file(p1, [1, 2, 3, 4], `0% done\n3% done\nwriting ${p1.argv.at(-1)} as 4 4-byte floats\n`);
    assert.equal(r1.outcome, undefined);
    const p2 = plan();
    const d2 = await decideCReuse(ws, k, p2);
    assert.equal(d2.reuse, false);
    assert.match(d2.note, /second run of this command: compared with the first/);
    // OpenMP prints its progress lines in another order, the noise image has a time-based seed: not differences.
    const r2 = await file(p2, [1, 2, 3, 4], `3% done\n  seed: -1796647737\n0% done\n79414 photons on noise image (0 overloads)\nwriting ${p2.argv.at(-1)} as 4 4-byte floats\n`);
    assert.match(r2.outcome ?? '', /this run is byte-identical to the earlier run as recorded/);
    assert.equal((await readEntry(ws, k.key))?.deterministic, true);
    const p3 = plan();
    const d3 = await decideCReuse(ws, k, p3);
    assert.ok(d3.reuse, d3.note);
    assert.deepEqual([...new Float32Array(new Uint8Array(d3.data).buffer)], [1, 2, 3, 4]);
    assert.equal(d3.from.image, r2.image, 'the newest agreeing run');
    assert.match(d3.stdout, new RegExp(`writing ${p3.argv.at(-1)!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} as`), 'this run\'s float file path');
    assert.match(d3.note, /not run: reused the float file of an identical earlier run .*2 real runs of it gave this file/);
  });

  it('never reuses a command whose two runs differed, nor a changed or removed file; samples every 20th reuse', async () => {
    const { ws, plan, file } = setup();
    const p = plan(['-seed', 'random']);
    const k = (await cRunKey(binary(), p, {}))!;
    await file(p, [1, 2, 3, 4]);
    const r2 = await file(plan(['-seed', 'random']), [1, 2, 3, 5]);
    assert.match(r2.outcome ?? '', /this run DIFFERS from the earlier run .*float file sha256 .* then .*will not be reused/);
    for (let i = 0; i < 2; i++) {
      const d = await decideCReuse(ws, k, plan(['-seed', 'random']));
      assert.equal(d.reuse, false);
      assert.match(d.note, /two runs of this command gave different output/);
      await file(plan(['-seed', 'random']), [1, 2, 3, 4]);
    }

    const q = setup();
    const pq = q.plan();
    const kq = (await cRunKey(binary(), pq, {}))!;
    const a = await q.file(pq, [9, 9, 9, 9]);
    const b = await q.file(q.plan(), [9, 9, 9, 9]);
    // The newest run's file was edited in its bundle: the older, intact one is copied.
    writeFileSync(b.image, Buffer.from(new Float32Array([9, 9, 9, 8]).buffer));
    const d = await decideCReuse(q.ws, kq, q.plan());
    assert.ok(d.reuse && d.from.image === a.image, d.note);
    writeFileSync(a.image, 'gone');
    const gone = await decideCReuse(q.ws, kq, q.plan());
    assert.equal(gone.reuse, false);
    assert.match(gone.note, /float files are gone or changed/);

    const s = setup();
    const ps = s.plan();
    const ks = (await cRunKey(binary(), ps, {}))!;
    await s.file(ps, [1, 1, 1, 1]);
    await s.file(s.plan(), [1, 1, 1, 1]);
    // Two sample periods: each 20th call runs (and is filed, as the runner does), the calls after it reuse again.
    const ran: number[] = [];
    for (let i = 1; i <= 2 * C_REUSE_SAMPLE_EVERY + 1; i++) {
      const p = s.plan();
      const di = await decideCReuse(s.ws, ks, p);
      if (di.reuse) { await countCReuse(s.ws, di.entry); continue; }
      ran.push(i);
      assert.match(di.note, /sampled check: after 19 reuses since its last real run, this command runs again/);
      assert.match((await s.file(p, [1, 1, 1, 1])).outcome ?? '', /byte-identical/);
    }
    assert.deepEqual(ran, [C_REUSE_SAMPLE_EVERY, 2 * C_REUSE_SAMPLE_EVERY], 'every 20th call runs, and only those');
    const entry = JSON.parse(readFileSync(join(s.ws, '.nb-parity/c-runs', `${ks.key}.json`), 'utf8'));
    assert.equal(entry.reuses, 2 * (C_REUSE_SAMPLE_EVERY - 1) + 1);
    assert.equal(entry.sinceReal, 1);
    assert.equal(readFileSync(join(s.ws, '.nb-parity/c-runs/.gitignore'), 'utf8'), '*\n', 'kept out of git status');
  });
});
