// The per-pixel loop. Bit-exactness with C rests on: C's loop nesting and accumulation order, C's operation
// order in every expression (no algebraic shortcuts), the P/Ω "first value" caches, the in-place
// renormalisation of the diffracted vector by the polarization routine, and float32 rounding only at the end.
// Invariants (incident vectors, crystal vectors per φ/mosaic step) are hoisted: C recomputes them identically.
import type { SimConfig } from './config.ts';
import { fmtG } from './cformat.ts';
import type { TraceSink } from './traceSink.ts';

const g = (x: number): string => fmtG(x, 15);
const v3 = (x: number, y: number, z: number): string => `${g(x)} ${g(y)} ${g(z)}`;

/** C polint: 4-point Lagrange interpolation at x through (xa[i], ya[i]), in C's operation order. */
function polint(xa0: number, xa1: number, xa2: number, xa3: number, y0: number, y1: number, y2: number, y3: number, x: number): number {
  const x0 = (x - xa1) * (x - xa2) * (x - xa3) * y0 / ((xa0 - xa1) * (xa0 - xa2) * (xa0 - xa3));
  const x1 = (x - xa0) * (x - xa2) * (x - xa3) * y1 / ((xa1 - xa0) * (xa1 - xa2) * (xa1 - xa3));
  const x2 = (x - xa0) * (x - xa1) * (x - xa3) * y2 / ((xa2 - xa0) * (xa2 - xa1) * (xa2 - xa3));
  const x3 = (x - xa0) * (x - xa1) * (x - xa2) * y3 / ((xa3 - xa0) * (xa3 - xa1) * (xa3 - xa2));
  return x0 + x1 + x2 + x3;
}

/** C polin3 over the 4×4×4 grid points floor(·)−1 … floor(·)+2 around (h, k, l). */
function tricubic(data: Float64Array, base: number, hStride: number, kStride: number, hf: number, kf: number, lf: number, h: number, k: number, l: number): number {
  const ym = [0, 0, 0, 0];
  const yk = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const o = base + i * hStride + j * kStride;
      yk[j] = polint(lf - 1, lf, lf + 1, lf + 2, data[o]!, data[o + 1]!, data[o + 2]!, data[o + 3]!, l);
    }
    ym[i] = polint(kf - 1, kf, kf + 1, kf + 2, yk[0]!, yk[1]!, yk[2]!, yk[3]!, k);
  }
  return polint(hf - 1, hf, hf + 1, hf + 2, ym[0]!, ym[1]!, ym[2]!, ym[3]!, h);
}

/** Where a scan found C's first out-of-range interpolation (sequential pixel index, evaluation within it). */
export interface InterpStop { pixel: number; evalIndex: number }

/**
 * Rows [row0, row1) of the image into `out` (length (row1 − row0)·fpixels). onRow is called after each row.
 * With `scanInterp` the render stops at the first evaluation that would switch C's interpolation off and
 * returns its position (the caller then renders again with cfg.interpUntil* set); otherwise returns undefined.
 */
