// 3-vectors with nanoBragg C's exact operation order (bit-exactness depends on it: no algebraic refactoring).

export type V3 = [number, number, number];

export const dot = (x: V3, y: V3): number => x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
export const magnitude = (v: V3): number => Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
export const cross = (x: V3, y: V3): V3 => [x[1] * y[2] - x[2] * y[1], x[2] * y[0] - x[0] * y[2], x[0] * y[1] - x[1] * y[0]];
export const scale = (v: V3, s: number): V3 => [s * v[0], s * v[1], s * v[2]];

/** C unitize: divide by the magnitude, or the zero vector when the magnitude is 0. */
export function unitize(v: V3): V3 {
  const m = magnitude(v);
  return m !== 0.0 ? [v[0] / m, v[1] / m, v[2] / m] : [0, 0, 0];
}

/** C vector_rescale: new_magnitude/old·v (old ≤ 0 treated as 1). */
export function rescale(v: V3, newMag: number): V3 {
  let old = magnitude(v);
  if (old <= 0.0) old = 1.0;
  return [newMag / old * v[0], newMag / old * v[1], newMag / old * v[2]];
}

/** C rotate(): about x, then y, then z, skipping zero angles. */
export function rotateXYZ(v: V3, phix: number, phiy: number, phiz: number): V3 {
  let [x, y, z] = v;
  if (phix !== 0) {
    const ryy = Math.cos(phix), ryz = -Math.sin(phix), rzy = Math.sin(phix), rzz = Math.cos(phix);
    const ny = y * ryy + z * ryz;
    const nz = y * rzy + z * rzz;
    y = ny; z = nz;
  }
  if (phiy !== 0) {
    const rxx = Math.cos(phiy), rxy = 0, rxz = Math.sin(phiy), rzx = -Math.sin(phiy), rzy = 0, rzz = Math.cos(phiy);
    const nx = x * rxx + y * rxy + z * rxz;
    const nz = x * rzx + y * rzy + z * rzz;
    x = nx; z = nz;
  }
  if (phiz !== 0) {
    const rxx = Math.cos(phiz), rxy = -Math.sin(phiz), ryx = Math.sin(phiz), ryy = Math.cos(phiz);
    const nx = x * rxx + y * rxy;
    const ny = x * ryx + y * ryy;
    x = nx; y = ny;
  }
  return [x, y, z];
}

/** C rotate_axis(): Rodrigues rotation of v about the unit vector axis by phi, in C's term order. */
export function rotateAxis(v: V3, axis: V3, phi: number): V3 {
  const s = Math.sin(phi);
  const c = Math.cos(phi);
  const d = (axis[0] * v[0] + axis[1] * v[1] + axis[2] * v[2]) * (1.0 - c);
  return [
    axis[0] * d + v[0] * c + (-axis[2] * v[1] + axis[1] * v[2]) * s,
    axis[1] * d + v[1] * c + (+axis[2] * v[0] - axis[0] * v[2]) * s,
    axis[2] * d + v[2] * c + (-axis[1] * v[0] + axis[0] * v[1]) * s,
  ];
}

/** C rotate_umat(): row-major 3×3 times v. */
export function rotateUmat(v: V3, u: ArrayLike<number>, o = 0): V3 {
  return [
    u[o]! * v[0] + u[o + 1]! * v[1] + u[o + 2]! * v[2],
    u[o + 3]! * v[0] + u[o + 4]! * v[1] + u[o + 5]! * v[2],
    u[o + 6]! * v[0] + u[o + 7]! * v[1] + u[o + 8]! * v[2],
  ];
}
