// Process-group and output-file chores of the warm server: kill a whole group, collect a child's captured output.
import { readFileSync, rmSync } from 'node:fs';

export function killGroup(pid: number): void {
  try { process.kill(-pid, 'SIGKILL'); } catch {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}

export function readAndRemove(path: string): string {
  try {
    const text = readFileSync(path, 'utf8');
    rmSync(path, { force: true });
    return text;
  } catch {
    return '';
  }
}