export function renderRows(cfg: SimConfig, row0: number, row1: number, out: Float32Array, onRow?: (row: number) => void, scanInterp = false, sink?: TraceSink): InterpStop | undefined {
  const { fpixels, oversample: os, subpixel, pixel, closeDistance, distance, forks } = cfg;
  const [fx, fy, fz] = cfg.fdet, [sx, sy, sz] = cfg.sdet, [ox, oy, oz] = cfg.odet, [p0x, p0y, p0z] = cfg.pix0;
  const [bx, by, bz] = cfg.beam;
  const [roiX0, roiX1, roiY0, roiY1] = cfg.roi;
  const mask = cfg.mask;
  // C re-unitizes the polarization axis in place on every call; after the first call it is a fixed point.
  let [px, py, pz] = cfg.polarAxis;
  { const m = Math.sqrt(px * px + py * py + pz * pz); if (m !== 0) { px /= m; py /= m; pz /= m; } }

  const nSrc = cfg.nSources;
  const incX = new Float64Array(nSrc), incY = new Float64Array(nSrc), incZ = new Float64Array(nSrc), lam = new Float64Array(nSrc);
  for (let s = 0; s < nSrc; s++) { incX[s] = -cfg.src[3 * s]!; incY[s] = -cfg.src[3 * s + 1]!; incZ[s] = -cfg.src[3 * s + 2]!; lam[s] = cfg.srcLambda[s]!; }
  const latt = Float64Array.from(cfg.latt);
  const nPhi = cfg.phisteps, nMos = cfg.mosaicDomains;
  const phiNZ = cfg.phiNonzero;
  let lastNZ = -1;
  for (let t = 0; t < nPhi; t++) if (phiNZ[t]) lastNZ = t;
  const carry = forks.phiZeroCarry === 'c';
  const { Na, Nb, Nc, fudge, shape, defaultF, dmin, kahn, nopolar, waterSize } = cfg;
  const sincgA = Na > 1 || forks.sincgGuard === 'always';
  const sincgB = Nb > 1 || forks.sincgGuard === 'always';
  const sincgC = Nc > 1 || forks.sincgGuard === 'always';
  const square = shape === 'SQUARE', round = shape === 'ROUND', gauss = shape === 'GAUSS', tophat = shape === 'TOPHAT';
  const [asx, asy, asz] = cfg.aStar, [bsx, bsy, bsz] = cfg.bStar, [csx, csy, csz] = cfg.cStar;
  const NNN = Na * Nb * Nc;
  const hkl = cfg.hkl;
  const hData = hkl?.data;
  const hMin = hkl?.hMin ?? 0, hMax = hkl?.hMax ?? -1, kMin = hkl?.kMin ?? 0, kMax = hkl?.kMax ?? -1, lMin = hkl?.lMin ?? 0, lMax = hkl?.lMax ?? -1;
  const hStride = hkl?.hStride ?? 0, kStride = hkl?.kStride ?? 0;
  const osThick = cfg.oversampleThick, osPolar = cfg.oversamplePolar, osOmega = cfg.oversampleOmega;
  const perSourceP = forks.polarization === 'per-source';
  const lastSub = forks.subpixelCache === 'last';
  const { thicksteps, thickstep, detectorThick, detectorMu: mu, curved, pointPixel } = cfg;
  const scale = cfg.scale, steps = cfg.steps, Ibg = cfg.Ibg;
  const PI = Math.PI;
  // With one φ step and one domain the crystal vectors never change: state 1 if φ_0 ≠ 0, else 0 (no carry possible).
  const simple = nPhi === 1 && nMos === 1 && square && !hData;
  const interp = cfg.interpolate && !!hData;
  const uP = cfg.interpUntilPixel, uE = cfg.interpUntilEval;
  const hRange = hMax - hMin + 1, kRange = kMax - kMin + 1, lRange = lMax - lMin + 1;
  const sb = simple && phiNZ[0] ? 9 : 0;
  const a0 = latt[sb]!, a1 = latt[sb + 1]!, a2 = latt[sb + 2]!, b0 = latt[sb + 3]!, b1 = latt[sb + 4]!, b2 = latt[sb + 5]!;
  const c0 = latt[sb + 6]!, c1 = latt[sb + 7]!, c2 = latt[sb + 8]!;

  // φ = 0 carry-over state: index of the rotation state currently held in C's private ap/bp/cp.
  const blockStarts = new Set(cfg.ompBlockStarts);
  let blockStart = 0;
  for (const s of cfg.ompBlockStarts) if (s <= row0) blockStart = Math.max(blockStart, s);
  const evaluatedBefore = row0 > blockStart && roiX0 <= roiX1 && Math.max(blockStart, roiY0) <= Math.min(row0 - 1, roiY1);
  let cur = carry && evaluatedBefore && lastNZ >= 0 ? lastNZ + 1 : 0;

  for (let spixel = row0; spixel < row1; spixel++) {
    if (blockStarts.has(spixel)) cur = 0;
    const rowOff = (spixel - row0) * fpixels;
    for (let fpixel = 0; fpixel < fpixels; fpixel++) {
      if (fpixel < roiX0 || fpixel > roiX1 || spixel < roiY0 || spixel > roiY1) continue;
      if (mask && mask[spixel * fpixels + fpixel] === 0) continue;
      const pixIdx = spixel * fpixels + fpixel;
      // The traced pixel records the values this very loop computes (C's TRACE_C names and order).
      const tr = sink !== undefined && pixIdx === sink.pixel ? sink : undefined;
      const L = tr?.lines;
      let evalIdx = 0;
      let I = Ibg;
      let polar = nopolar ? 1.0 : 0.0;
      let omega = 0.0;
      let capture = 0.0;
      for (let thickTic = 0; thickTic < thicksteps; thickTic++) {
        const Odet = thickTic * thickstep;
        capture = 0.0;
        if (detectorThick === 0.0) capture = 1.0;
        for (let subS = 0; subS < os; subS++) {
          for (let subF = 0; subF < os; subF++) {
            const Fdet = subpixel * (fpixel * os + subF) + subpixel / 2.0;
            const Sdet = subpixel * (spixel * os + subS) + subpixel / 2.0;
            let posx = Fdet * fx + Sdet * sx + Odet * ox + p0x;
            let posy = Fdet * fy + Sdet * sy + Odet * oy + p0y;
            let posz = Fdet * fz + Sdet * sz + Odet * oz + p0z;
            if (curved) {
              // Pixel coordinates become angles: rotate distance·beam about s, then about f.
              const vx = distance * bx, vy = distance * by, vz = distance * bz;
              let phi = posy / distance;
              let sn = Math.sin(phi), cs = Math.cos(phi);
              let d0 = (sx * vx + sy * vy + sz * vz) * (1.0 - cs);
              const nx = sx * d0 + vx * cs + (-sz * vy + sy * vz) * sn;
              const ny = sy * d0 + vy * cs + (+sz * vx - sx * vz) * sn;
              const nz = sz * d0 + vz * cs + (-sy * vx + sx * vy) * sn;
              phi = posz / distance;
              sn = Math.sin(phi); cs = Math.cos(phi);
              d0 = (fx * nx + fy * ny + fz * nz) * (1.0 - cs);
              posx = fx * d0 + nx * cs + (-fz * ny + fy * nz) * sn;
              posy = fy * d0 + ny * cs + (+fz * nx - fx * nz) * sn;
              posz = fz * d0 + nz * cs + (-fy * nx + fx * ny) * sn;
            }
            const airpath = Math.sqrt(posx * posx + posy * posy + posz * posz);
            let dx = 0, dy = 0, dz = 0;
            if (airpath !== 0.0) { dx = posx / airpath; dy = posy / airpath; dz = posz / airpath; }
            if (lastSub) { omega = 0.0; if (!perSourceP) polar = nopolar ? 1.0 : 0.0; }
            if (omega === 0.0 || osOmega) {
              omega = pixel * pixel / airpath / airpath * closeDistance / airpath;
              if (pointPixel) omega = 1.0 / airpath / airpath;
            }
            if (capture === 0.0 || osThick) {
              const parallax = dx * ox + dy * oy + dz * oz;
              capture = Math.exp(-thickTic * thickstep * mu / parallax) - Math.exp(-(thickTic + 1) * thickstep * mu / parallax);
            }
            for (let s = 0; s < nSrc; s++) {
              const ix = incX[s]!, iy = incY[s]!, iz = incZ[s]!, lambda = lam[s]!;
              const qx = (dx - ix) / lambda, qy = (dy - iy) / lambda, qz = (dz - iz) / lambda;
              if (L !== undefined) {
                tr!.cos2theta = ix * dx + iy * dy + iz * dz;
                if (s === 0) {
                  L.push(...tr!.detectorLines, `TRACE_C: pixel_pos_meters ${v3(posx, posy, posz)}`, `TRACE_C: R_distance_meters ${g(airpath)}`,
                    `TRACE_C: omega_pixel_sr ${g(omega)}`, `TRACE_C: close_distance_meters ${g(closeDistance)}`, `TRACE_C: obliquity_factor ${g(closeDistance / airpath)}`,
                    `TRACE_C: diffracted_vec ${v3(dx, dy, dz)}`, `TRACE_C: incident_vec ${v3(ix, iy, iz)}`, `TRACE_C: lambda_meters ${g(lambda)}`,
                    `TRACE_C: lambda_angstroms ${g(lambda * 1e10)}`, `TRACE_C: scattering_vec_A_inv ${v3(qx, qy, qz)}`);
                }
              }
              if (dmin > 0.0) {
                const stol = 0.5 * Math.sqrt(qx * qx + qy * qy + qz * qz);
                if (stol > 0.0 && dmin > 0.5 / stol) continue;
              }
              let pSrc = 1.0;
              if (perSourceP ? !nopolar : (polar === 0.0 || osPolar)) {
                // C polarization_factor: unit incident, unit diffracted (written back in place!), Kahn model.
                let ux = ix, uy = iy, uz = iz;
                const im = Math.sqrt(ux * ux + uy * uy + uz * uz);
                if (im !== 0.0) { ux /= im; uy /= im; uz /= im; } else { ux = 0; uy = 0; uz = 0; }
                const dm = Math.sqrt(dx * dx + dy * dy + dz * dz);
                if (dm !== 0.0) { dx = dx / dm; dy = dy / dm; dz = dz / dm; } else { dx = 0; dy = 0; dz = 0; }
                const c2t = ux * dx + uy * dy + uz * dz;
                const c2 = c2t * c2t;
                const s2 = 1 - c2;
                let psi = 0;
                if (kahn !== 0.0) {
                  let Bx = py * uz - pz * uy, By = pz * ux - px * uz, Bz = px * uy - py * ux;
                  const bm = Math.sqrt(Bx * Bx + By * By + Bz * Bz);
                  if (bm !== 0.0) { Bx /= bm; By /= bm; Bz /= bm; } else { Bx = 0; By = 0; Bz = 0; }
                  let Ex = uy * Bz - uz * By, Ey = uz * Bx - ux * Bz, Ez = ux * By - uy * Bx;
                  const em = Math.sqrt(Ex * Ex + Ey * Ey + Ez * Ez);
                  if (em !== 0.0) { Ex /= em; Ey /= em; Ez /= em; } else { Ex = 0; Ey = 0; Ez = 0; }
                  psi = -Math.atan2(dx * Bx + dy * By + dz * Bz, dx * Ex + dy * Ey + dz * Ez);
                }
                const P = 0.5 * (1.0 + c2 - kahn * Math.cos(2 * psi) * s2);
                if (perSourceP) pSrc = P; else polar = P;
              }
              if (simple) {
                // One φ step, one domain, parallelepiped, no HKL grid: the common case, kept tight.
                const h = a0 * qx + a1 * qy + a2 * qz;
                const k = b0 * qx + b1 * qy + b2 * qz;
                const l = c0 * qx + c1 * qy + c2 * qz;
                let Fa = 1.0, Fb = 1.0, Fc = 1.0;
                if (sincgA) { const x = PI * h; Fa = x === 0.0 ? Na : Math.sin(x * Na) / Math.sin(x); }
                if (sincgB) { const x = PI * k; Fb = x === 0.0 ? Nb : Math.sin(x * Nb) / Math.sin(x); }
                if (sincgC) { const x = PI * l; Fc = x === 0.0 ? Nc : Math.sin(x * Nc) / Math.sin(x); }
                // C multiplies 1.0 by each computed factor; a factor left at 1.0 changes nothing, so this is exact.
                const Flatt = Fa * Fb * Fc;
                if (L !== undefined) traceLattice(tr!, s, 0, 0, a0, a1, a2, b0, b1, b2, c0, c1, c2, h, k, l, square ? [Fa, Fb, Fc] : undefined, Flatt);
                if (Flatt === 0.0 && waterSize === 0.0) continue;
                if (L !== undefined) traceCell(tr!, s, 0, 0, defaultF, Flatt, perSourceP ? pSrc : polar, lambda);
                I += perSourceP ? defaultF * defaultF * Flatt * Flatt * pSrc : defaultF * defaultF * Flatt * Flatt;
                if (osThick) I *= capture;
                if (osPolar) I *= polar;
                if (osOmega) I *= omega;
                continue;
              }
              for (let t = 0; t < nPhi; t++) {
                if (phiNZ[t]) cur = t + 1; else if (!carry) cur = 0;
                let base = cur * nMos * 9;
                for (let m = 0; m < nMos; m++, base += 9) {
                  const h = latt[base]! * qx + latt[base + 1]! * qy + latt[base + 2]! * qz;
                  const k = latt[base + 3]! * qx + latt[base + 4]! * qy + latt[base + 5]! * qz;
                  const l = latt[base + 6]! * qx + latt[base + 7]! * qy + latt[base + 8]! * qz;
                  const h0 = Math.ceil(h - 0.5), k0 = Math.ceil(k - 0.5), l0 = Math.ceil(l - 0.5);
                  let Flatt = 1.0, Fa = 1.0, Fb = 1.0, Fc = 1.0;
                  if (square) {
                    if (sincgA) { const x = PI * h; Fa = x === 0.0 ? Na : Math.sin(x * Na) / Math.sin(x); }
                    if (sincgB) { const x = PI * k; Fb = x === 0.0 ? Nb : Math.sin(x * Nb) / Math.sin(x); }
                    if (sincgC) { const x = PI * l; Fc = x === 0.0 ? Nc : Math.sin(x * Nc) / Math.sin(x); }
                    Flatt = Fa * Fb * Fc;
                  } else {
                    const dh = h - h0, dk = k - k0, dl = l - l0;
                    if (round) {
                      const hrad = dh * dh * Na * Na + dk * dk * Nb * Nb + dl * dl * Nc * Nc;
                      const x = PI * Math.sqrt(hrad * fudge);
                      Flatt = NNN * 0.723601254558268 * (x === 0.0 ? 1.0 : 3.0 * (Math.sin(x) / x - Math.cos(x)) / (x * x));
                    } else {
                      const rx = dh * asx + dk * bsx + dl * csx;
                      const ry = dh * asy + dk * bsy + dl * csy;
                      const rz = dh * asz + dk * bsz + dl * csz;
                      const rad = (rx * rx + ry * ry + rz * rz) * Na * Na * Nb * Nb * Nc * Nc;
                      if (gauss) Flatt = NNN * Math.exp(-(rad / 0.63 * fudge));
                      else if (tophat) Flatt = NNN * (rad * fudge < 0.3969 ? 1 : 0);
                    }
                  }
                  if (L !== undefined) traceLattice(tr!, s, t, m, latt[base]!, latt[base + 1]!, latt[base + 2]!, latt[base + 3]!, latt[base + 4]!, latt[base + 5]!, latt[base + 6]!, latt[base + 7]!, latt[base + 8]!, h, k, l, square ? [Fa, Fb, Fc] : undefined, Flatt);
                  if (Flatt === 0.0 && waterSize === 0.0) continue;
                  let Fcell = defaultF;
                  let nearest = true;
                  if (interp && (pixIdx < uP || (pixIdx === uP && evalIdx < uE))) {
                    if ((h - hMin + 3) > hRange || (h - 2 < hMin) || (k - kMin + 3) > kRange || (k - 2 < kMin) || (l - lMin + 3) > lRange || (l - 2 < lMin)) {
                      if (scanInterp) return { pixel: pixIdx, evalIndex: evalIdx };
                    } else {
                      const hf = Math.floor(h), kf = Math.floor(k), lf = Math.floor(l);
                      Fcell = tricubic(hData!, (hf - 1 - hMin) * hStride + (kf - 1 - kMin) * kStride + (lf - 1 - lMin), hStride, kStride, hf, kf, lf, h, k, l);
                      nearest = false;
                    }
                  }
                  evalIdx++;
                  if (nearest && hData && h0 <= hMax && h0 >= hMin && k0 <= kMax && k0 >= kMin && l0 <= lMax && l0 >= lMin) {
                    Fcell = hData[(h0 - hMin) * hStride + (k0 - kMin) * kStride + (l0 - lMin)]!;
                  }
                  if (L !== undefined) traceCell(tr!, s, t, m, Fcell, Flatt, perSourceP ? pSrc : polar, lambda);
                  I += perSourceP ? Fcell * Fcell * Flatt * Flatt * pSrc : Fcell * Fcell * Flatt * Flatt;
                  if (osThick) I *= capture;
                  if (osPolar) I *= polar;
                  if (osOmega) I *= omega;
                }
              }
            }
          }
        }
      }
      let test = scale * I / steps;
      if (!osThick) test *= capture;
      // Per-source polarization is already inside the sum: the factor applied here is 1, and the trace says so.
      if (!osPolar && !perSourceP) test *= polar;
      if (!osOmega) test *= omega;
      out[rowOff + fpixel] = test;
      if (L !== undefined) {
        L.push(`TRACE_C: I_before_scaling ${g(I)}`, ...tr!.constantLines, `TRACE_C: steps ${steps}`,
          `TRACE_C: oversample_thick ${osThick ? 1 : 0}`, `TRACE_C: oversample_polar ${osPolar ? 1 : 0}`, `TRACE_C: oversample_omega ${osOmega ? 1 : 0}`,
          `TRACE_C: capture_fraction ${g(capture)}`, `TRACE_C: polar ${g(perSourceP ? 1 : polar)}`, `TRACE_C: omega_pixel ${g(omega)}`,
          `TRACE_C: cos_2theta ${g(tr!.cos2theta)}`, `TRACE_C: I_pixel_final ${g(test)}`, `TRACE_C: floatimage_accumulated ${g(out[rowOff + fpixel]!)}`);
        tr!.value = out[rowOff + fpixel]!;
      }
    }
    onRow?.(spixel);
  }
  return undefined;
}

