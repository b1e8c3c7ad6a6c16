// C debug TRACE output (≈450 lines per seed run) folded out of the log: one line saying how many there were and
// which bundle file holds them all. Pure, no vscode import, so it is unit-tested in Node.

/** A TRACE line of nanoBragg C (`TRACE_C:…`, `TRACE: …`, `TRACE_C_PHI phi_tic=…`), leading blanks allowed. */
export function isTraceLine(line: string): boolean {
  return /^\s*TRACE(?:_[A-Z0-9]+)*(?::|\s)/.test(line);
}

/**
 * The lines with every TRACE line removed and, where the first one stood, one summary line
 * ("452 TRACE lines folded — all in /b/c_stdout_tc_d1.log"). Lines without TRACE come back unchanged.
 */
export function foldTraceLines(lines: readonly string[], bundleFile?: string): string[] {
  const count = lines.reduce((n, l) => n + (isTraceLine(l) ? 1 : 0), 0);
  if (!count) return [...lines];
  const out: string[] = [];
  let placed = false;
  for (const l of lines) {
    if (!isTraceLine(l)) { out.push(l); continue; }
    if (placed) continue;
    placed = true;
    out.push(`${count} TRACE line${count === 1 ? '' : 's'} folded${bundleFile ? ` — all in ${bundleFile}` : ' (not kept: no bundle file)'}`);
  }
  return out;
}
