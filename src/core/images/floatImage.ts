// Raw nanoBragg float images: little-endian float32, no header, fpixels × spixels values, slow index outer
// (index = slow·fpixels + fast). Reading checks the size so a truncated or mis-sized file never becomes a
// silently wrong metric; writing is atomic so a viewer never sees half an image.
import { promises as fs } from 'node:fs';
import { endianness } from 'node:os';
import path from 'node:path';
import { flagValue } from '../../shared/flagList.ts';

export interface ImageSize {
  fpixels: number;
  spixels: number;
}

export type ImageErrorKind = 'missing' | 'empty' | 'truncated' | 'size-mismatch' | 'unreadable';

/** A problem with an image file, worded for the user; `kind` lets callers map it to a verdict. */
export class ImageError extends Error {
  readonly kind: ImageErrorKind;
  readonly file: string;
  constructor(kind: ImageErrorKind, file: string, message: string) {
    super(message);
    this.name = 'ImageError';
    this.kind = kind;
    this.file = file;
  }
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** Decode raw little-endian float32 bytes (copying, so the result owns an aligned buffer). */
export function decodeFloat32LE(bytes: Uint8Array): Float32Array {
  const n = Math.floor(bytes.byteLength / 4);
  const out = new Float32Array(n);
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(out.buffer).set(bytes.subarray(0, n * 4));
  } else {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, n * 4);
    for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
  }
  return out;
}

/** Encode a float32 image as raw little-endian bytes. */
export function encodeFloat32LE(img: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(img.buffer, img.byteOffset, img.byteLength);
  const out = new Uint8Array(img.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < img.length; i++) dv.setFloat32(i * 4, img[i], true);
  return out;
}

/** Explain a byte count against the expected W×H in words a user can act on. */
function sizeProblem(file: string, bytes: number, size: ImageSize): ImageError | undefined {
  const want = size.fpixels * size.spixels * 4;
  if (bytes === want) return undefined;
  const base = path.basename(file);
  const wanted = `${size.fpixels}×${size.spixels} float32 = ${want} bytes`;
  if (bytes === 0) {
    return new ImageError('empty', file, `${file}: the image file is empty (expected ${wanted}); the simulator probably stopped before writing it — check its stdout/stderr.`);
  }
  if (bytes < want) {
    const pct = ((100 * bytes) / want).toFixed(1);
    return new ImageError('truncated', file, `${file}: truncated image, ${bytes} bytes of the expected ${wanted} (${pct} %); the run was interrupted or the disk filled up — rerun it.`);
  }
  const pixels = bytes / 4;
  const side = Number.isInteger(Math.sqrt(pixels)) ? ` (a ${Math.sqrt(pixels)}×${Math.sqrt(pixels)} image?)` : '';
  return new ImageError('size-mismatch', file, `${base}: ${bytes} bytes = ${pixels} pixels${side}, but the flags/stdout say ${wanted}; the detector size flags of this run and of the comparison differ.`);
}

/** Read a raw float32 image and check it holds exactly fpixels × spixels values. */
export async function readFloatImage(file: string, size: ImageSize): Promise<Float32Array> {
  if (!(size.fpixels > 0 && size.spixels > 0 && Number.isInteger(size.fpixels) && Number.isInteger(size.spixels))) {
    throw new ImageError('size-mismatch', file, `${file}: cannot check the image, the expected size ${size.fpixels}×${size.spixels} is not a positive whole number of pixels.`);
  }
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ImageError('missing', file, `${file}: no image was written (the simulator did not produce its -floatfile output); check its stdout/stderr for the cause.`);
    }
    if (code === 'EISDIR') throw new ImageError('unreadable', file, `${file}: is a folder, not a float image.`);
    throw new ImageError('unreadable', file, `${file}: cannot read the image (${code ?? String(err)}).`);
  }
  const problem = sizeProblem(file, bytes.byteLength, size);
  if (problem) throw problem;
  return decodeFloat32LE(bytes);
}

/** Write a float32 image atomically: a temp file in the same folder, then rename over the target. */
export async function writeFloatImage(file: string, img: Float32Array): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  try {
    await fs.writeFile(tmp, encodeFloat32LE(img));
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

// --- expected size from nanoBragg flags -------------------------------------------------------------------

function positiveNumber(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * Detector size the simulator will produce for these flags, by nanoBragg's rules: -detpixels N sets both axes,
 * -detpixels_x/_f the fast axis and -detpixels_y/_s the slow axis; otherwise the size comes from the detector
 * size (-detsize, -detsize_x/_f, -detsize_y/_s in mm, default 102.4) over the pixel (-pixel mm, default 0.1):
 * pixels = ceil(detsize/pixel − 0.5). Returns undefined when the size is set by something we do not model
 * (an -img/-mask header), so callers fall back to stdout.
 */
export function expectedSizeFromFlags(flags: string[]): ImageSize | undefined {
  if (flags.some((f) => f === '-img' || f === '-mask')) return undefined;
  const both = positiveNumber(flagValue(flags, ['-detpixels']));
  let fp = positiveNumber(flagValue(flags, ['-detpixels_x', '-detpixels_f'])) ?? both;
  let sp = positiveNumber(flagValue(flags, ['-detpixels_y', '-detpixels_s'])) ?? both;
  const pixelMm = positiveNumber(flagValue(flags, ['-pixel'])) ?? 0.1;
  const detBoth = positiveNumber(flagValue(flags, ['-detsize']));
  const detF = positiveNumber(flagValue(flags, ['-detsize_x', '-detsize_f'])) ?? detBoth ?? 102.4;
  const detS = positiveNumber(flagValue(flags, ['-detsize_y', '-detsize_s'])) ?? detBoth ?? 102.4;
  fp ??= Math.ceil(detF / pixelMm - 0.5);
  sp ??= Math.ceil(detS / pixelMm - 0.5);
  fp = Math.floor(fp);
  sp = Math.floor(sp);
  return fp > 0 && sp > 0 ? { fpixels: fp, spixels: sp } : undefined;
}

/** Detector size as the simulator printed it: C "(256x256 pixels)", PyTorch "Detector: 256x256 pixels". */
export function sizeFromStdout(stdout: string): ImageSize | undefined {
  const c = /\((\d+)x(\d+) pixels\)/.exec(stdout);
  const m = c ?? /Detector:\s*(\d+)x(\d+) pixels/.exec(stdout);
  if (!m) return undefined;
  return { fpixels: Number(m[1]), spixels: Number(m[2]) };
}
