// The embedded engine's pixel trace against the 15 real C traces (test/fixtures/c-goldens/*.c.trace.log, made by
// a TRACING-built C binary; traces.json names each pixel): every line of C's pixel block — TRACE_CONFIG,
// `TRACE_C: name v…`, TRACE_C_PHI, TRACE_C_SOURCE2, the repeats inside the thickness/sub-pixel loops — must be
// byte-identical (same names, same order, %.15g of the same doubles). And the traced value is the image's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EmbeddedFlagError, simulate, traceEmbedded } from '../../src/core/simulator/index.ts';

const dir = fileURLToPath(new URL('../fixtures/c-goldens/', import.meta.url));
interface Case { id: string; fpixels: number; spixels: number; flags: string }
const cases = readFileSync(`${dir}manifest.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Case);
const traces = JSON.parse(readFileSync(`${dir}traces.json`, 'utf8')) as { id: string; slow: number; fast: number; trace: string }[];
const argsOf = (id: string): string[] => {
  const c = cases.find((x) => x.id === id)!;
  return [...c.flags.split(/\s+/), '-detpixels_x', String(c.fpixels), '-detpixels_y', String(c.spixels), '-nonoise', '-nopgm', '-noprogress'];
};
/** C's pixel block: everything but the geometry `TRACE_C:name=value` lines and the untagged `TRACE:` chatter. */
const pixelBlock = (text: string): string[] => text.split('\n').filter((l) => /^(TRACE_CONFIG: |TRACE_C: |TRACE_C_PHI |TRACE_C_SOURCE2: )/.test(l));

test('traces.json names the 15 c-golden traces', () => {
  assert.equal(traces.length, 15);
  assert.deepEqual(new Set(traces.map((t) => t.id)), new Set(cases.map((c) => c.id)));
});

for (const t of traces) {
  test(`${t.id} (${t.slow}, ${t.fast}): the embedded trace equals the real C trace, line for line`, () => {
    const want = pixelBlock(readFileSync(`${dir}${t.trace}`, 'utf8'));
    const got = traceEmbedded({ args: argsOf(t.id), cwd: dir, ompThreads: 2 }, { slow: t.slow, fast: t.fast });
    assert.ok(want.length >= 42, 'the C trace has its pixel block');
    for (let i = 0; i < Math.max(want.length, got.lines.length); i++) assert.equal(got.lines[i], want[i], `line ${i + 1} of the pixel block`);
    assert.equal(got.text, `${want.join('\n')}\n`);
  });
}

test('repeated blocks come out as often as C prints them (oversample 2 → 4 sub-pixel blocks, phi3 → 3 φ lines each)', () => {
  const count = (lines: string[], re: RegExp): number => lines.filter((l) => re.test(l)).length;
  const os2 = traceEmbedded({ args: argsOf('oversample2'), cwd: dir, ompThreads: 2 }, { slow: 65, fast: 65 }).lines;
  assert.equal(count(os2, /^TRACE_C: pix0_vector_meters /), 4);
  const p = traces.find((x) => x.id === 'phi3')!;
  const phi = traceEmbedded({ args: argsOf('phi3'), cwd: dir, ompThreads: 2 }, p).lines;
  assert.equal(count(phi, /^TRACE_C_PHI /), 3 * count(phi, /^TRACE_C: pix0_vector_meters /));
});

for (const id of ['tc-d3', 'phi3', 'oversample2', 'gauss', 'tc-d1-commented']) {
  test(`${id}: the traced final intensity is the image's value at that pixel (preset c and pytorch)`, async () => {
    const p = traces.find((x) => x.id === id)!;
    for (const preset of ['c', 'pytorch'] as const) {
      const r = await simulate({ args: argsOf(id), cwd: dir, workers: 0, ompThreads: 2, preset, writeFloatfile: false });
      const tr = traceEmbedded({ args: argsOf(id), cwd: dir, ompThreads: 2, preset }, p);
      const px = r.image[p.slow * r.fpixels + p.fast]!;
      assert.ok(Object.is(tr.value, px), `${preset}: traced ${tr.value} vs image ${px}`);
      // %.15g of a float32 reads back to the same float32; I_pixel_final is the double before the store.
      const last = (name: string): number => Number(tr.lines.filter((l) => l.startsWith(`TRACE_C: ${name} `)).at(-1)!.split(' ').at(-1));
      assert.equal(Math.fround(last('floatimage_accumulated')), px, `${preset}: floatimage_accumulated line`);
      assert.equal(Math.fround(last('I_pixel_final')), px, `${preset}: I_pixel_final line`);
    }
  });
}

test('preset pytorch prints C\'s names but its own values (tc-d1-commented: the ghost sources are dropped)', () => {
  const p = traces.find((x) => x.id === 'tc-d1-commented')!;
  const c = traceEmbedded({ args: argsOf('tc-d1-commented'), cwd: dir, ompThreads: 2, preset: 'c' }, p);
  const py = traceEmbedded({ args: argsOf('tc-d1-commented'), cwd: dir, ompThreads: 2, preset: 'pytorch' }, p);
  const names = (ls: string[]): string[] => ls.filter((l) => l.startsWith('TRACE_C: ')).map((l) => l.split(' ')[1]!);
  assert.deepEqual([...new Set(names(py.lines))], [...new Set(names(c.lines))]);
  assert.notEqual(py.lines.find((l) => l.startsWith('TRACE_C: steps ')), c.lines.find((l) => l.startsWith('TRACE_C: steps ')));
});

test('simulate with -trace_pixel S F puts the block between the setup and the result lines, as C does', async () => {
  const p = traces.find((x) => x.id === 'tc-d3')!;
  const r = await simulate({ args: [...argsOf('tc-d3'), '-trace_pixel', String(p.slow), String(p.fast)], cwd: dir, workers: 0, writeFloatfile: false });
  const want = pixelBlock(readFileSync(`${dir}${p.trace}`, 'utf8'));
  assert.deepEqual(pixelBlock(r.stdout), want);
  const out = r.stdout.split('\n');
  assert.ok(out.indexOf('  1x1 pixel oversample steps') < out.indexOf(want[0]!), 'after the setup lines');
  assert.ok(out.findIndex((l) => l.startsWith('max_I =')) > out.indexOf(want.at(-1)!), 'before the result lines');
});

test('a pixel outside the detector: traceEmbedded says so; simulate prints only the TRACE_CONFIG line (as C)', async () => {
  assert.throws(() => traceEmbedded({ args: argsOf('tc-d3'), cwd: dir }, { slow: 256, fast: 3 }), (e: unknown) => e instanceof EmbeddedFlagError && /outside the 256×256 detector/.test(e.message));
  assert.throws(() => traceEmbedded({ args: argsOf('tc-d3'), cwd: dir }), /no pixel/);
  const r = await simulate({ args: [...argsOf('tc-d3'), '-trace_pixel', '300', '1'], cwd: dir, workers: 0, writeFloatfile: false });
  assert.deepEqual(pixelBlock(r.stdout), ['TRACE_CONFIG: tracing pixel (spixel=300, fpixel=1)']);
});

test('a pixel outside -roi: no block (C computes nothing there) and value NaN', () => {
  const tr = traceEmbedded({ args: [...argsOf('tc-d3'), '-roi', '0', '10', '0', '10'], cwd: dir }, { slow: 128, fast: 128 });
  assert.deepEqual(tr.lines, ['TRACE_CONFIG: tracing pixel (spixel=128, fpixel=128)']);
  assert.ok(Number.isNaN(tr.value));
});
