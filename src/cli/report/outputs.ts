// The machine-readable outputs of `nb-parity run`: the --jsonl stream on stdout and the --junit file.
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Bundle, CaseResult, EngineId } from '../../shared/types.ts';
import { writeFileAtomic } from '../../core/evidence/atomic.ts';
import { junitXml } from '../../core/report/junit.ts';
import { runLine, summaryLine } from '../../core/report/jsonl.ts';

/** Streams one "run" line per finished run (written at once, not buffered to the end), then the summary. */
export class JsonlStream {
  private done = 0;
  constructor(private readonly out: { write(s: string): unknown }, private readonly total: number) {}

  onCaseDone = (r: CaseResult, info: { index: number; bundleDir: string }): void => {
    this.done++;
    this.out.write(`${runLine(r, { ...info, total: this.total, done: this.done })}\n`);
  };

  summary(b: Bundle, info: { exitCode: number; cancelled: boolean; junit?: string }): void {
    this.out.write(`${summaryLine(b, info)}\n`);
  }
}

/** Checked before anything runs, so a typo in --junit does not cost a whole matrix. */
export async function junitTargetProblem(file: string): Promise<string | undefined> {
  const dir = dirname(file);
  if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) return `--junit ${file}: folder ${dir} does not exist`;
  if (await stat(file).then((s) => s.isDirectory(), () => false)) return `--junit ${file}: is a folder; give a file name such as parity.xml`;
  return undefined;
}

export async function writeJunit(file: string, b: Bundle, opts: { reference: EngineId; candidate: EngineId }): Promise<void> {
  // A CI report file, not evidence (the bundle is): re-running the same command replaces it, atomically.
  await writeFileAtomic(file, junitXml(b, opts), { overwrite: true });
}
