// ADSC/SMV frames as nanoBragg C reads them for -img and -mask: header keywords (last occurrence wins, the
// value after the next '='), 16-bit pixels read in this machine's byte order from HEADER_BYTES on.
import { readFileSync } from 'node:fs';
import { EmbeddedFlagError } from './flags.ts';
import { atof } from './sources.ts';

export interface SmvFrame { file: string; header: string; headerSize: number; width: number; height: number; data: Uint16Array }

/** C ValueOf: NaN when the keyword is absent, 0 when no '=' follows its last occurrence. */
export function smvValue(header: string, keyword: string): number {
  const at = header.lastIndexOf(keyword);
  if (at < 0) return NaN;
  const eq = header.indexOf('=', at + keyword.length);
  if (eq < 0) return 0.0;
  return atof(header.slice(eq + 1));
}

export function readSmv(flag: string, path: string): SmvFrame {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new EmbeddedFlagError(`${flag} ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (buf.length < 512) throw new EmbeddedFlagError(`${flag} ${path}: too short for an SMV header (${buf.length} bytes)`);
  if (buf.subarray(0, 12).toString('latin1') !== '{\nHEADER_BYT') throw new EmbeddedFlagError(`${flag} ${path}: does not look like an ADSC/SMV frame (must start with "{\\nHEADER_BYTES=")`);
  let header = buf.subarray(0, 512).toString('latin1');
  const headerSize = Math.trunc(smvValue(header, 'HEADER_BYTES'));
  if (headerSize !== 512) header = buf.subarray(0, headerSize).toString('latin1');
  // C stops reading the header text at the first NUL.
  const nul = header.indexOf('\0');
  if (nul >= 0) header = header.slice(0, nul);
  let width = Math.trunc(smvValue(header, 'SIZE1'));
  let height = Math.trunc(smvValue(header, 'SIZE2'));
  if (!width) width = height = Math.trunc(smvValue(header, 'DETECTOR_DIMENSIONS'));
  if (!(width > 0 && height > 0)) throw new EmbeddedFlagError(`${flag} ${path}: SIZE1/SIZE2 missing from the SMV header`);
  const need = headerSize + 2 * width * height;
  if (buf.length < need) throw new EmbeddedFlagError(`${flag} ${path}: truncated: ${buf.length} bytes, header says ${need} (${width}x${height} 16-bit pixels after ${headerSize} header bytes)`);
  const data = new Uint16Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = buf.readUInt16LE(headerSize + 2 * i);
  return { file: path, header, headerSize, width, height, data };
}
