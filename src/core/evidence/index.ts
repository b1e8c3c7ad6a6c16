// Evidence bundles: layout, STAMP, atomic writes, reading ours and older layouts. See docs/bundle-format.md.
export { readBundle, loadCaseImages, listBundles } from './reader.ts';
export { newStamp, stampToDate, createBundleDir, phaseDir, STAMP_RE, DEFAULT_INITIATIVE, DEFAULT_PHASE, DEFAULT_REPORTS_ROOT } from './stamp.ts';
export { writeFileAtomic, moveNoClobber } from './atomic.ts';
export { bundleFiles, filePrefix, LAYOUT_VERSION, METRICS_SCHEMA, METRICS_VERSION } from './layout.ts';
export { metricsJson, metricsFields, commandsText, diagnosticsText, perCaseLines } from './texts.ts';
export { summaryMarkdown } from './summary.ts';
export { BundleWriter, type RunTexts, type TraceFiles, type Rewrites } from './bundleWriter.ts';
export { readCompletion, hashBundleFiles, fileSha256, type Completion, type CompletionStatus } from './completion.ts';
