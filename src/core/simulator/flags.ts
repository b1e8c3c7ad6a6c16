// nanoBragg command-line flags → raw option values, with C's names, defaults and unit conversions.
// C matches option names by substring and silently ignores anything it does not know; we match exact names
// (plus C's documented aliases) and reject everything else, so a typo never changes the physics silently.

export class EmbeddedFlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedFlagError';
  }
}

export type ConventionName = 'MOSFLM' | 'XDS' | 'ADXV' | 'DENZO' | 'DIALS' | 'CUSTOM';
export type PivotName = 'BEAM' | 'SAMPLE';
export type ShapeName = 'SQUARE' | 'ROUND' | 'GAUSS' | 'TOPHAT';
type Vec3 = [number, number, number];

/** Option values exactly as C holds them after its argument loop (SI units, NaN / −1 meaning "not given"). */
export interface RawOptions {
  Na: number; Nb: number; Nc: number;
  /** True when any of -N/-Na/-Nb/-Nc was given (the defaultN fork applies otherwise). */
  nGiven: boolean;
  userCell: boolean;
  cell: [number, number, number, number, number, number]; // a b c (Å) α β γ (rad)
  misset?: Vec3; // rad
  /** -misset random: orientation drawn from ran1 (C passes 90 as radians to the cap: C-IMPL-BUG-002, kept). */
  missetRandom?: boolean;
  /** C's misset seed: −(time) unless -misset_seed N (then −N). */
  missetSeed?: number;
  sampleX: number; sampleY: number; sampleZ: number; // m
  Xbeam: number; Ybeam: number; Xclose: number; Yclose: number; ORGX: number; ORGY: number;
  pivot: PivotName;
  convention: ConventionName;
  fdet: Vec3; sdet: Vec3; odet: Vec3; beam: Vec3; polarAxis: Vec3; spindle: Vec3; twothetaAxis: Vec3;
  /** Vectors given explicitly by the user (CUSTOM convention keeps them). */
  pix0Given?: Vec3;
  distance: number; closeDistance: number;
  detectorMu: number; detectorThick: number; detectorThicksteps: number;
  twotheta: number; rotx: number; roty: number; rotz: number;
  detsizeF: number; detsizeS: number; fpixels: number; spixels: number;
  curved: boolean; pointPixel: boolean;
  pixel: number;
  polarization: number; nopolar: boolean;
  oversample: number; oversampleThick: boolean; oversamplePolar: boolean; oversampleOmega: boolean;
  roi: [number, number, number, number];
  lambda0: number;
  fluence: number; flux: number; exposure: number; beamsize: number;
  mosaicSpread: number; mosaicDomains: number; mosaicSeed: number;
  dispersion: number; dispsteps: number;
  hdivrange: number; vdivrange: number; hdivstep: number; vdivstep: number; hdivsteps: number; vdivsteps: number;
  roundDiv: boolean;
  phi0: number; osc: number; phistep: number; phisteps: number;
  dmin: number;
  matFile?: string; hklFile?: string; sourceFile?: string; floatFile?: string;
  /** SMV files whose headers seed the detector defaults (-img) and whose zero pixels are skipped (-mask). */
  imgFile?: string; maskFile?: string;
  defaultF: number;
  interpolate: number; // 2 = auto, 1 = on, 0 = off
  shape: ShapeName; fudge: number;
  waterSize: number;
  /** Flags accepted but without effect on the float image (listed in the summary). */
  noEffect: string[];
  /** -trace_pixel S F (slow first, as in C): the pixel whose computed values are traced. */
  tracePixel?: { slow: number; fast: number };
}

const RTD = 180.0 * (1 / Math.PI);

