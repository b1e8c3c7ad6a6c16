// The setting that fixes a run error, as a button: which command it runs. Pure (no vscode import), so the mapping
// from error text to fix is unit-tested; the error texts come from the engines (they name the program they ran).

export interface RunFix {
  label: string;
  command: string;
}

export const FIX_SELECT_PYTHON: RunFix = { label: 'Select interpreter…', command: 'nbParity.selectPython' };
export const FIX_DISABLE_COMPILE: RunFix = { label: 'Add to nbParity.extraEnv', command: 'nbParity.setup.disableCompile' };
export const FIX_BUILD_C: RunFix = { label: 'Build C binary', command: 'nbParity.buildC' };
export const FIX_PICK_C: RunFix = { label: 'Pick C binary…', command: 'nbParity.setup.pickCBinary' };
export const FIX_TRUST: RunFix = { label: 'Manage Workspace Trust', command: 'workbench.trust.manage' };

/** Fixes for a set of error texts (run error and per-case errors), each once, most specific first. */
export function fixesFor(errors: readonly string[]): RunFix[] {
  const text = errors.join('\n');
  const out: RunFix[] = [];
  if (/NANOBRAGG_DISABLE_COMPILE=1/.test(text)) out.push(FIX_DISABLE_COMPILE);
  if (/torch is not installed|No module named ['"]?torch|cannot import nanobrag_torch|nbParity\.python|NB_PY_BIN|python3? (?:was )?not found|program not found: \S*python/i.test(text)) out.push(FIX_SELECT_PYTHON);
  if (/C binary|NB_C_BIN|nbParity\.cBinary|golden_suite_generator|program not found: \S*nanoBragg/i.test(text)) out.push(FIX_BUILD_C, FIX_PICK_C);
  if (/Restricted Mode|not trusted/i.test(text)) out.push(FIX_TRUST);
  return out;
}
