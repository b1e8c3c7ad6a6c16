// Prewarming for callers that think in workspaces (the extension): the parent must get exactly the environment the
// PyTorch runner will give its runs, or the pool would start a second parent for the first real run.
import { torchEnv } from '../resolve.ts';
import { prewarmWarmServer, type WarmPoolOptions } from './pool.ts';

export function prewarmTorch(python: string, workspace: string, extraEnv: Record<string, string> = {}, opts: WarmPoolOptions = {}): Promise<boolean> {
  return prewarmWarmServer(python, torchEnv(workspace, extraEnv), opts);
}