export function defaultRawOptions(): RawOptions {
  return {
    Na: 1, Nb: 1, Nc: 1, nGiven: false, userCell: false, cell: [0, 0, 0, 0, 0, 0],
    sampleX: 0, sampleY: 0, sampleZ: 0,
    Xbeam: NaN, Ybeam: NaN, Xclose: NaN, Yclose: NaN, ORGX: NaN, ORGY: NaN,
    pivot: 'BEAM', convention: 'MOSFLM',
    fdet: [0, 0, 1], sdet: [0, -1, 0], odet: [1, 0, 0], beam: [1, 0, 0], polarAxis: [0, 0, 1], spindle: [0, 0, 1], twothetaAxis: [0, 1, 0],
    distance: 100.0e-3, closeDistance: NaN,
    detectorMu: -1.0, detectorThick: 0.0, detectorThicksteps: -1,
    twotheta: 0, rotx: 0, roty: 0, rotz: 0,
    detsizeF: 102.4e-3, detsizeS: 102.4e-3, fpixels: 0, spixels: 0,
    curved: false, pointPixel: false, pixel: 0.1e-3,
    polarization: 0.0, nopolar: false,
    oversample: -1, oversampleThick: false, oversamplePolar: false, oversampleOmega: false,
    roi: [-1, -1, -1, -1],
    lambda0: 1.0e-10,
    fluence: 125932015286227086360700780544.0, flux: 0.0, exposure: 1.0, beamsize: 1e-4,
    mosaicSpread: -1.0, mosaicDomains: -1, mosaicSeed: -12345678,
    dispersion: 0.0, dispsteps: -1,
    hdivrange: -1.0, vdivrange: -1.0, hdivstep: -1.0, vdivstep: -1.0, hdivsteps: -1, vdivsteps: -1,
    roundDiv: true,
    phi0: 0.0, osc: -1.0, phistep: -1.0, phisteps: -1,
    dmin: 0,
    defaultF: 0.0, interpolate: 2, shape: 'SQUARE', fudge: 1,
    waterSize: 0.0,
    noEffect: [],
  };
}

type Apply = (o: RawOptions, v: string[], flag: string) => void;
interface FlagSpec { arity: number; apply: Apply; help: string }

/** A number the way C's atof would read it, but refusing text that is not a number at all. */
function num(flag: string, v: string): number {
  const t = v.trim();
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i.test(t)) {
    throw new EmbeddedFlagError(`${flag}: expected a number, got "${v}"`);
  }
  return parseFloat(t.replace(/^([+-]?)inf(inity)?$/i, '$1Infinity'));
}
/**
 * C's atoi: leading whitespace, an optional sign, then digits up to the first non-digit ("1e1" is 1, "12abc" 12).
 * Text with no digits at all is refused (C would silently read 0).
 */
function int(flag: string, v: string): number {
  const m = /^\s*([+-]?\d+)/.exec(v);
  if (!m) throw new EmbeddedFlagError(`${flag}: expected an integer, got "${v}"`);
  return parseInt(m[1]!, 10);
}
function vec(flag: string, v: string[]): Vec3 {
  return [num(flag, v[0]!), num(flag, v[1]!), num(flag, v[2]!)];
}

const noEffect = (help: string, arity = 0): FlagSpec => ({ arity, help, apply: (o, _v, f) => { o.noEffect.push(f); } });

// Every flag: arity (values that follow) and how C applies it. Aliases share specs.
const SPECS: Record<string, FlagSpec> = {};
function def(names: string[], spec: FlagSpec): void {
  for (const n of names) SPECS[n] = spec;
}

