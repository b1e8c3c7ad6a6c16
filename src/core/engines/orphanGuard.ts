// Children die with us even when we are SIGKILLed (kill -9, the OOM killer, a crashed extension host): no exit hook
// runs then, so a tiny watchdog does it. It is a `/bin/sh` in its own process group that reads "+PGID" / "-PGID"
// lines from a pipe whose other end only we hold; the kernel closes that pipe when we die, however we die, and the
// watchdog then SIGKILLs every group still listed. (`setpriv --pdeathsig` would reach only direct children, not the
// Python or make grandchildren; a group kill reaches them all.) Linux and macOS; elsewhere it is a no-op.
import { execa } from 'execa';
import { existsSync } from 'node:fs';

const SCRIPT = [
  'groups=" "',
  'while IFS= read -r line; do',
  '  case "$line" in',
  '    +*) groups="$groups${line#+} " ;;',
  '    -*) groups=$(printf "%s" "$groups" | sed "s/ ${line#-} / /") ;;',
  '  esac',
  'done',
  'for g in $groups; do kill -KILL "-$g" 2>/dev/null; done',
].join('\n');

interface Guard { write(line: string): void; pid?: number }
let guard: Guard | null | undefined;

function startGuard(): Guard | null {
  if (process.platform === 'win32' || !existsSync('/bin/sh') || process.env.NB_PARITY_NO_ORPHAN_GUARD === '1') return null;
  try {
    const sub = execa('/bin/sh', ['-c', SCRIPT], { detached: true, stdin: 'pipe', stdout: 'ignore', stderr: 'ignore', cleanup: false, buffer: false, reject: false });
    sub.catch(() => undefined);
    sub.unref();
    // Neither the watchdog nor its pipe may keep our event loop (and so the CLI) alive.
    (sub.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    sub.stdin?.on('error', () => { guard = null; });
    return { pid: sub.pid, write: (line) => { try { sub.stdin?.write(`${line}\n`); } catch { guard = null; } } };
  } catch {
    return null;
  }
}

/** Put a process group we started under the watchdog (it is killed if we die before `releaseGroup`). */
export function guardGroup(pgid: number): void {
  if (guard === undefined) guard = startGuard();
  guard?.write(`+${pgid}`);
}

/** The group was reaped normally: forget it (its number may be reused later). */
export function releaseGroup(pgid: number): void {
  guard?.write(`-${pgid}`);
}

/** The watchdog's pid, for tests (undefined when none runs). */
export function orphanGuardPid(): number | undefined {
  return guard?.pid;
}
