// Warm PyTorch runs through a Python fork-server (issue 8), in this process or in the per-user daemon (issue 14).
// See docs/warm-torch.md.
export { WarmTorchServer, WarmServerError, type WarmServerOptions, type WarmRunRequest, type WarmRunResult } from './server.ts';
export { getWarmServer, disposeWarmServers, warmSupported, warmServerKey, prewarmWarmServer, listWarmServers } from './pool.ts';
export { prewarmTorch } from './prewarm.ts';
export { runTorchWarm, type WarmDispatchDeps } from './dispatch.ts';
export { AuthoritativeBook, authoritativeBook, compareFiles, authoritativeCaseKey, SAMPLE_EVERY, type CheckDecision } from './authoritative.ts';
export { resolveWarmServerScript, WARM_SERVER_RELATIVE } from './serverScript.ts';
export { LocalWarmHost, type WarmHost } from './host.ts';
export { serveDaemon, type DaemonOptions } from './daemon.ts';
export { DaemonHost, connectDaemon, daemonStatus } from './daemonClient.ts';
export { ensureRuntimeDir, runtimeDirPath, checkPrivateDir, RuntimeDirError, SOCKET_NAME } from './runtimeDir.ts';
export { portFingerprint } from './portFingerprint.ts';
export { DAEMON_PROTOCOL, type DaemonStatus } from './daemonProtocol.ts';