def(['-N'], { arity: 1, help: 'unit cells in all directions', apply: (o, v, f) => { o.Na = o.Nb = o.Nc = int(f, v[0]!); o.nGiven = true; } });
def(['-Na'], { arity: 1, help: 'unit cells along a', apply: (o, v, f) => { o.Na = int(f, v[0]!); o.nGiven = true; } });
def(['-Nb'], { arity: 1, help: 'unit cells along b', apply: (o, v, f) => { o.Nb = int(f, v[0]!); o.nGiven = true; } });
def(['-Nc'], { arity: 1, help: 'unit cells along c', apply: (o, v, f) => { o.Nc = int(f, v[0]!); o.nGiven = true; } });
def(['-misset'], {
  arity: 3, help: 'crystal rotations about x, y, z (degrees)',
  apply: (o, v, f) => { o.misset = [num(f, v[0]!) / RTD, num(f, v[1]!) / RTD, num(f, v[2]!) / RTD]; },
});
def(['-samplesize', '-sample_size', '-xtalsize', '-xtal_size'], { arity: 1, help: 'crystal full width (mm)', apply: (o, v, f) => { o.sampleX = o.sampleY = o.sampleZ = num(f, v[0]!) / 1000; } });
def(['-sample_thick', '-sample_x', '-xtal_thick', '-xtal_x'], { arity: 1, help: 'crystal size along x (mm)', apply: (o, v, f) => { o.sampleX = num(f, v[0]!) / 1000; } });
def(['-sample_width', '-sample_y', '-xtal_width', '-xtal_y', '-width'], { arity: 1, help: 'crystal size along y (mm)', apply: (o, v, f) => { o.sampleY = num(f, v[0]!) / 1000; } });
def(['-sample_height', '-sample_z', '-xtal_height', '-xtal_z', '-height'], { arity: 1, help: 'crystal size along z (mm)', apply: (o, v, f) => { o.sampleZ = num(f, v[0]!) / 1000; } });
def(['-Xbeam'], { arity: 1, help: 'beam centre X (mm)', apply: (o, v, f) => { o.Xbeam = num(f, v[0]!) / 1000.0; o.pivot = 'BEAM'; } });
def(['-Ybeam'], { arity: 1, help: 'beam centre Y (mm)', apply: (o, v, f) => { o.Ybeam = num(f, v[0]!) / 1000.0; o.pivot = 'BEAM'; } });
def(['-Xclose'], { arity: 1, help: 'near point X (mm)', apply: (o, v, f) => { o.Xclose = num(f, v[0]!) / 1000.0; o.pivot = 'SAMPLE'; } });
def(['-Yclose'], { arity: 1, help: 'near point Y (mm)', apply: (o, v, f) => { o.Yclose = num(f, v[0]!) / 1000.0; o.pivot = 'SAMPLE'; } });
def(['-ORGX'], { arity: 1, help: 'XDS origin X (pixels)', apply: (o, v, f) => { o.ORGX = num(f, v[0]!); o.pivot = 'SAMPLE'; } });
def(['-ORGY'], { arity: 1, help: 'XDS origin Y (pixels)', apply: (o, v, f) => { o.ORGY = num(f, v[0]!); o.pivot = 'SAMPLE'; } });
def(['-pivot'], {
  arity: 1, help: 'detector pivot: beam | sample',
  apply: (o, v, f) => {
    const s = v[0]!;
    if (s.includes('sample')) o.pivot = 'SAMPLE';
    else if (s.includes('beam')) o.pivot = 'BEAM';
    else throw new EmbeddedFlagError(`${f}: expected "beam" or "sample", got "${s}"`);
  },
});
def(['-mosflm'], { arity: 0, help: 'MOSFLM convention', apply: (o) => { o.convention = 'MOSFLM'; o.pivot = 'BEAM'; } });
def(['-xds'], { arity: 0, help: 'XDS convention', apply: (o) => { o.convention = 'XDS'; o.pivot = 'SAMPLE'; } });
def(['-adxv'], { arity: 0, help: 'ADXV convention', apply: (o) => { o.convention = 'ADXV'; o.pivot = 'BEAM'; } });
def(['-denzo'], { arity: 0, help: 'DENZO convention', apply: (o) => { o.convention = 'DENZO'; o.pivot = 'BEAM'; } });
def(['-dials'], { arity: 0, help: 'DIALS convention', apply: (o) => { o.convention = 'DIALS'; o.pivot = 'BEAM'; } });
def(['-fdet_vector'], { arity: 3, help: 'fast axis', apply: (o, v, f) => { o.convention = 'CUSTOM'; o.fdet = vec(f, v); } });
def(['-sdet_vector'], { arity: 3, help: 'slow axis', apply: (o, v, f) => { o.convention = 'CUSTOM'; o.sdet = vec(f, v); } });
def(['-odet_vector'], { arity: 3, help: 'detector normal', apply: (o, v, f) => { o.convention = 'CUSTOM'; o.odet = vec(f, v); } });
def(['-beam_vector'], { arity: 3, help: 'beam direction', apply: (o, v, f) => { o.convention = 'CUSTOM'; o.beam = vec(f, v); } });
def(['-polar_vector'], { arity: 3, help: 'E-vector', apply: (o, v, f) => { o.convention = 'CUSTOM'; o.polarAxis = vec(f, v); } });
def(['-spindle_axis'], { arity: 3, help: 'phi axis', apply: (o, v, f) => { o.convention = 'CUSTOM'; o.spindle = vec(f, v); } });
def(['-twotheta_axis'], {
  arity: 3, help: '2θ axis',
  // C's strstr also matches "-twotheta" here: 2θ becomes the axis' x component in degrees, pivot SAMPLE.
  apply: (o, v, f) => { o.convention = 'CUSTOM'; o.twothetaAxis = vec(f, v); o.twotheta = num(f, v[0]!) / RTD; o.pivot = 'SAMPLE'; },
});
def(['-pix0_vector'], {
  arity: 3, help: 'pix0 (C selects CUSTOM and then recomputes pix0 anyway)',
  apply: (o, v, f) => { o.convention = 'CUSTOM'; o.pix0Given = vec(f, v); },
});
def(['-distance'], { arity: 1, help: 'sample–detector distance (mm)', apply: (o, v, f) => { o.distance = num(f, v[0]!) / 1000.0; o.pivot = 'BEAM'; } });
def(['-close_distance'], { arity: 1, help: 'near-point distance (mm)', apply: (o, v, f) => { o.closeDistance = num(f, v[0]!) / 1000.0; o.pivot = 'SAMPLE'; } });
def(['-detector_absorb', '-detector_abs'], {
  arity: 1, help: 'sensor attenuation depth (µm) or inf',
  apply: (o, v, f) => {
    const s = v[0]!;
    const x = s.includes('inf') ? 0 : num(f, s);
    if (x === 0.0) { o.detectorThick = 0.0; o.detectorMu = 0.0; } else o.detectorMu = 1.0 / (x * 1e-6);
  },
});
def(['-detector_thick'], { arity: 1, help: 'sensor thickness (µm)', apply: (o, v, f) => { o.detectorThick = num(f, v[0]!) * 1e-6; } });
def(['-detector_thicksteps', '-thicksteps'], { arity: 1, help: 'sensor layers', apply: (o, v, f) => { o.detectorThicksteps = int(f, v[0]!); } });
def(['-twotheta'], { arity: 1, help: 'detector 2θ (degrees)', apply: (o, v, f) => { o.twotheta = num(f, v[0]!) / RTD; o.pivot = 'SAMPLE'; } });
def(['-detector_rotx'], { arity: 1, help: 'detector rotation about x (degrees)', apply: (o, v, f) => { o.rotx = num(f, v[0]!) / RTD; } });
def(['-detector_roty'], { arity: 1, help: 'detector rotation about y (degrees)', apply: (o, v, f) => { o.roty = num(f, v[0]!) / RTD; } });
def(['-detector_rotz'], { arity: 1, help: 'detector rotation about z (degrees)', apply: (o, v, f) => { o.rotz = num(f, v[0]!) / RTD; } });
def(['-detsize'], { arity: 1, help: 'detector size (mm)', apply: (o, v, f) => { o.detsizeF = o.detsizeS = num(f, v[0]!) / 1000.0; } });
def(['-detsize_f'], { arity: 1, help: 'detector fast size (mm)', apply: (o, v, f) => { o.detsizeF = num(f, v[0]!) / 1000.0; } });
def(['-detsize_s'], { arity: 1, help: 'detector slow size (mm)', apply: (o, v, f) => { o.detsizeS = num(f, v[0]!) / 1000.0; } });
def(['-detpixels'], { arity: 1, help: 'detector pixels (both)', apply: (o, v, f) => { o.fpixels = o.spixels = int(f, v[0]!); } });
def(['-detpixels_f', '-detpixels_x'], { arity: 1, help: 'fast pixels', apply: (o, v, f) => { o.fpixels = int(f, v[0]!); } });
def(['-detpixels_s', '-detpixels_y'], { arity: 1, help: 'slow pixels', apply: (o, v, f) => { o.spixels = int(f, v[0]!); } });
def(['-curved_det'], { arity: 0, help: 'all pixels at the same distance', apply: (o) => { o.curved = true; } });
def(['-pixel'], { arity: 1, help: 'pixel size (mm)', apply: (o, v, f) => { o.pixel = num(f, v[0]!) / 1000.0; } });
def(['-point_pixel'], { arity: 0, help: 'no obliquity in the solid angle', apply: (o) => { o.pointPixel = true; } });
def(['-polar'], { arity: 1, help: 'Kahn polarization factor', apply: (o, v, f) => { o.polarization = num(f, v[0]!); o.nopolar = false; } });
def(['-nopolar'], { arity: 0, help: 'no polarization correction', apply: (o) => { o.nopolar = true; } });
def(['-oversample_thick'], { arity: 0, help: 'capture fraction per subpixel', apply: (o) => { o.oversampleThick = true; } });
def(['-oversample_polar'], { arity: 0, help: 'polarization per subpixel', apply: (o) => { o.oversamplePolar = true; } });
def(['-oversample_omega'], { arity: 0, help: 'solid angle per subpixel', apply: (o) => { o.oversampleOmega = true; } });
def(['-oversample'], { arity: 1, help: 'subpixels per pixel side', apply: (o, v, f) => { o.oversample = int(f, v[0]!); } });
def(['-roi'], { arity: 4, help: 'xmin xmax ymin ymax (pixels, inclusive)', apply: (o, v, f) => { o.roi = [int(f, v[0]!), int(f, v[1]!), int(f, v[2]!), int(f, v[3]!)]; } });
def(['-lambda', '-wave', '-wavelength'], { arity: 1, help: 'wavelength (Å)', apply: (o, v, f) => { o.lambda0 = num(f, v[0]!) / 1.0e10; } });
def(['-energy'], { arity: 1, help: 'photon energy (eV)', apply: (o, v, f) => { o.lambda0 = (12398.42 / num(f, v[0]!)) / 1.0e10; } });
def(['-fluence'], { arity: 1, help: 'photons/m²', apply: (o, v, f) => { o.fluence = num(f, v[0]!); } });
def(['-flux'], { arity: 1, help: 'photons/s', apply: (o, v, f) => { o.flux = num(f, v[0]!); } });
def(['-exposure'], { arity: 1, help: 'seconds', apply: (o, v, f) => { o.exposure = num(f, v[0]!); } });
def(['-beamsize'], { arity: 1, help: 'beam size (mm)', apply: (o, v, f) => { o.beamsize = num(f, v[0]!) / 1000; } });
def(['-mosaic', '-mosaic_spread', '-mosaicity'], { arity: 1, help: 'mosaic spread (degrees)', apply: (o, v, f) => { o.mosaicSpread = num(f, v[0]!) / RTD; } });
def(['-mosaic_domains', '-mosaic_dom'], { arity: 1, help: 'mosaic domains', apply: (o, v, f) => { o.mosaicDomains = int(f, v[0]!); } });
def(['-misset_seed'], { arity: 1, help: 'seed for -misset random', apply: (o, v, f) => { o.missetSeed = -int(f, v[0]!); } });
def(['-mosaic_seed'], { arity: 1, help: 'mosaic RNG seed', apply: (o, v, f) => { o.mosaicSeed = -int(f, v[0]!); } });
def(['-dispersion'], { arity: 1, help: 'Δλ/λ (percent)', apply: (o, v, f) => { o.dispersion = num(f, v[0]!) / 100.0; } });
def(['-dispsteps'], { arity: 1, help: 'wavelength steps', apply: (o, v, f) => { o.dispsteps = int(f, v[0]!); } });
def(['-divergence'], { arity: 1, help: 'h and v divergence (mrad)', apply: (o, v, f) => { o.hdivrange = o.vdivrange = num(f, v[0]!) / 1000.0; } });
def(['-hdivrange'], { arity: 1, help: 'horizontal divergence (mrad)', apply: (o, v, f) => { o.hdivrange = num(f, v[0]!) / 1000.0; } });
def(['-vdivrange'], { arity: 1, help: 'vertical divergence (mrad)', apply: (o, v, f) => { o.vdivrange = num(f, v[0]!) / 1000.0; } });
def(['-hdivstep'], { arity: 1, help: 'horizontal divergence step (mrad)', apply: (o, v, f) => { o.hdivstep = num(f, v[0]!) / 1000.0; } });
def(['-vdivstep'], { arity: 1, help: 'vertical divergence step (mrad)', apply: (o, v, f) => { o.vdivstep = num(f, v[0]!) / 1000.0; } });
def(['-hdivsteps'], { arity: 1, help: 'horizontal divergence steps', apply: (o, v, f) => { o.hdivsteps = int(f, v[0]!); } });
def(['-vdivsteps'], { arity: 1, help: 'vertical divergence steps', apply: (o, v, f) => { o.vdivsteps = int(f, v[0]!); } });
def(['-divsteps'], { arity: 1, help: 'h and v divergence steps', apply: (o, v, f) => { o.hdivsteps = o.vdivsteps = int(f, v[0]!); } });
def(['-round_div'], { arity: 0, help: 'elliptical divergence (default)', apply: (o) => { o.roundDiv = true; } });
def(['-square_div'], { arity: 0, help: 'full divergence grid', apply: (o) => { o.roundDiv = false; } });
def(['-phi'], { arity: 1, help: 'starting φ (degrees)', apply: (o, v, f) => { o.phi0 = num(f, v[0]!) / RTD; } });
def(['-osc'], { arity: 1, help: 'oscillation range (degrees)', apply: (o, v, f) => { o.osc = num(f, v[0]!) / RTD; } });
def(['-phistep'], { arity: 1, help: 'φ step (degrees)', apply: (o, v, f) => { o.phistep = num(f, v[0]!) / RTD; } });
def(['-phisteps'], { arity: 1, help: 'φ steps', apply: (o, v, f) => { o.phisteps = int(f, v[0]!); } });
def(['-dmin'], { arity: 1, help: 'resolution cut (Å)', apply: (o, v, f) => { o.dmin = num(f, v[0]!) * 1e-10; } });
def(['-mat'], { arity: 1, help: 'MOSFLM A matrix file', apply: (o, v) => { o.matFile = v[0]; } });
def(['-hkl'], { arity: 1, help: 'h k l F text file', apply: (o, v) => { o.hklFile = v[0]; } });
def(['-default_F'], { arity: 1, help: 'F for unlisted reflections', apply: (o, v, f) => { o.defaultF = num(f, v[0]!); } });
def(['-img'], { arity: 1, help: 'SMV image whose header sets detector defaults', apply: (o, v) => { o.imgFile = v[0]; } });
def(['-mask'], { arity: 1, help: 'SMV mask: zero pixels are skipped', apply: (o, v) => { o.maskFile = v[0]; } });
def(['-sourcefile'], { arity: 1, help: 'X Y Z weight λ per line', apply: (o, v) => { o.sourceFile = v[0]; } });
def(['-floatfile', '-floatimage'], { arity: 1, help: 'raw float32 output', apply: (o, v) => { o.floatFile = v[0]; } });
def(['-interpolate'], { arity: 0, help: 'tricubic F interpolation', apply: (o) => { o.interpolate = 1; } });
def(['-nointerpolate'], { arity: 0, help: 'nearest-neighbour F', apply: (o) => { o.interpolate = 0; } });
def(['-round_xtal'], { arity: 0, help: 'ellipsoidal crystal', apply: (o) => { o.shape = 'ROUND'; } });
def(['-square_xtal'], { arity: 0, help: 'parallelepiped crystal', apply: (o) => { o.shape = 'SQUARE'; } });
def(['-gauss_xtal'], { arity: 0, help: 'Gaussian spots', apply: (o) => { o.shape = 'GAUSS'; } });
def(['-tophat_spots', '-binary_spots'], { arity: 0, help: 'flat-top spots', apply: (o) => { o.shape = 'TOPHAT'; } });
def(['-fudge'], { arity: 1, help: 'shape fudge factor', apply: (o, v, f) => { o.fudge = num(f, v[0]!); } });
def(['-water'], { arity: 1, help: 'water background thickness (µm)', apply: (o, v, f) => { o.waterSize = num(f, v[0]!) / 1e6; } });
// Accepted, but they only touch outputs this engine does not write (noise/int/PGM images, progress, printing).
def(['-nonoise'], noEffect('no noise image'));
def(['-nopgm'], noEffect('no PGM image'));
def(['-noprogress'], noEffect('no progress meter'));
def(['-progress'], noEffect('progress meter'));
def(['-seed'], noEffect('noise RNG seed', 1));
def(['-adc'], noEffect('int-image ADC offset', 1));
def(['-scale'], noEffect('int-image scale', 1));
def(['-trace_pixel'], {
  arity: 2, help: 'trace one pixel (slow fast): C\'s TRACE_C lines on stdout',
  apply: (o, v, f) => { o.tracePixel = { slow: int(f, v[0]!), fast: int(f, v[1]!) }; o.noEffect.push(f); },
});
def(['-printout_pixel'], noEffect('C printout', 2));
def(['-printout'], noEffect('C per-pixel printout'));
// C sets these but never uses them in the rendering loop.
def(['-coherent'], noEffect('coherent flag (unused by C\'s loop)'));
def(['-stol', '-4stol', '-Q'], noEffect('amorphous F(stol) file (read by C, unused by its loop)', 1));