/** C's lattice lines: the full block for source 0, φ step 0, domain 0; a TRACE_C_PHI line for every φ step of source 0, domain 0 (square shape). */
function traceLattice(tr: TraceSink, s: number, t: number, m: number, a0: number, a1: number, a2: number, b0: number, b1: number, b2: number,
  c0: number, c1: number, c2: number, h: number, k: number, l: number, abc: [number, number, number] | undefined, Flatt: number): void {
  if (s !== 0 || m !== 0) return;
  const L = tr.lines;
  if (t === 0) {
    L.push(`TRACE_C: rot_a_angstroms ${v3(a0 * 1e10, a1 * 1e10, a2 * 1e10)}`, `TRACE_C: rot_b_angstroms ${v3(b0 * 1e10, b1 * 1e10, b2 * 1e10)}`,
      `TRACE_C: rot_c_angstroms ${v3(c0 * 1e10, c1 * 1e10, c2 * 1e10)}`, ...tr.reciprocalLines,
      `TRACE_C: hkl_frac ${v3(h, k, l)}`, `TRACE_C: hkl_rounded ${cInt(Math.ceil(h - 0.5))} ${cInt(Math.ceil(k - 0.5))} ${cInt(Math.ceil(l - 0.5))}`);
    if (abc) L.push(`TRACE_C: F_latt_a ${g(abc[0])}`, `TRACE_C: F_latt_b ${g(abc[1])}`, `TRACE_C: F_latt_c ${g(abc[2])}`, `TRACE_C: F_latt ${g(Flatt)}`);
  }
  // C prints the per-φ line (and the F_latt_* lines) only for the parallelepiped shape.
  if (abc) L.push(`TRACE_C_PHI phi_tic=${t} phi_deg=${g(tr.phiDeg[t] ?? 0)} k_frac=${g(k)} F_latt_b=${g(abc[1])} F_latt=${g(Flatt)}`);
}

