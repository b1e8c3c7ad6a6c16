// NumPy .npy files (format version 1.0): numpy.load reads them directly. Little-endian float32 ('<f4'),
// C order, shape (slow, fast) — the same layout as nanoBragg's -floatfile, with the header numpy needs.
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function encodeNpy(img: Float32Array, shape: [number, number]): Uint8Array {
  if (shape[0] * shape[1] !== img.length) throw new Error(`npy: shape ${shape.join('×')} does not hold ${img.length} values`);
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape[0]}, ${shape[1]}), }`;
  // Magic (6) + version (2) + header length (2) + header + '\n' is padded to a multiple of 64 bytes.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + img.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1; out[7] = 0;
  out[8] = header.length & 0xff; out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < img.length; i++) view.setFloat32(i * 4, img[i], true);
  return out;
}

/** Read back a version 1.0 '<f4' C-order 2-D .npy (what encodeNpy writes); refuses anything else by name. */
export function decodeNpy(bytes: Uint8Array): { shape: [number, number]; data: Float32Array } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error('npy: not a .npy file (bad magic)');
  if (bytes[6] !== 1) throw new Error(`npy: format version ${bytes[6]}.${bytes[7]} is not supported (1.0 only)`);
  const hlen = bytes[8] | (bytes[9] << 8);
  const header = String.fromCharCode(...bytes.subarray(10, 10 + hlen));
  if (!/'descr':\s*'<f4'/.test(header)) throw new Error(`npy: dtype is not little-endian float32: ${header.trim()}`);
  if (!/'fortran_order':\s*False/.test(header)) throw new Error('npy: Fortran order is not supported');
  const m = /'shape':\s*\((\d+),\s*(\d+),?\)/.exec(header);
  if (!m) throw new Error(`npy: not a 2-D array: ${header.trim()}`);
  const shape: [number, number] = [Number(m[1]), Number(m[2])];
  const start = 10 + hlen;
  const n = shape[0] * shape[1];
  if (bytes.length - start !== n * 4) throw new Error(`npy: ${bytes.length - start} data bytes, expected ${n * 4}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + start);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = view.getFloat32(i * 4, true);
  return { shape, data };
}