/** Flags C knows that this engine refuses, with the reason (so the error can say what to do). */
const UNSUPPORTED: Record<string, string> = {
  '-stolout': 'stol output is not implemented',
  '-intfile': 'the embedded engine writes only -floatfile',
  '-intimage': 'the embedded engine writes only -floatfile',
  '-noisefile': 'the embedded engine writes only -floatfile (no Poisson noise image)',
  '-noiseimage': 'the embedded engine writes only -floatfile (no Poisson noise image)',
  '-pgmfile': 'the embedded engine writes only -floatfile',
  '-pgmimage': 'the embedded engine writes only -floatfile',
  '-pgmscale': 'the embedded engine writes only -floatfile',
  '-MW': 'molecular weight only affects the printed MW estimate; not implemented',
  '-molecules': 'not implemented',
  '-density': 'density only affects the printed MW estimate; not implemented',
  '-source_distance': 'C ignores this flag (commented out); not accepted',
};

function looksLikeValue(tok: string | undefined): boolean {
  return tok !== undefined && !/^-[A-Za-z]/.test(tok);
}

/**
 * Parse nanoBragg flags. Throws EmbeddedFlagError naming the flag for unknown flags, missing or
 * non-numeric values, and stray tokens.
 */
export function parseFlags(args: string[], initial: RawOptions = defaultRawOptions()): RawOptions {
  const o = structuredClone(initial);
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (!flag.startsWith('-') || flag.length < 2) {
      throw new EmbeddedFlagError(`unexpected argument "${flag}" (not a flag, and no preceding flag takes a value here)`);
    }
    if (flag === '-cell') {
      // C reads up to six values and stops at the first token that starts with '-'.
      const vals: number[] = [];
      while (vals.length < 6 && i + 1 < args.length && !args[i + 1]!.startsWith('-')) vals.push(num(flag, args[++i]!));
      if (vals.length === 0) throw new EmbeddedFlagError('-cell: expected a b c alpha beta gamma (Å, degrees)');
      o.userCell = true;
      const c: RawOptions['cell'] = [0, 0, 0, 0, 0, 0];
      for (let k = 0; k < vals.length; k++) c[k] = k < 3 ? vals[k]! : vals[k]! / RTD;
      o.cell = c;
      continue;
    }
    if (flag === '-misset' && i + 1 < args.length && args[i + 1]!.includes('rand')) {
      o.missetRandom = true;
      i++;
      continue;
    }
    const spec = SPECS[flag];
    if (!spec) {
      const reason = UNSUPPORTED[flag];
      if (reason) throw new EmbeddedFlagError(`${flag}: not supported by the embedded engine (${reason})`);
      const near = Object.keys(SPECS).filter((k) => k.toLowerCase() === flag.toLowerCase() || k.startsWith(flag) || flag.startsWith(k));
      throw new EmbeddedFlagError(`${flag}: unknown flag for the embedded nanoBragg engine${near.length ? ` (did you mean ${near.slice(0, 3).join(', ')}?)` : ''}`);
    }
    const vals: string[] = [];
    for (let k = 0; k < spec.arity; k++) {
      const tok = args[i + 1 + k];
      // Negative numbers are values, other dash tokens are the next flag.
      if (tok === undefined || (!looksLikeValue(tok) && !/^-[\d.]/.test(tok))) {
        throw new EmbeddedFlagError(`${flag}: expects ${spec.arity} value${spec.arity > 1 ? 's' : ''} (${spec.help}), got ${k}`);
      }
      vals.push(tok);
    }
    i += spec.arity;
    spec.apply(o, vals, flag);
  }
  return o;
}

export function knownFlags(): string[] {
  return ['-cell', ...Object.keys(SPECS)].sort();
}
