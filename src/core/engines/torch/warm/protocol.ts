// The line-delimited JSON spoken with resources/torch-warm-server.py (see the docstring there).

export interface HelloMessage {
  type: 'hello';
  pid: number;
  python: string;
  executable: string;
  fork: boolean;
  platform: string;
  torch: string | null;
  torchFile: string | null;
  numpy: string | null;
  importErrors: Record<string, string>;
  importMs: number;
  /** Children kept forked ahead of time while idle. */
  spares?: number;
}
export interface StartedMessage { type: 'started'; id: string; pid: number; spare?: boolean }
export interface DoneMessage {
  type: 'done';
  id: string;
  pid: number;
  exitCode: number | null;
  signal: string | null;
  cancelled: boolean;
  wallMs: number;
  /** Run by a spare: forked (and its memory pre-faulted) before the request came. */
  spare?: boolean;
}
export interface RejectedMessage { type: 'rejected'; id: string; reason: 'stale' | 'bad-request' | string; message: string }
export interface PongMessage { type: 'pong'; id: string; active: number }
export interface ErrorMessage { type: 'error'; id?: string; message: string }
export type ServerMessage = HelloMessage | StartedMessage | DoneMessage | RejectedMessage | PongMessage | ErrorMessage;

export interface RunMessage {
  type: 'run';
  id: string;
  /** Arguments after `python -m <module>`. */
  argv: string[];
  cwd: string;
  /** The complete environment of the run (not an overlay). */
  env: Record<string, string>;
  stdoutPath: string;
  stderrPath: string;
  module?: string;
  /** The child sets it before importing the port: the files it writes get the run's umask, not the parent's. */
  umask?: number;
}
export type ClientMessage = RunMessage | { type: 'cancel'; id: string } | { type: 'ping'; id: string } | { type: 'shutdown' };

const TYPES = new Set(['hello', 'started', 'done', 'rejected', 'pong', 'error']);

/** Parse one line from the server; undefined for anything that is not a protocol message. */
export function parseServerLine(line: string): ServerMessage | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !TYPES.has(type)) return undefined;
  if (type !== 'hello' && type !== 'error' && typeof (value as { id?: unknown }).id !== 'string') return undefined;
  return value as ServerMessage;
}

export function encodeClientMessage(msg: ClientMessage): string {
  return JSON.stringify(msg) + '\n';
}
