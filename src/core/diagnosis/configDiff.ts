// Compare two effective configurations and name every difference in a sentence a scientist can act on.
// Only fields BOTH sides report are compared (a field one simulator never prints is not a mismatch), with two
// deliberate exceptions where absence is itself informative: N (PyTorch never prints it; we infer it from the
// flags or, failing that, from the ratio of the peak intensities) and Fdump.bin (reading it on one side only).
import type { ConfigMismatch, EffectiveConfig, EngineId } from '../../shared/types.ts';
import { formatNumber, JS_SPECIALS } from '../../shared/format.ts';

const NAMES: Record<EngineId, string> = { c: 'C', torch: 'PyTorch', embedded: 'embedded' };
const RANK: Record<ConfigMismatch['severity'], number> = { critical: 0, warning: 1, info: 2 };

function g(v: number): string {
  return formatNumber(v, { form: 'significant', digits: 6, plain: [1e-3, 1e6], exponentDigits: 4, trimExponent: true, ...JS_SPECIALS });
}

function close(a: number, b: number, rel = 1e-4): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
}

const GHOST_POL = 'from ghost source #0';

/**
 * Where a run takes its polarization factor from: C (and the embedded fork polarization=first-source) from the
 * first source, PyTorch per source. Undefined when the stdout does not tell (no source list printed).
 */
function polarizationSource(cfg: EffectiveConfig, engine: EngineId): string | undefined {
  const perSource = engine === 'torch' || (engine === 'embedded' && cfg.embedded?.forks.polarization === 'per-source');
  if (perSource) return 'per source';
  const first = cfg.sources?.[0];
  if (!first) return undefined;
  return isGhostSource(first) ? GHOST_POL : 'from source #0';
}

/** A ghost source is what C makes of a comment/text line: zero direction, weight 0, λ 0. */
export function isGhostSource(s: { x: number; y: number; z: number; weight: number; lambda: number }): boolean {
  return s.x === 0 && s.y === 0 && s.z === 0 && s.weight === 0 && s.lambda === 0;
}

function cells(n: [number, number, number]): string {
  return n.join('×');
}

/**
 * N of the side that did not report it, from the peak-intensity ratio: at a Bragg peak I ∝ (Na·Nb·Nc)², so
 * Na·Nb·Nc ≈ known product · sqrt(I_unknown / I_known). Returns a cubic estimate only when it is near a whole number.
 */
export function inferNFromPeaks(known: EffectiveConfig, unknown: EffectiveConfig): { n: number; ratio: number } | undefined {
  if (!known.nCells || !known.maxIntensity || !unknown.maxIntensity) return undefined;
  if (!(known.maxIntensity > 0 && unknown.maxIntensity > 0)) return undefined;
  const ratio = unknown.maxIntensity / known.maxIntensity;
  const product = known.nCells[0] * known.nCells[1] * known.nCells[2] * Math.sqrt(ratio);
  const n = Math.cbrt(product);
  const k = Math.round(n);
  if (k < 1 || Math.abs(n - k) > 0.08 * k) return undefined;
  return { n: k, ratio };
}

/** What to call each side in the sentences. */
export interface DiffLabels {
  reference: EngineId;
  candidate: EngineId;
  /** Display names chosen by the caller (e.g. "C (golden_suite_generator/nanoBragg)"); default: from engine and preset. */
  names?: { reference: string; candidate: string };
}

/**
 * Names for the two sides: the engine, plus its preset for the embedded engine ("embedded (preset c)"). When that
 * still reads the same for both (same engine, same preset), the side is said too ("reference embedded (preset c)").
 */
export function sideNames(reference: EffectiveConfig, candidate: EffectiveConfig, labels: DiffLabels): { R: string; C: string } {
  if (labels.names && labels.names.reference !== labels.names.candidate) return { R: labels.names.reference, C: labels.names.candidate };
  const base = (engine: EngineId, cfg: EffectiveConfig) =>
    engine === 'embedded' && cfg.embedded ? `embedded (preset ${cfg.embedded.preset})` : (NAMES[engine] ?? engine);
  const r = base(labels.reference, reference);
  const c = base(labels.candidate, candidate);
  return r === c ? { R: `reference ${r}`, C: `candidate ${c}` } : { R: r, C: c };
}

/** The crystal size a side uses without -N, and whose default that is, when the engine tells. */
function nDefault(engine: EngineId, cfg: EffectiveConfig): { n: string; like: string } | undefined {
  if (engine === 'torch') return { n: '5', like: 'the PyTorch CLI' };
  if (engine === 'c') return { n: '1', like: 'C' };
  const n = cfg.embedded?.forks.defaultN;
  return n ? { n, like: n === '1' ? 'C' : n === '5' ? 'the PyTorch CLI' : '' } : undefined;
}