/** C's F_cell line (source 0, first φ step and domain) and its hard-coded source-2 block. */
function traceCell(tr: TraceSink, s: number, t: number, m: number, Fcell: number, Flatt: number, polar: number, lambda: number): void {
  if (t !== 0 || m !== 0) return;
  if (s === 0) tr.lines.push(`TRACE_C: F_cell ${g(Fcell)}`);
  if (s === 2) {
    tr.lines.push(`TRACE_C_SOURCE2: F_cell ${g(Fcell)}`, `TRACE_C_SOURCE2: F_latt ${g(Flatt)}`, `TRACE_C_SOURCE2: F_cell_squared ${g(Fcell * Fcell)}`,
      `TRACE_C_SOURCE2: F_latt_squared ${g(Flatt * Flatt)}`, `TRACE_C_SOURCE2: I_contribution ${g(Fcell * Fcell * Flatt * Flatt)}`,
      `TRACE_C_SOURCE2: polar ${g(polar)}`, `TRACE_C_SOURCE2: cos2theta ${g(tr.cos2theta)}`, `TRACE_C_SOURCE2: lambda_angstroms ${g(lambda * 1e10)}`,
      'TRACE_C_SOURCE2: source_index 2');
  }
}

/** C's (int) conversion as glibc prints it: out-of-range and NaN become INT_MIN. */
function cInt(x: number): string {
  return Number.isFinite(x) && x >= -2147483648 && x <= 2147483647 ? String(x === 0 ? 0 : x) : '-2147483648';
}
