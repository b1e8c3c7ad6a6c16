// Warnings BEFORE a parity run, for the setups that are known to make C and PyTorch disagree for reasons that
// have nothing to do with the port: missing -N (different CLI defaults), comment lines in a -sourcefile (C turns
// them into ghost sources), a source λ column ≠ -lambda (C uses the column, PyTorch -lambda), a stray Fdump.bin
// (both programs silently load it), and the frozen C binary.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { PreflightWarning } from '../../shared/types.ts';
import { DEFAULT_N, flagArgs, hasNFlag, lambdaAFromFlags } from './flags.ts';
import { formatNumber } from '../../shared/format.ts';

export interface PreflightInput {
  flags: string[];
  workspace: string;
  /** Path of the frozen C binary (./nanoBragg) when that is the one that will run. */
  frozenBinary?: string;
}

/** C's source-file reader skips a line only if, stripped of " \t,;:!", nothing but the newline is left. */
const C_SEPARATORS = /[ \t,;:!]+/;

export interface SourceFileFacts {
  /** 1-based line numbers of lines C reads as records but that are not numeric (comments, headers). */
  textLines: number[];
  /** 1-based line numbers that end in CR (CRLF file): C then reads missing trailing columns as 0, not defaults. */
  crlfLines: number[];
  /** Numeric records: the λ column (m) when present. */
  lambdasM: { line: number; lambdaM: number }[];
  records: number;
}

export function inspectSourceFile(text: string): SourceFileFacts {
  const facts: SourceFileFacts = { textLines: [], crlfLines: [], lambdasM: [], records: 0 };
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    const n = i + 1;
    const hasCR = line.endsWith('\r');
    const body = hasCR ? line.slice(0, -1) : line;
    if (hasCR) facts.crlfLines.push(n);
    // C: blank after stripping the separators (a CR is NOT a separator, so a CRLF blank line is a record).
    if (!hasCR && body.replace(/[ \t,;:!]/g, '') === '') return;
    facts.records++;
    const tokens = body.split(C_SEPARATORS).filter(Boolean);
    const numeric = tokens.length > 0 && tokens.every((t) => Number.isFinite(Number(t)));
    if (!numeric) {
      facts.textLines.push(n);
      return;
    }
    if (tokens.length >= 5) facts.lambdasM.push({ line: n, lambdaM: Number(tokens[4]) });
  });
  return facts;
}

function list(nums: number[], max = 5): string {
  return nums.length <= max ? nums.join(', ') : `${nums.slice(0, max).join(', ')}, … (${nums.length} in all)`;
}

export async function preflight(input: PreflightInput): Promise<PreflightWarning[]> {
  const { flags, workspace, frozenBinary } = input;
  const warnings: PreflightWarning[] = [];

  if (!hasNFlag(flags)) {
    warnings.push({
      code: 'no-N',
      message: 'No -N given: C defaults to N=1 cell per axis, the PyTorch CLI to N=5, so the two images differ by orders of magnitude before any port bug. Add the same -N (e.g. -N 1) to the case.',
      flags: ['-N', String(DEFAULT_N.c)],
    });
  }

  const sourcefile = flagArgs(flags, ['-sourcefile'])?.[0];
  if (sourcefile) {
    const file = path.resolve(workspace, sourcefile);
    let text: string | undefined;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      warnings.push({
        code: 'sourcefile-missing',
        message: `-sourcefile ${sourcefile}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); both simulators will fail or fall back. Fix the path (relative paths are workspace-relative).`,
      });
    }
    if (text !== undefined) {
      const facts = inspectSourceFile(text);
      if (facts.textLines.length) {
        warnings.push({
          code: 'sourcefile-comments',
          message: `${sourcefile}: line${facts.textLines.length > 1 ? 's' : ''} ${list(facts.textLines)} ${facts.textLines.length > 1 ? 'are' : 'is'} not numeric (comments/headers). C reads each as a "ghost" source (zero direction, weight 0, λ 0) that counts in the average — ${facts.records} sources in C vs ${facts.records - facts.textLines.length} in PyTorch — and with N > 1 every C pixel becomes NaN. Remove those lines.`,
        });
      }
      if (facts.crlfLines.length) {
        warnings.push({
          code: 'sourcefile-crlf',
          message: `${sourcefile}: CRLF line endings (line${facts.crlfLines.length > 1 ? 's' : ''} ${list(facts.crlfLines)}). C does not treat \\r as a separator: short lines get weight 0 and λ 0 instead of the defaults. Convert the file to LF.`,
        });
      }
      const lambdaA = lambdaAFromFlags(flags);
      const off = facts.lambdasM.filter((r) => Math.abs(r.lambdaM * 1e10 - lambdaA) > 1e-6 * lambdaA);
      if (off.length) {
        const distinct = [...new Set(facts.lambdasM.map((r) => Number((r.lambdaM * 1e10).toPrecision(9))))];
        const shown = [...new Set(off.map((r) => r.lambdaM * 1e10))].map((v) => `${formatNumber(v, { form: 'significant', digits: 6 })} Å`).join(', ');
        warnings.push({
          code: 'source-lambda-differs',
          message: `${sourcefile}: the wavelength column (${shown}, line${off.length > 1 ? 's' : ''} ${list(off.map((r) => r.line))}) differs from -lambda ${lambdaA} Å. C uses the column per source, PyTorch replaces it with -lambda (with a warning); with N > 1 the images then differ. Make the column equal -lambda or drop it.`,
          // One wavelength in the whole column: -lambda set to it makes both programs use the same λ.
          ...(distinct.length === 1 ? { flags: ['-lambda', String(distinct[0])] } : {}),
        });
      }
    }
  }

  const hkl = flagArgs(flags, ['-hkl'])?.[0];
  const fdump = path.join(workspace, 'Fdump.bin');
  try {
    const st = await fs.stat(fdump);
    if (st.isFile()) {
      warnings.push({
        code: 'fdump-in-workspace',
        message: `${fdump} exists (${st.size} bytes, modified ${st.mtime.toISOString()}). Both C and PyTorch silently load ./Fdump.bin when ${hkl ? 'run from this folder without -hkl' : 'no -hkl is given, as here'}; parity runs use empty scratch folders, but a hand-run command from the workspace root would read it ("reading Fs from Fdump.bin"). Delete or move it.`,
      });
    }
  } catch {
    // No Fdump.bin: nothing to warn about.
  }

  if (frozenBinary) {
    warnings.push({
      code: 'frozen-binary',
      message: `Using the frozen C binary ${frozenBinary}: neither NB_C_BIN nor golden_suite_generator/nanoBragg is available, so this reference may not match the current C source. Build it (make -C golden_suite_generator) or set NB_C_BIN.`,
    });
  }
  return warnings;
}
