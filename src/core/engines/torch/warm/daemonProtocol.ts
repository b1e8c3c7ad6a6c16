// The JSON-lines protocol between `nb-parity` processes and the per-user warm server daemon (one object per line
// over the unix socket). Versioned: a client and a daemon that disagree on DAEMON_PROTOCOL do not talk (the client
// runs cold and says to stop the old daemon). `id` ties one run's begin → run → verdict together.
import type { CheckDecision, Comparison } from './authoritative.ts';
import type { WarmHostResult } from './host.ts';
import type { WarmServerErrorKind } from './server.ts';
import type { TorchProbe } from '../resolve.ts';

/** 2: `call`/`signal` (a whole `nb-parity run` carried out inside the daemon, docs/in-server-calls.md). */
export const DAEMON_PROTOCOL = 2;

/** A whole CLI call the daemon carries out for a thin client (src/cli/callInServer.ts): the client's argv, working
 * folder, complete environment, umask and terminal facts, and the identity of its code (a daemon running other code
 * declines and retires). */
export interface CallRequest {
  type: 'call'; id: string; argv: string[]; cwd: string; env: Record<string, string>; umask: number; clientPid: number;
  /** codeIdentity() and codeFolder() of the client: another build in the same folder retires the daemon. */
  code: string; codeFolder: string; tty: { stdout: TtyFacts; stderr: TtyFacts };
}
export interface TtyFacts { isTTY: boolean; columns?: number }

export type DaemonRequest =
  /** `pid`: the client's (the daemon's own connection to itself is not counted as a client). */
  | { type: 'hello'; version: number; pid?: number }
  /** Find (or create) the server for this interpreter + environment overlay; count the run in the book. */
  | { type: 'begin'; id: string; python: string; env: Record<string, string>; port: string }
  | { type: 'run'; id: string; argv: string[]; cwd: string; module?: string; timeoutMs?: number; baseEnv: Record<string, string>; umask?: number }
  | { type: 'verdict'; id: string; life: number; port: string; why: string; cmp: Comparison }
  /** env.json's torch probe (python -c …), answered from a cache per server life: torch cannot change within one. */
  | { type: 'probe'; id: string; python: string; env: Record<string, string>; cwd: string; baseEnv: Record<string, string> }
  | { type: 'cancel'; id: string }
  /** The run is over: runs waiting for the first check of the server life it started go on (added in protocol 1; a
   * daemon that does not know it ignores it, and a closed connection does the same). */
  | { type: 'release'; id: string }
  | { type: 'status' }
  | { type: 'stop' }
  | CallRequest
  /** The client got a signal (Ctrl+C, SIGTERM, SIGHUP): the call cancels as it would in the client's own process. */
  | { type: 'signal'; id: string; name: 'SIGINT' | 'SIGTERM' | 'SIGHUP' };

export interface ServerSummary { key: string; python: string; pid: number | null; life: number; torch: string | null; env: Record<string, string> }

export interface DaemonStatus {
  type: 'status';
  pid: number;
  version: number;
  socket: string;
  startedAt: string;
  uptimeMs: number;
  idleMs: number;
  /** Until the idle stop, when no run is in flight (null while runs are running). */
  idleLeftMs: number | null;
  activeRuns: number;
  runsServed: number;
  /** Whole `nb-parity run` calls carried out inside the daemon (protocol 2; absent from older daemons). */
  activeCalls?: number;
  callsServed?: number;
  /** Connected clients other than the one asking (and the daemon's own connection for the calls it carries out). */
  clients: number;
  servers: ServerSummary[];
}

export type DaemonReply =
  | { type: 'hello'; version: number; pid: number }
  | { type: 'decision'; id: string; decision: CheckDecision }
  | { type: 'result'; id: string; result: WarmHostResult }
  | { type: 'failed'; id?: string; kind: WarmServerErrorKind; message: string }
  | { type: 'probed'; id: string; probe: TorchProbe }
  | { type: 'ok'; id?: string }
  /** A call's output, in the order it was written (fd 1 stdout, 2 stderr). */
  | { type: 'out'; id: string; fd: 1 | 2; data: string }
  | { type: 'exit'; id: string; code: number }
  /** The daemon will not carry this call out (busy with another, other code…): the client runs it itself. */
  | { type: 'declined'; id: string; reason: string; retiring?: boolean }
  | DaemonStatus;

export function encodeLine(msg: DaemonRequest | DaemonReply): string {
  return `${JSON.stringify(msg)}\n`;
}

export function parseLine<T extends { type: string }>(line: string): T | undefined {
  try {
    const v = JSON.parse(line) as unknown;
    return v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string' ? v as T : undefined;
  } catch {
    return undefined;
  }
}

/** An environment as the protocol carries it: string values only (unset variables left out). */
export function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
