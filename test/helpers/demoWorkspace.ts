// Copies of the demo workspace (examples/demo-workspace: the seed's A.mat, tests/parity_cases.yaml, docs/fix_plan.md)
// for tests that run cases, write bundles or edit the ledger: each test gets its own copy in a temp folder (removed
// after the test file by tempDirs.ts), so the checked-in demo is never written to.
import { cpSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, makeTempDirSync } from './tempDirs.ts';

export const REPO_ROOT = join(import.meta.dirname, '../..');
export const DEMO_WORKSPACE = join(REPO_ROOT, 'examples/demo-workspace');

/**
 * A fresh copy of the demo workspace at `<tmp>/<prefix>XXXXXX/ws`; with `parts` (paths inside the demo, e.g.
 * `['A.mat']`) only those are copied. The `ws` level keeps the copy's parent free for things written beside it.
 */
export async function copyDemoWorkspace(prefix: string, parts?: string[]): Promise<string> {
  const ws = join(await makeTempDir(prefix), 'ws');
  if (!parts) await cp(DEMO_WORKSPACE, ws, { recursive: true });
  else for (const p of parts) await cp(join(DEMO_WORKSPACE, p), join(ws, p), { recursive: true });
  return ws;
}

/** `copyDemoWorkspace` for synchronous setup code. */
export function copyDemoWorkspaceSync(prefix: string, parts?: string[]): string {
  const ws = join(makeTempDirSync(prefix), 'ws');
  if (!parts) cpSync(DEMO_WORKSPACE, ws, { recursive: true });
  else for (const p of parts) cpSync(join(DEMO_WORKSPACE, p), join(ws, p), { recursive: true });
  return ws;
}
