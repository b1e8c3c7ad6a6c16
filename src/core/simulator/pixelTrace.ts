// The embedded engine's pixel trace: the values the kernel computes for one pixel, printed with C's TRACE_C
// names, order and %.15g format (a trace without a TRACING-built C binary). The kernel itself records them
// (kernel.ts, `tr` branches), so the trace cannot tell a different story from the image.
import type { SetupInfo, SimConfig } from './config.ts';
import { fmtG } from './cformat.ts';
import { EmbeddedFlagError } from './flags.ts';
import { renderRows } from './kernel.ts';
import type { TraceSink } from './traceSink.ts';

const R_E_SQR = 7.94079248018965e-30;
const RTD = 180.0 * (1 / Math.PI);
const g = (x: number): string => fmtG(x, 15);
const v3 = (v: readonly number[]): string => v.map(g).join(' ');

export interface PixelRef { slow: number; fast: number }

export interface EmbeddedTrace {
  pixel: PixelRef;
  /** The trace as C prints it on stdout, from the TRACE_CONFIG line on (newline-terminated). */
  text: string;
  lines: string[];
  /** The float32 the kernel computed for the pixel (equals the image at that pixel); NaN if C skips it (roi, mask). */
  value: number;
}

/** Where C's interpolation switches off for good (the same sequential scan renderImage does), applied to cfg. */
export function withInterpStop(cfg: SimConfig): SimConfig {
  if (!cfg.interpolate || !cfg.hkl) return cfg;
  const stop = renderRows(cfg, 0, cfg.spixels, new Float32Array(cfg.fpixels * cfg.spixels), undefined, true);
  return stop ? { ...cfg, interpUntilPixel: stop.pixel, interpUntilEval: stop.evalIndex } : cfg;
}

/**
 * Trace one pixel of a prepared configuration: renders only the pixel's row (the φ=0 carry-over state at a row
 * start is known), with the recorder attached to that pixel. `cfg` must already carry the interpolation stop.
 */
export function tracePixelOf(cfg: SimConfig, info: SetupInfo, pixel: PixelRef): EmbeddedTrace {
  const { slow, fast } = pixel;
  if (!Number.isInteger(slow) || !Number.isInteger(fast) || slow < 0 || fast < 0 || slow >= cfg.spixels || fast >= cfg.fpixels) {
    throw new EmbeddedFlagError(`-trace_pixel ${slow} ${fast}: outside the ${cfg.spixels}×${cfg.fpixels} detector (slow fast, 0-based)`);
  }
  const sink: TraceSink = {
    pixel: slow * cfg.fpixels + fast, lines: [],
    detectorLines: [`TRACE_C: pix0_vector_meters ${v3(cfg.pix0)}`, `TRACE_C: fdet_vec ${v3(cfg.fdet)}`, `TRACE_C: sdet_vec ${v3(cfg.sdet)}`],
    reciprocalLines: [`TRACE_C: rot_a_star_A_inv ${v3(cfg.aStar)}`, `TRACE_C: rot_b_star_A_inv ${v3(cfg.bStar)}`, `TRACE_C: rot_c_star_A_inv ${v3(cfg.cStar)}`],
    constantLines: [`TRACE_C: r_e_meters ${g(Math.sqrt(R_E_SQR))}`, `TRACE_C: r_e_sqr ${g(R_E_SQR)}`, `TRACE_C: fluence_photons_per_m2 ${g(info.fluence)}`],
    phiDeg: Array.from({ length: cfg.phisteps }, (_, t) => (info.phi0 + info.phistep * t) * RTD),
    cos2theta: NaN, value: NaN,
  };
  renderRows(cfg, slow, slow + 1, new Float32Array(cfg.fpixels), undefined, false, sink);
  const lines = [`TRACE_CONFIG: tracing pixel (spixel=${slow}, fpixel=${fast})`, ...sink.lines];
  return { pixel, lines, text: `${lines.join('\n')}\n`, value: sink.value };
}
