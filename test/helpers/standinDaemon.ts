// Set-up shared by the tests of the CLI's warm server daemon: a demo workspace whose PyTorch port is the STAND-IN
// (test/fixtures/standin-port: CI has no real nanobrag_torch) with extra cases in .nb-parity/cases.json, and a private
// runtime folder (mode 0700) so each test's daemon is its own.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyDemoWorkspaceSync, REPO_ROOT } from './demoWorkspace.ts';
import { makeTempDirSync } from './tempDirs.ts';

/** Small stand-in flags: one run takes well under a second. */
export const STANDIN_FLAGS = '-mat A.mat -default_F 100 -hdivrange 0.5 -hdivsteps 3 -distance 231.274660 -lambda 0.9768 -pixel 0.172 '
  + '-detpixels_x 48 -detpixels_y 48 -oversample 1 -N 1 -nonoise -nointerpolate';

/** A workspace with the stand-in port and these cases (id → flags added to STANDIN_FLAGS), each with corr ≥ 0.999. */
export function standinWorkspace(prefix: string, extraFlags: Record<string, string>): string {
  const ws = copyDemoWorkspaceSync(prefix, ['A.mat']);
  cpSync(join(REPO_ROOT, 'test/fixtures/standin-port/src'), join(ws, 'src'), { recursive: true });
  mkdirSync(join(ws, '.nb-parity'));
  const cases = Object.entries(extraFlags).map(([id, extra]) => ({ id, flags: `${STANDIN_FLAGS}${extra ? ` ${extra}` : ''}`, thresholds: { corrMin: 0.999 } }));
  writeFileSync(join(ws, '.nb-parity/cases.json'), JSON.stringify({ cases }));
  return ws;
}

/** A fresh private runtime folder (NB_PARITY_RUNTIME_DIR), removed after the test file. */
export function privateRuntimeDir(prefix: string): string {
  const d = join(makeTempDirSync(prefix), 'rt');
  mkdirSync(d, { mode: 0o700 });
  return d;
}
