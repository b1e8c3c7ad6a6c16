// The warm fork-server client's shapes: options, one run's request and result, its errors, and the bookkeeping
// of a run in flight and of the parent process.
import type { Readable, Writable } from 'node:stream';
import type { ProcessOutcome } from '../../process.ts';
import type { DoneMessage } from './protocol.ts';

export type WarmServerErrorKind = 'start-failed' | 'crashed' | 'unavailable' | 'rejected' | 'disposed';

export class WarmServerError extends Error {
  constructor(message: string, readonly kind: WarmServerErrorKind) {
    super(message);
    this.name = 'WarmServerError';
  }
}

export interface WarmServerOptions {
  /** Interpreter that cold runs would use (absolute path or a name on PATH). */
  python: string;
  /** Variables set on top of the inherited environment, as for a cold run (KMP_DUPLICATE_LIB_OK, PYTHONPATH...). */
  env?: Record<string, string>;
  scriptPath?: string;
  /** Stop the parent after this long without runs (default 10 min). It starts again on the next run. */
  idleMs?: number;
  /** Allowed time for the parent to import torch and say hello (default 120 s: a busy 2-core machine is slow). */
  startTimeoutMs?: number;
  /** Parent crashes tolerated before the server refuses (default 1: "restart once"). */
  maxRestarts?: number;
  /** Children the parent forks ahead of time while idle (`--spares`; default: the script's, one per CPU, at most 2). */
  spares?: number;
  onLog?: (line: string) => void;
}

export interface WarmRunRequest {
  /** Arguments after `python -m <module>`. */
  argv: string[];
  /** The run's (empty) scratch folder: the child's working directory. */
  cwd: string;
  /** Extra variables for this run only, on top of the server's env. */
  env?: Record<string, string>;
  /** The environment the run inherits instead of this process's (the daemon passes its client's). */
  baseEnv?: Record<string, string>;
  /** The run's umask, as a cold run would inherit it (default this process's; the daemon passes its client's). */
  umask?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  module?: string;
}

/** A cold process outcome (never a spawn error: a parent that cannot start throws), plus warm facts. */
export interface WarmRunResult extends Omit<ProcessOutcome, 'spawnError'> {
  /** Round trip seen by the caller, including a lazy start if one was needed. */
  wallMs: number;
  /** Fork to reap, measured by the parent. */
  childMs?: number;
  /** Child pid (also its process group id). */
  pid?: number;
  serverPid?: number;
  serverLife: number;
  /** True when this run had to start (or restart) the parent. */
  coldStart: boolean;
  /** True when a spare (a child forked and pre-faulted before the request came) ran it. */
  spare?: boolean;
}

export interface Pending {
  id: string;
  startedAt: number;
  pid?: number;
  cancelled: boolean;
  timedOut: boolean;
  stdoutPath: string;
  stderrPath: string;
  settle: (m: DoneMessage | { type: 'rejected'; reason: string; message: string } | Error) => void;
}

export interface Child {
  pid: number;
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  unref(): void;
  ref(): void;
  exited: Promise<{ exitCode?: number; signal?: string }>;
}
