// Pixel traces: parse C / PyTorch / embedded `-trace_pixel` output, align, compare, state the verdict.
// Pure (no I/O, no processes): callers read the files and images. Reference: docs/trace.md.
export { parseTrace, parseValue, parseNumber, lastNumber } from './parse.ts';
export { alignTraces, type AlignedPair } from './align.ts';
export { classifyValues, relativeDifference, resultsAgree, PRECISION_TOL } from './classify.ts';
export { ALIASES, FEEDS, FORMAT_ONLY, HINTS } from './names.ts';
export { QUIRKS } from './quirks.ts';
export { factorModel, finalProduct, tracedFinal } from './factors.ts';
export { compareTraces, pixelValue, traceMatchesImage, type CompareOptions, type TraceImage } from './diff.ts';
export { renderFirstDivergenceMarkdown, firstDivergenceLine, quote } from './text.ts';
export type * from './types.ts';
