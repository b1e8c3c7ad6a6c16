// Warm PyTorch runs through a Python fork-server (issue 8). See docs/warm-torch.md.
export { WarmTorchServer, WarmServerError, type WarmServerOptions, type WarmRunRequest, type WarmRunResult } from './server.ts';
export { getWarmServer, disposeWarmServers, warmSupported, warmServerKey, prewarmWarmServer } from './pool.ts';
export { prewarmTorch } from './prewarm.ts';
export { runTorchWarm, type WarmDispatchDeps } from './dispatch.ts';
export { AuthoritativeBook, authoritativeBook, compareFiles, authoritativeCaseKey } from './authoritative.ts';
export { resolveWarmServerScript, WARM_SERVER_RELATIVE } from './serverScript.ts';
