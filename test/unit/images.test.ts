import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { ImageError, expectedSizeFromFlags, readFloatImage, sizeFromStdout, writeFloatImage } from '../../src/core/images/floatImage.ts';
import { differenceImage, encodePng } from '../../src/core/images/png.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

const DIR = path.join(import.meta.dirname, '../fixtures/real-runs');

const tmpdir = () => makeTempDir('nbp-images-');

test('round trip: write atomically, read back bit-exact, no temp files left', async () => {
  const dir = await tmpdir();
  const img = Float32Array.from({ length: 12 }, (_, i) => (i === 5 ? NaN : i * 0.1 - 0.3));
  const file = path.join(dir, 'x.bin');
  await writeFloatImage(file, img);
  const back = await readFloatImage(file, { fpixels: 4, spixels: 3 });
  assert.deepEqual(new Uint8Array(back.buffer), new Uint8Array(img.buffer));
  assert.deepEqual(await fs.readdir(dir), ['x.bin']);
  // Little-endian on disk regardless of host.
  const raw = await fs.readFile(file);
  assert.equal(raw.readFloatLE(4), img[1]);
});

test('real C image reads with its size from the flags and from stdout', async () => {
  const flags = '-mat A.mat -default_F 100 -hdivrange 0.5 -hdivsteps 3 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -detpixels_x 256 -detpixels_y 256'.split(' ');
  const size = expectedSizeFromFlags(flags);
  assert.deepEqual(size, { fpixels: 256, spixels: 256 });
  assert.deepEqual(sizeFromStdout(readFileSync(path.join(DIR, 'c_tc_d3.stdout.log'), 'utf8')), size);
  assert.deepEqual(sizeFromStdout(readFileSync(path.join(DIR, 'py_tc_d3.stdout.log'), 'utf8')), size);
  const img = await readFloatImage(path.join(DIR, 'c_tc_d3.bin'), size!);
  assert.equal(img.length, 65536);
  assert.equal(img[32896].toPrecision(6), "0.00553096"); // max_I as the C run printed it
});

test('specific errors: missing, empty, truncated, size mismatch', async () => {
  const dir = await tmpdir();
  await assert.rejects(readFloatImage(path.join(dir, 'nope.bin'), { fpixels: 2, spixels: 2 }), (e: ImageError) => e.kind === 'missing' && /nope\.bin: no image was written/.test(e.message));
  await fs.writeFile(path.join(dir, 'empty.bin'), '');
  await assert.rejects(readFloatImage(path.join(dir, 'empty.bin'), { fpixels: 2, spixels: 2 }), (e: ImageError) => e.kind === 'empty');
  await fs.writeFile(path.join(dir, 'short.bin'), Buffer.alloc(10));
  await assert.rejects(readFloatImage(path.join(dir, 'short.bin'), { fpixels: 2, spixels: 2 }), (e: ImageError) => e.kind === 'truncated' && /10 bytes of the expected 2×2 float32 = 16 bytes \(62\.5 %\)/.test(e.message));
  await fs.writeFile(path.join(dir, 'big.bin'), Buffer.alloc(64));
  await assert.rejects(readFloatImage(path.join(dir, 'big.bin'), { fpixels: 2, spixels: 2 }), (e: ImageError) => e.kind === 'size-mismatch' && /16 pixels \(a 4×4 image\?\)/.test(e.message));
});

test('expected size follows nanoBragg rules', () => {
  assert.deepEqual(expectedSizeFromFlags([]), { fpixels: 1024, spixels: 1024 });
  assert.deepEqual(expectedSizeFromFlags(['-detpixels', '64']), { fpixels: 64, spixels: 64 });
  assert.deepEqual(expectedSizeFromFlags(['-detpixels', '64', '-detpixels_y', '32']), { fpixels: 64, spixels: 32 });
  assert.deepEqual(expectedSizeFromFlags(['-detsize', '20', '-pixel', '0.172']), { fpixels: 116, spixels: 116 });
  assert.deepEqual(expectedSizeFromFlags(['-pixel', '0.2']), { fpixels: 512, spixels: 512 });
  assert.equal(expectedSizeFromFlags(['-img', 'x.img']), undefined);
});

test('PNG previews: real size, NaN painted magenta, difference white at zero', async () => {
  const img = await readFloatImage(path.join(DIR, 'py_tc_d3.bin'), { fpixels: 256, spixels: 256 });
  for (const scale of ['linear', 'log'] as const) {
    const png = PNG.sync.read(encodePng(img, 256, 256, { kind: 'intensity', scale }));
    assert.equal(png.width, 256);
    assert.equal(png.height, 256);
  }
  const nan = new Float32Array(6).fill(NaN);
  nan[0] = 1;
  const p = PNG.sync.read(encodePng(nan, 3, 2, { kind: 'intensity' }));
  assert.deepEqual([...p.data.subarray(4, 8)], [255, 0, 255, 255]);
  const d = differenceImage(Float32Array.from([1, 1, 1, 1]), Float32Array.from([1, 2, 0, 1]));
  const q = PNG.sync.read(encodePng(d, 2, 2, { kind: 'difference' }));
  const px = (i: number) => [...q.data.subarray(i * 4, i * 4 + 3)];
  assert.ok(px(0)[0] > 240 && px(0)[1] > 240 && px(0)[2] > 240, `zero difference should be near white, got ${px(0)}`);
  assert.ok(px(1)[0] > px(1)[2], 'positive difference is red-ish');
  assert.ok(px(2)[2] > px(2)[0], 'negative difference is blue-ish');
  assert.throws(() => encodePng(d, 3, 2, { kind: 'difference' }), /expected 3×2/);
});