/** "6.2 Å (2 sources)" rather than "6.2 Å, 6.2 Å". */
function lambdaList(srcs: NonNullable<EffectiveConfig['sources']>): string {
  const counts = new Map<string, number>();
  for (const s of srcs) { const k = `${g(s.lambda * 1e10)} Å`; counts.set(k, (counts.get(k) ?? 0) + 1); }
  return [...counts].map(([k, n]) => (n > 1 ? `${k} (${n} sources)` : k)).join(', ');
}

interface DiffSides {
  reference: EffectiveConfig;
  candidate: EffectiveConfig;
  labels: DiffLabels;
  /** How the two sides are named in explanations. */
  R: string;
  C: string;
  add: (field: string, reference: string, candidate: string, explanation: string, severity: ConfigMismatch['severity']) => void;
}

export function diffConfigs(reference: EffectiveConfig, candidate: EffectiveConfig, labels: DiffLabels): ConfigMismatch[] {
  const { R, C } = sideNames(reference, candidate, labels);
  const out: ConfigMismatch[] = [];
  const add = (field: string, reference: string, candidate: string, explanation: string, severity: ConfigMismatch['severity']) =>
    out.push({ field, reference, candidate, explanation, severity });
  const d: DiffSides = { reference, candidate, labels, R, C, add };
  const { nRef, nCand } = diffCells(d);
  diffSources(d);
  const maxN = Math.max(...(nRef ?? [1]), ...(nCand ?? [1]));
  const lambdaMatters = maxN > 1;
  diffSourceLambdas(d, lambdaMatters);
  diffScalars(d, lambdaMatters);

  // A mismatch shows two different values, never the same one twice (e.g. both runs reading Fdump.bin is a hazard
  // for preflight, not a difference between them).
  return out.filter((m) => m.reference !== m.candidate).sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

/** N cells, inferring a side's N from the peak ratio when it does not print it. */
function diffCells({ reference, candidate, labels, R, C, add }: DiffSides): { nRef?: number[]; nCand?: number[] } {
  let nRef = reference.nCells;
  let nCand = candidate.nCells;
  let inferred = '';
  if (!nRef && nCand) {
    const est = inferNFromPeaks(candidate, reference);
    if (est) { nRef = [est.n, est.n, est.n]; inferred = ` (${R} N inferred from the peak intensity ratio ×${g(1 / est.ratio)}, I ∝ (Na·Nb·Nc)²)`; }
  } else if (nRef && !nCand) {
    const est = inferNFromPeaks(reference, candidate);
    if (est) { nCand = [est.n, est.n, est.n]; inferred = ` (${C} N inferred from the peak intensity ratio ×${g(est.ratio)}, I ∝ (Na·Nb·Nc)²)`; }
  }
  if (nRef && nCand && cells(nRef) !== cells(nCand)) {
    const basis = [reference.nCellsBasis && reference.nCellsBasis !== 'printed by the simulator' ? `${R}: ${reference.nCellsBasis}` : '',
      candidate.nCellsBasis && candidate.nCellsBasis !== 'printed by the simulator' ? `${C}: ${candidate.nCellsBasis}` : ''].filter(Boolean).join('; ');
    const dR = nDefault(labels.reference, reference);
    const dC = nDefault(labels.candidate, candidate);
    let defaults = 'the two runs use different crystal sizes; pass the same -N to both';
    if (dR && dC && dR.n !== dC.n) {
      const says = (side: string, d: { n: string; like: string }, engine: EngineId, verb: string) =>
        `${side} ${verb}N=${d.n}${engine === 'embedded' ? ` (fork defaultN=${d.n}${d.like ? `, as ${d.like}` : ''})` : ''}`;
      defaults = labels.reference === 'embedded' || labels.candidate === 'embedded'
        ? `without -N, ${says(R, dR, labels.reference, 'defaults to ')}, ${says(C, dC, labels.candidate, 'to ')}; pass the same -N to both`
        : 'the PyTorch CLI defaults to N=5 when -N is absent, C to N=1; pass the same -N to both';
    }
    add('nCells', cells(nRef), cells(nCand),
      `N cells ${cells(nRef)} vs ${cells(nCand)}: ${defaults}. Peak intensity scales with (Na·Nb·Nc)², so this alone moves the sum ratio by orders of magnitude${inferred}${basis ? ` [${basis}]` : ''}.`,
      'critical');
  }

  return { nRef, nCand };
}

/** Source count, ghost sources, and the polarization they spoil. */
function diffSources({ reference, candidate, labels, R, C, add }: DiffSides): void {
  const ghostsRef = reference.sources?.filter(isGhostSource).length ?? 0;
  const ghostsCand = candidate.sources?.filter(isGhostSource).length ?? 0;
  if (reference.nSources !== undefined && candidate.nSources !== undefined && reference.nSources !== candidate.nSources) {
    let why = 'the two runs sample a different set of incident directions/wavelengths; intensities are averaged over sources, so both the pattern and the scale change';
    if (ghostsRef !== ghostsCand && Math.abs(reference.nSources - candidate.nSources) === Math.abs(ghostsRef - ghostsCand)) {
      const side = ghostsRef > ghostsCand ? R : C;
      const k = Math.max(ghostsRef, ghostsCand);
      why = `${side} turns the source file's ${k} \`#\`/text line${k > 1 ? 's' : ''} into ghost source${k > 1 ? 's' : ''} (zero direction, weight 0, λ 0) that count in the average; remove the comment lines from the source file`;
    }
    add('nSources', String(reference.nSources), String(candidate.nSources), `${reference.nSources} vs ${candidate.nSources} sources: ${why}.`, 'critical');
  } else if (ghostsRef !== ghostsCand) {
    add('ghostSources', String(ghostsRef), String(ghostsCand),
      `ghost sources (zero direction, weight 0, λ 0; from \`#\`/text lines in the source file) on ${ghostsRef ? R : C}: they count in the average and, with N > 1, make every pixel NaN.`, 'critical');
  }
  const polRef = polarizationSource(reference, labels.reference);
  const polCand = polarizationSource(candidate, labels.candidate);
  if (polRef !== polCand && (polRef === GHOST_POL || polCand === GHOST_POL)) {
    const side = polRef === GHOST_POL ? R : C;
    add('polarization', polRef ?? 'not printed', polCand ?? 'not printed',
      `${side} computes polarization once per pixel from the FIRST source; here that is a ghost with zero direction, so P = 0.5·(1−K) in every pixel instead of the real Kahn factor.`, 'warning');
  }
}

/** λ per source (file column vs -lambda) and source directions. */
function diffSourceLambdas({ reference, candidate, R, C, add }: DiffSides, lambdaMatters: boolean): void {
  const srcLambdaMismatch = (srcs: EffectiveConfig['sources'], lambdaA: number | undefined) =>
    srcs && lambdaA !== undefined ? srcs.filter((s) => !isGhostSource(s) && !close(s.lambda * 1e10, lambdaA)) : [];
  if (reference.sourceLambdaPolicy === 'file' && candidate.sourceLambdaPolicy === 'cli') {
    const off = srcLambdaMismatch(reference.sources, candidate.lambdaA);
    if (off.length) {
      add('sourceLambda', lambdaList(off), `${g(candidate.lambdaA!)} Å (-lambda)`,
        `λ per source: ${R} uses the source file's wavelength column, ${C} replaces it with -lambda${lambdaMatters ? '' : '; with N = 1 the image does not depend on λ, so this matters only once N > 1'}.`,
        lambdaMatters ? 'critical' : 'warning');
    }
  } else if (reference.sourceLambdaPolicy === 'cli' && candidate.sourceLambdaPolicy === 'file') {
    const off = srcLambdaMismatch(candidate.sources, reference.lambdaA);
    if (off.length) {
      add('sourceLambda', `${g(reference.lambdaA!)} Å (-lambda)`, lambdaList(off),
        `λ per source: ${C} uses the source file's wavelength column, ${R} replaces it with -lambda${lambdaMatters ? '' : '; with N = 1 this does not change the image'}.`,
        lambdaMatters ? 'critical' : 'warning');
    }
  } else if (reference.sources && candidate.sources && reference.sources.length === candidate.sources.length) {
    const diffs = reference.sources.map((s, i) => [s, candidate.sources![i]] as const).filter(([a, b]) => !close(a.lambda, b.lambda));
    if (diffs.length) {
      add('sourceLambda', diffs.map(([a]) => g(a.lambda)).join(', '), diffs.map(([, b]) => g(b.lambda)).join(', '),
        `λ differs for ${diffs.length} source(s) (m)${lambdaMatters ? '' : '; with N = 1 the image does not depend on λ'}.`, lambdaMatters ? 'critical' : 'warning');
    }
    const dirs = reference.sources.filter((s, i) => {
      const b = candidate.sources![i];
      return !close(s.x, b.x) || !close(s.y, b.y) || !close(s.z, b.z);
    });
    if (dirs.length) {
      const xyz = (s: { x: number; y: number; z: number }) => `(${g(s.x)} ${g(s.y)} ${g(s.z)})`;
      add('sourceDirections', dirs.map(xyz).join(', '), dirs.map((s) => xyz(candidate.sources![reference.sources!.indexOf(s)])).join(', '),
        `${dirs.length} source position(s) differ between the runs.`, 'critical');
    }
  }
}

/** Scalar settings, detector geometry, pix0 and the Fdump.bin hazard. */
function diffScalars({ reference, candidate, labels, R, C, add }: DiffSides, lambdaMatters: boolean): void {
  const num = (field: keyof EffectiveConfig, label: string, why: string, severity: ConfigMismatch['severity'], rel = 1e-4) => {
    const a = reference[field] as number | undefined;
    const b = candidate[field] as number | undefined;
    if (a === undefined || b === undefined || close(a, b, rel)) return;
    add(field, g(a), g(b), `${label} ${g(a)} vs ${g(b)}: ${why}.`, severity);
  };
  if (reference.convention && candidate.convention && reference.convention !== candidate.convention) {
    add('convention', reference.convention, candidate.convention,
      `detector convention ${reference.convention} vs ${candidate.convention}: the beam centre, axes and pivot differ, so the whole pattern moves.`, 'critical');
  }
  num('divergenceSteps', 'divergence steps', 'a different divergence grid means different sources', 'critical', 0);
  num('dispersionSteps', 'dispersion steps', 'a different wavelength grid means different sources', 'critical', 0);
  num('phiSteps', 'φ steps', 'the crystal is rotated through a different set of angles', 'critical', 0);
  num('mosaicDomains', 'mosaic domains', 'a different number of mosaic blocks is averaged', 'critical', 0);
  num('oversample', 'oversample', 'sub-pixel sampling differs (and C takes Ω from the first sub-pixel)', 'warning', 0);
  num('polarizationFactor', 'Kahn polarization factor', 'the polarization correction differs in every pixel', 'critical');
  num('fluence', 'incident fluence', 'the intensity scale differs by the fluence ratio', 'critical');
  // The PyTorch CLI prints λ with two decimals ("Wavelength: 0.98 Å"): compare at that precision when it is a side.
  const lambdaRel = labels.reference === 'torch' || labels.candidate === 'torch' ? 0.006 : 1e-4;
  num('lambdaA', 'λ (Å)', 'the wavelength differs (with N > 1 the spots move)', lambdaMatters ? 'critical' : 'warning', lambdaRel);
  if (reference.detector && candidate.detector) {
    const a = reference.detector;
    const b = candidate.detector;
    if (a.fpixels !== b.fpixels || a.spixels !== b.spixels) {
      add('detector', `${a.fpixels}×${a.spixels}`, `${b.fpixels}×${b.spixels}`, `detector ${a.fpixels}×${a.spixels} vs ${b.fpixels}×${b.spixels} pixels: the images cannot be compared pixel by pixel.`, 'critical');
    }
    if (a.pixelM !== undefined && b.pixelM !== undefined && !close(a.pixelM, b.pixelM)) {
      add('pixelSize', `${g(a.pixelM * 1e3)} mm`, `${g(b.pixelM * 1e3)} mm`, 'pixel size differs: solid angle and geometry change.', 'critical');
    }
    if (a.distanceM !== undefined && b.distanceM !== undefined && !close(a.distanceM, b.distanceM)) {
      add('distance', `${g(a.distanceM * 1e3)} mm`, `${g(b.distanceM * 1e3)} mm`, 'detector distance differs: the pattern scales and the solid angle changes.', 'critical');
    }
  }
  if (reference.pix0 && candidate.pix0 && reference.pix0.some((v, i) => Math.abs(v - candidate.pix0![i]) > 1e-9 /* 1 nm: %g-printed 0 vs a computed 1e-18 */ && !close(v, candidate.pix0![i], 1e-5))) {
    add('pix0', reference.pix0.map(g).join(' '), candidate.pix0.map(g).join(' '), 'detector origin (pix0) differs: beam centre or pivot handling differs.', 'critical');
  }
  if (reference.readsFdump || candidate.readsFdump) {
    const who = reference.readsFdump && candidate.readsFdump ? 'both runs' : reference.readsFdump ? R : C;
    add('readsFdump', reference.readsFdump ? 'reads Fdump.bin' : 'no', candidate.readsFdump ? 'reads Fdump.bin' : 'no',
      `"reading Fs from Fdump.bin" on ${who}: structure factors came from a stale Fdump.bin in the working folder (hidden state), not from -hkl/-default_F; delete it or run in an empty folder.`,
      'critical');
  }
}
