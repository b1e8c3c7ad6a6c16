// Which settings scope takes effect in this window, and why a value the user set is not the one used. Pure (no
// vscode import): the extension hands in `inspect()` results, the window kind and, where readable, the value found in
// the local User settings file. Machine-overridable settings (cBinary, python, extraEnv) are read from Remote or
// Workspace settings in a remote window (code-server, Remote-SSH, WSL, containers): a User value is ignored there.

export type SettingScope = 'application' | 'machine' | 'machine-overridable' | 'window' | 'resource' | 'language-overridable';
export type WriteTarget = 'workspaceFolder' | 'workspace' | 'global';

/** The fields of `WorkspaceConfiguration.inspect()` this logic reads. */
export interface InspectLike {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export interface WindowKind {
  /** `vscode.env.remoteName` ("ssh-remote", "wsl", "dev-container", code-server → undefined or its own name). */
  remoteName?: string;
  /** code-server and other browser hosts: `vscode.env.uiKind === Web` with the extension host on the server. */
  webHost?: boolean;
  /** A folder or workspace is open (Workspace settings exist). */
  hasWorkspace: boolean;
  /** More than one root: a folder value overrides the workspace value per folder. */
  multiRoot?: boolean;
}

const isSet = (v: unknown) => v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');

/** True when User settings of this scope are not read in this window. */
export function userScopeIgnored(scope: SettingScope, win: WindowKind): boolean {
  return (scope === 'machine' || scope === 'machine-overridable') && (win.remoteName !== undefined || win.webHost === true);
}

export interface TargetChoice {
  target: WriteTarget;
  /** Where the value lands, worded for the user. */
  where: string;
}

/**
 * Where a setting written by the walkthrough takes effect here: Workspace settings when a folder is open (they win
 * over User and Remote settings, and a remote window reads them); User settings only in a local window with no folder.
 * Returns undefined when no scope would take effect (remote window, machine-scoped setting, no folder open).
 */
export function writeTarget(scope: SettingScope, win: WindowKind): TargetChoice | undefined {
  if (win.hasWorkspace) return { target: 'workspace', where: win.multiRoot ? 'Workspace settings (the .code-workspace file)' : 'Workspace settings (.vscode/settings.json)' };
  if (userScopeIgnored(scope, win)) return undefined;
  return { target: 'global', where: 'User settings' };
}

/** The value the window will use, and which scope supplied it. */
export function effectiveScope(i: InspectLike): { value: unknown; from: 'workspaceFolder' | 'workspace' | 'global' | 'default' } {
  if (isSet(i.workspaceFolderValue)) return { value: i.workspaceFolderValue, from: 'workspaceFolder' };
  if (isSet(i.workspaceValue)) return { value: i.workspaceValue, from: 'workspace' };
  if (isSet(i.globalValue)) return { value: i.globalValue, from: 'global' };
  return { value: i.defaultValue, from: 'default' };
}

const fmt = (v: unknown) => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));
const SCOPE_WORDS = { workspaceFolder: 'Folder settings', workspace: 'Workspace settings', global: 'User/Remote settings', default: 'the default' } as const;

/**
 * Explanations for one setting: a User value this window ignores, a value shadowed by a narrower scope. Empty when
 * what the user set is what is used.
 */
export function explainScopes(key: string, scope: SettingScope, i: InspectLike, win: WindowKind, userFileValue?: unknown): string[] {
  const out: string[] = [];
  const eff = effectiveScope(i);
  if (isSet(userFileValue) && userScopeIgnored(scope, win) && !isSet(i.globalValue)) {
    out.push(`${key} is set to ${fmt(userFileValue)} in your User settings, but this is a remote window: ${key} is machine-specific, `
      + `so it is read from Remote or Workspace settings here and the User value is ignored (${eff.from === 'default' ? 'the default is used' : `${SCOPE_WORDS[eff.from]} give ${fmt(eff.value)}`}). `
      + 'Set it again from the Getting started walkthrough or the Settings UI\'s Workspace tab.');
  }
  const shadowed = (['global', 'workspace'] as const).filter((s) => s !== eff.from && isSet(s === 'global' ? i.globalValue : i.workspaceValue));
  for (const s of shadowed) {
    const v = s === 'global' ? i.globalValue : i.workspaceValue;
    const rank = { workspaceFolder: 3, workspace: 2, global: 1, default: 0 } as const;
    if (rank[s] < rank[eff.from] && JSON.stringify(v) !== JSON.stringify(eff.value)) {
      out.push(`${key}: ${SCOPE_WORDS[s]} say ${fmt(v)}, but ${SCOPE_WORDS[eff.from]} override it with ${fmt(eff.value)}.`);
    }
  }
  return out;
}

/** settings.json is JSON with comments and trailing commas: strip both (outside strings), then JSON.parse. Throws on bad JSON. */
export function parseJsonc(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += ch;
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}
