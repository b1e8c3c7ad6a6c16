// The workspace's git commit for env.json, read from .git files directly: no `git` process, so nothing in an
// untrusted repository's config (hooks, fsmonitor) can run.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export async function gitCommit(workspace: string): Promise<{ commit?: string; ref?: string } | undefined> {
  let gitDir = join(workspace, '.git');
  try {
    const s = await stat(gitDir);
    if (s.isFile()) {
      // Worktrees and submodules: ".git" is a file "gitdir: <path>".
      const m = /^gitdir:\s*(.+)$/m.exec(await readFile(gitDir, 'utf8'));
      if (!m) return undefined;
      gitDir = resolve(workspace, m[1].trim());
    }
    const head = (await readFile(join(gitDir, 'HEAD'), 'utf8')).trim();
    if (/^[0-9a-f]{40}$/.test(head)) return { commit: head };
    const ref = /^ref:\s*(.+)$/.exec(head)?.[1];
    if (!ref) return undefined;
    const direct = await readFile(join(gitDir, ref), 'utf8').then((t) => t.trim(), () => undefined);
    if (direct) return { commit: direct, ref };
    // Packed refs live in the common dir (for worktrees, <gitDir>/commondir points there).
    const common = await readFile(join(gitDir, 'commondir'), 'utf8').then((t) => resolve(gitDir, t.trim()), () => gitDir);
    const packed = await readFile(join(common, 'packed-refs'), 'utf8').catch(() => '');
    const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
    return { commit: line?.split(' ')[0], ref };
  } catch {
    return undefined;
  }
}
