// Warm PyTorch fork-server with real processes: the Python parent (resources/torch-warm-server.py) and forked
// children running a STAND-IN port (test/fixtures/standin-port): CI has no real nanobrag_torch (and no torch), so
// the stand-in honours the CLI contract with toy physics plus test hooks (crash, sleep, spawn a grandchild).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sparesFor, WarmTorchServer, WarmServerError } from '../../src/core/engines/torch/warm/server.ts';
import { isAlive } from '../../src/core/engines/process.ts';
import { makeTempDirSync } from '../helpers/tempDirs.ts';

const PYTHON = process.env.NB_TEST_PYTHON ?? 'python3';
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const STANDIN_SRC = join(REPO, 'test/fixtures/standin-port/src');
const SOURCES = join(REPO, 'test/fixtures/standin-port/two_sources_commented.txt');
const FLAGS = ['-default_F', '100', '-hdivrange', '0.5', '-hdivsteps', '3', '-distance', '231.274660', '-lambda', '0.9768',
  '-pixel', '0.172', '-detpixels_x', '64', '-detpixels_y', '48', '-oversample', '1', '-nonoise', '-nointerpolate'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function gone(pids: number[], withinMs = 3000): Promise<number[]> {
  const end = Date.now() + withinMs;
  let alive = pids.filter(isAlive);
  while (alive.length && Date.now() < end) { await sleep(25); alive = pids.filter(isAlive); }
  return alive;
}

/** Pids whose parent is `pid` (Linux /proc): the warm parent's spares and running children. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(d)] : [];
    } catch {
      return [];
    }
  });
}
async function spareChildren(pid: number, n: number): Promise<number[]> {
  for (let i = 0; i < 200 && childrenOf(pid).length < n; i++) await sleep(25);
  return childrenOf(pid).sort();
}

/** Wait until the client has seen its parent die (a run sent before that fails as "crashed", which is also fine). */
async function noticed(server: WarmTorchServer): Promise<void> {
  for (let i = 0; i < 200 && server.pid !== undefined; i++) await sleep(25);
  assert.equal(server.pid, undefined, 'the client noticed the dead parent');
}

let root: string;
let n = 0;
function scratch(): string {
  const d = join(root, `run${++n}`);
  mkdirSync(d);
  return d;
}
async function cold(args: string[], cwd: string, src = STANDIN_SRC) {
  const r = await execa(PYTHON, ['-m', 'nanobrag_torch', ...args], { cwd, env: { PYTHONPATH: src }, reject: false, stripFinalNewline: false, stdin: 'ignore' });
  return { exitCode: r.exitCode, signal: r.signal ?? undefined, stdout: String(r.stdout), stderr: String(r.stderr) };
}

before(() => { root = makeTempDirSync('nb-warm-test-'); });

describe('warm fork-server (stand-in port; real Python processes)', () => {
  const server = new WarmTorchServer({ python: PYTHON, env: { PYTHONPATH: STANDIN_SRC } });
  after(async () => { await server.dispose(); });

  it('produces the same float file, stdout, stderr and exit status as a cold `python -m nanobrag_torch`', async () => {
    const variants: { name: string; args: string[] }[] = [
      { name: 'divergence case', args: [...FLAGS, '-floatfile', 'out.bin'] },
      { name: 'source file with a warning on stderr', args: ['-sourcefile', SOURCES, ...FLAGS, '-floatfile', 'out.bin'] },
      { name: 'bad flag (exit 2)', args: [...FLAGS, '-no_such_flag'] },
      { name: 'sys.exit(3)', args: ['-standin_exit', '3'] },
      { name: 'missing -mat file (exit 1)', args: ['-mat', 'nowhere.mat', ...FLAGS] },
    ];
    for (const v of variants) {
      const cdir = scratch();
      const wdir = scratch();
      const c = await cold(v.args, cdir);
      const w = await server.run({ argv: v.args, cwd: wdir });
      assert.equal(w.exitCode, c.exitCode, `${v.name}: exit status`);
      assert.equal(w.signal, c.signal, `${v.name}: signal`);
      assert.equal(w.stdout, c.stdout, `${v.name}: stdout`);
      assert.equal(w.stderr, c.stderr, `${v.name}: stderr`);
      if (c.exitCode === 0) {
        const cb = readFileSync(join(cdir, 'out.bin'));
        assert.equal(cb.length, 64 * 48 * 4);
        assert.ok(cb.equals(readFileSync(join(wdir, 'out.bin'))), `${v.name}: float file bytes`);
      }
    }
  });

  it('reports an uncaught exception like the CLI: traceback on stderr, exit 1', async () => {
    const c = await cold(['-standin_raise', 'port bug'], scratch());
    const w = await server.run({ argv: ['-standin_raise', 'port bug'], cwd: scratch() });
    assert.equal(c.exitCode, 1);
    assert.equal(w.exitCode, 1);
    assert.match(w.stderr, /^Traceback \(most recent call last\):/);
    assert.equal(w.stderr.trim().split('\n').pop(), 'RuntimeError: port bug');
    assert.doesNotMatch(w.stderr, /torch-warm-server\.py/, 'our own frames are not shown');
  });

  it('captures output written straight to fds 1 and 2 (as C extensions do), in the run folder, with the env', async () => {
    const cwd = scratch();
    const w = await server.run({ argv: ['-standin_fd_write', '-standin_print_env', '-detpixels', '4'], cwd, env: { KMP_DUPLICATE_LIB_OK: 'TRUE' } });
    assert.equal(w.exitCode, 0);
    assert.match(w.stdout, /STANDIN_FD1 written below/);
    assert.match(w.stderr, /STANDIN_FD2 written below/);
    assert.match(w.stdout, new RegExp(`STANDIN_ENV cwd=${cwd} KMP=TRUE argv0=__main__.py`));
  });

  it('runs concurrent requests in separate children of one parent', async () => {
    const parent = server.pid;
    const [a, b] = await Promise.all([
      server.run({ argv: [...FLAGS, '-floatfile', 'a.bin'], cwd: scratch() }),
      server.run({ argv: ['-sourcefile', SOURCES, ...FLAGS, '-floatfile', 'b.bin'], cwd: scratch() }),
    ]);
    assert.equal(a.exitCode, 0);
    assert.equal(b.exitCode, 0);
    assert.notEqual(a.pid, b.pid);
    assert.equal(a.serverPid, parent);
    assert.equal(b.serverPid, parent);
  });

  it('a crashing child (SIGSEGV) fails only its own run; the parent keeps serving', async () => {
    const parent = server.pid;
    const w = await server.run({ argv: ['-standin_crash', 'segv'], cwd: scratch() });
    assert.equal(w.signal, 'SIGSEGV');
    assert.equal(w.exitCode, undefined);
    const next = await server.run({ argv: ['-detpixels', '4'], cwd: scratch() });
    assert.equal(next.exitCode, 0);
    assert.equal(server.pid, parent);
    assert.equal(next.serverPid, parent);
  });

  it('cancel kills the child and what it spawned, fast', async () => {
    const ac = new AbortController();
    const pidfile = join(root, 'cancel.pids');
    const p = server.run({ argv: ['-standin_spawn_sleep', '60', '-standin_pidfile', pidfile, '-standin_sleep', '60'], cwd: scratch(), signal: ac.signal });
    for (let i = 0; i < 400 && !existsSync(pidfile); i++) await sleep(25);
    const [child, grandchild] = readFileSync(pidfile, 'utf8').trim().split(' ').map(Number);
    assert.ok([child, grandchild].every(isAlive), 'running before the cancel');
    const t0 = Date.now();
    ac.abort();
    const w = await p;
    assert.equal(w.cancelled, true);
    assert.equal(w.pid, child);
    assert.ok(Date.now() - t0 < 3000, `cancel took ${Date.now() - t0} ms`);
    assert.match(w.stdout, new RegExp(`STANDIN_GRANDCHILD ${grandchild}`), 'output up to the cancel is kept');
    assert.deepEqual(await gone([child, grandchild]), []);
    assert.ok(server.pid && isAlive(server.pid), 'the parent survives a cancel');
  });

  it('a timeout stops the run and says so', async () => {
    const w = await server.run({ argv: ['-standin_sleep', '60'], cwd: scratch(), timeoutMs: 400 });
    assert.equal(w.timedOut, true);
    assert.equal(w.cancelled, false);
    assert.deepEqual(await gone([w.pid!]), []);
  });

  it('an abort before the run starts does nothing and reports a cancel', async () => {
    const ac = new AbortController();
    ac.abort();
    const w = await server.run({ argv: ['-detpixels', '4', '-floatfile', 'x.bin'], cwd: scratch(), signal: ac.signal });
    assert.equal(w.cancelled, true);
    assert.equal(w.pid, undefined);
  });
});

describe('warm fork-server: spares (children forked and pre-faulted ahead of their run while the parent idles)', () => {
  const args = ['-sourcefile', SOURCES, ...FLAGS, '-floatfile', 'out.bin'];
  async function sameAsCold(w: { exitCode?: number; stdout: string; stderr: string }, wdir: string): Promise<void> {
    const cdir = scratch();
    const c = await cold(args, cdir);
    assert.equal(w.exitCode, c.exitCode);
    assert.equal(w.stdout, c.stdout);
    assert.equal(w.stderr, c.stderr);
    assert.ok(readFileSync(join(cdir, 'out.bin')).equals(readFileSync(join(wdir, 'out.bin'))), 'float file bytes');
  }

  it('keeps spares while idle; the next request runs in one of them, with the output of a cold run', async () => {
    const server = new WarmTorchServer({ python: PYTHON, env: { PYTHONPATH: STANDIN_SRC }, spares: 2 });
    try {
      assert.equal((await server.run({ argv: ['-detpixels', '4'], cwd: scratch() })).exitCode, 0);
      const spares = await spareChildren(server.pid!, 2);
      assert.equal(spares.length, 2, 'two spares wait while the parent idles');
      const wdir = scratch();
      const w = await server.run({ argv: args, cwd: wdir });
      assert.equal(w.spare, true);
      assert.ok(spares.includes(w.pid!), 'ran in a spare that was waiting before the request');
      await sameAsCold(w, wdir);
      const [a, b] = await Promise.all([0, 1].map(async () => { const d = scratch(); return { d, r: await server.run({ argv: args, cwd: d }) }; }));
      assert.notEqual(a.r.pid, b.r.pid);
      for (const x of [a, b]) await sameAsCold(x.r, x.d);
    } finally {
      await server.dispose();
    }
  });

  it('a spare that died before its request never loses the run: a fresh fork serves it', async () => {
    const server = new WarmTorchServer({ python: PYTHON, env: { PYTHONPATH: STANDIN_SRC }, spares: 2 });
    try {
      assert.equal((await server.run({ argv: ['-detpixels', '4'], cwd: scratch() })).exitCode, 0);
      const parent = server.pid!;
      const spares = await spareChildren(parent, 2);
      assert.equal(spares.length, 2);
      const wdir = scratch();
      let run: Promise<Awaited<ReturnType<WarmTorchServer['run']>>>;
      process.kill(parent, 'SIGSTOP'); // the request reaches the parent before it learns that its spares died
      try {
        for (const p of spares) process.kill(p, 'SIGKILL');
        run = server.run({ argv: args, cwd: wdir });
        await sleep(200);
      } finally {
        process.kill(parent, 'SIGCONT');
      }
      const w = await run;
      assert.equal(w.spare, false);
      assert.ok(!spares.includes(w.pid!));
      await sameAsCold(w, wdir);
    } finally {
      await server.dispose();
    }
  });

  it('with spares: 0 no child waits while idle and every run is forked at its request', async () => {
    const server = new WarmTorchServer({ python: PYTHON, env: { PYTHONPATH: STANDIN_SRC }, spares: 0 });
    try {
      assert.equal((await server.run({ argv: ['-detpixels', '4'], cwd: scratch() })).exitCode, 0);
      await sleep(300);
      assert.deepEqual(childrenOf(server.pid!), []);
      const wdir = scratch();
      const w = await server.run({ argv: args, cwd: wdir });
      assert.equal(w.spare, false);
      await sameAsCold(w, wdir);
    } finally {
      await server.dispose();
    }
  });

  it('NB_PARITY_WARM_SPARES sets the spares of a new parent when the option is unset (0: none; 1: one)', async () => {
    assert.equal(sparesFor(undefined, { NB_PARITY_WARM_SPARES: ' 1 ' }), 1);
    assert.equal(sparesFor(2, { NB_PARITY_WARM_SPARES: '0' }), 2, 'the option wins');
    for (const bad of ['', 'two', '-1', '1.5']) assert.equal(sparesFor(undefined, { NB_PARITY_WARM_SPARES: bad }), undefined, bad);
    const saved = process.env.NB_PARITY_WARM_SPARES;
    try {
      for (const [value, want] of [['1', 1], ['0', 0]] as const) {
        process.env.NB_PARITY_WARM_SPARES = value;
        const server = new WarmTorchServer({ python: PYTHON, env: { PYTHONPATH: STANDIN_SRC } });
        try {
          assert.equal((await server.run({ argv: ['-detpixels', '4'], cwd: scratch() })).exitCode, 0);
          await spareChildren(server.pid!, want);
          await sleep(800); // past the refill delay: no more come
          assert.equal(childrenOf(server.pid!).length, want, `NB_PARITY_WARM_SPARES=${value}`);
        } finally {
          await server.dispose();
        }
      }
    } finally {
      if (saved === undefined) delete process.env.NB_PARITY_WARM_SPARES; else process.env.NB_PARITY_WARM_SPARES = saved;
    }
  });

  it('spares go with their parent: on dispose, and when the parent is SIGKILLed', async () => {
    const a = new WarmTorchServer({ python: PYTHON, env: { PYTHONPATH: STANDIN_SRC }, spares: 2 });
    await a.run({ argv: ['-detpixels', '4'], cwd: scratch() });
    const aParent = a.pid!;
    const aSpares = await spareChildren(aParent, 2);
    assert.equal(aSpares.length, 2);
    await a.dispose();
    assert.deepEqual(await gone([aParent, ...aSpares]), []);

    const b = new WarmTorchServer({ python: PYTHON, env: { PYTHONPATH: STANDIN_SRC }, spares: 2 });
    try {
      await b.run({ argv: ['-detpixels', '4'], cwd: scratch() });
      const bParent = b.pid!;
      const bSpares = await spareChildren(bParent, 2);
      assert.equal(bSpares.length, 2);
      process.kill(bParent, 'SIGKILL');
      assert.deepEqual(await gone([bParent, ...bSpares]), [], 'PR_SET_PDEATHSIG takes the spares along');
    } finally {
      await b.dispose();
    }
  });
});

describe('warm fork-server: fresh port code, crashes of the parent, stale torch, no orphans', () => {
  it('picks up edits to the port source on the next run (the parent never imports the port)', async () => {
    const ws = join(root, 'ws-edit');
    cpSync(STANDIN_SRC, join(ws, 'src'), { recursive: true });
    const src = join(ws, 'src');
    const server = new WarmTorchServer({ python: PYTHON, env: { PYTHONPATH: src } });
    try {
      const args = [...FLAGS, '-floatfile', 'o.bin'];
      const d1 = scratch();
      assert.equal((await server.run({ argv: args, cwd: d1 })).exitCode, 0);
      const physics = join(src, 'nanobrag_torch', 'physics.py');
      writeFileSync(physics, readFileSync(physics, 'utf8').replace('SCALE = 1.0', 'SCALE = 2.75  # edited by the test'));
      const d2 = scratch();
      const w2 = await server.run({ argv: args, cwd: d2 });
      assert.equal(w2.exitCode, 0);
      assert.equal(w2.serverPid, server.pid, 'same warm parent');
      assert.equal(w2.spare, true, 'run by a spare forked before the edit: the port is imported only when the request comes');
      const before = readFileSync(join(d1, 'o.bin'));
      const afterEdit = readFileSync(join(d2, 'o.bin'));
      assert.ok(!before.equals(afterEdit), 'the edit changed the image');
      const cdir = scratch();
      await cold(args, cdir, src);
      assert.ok(readFileSync(join(cdir, 'o.bin')).equals(afterEdit), 'warm after the edit = cold after the edit');
    } finally {
      await server.dispose();
    }
  });

  it('with PYTHONDONTWRITEBYTECODE the port\'s bytecode is kept hash-checked in the server\'s folder: none in the checkout, and an edit of the same size and mtime is seen', async () => {
    const ws = join(root, 'ws-bytecode');
    cpSync(STANDIN_SRC, join(ws, 'src'), { recursive: true });
    const src = join(ws, 'src');
    const server = new WarmTorchServer({ python: PYTHON, env: { PYTHONPATH: src, PYTHONDONTWRITEBYTECODE: '1' } });
    try {
      const args = [...FLAGS, '-floatfile', 'o.bin'];
      const d1 = scratch();
      assert.equal((await server.run({ argv: args, cwd: d1 })).exitCode, 0);
      const pycache = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.pyc'));
      assert.deepEqual(pycache(src), [], 'no .pyc written into the checkout');
      const kept = pycache(join((server as unknown as { tmpDir: string }).tmpDir, 'bytecode')).filter((f) => f.includes('nanobrag_torch'));
      assert.ok(kept.some((f) => /physics\.cpython-\d+\.pyc$/.test(f)), `the port's modules compiled in the server's folder: ${kept.join(', ')}`);
      for (const f of kept) {
        const flags = readFileSync(join((server as unknown as { tmpDir: string }).tmpDir, 'bytecode', f)).readUInt32LE(4);
        assert.equal(flags, 3, `${f} is a checked hash-based .pyc`);
      }
      // The same size and the same mtime: a timestamp-checked .pyc would be taken as current.
      const physics = join(src, 'nanobrag_torch', 'physics.py');
      const st = statSync(physics);
      const text = readFileSync(physics, 'utf8');
      assert.ok(text.includes('SCALE = 1.0'));
      writeFileSync(physics, text.replace('SCALE = 1.0', 'SCALE = 2.5'));
      utimesSync(physics, st.atime, st.mtime);
      const d2 = scratch();
      assert.equal((await server.run({ argv: args, cwd: d2 })).exitCode, 0);
      const afterEdit = readFileSync(join(d2, 'o.bin'));
      assert.ok(!readFileSync(join(d1, 'o.bin')).equals(afterEdit), 'the edit changed the image');
      const cdir = scratch();
      await cold(args, cdir, src);
      assert.ok(readFileSync(join(cdir, 'o.bin')).equals(afterEdit), 'warm after the edit = cold after the edit');
    } finally {
      await server.dispose();
    }
  });

  it('restarts a killed parent once, then refuses so the runner goes cold', async () => {
    const server = new WarmTorchServer({ python: PYTHON, env: { PYTHONPATH: STANDIN_SRC } });
    try {
      const first = await server.run({ argv: ['-detpixels', '4'], cwd: scratch() });
      assert.equal(first.exitCode, 0);
      const p1 = server.pid!;
      const life1 = server.life;
      process.kill(p1, 'SIGKILL');
      await noticed(server);
      const second = await server.run({ argv: ['-detpixels', '4'], cwd: scratch() });
      assert.equal(second.exitCode, 0);
      assert.equal(second.coldStart, true);
      assert.notEqual(second.serverPid, p1);
      assert.ok(server.life > life1, 'a new worker life');
      process.kill(server.pid!, 'SIGKILL');
      await noticed(server);
      await assert.rejects(server.run({ argv: ['-detpixels', '4'], cwd: scratch() }),
        (e: unknown) => e instanceof WarmServerError && e.kind === 'unavailable' && /crashed 2 times/.test(e.message));
    } finally {
      await server.dispose();
    }
  });

  it('a parent killed mid-run fails that run with a WarmServerError and leaves no child behind', async () => {
    const server = new WarmTorchServer({ python: PYTHON, env: { PYTHONPATH: STANDIN_SRC } });
    try {
      const pidfile = join(root, 'midrun.pids');
      const run = server.run({ argv: ['-standin_spawn_sleep', '60', '-standin_pidfile', pidfile, '-standin_sleep', '60'], cwd: scratch() });
      for (let i = 0; i < 400 && !existsSync(pidfile); i++) await sleep(25);
      const [child, grandchild] = readFileSync(pidfile, 'utf8').trim().split(' ').map(Number);
      // The child writes its pidfile before the parent's 'started' line may have reached us: wait for that line.
      for (let i = 0; i < 200 && !server.runningPids.includes(child); i++) await sleep(10);
      assert.deepEqual(server.runningPids, [child]);
      process.kill(server.pid!, 'SIGKILL');
      await assert.rejects(run, (e: unknown) => e instanceof WarmServerError && e.kind === 'crashed');
      assert.deepEqual(await gone([child, grandchild]), []);
    } finally {
      await server.dispose();
    }
  });

  it('restarts the parent when torch changes on disk (stand-in torch package appears)', async (t) => {
    const extra = join(root, 'site-extra');
    mkdirSync(extra, { recursive: true });
    const server = new WarmTorchServer({ python: PYTHON, env: { PYTHONPATH: `${STANDIN_SRC}:${extra}` } });
    try {
      const a = await server.run({ argv: ['-detpixels', '4'], cwd: scratch() });
      assert.equal(a.exitCode, 0);
      const probe = await execa(PYTHON, ['-c', 'import importlib.util as u; print(u.find_spec("torch") is not None)'], { reject: false });
      if (String(probe.stdout).trim() === 'True') { t.skip(`${PYTHON} has a real torch: a stand-in torch cannot appear`); return; }
      assert.equal(server.info?.torch, null);
      mkdirSync(join(extra, 'torch'));
      writeFileSync(join(extra, 'torch', '__init__.py'), '__version__ = "0.0-standin"\n');
      writeFileSync(join(extra, 'torch', 'version.py'), '__version__ = "0.0-standin"\n');
      const b = await server.run({ argv: ['-detpixels', '4'], cwd: scratch() });
      assert.equal(b.exitCode, 0);
      assert.notEqual(b.serverPid, a.serverPid, 'a new parent');
      assert.equal(server.info?.torch, '0.0-standin');
      assert.equal(server.crashes, 0, 'a stale restart is not a crash');
    } finally {
      await server.dispose();
    }
  });

  it('with a real torch: a port computing with torch threads gives the same bytes warm and cold', async (t) => {
    const probe = await execa(PYTHON, ['-c', 'import torch'], { reject: false });
    if (probe.exitCode !== 0) { t.skip(`${PYTHON} has no torch (e.g. apt-get install python3-torch)`); return; }
    // A throwaway port whose image comes from torch ops on several intra-op threads: the pool is created in the
    // forked child (the parent imported torch but never ran an op), so nothing from the parent's threads is reused.
    const src = join(root, 'torch-port');
    mkdirSync(join(src, 'nanobrag_torch'), { recursive: true });
    writeFileSync(join(src, 'nanobrag_torch', '__init__.py'), '');
    writeFileSync(join(src, 'nanobrag_torch', '__main__.py'), [
      'import sys, torch',
      'torch.set_num_threads(2)',
      'n = int(sys.argv[sys.argv.index("-detpixels") + 1])',
      'g = torch.linspace(-3, 3, n, dtype=torch.float32)',
      'img = torch.exp(-(g[:, None] ** 2 + g[None, :] ** 2)) @ torch.sin(torch.outer(g, g))',
      'img = img + torch.randn(n, n, generator=torch.Generator().manual_seed(7))',
      'open(sys.argv[sys.argv.index("-floatfile") + 1], "wb").write(img.contiguous().numpy().tobytes())',
      'print("torch", torch.__version__, "threads", torch.get_num_threads(), "sum %.6e" % img.double().sum().item())',
    ].join('\n'));
    const server = new WarmTorchServer({ python: PYTHON, env: { PYTHONPATH: src } });
    try {
      const args = ['-detpixels', '300', '-floatfile', 't.bin'];
      const cdir = scratch();
      const c = await cold(args, cdir, src);
      assert.equal(c.exitCode, 0, c.stderr);
      for (let i = 0; i < 2; i++) {
        const wdir = scratch();
        const w = await server.run({ argv: args, cwd: wdir });
        assert.equal(w.exitCode, 0, w.stderr);
        assert.equal(w.stdout, c.stdout);
        assert.ok(readFileSync(join(wdir, 't.bin')).equals(readFileSync(join(cdir, 't.bin'))), `run ${i}: same bytes`);
      }
      assert.ok(server.info?.torch, 'the parent pre-imported torch');
    } finally {
      await server.dispose();
    }
  });

  it('dispose kills the parent and running children; nothing is left', async () => {
    const server = new WarmTorchServer({ python: PYTHON, env: { PYTHONPATH: STANDIN_SRC } });
    const run = server.run({ argv: ['-standin_spawn_sleep', '60', '-standin_sleep', '60'], cwd: scratch() });
    for (let i = 0; i < 200 && server.runningPids.length === 0; i++) await sleep(25);
    const pids = [server.pid!, ...server.runningPids];
    assert.equal(pids.length, 2);
    await server.dispose();
    const w = await run.catch((e: unknown) => e);
    assert.ok(!(w instanceof Error) || w instanceof WarmServerError);
    assert.deepEqual(await gone(pids), []);
    await assert.rejects(server.run({ argv: [], cwd: scratch() }), (e: unknown) => e instanceof WarmServerError && e.kind === 'disposed');
  });

  it('a SIGKILLed client takes the parent, the child and its grandchild with it', async () => {
    const pidfile = join(root, 'hold.pids');
    const host = execa('node', ['--import', 'tsx', join(REPO, 'test/fixtures/standin-port/helpers/warm-host.ts'), 'hold', PYTHON, STANDIN_SRC, scratch(), pidfile],
      { cwd: REPO, reject: false, stdin: 'ignore' });
    let line = '';
    for await (const chunk of host.stdout!) { line += String(chunk); if (line.includes('\n')) break; }
    const { server, children } = JSON.parse(line) as { server: number; children: number[] };
    const [child, grandchild] = readFileSync(pidfile, 'utf8').trim().split(' ').map(Number);
    assert.deepEqual(children, [child]);
    assert.ok([server, child, grandchild].every(isAlive), 'all three running before the kill');
    host.kill('SIGKILL');
    await host;
    assert.deepEqual(await gone([server, child, grandchild], 5000), []);
  });

  it('an idle server does not keep the client process alive, and goes away with it', async () => {
    const t0 = Date.now();
    const r = await execa('node', ['--import', 'tsx', join(REPO, 'test/fixtures/standin-port/helpers/warm-host.ts'), 'idle-exit', PYTHON, STANDIN_SRC, scratch()],
      { cwd: REPO, reject: false, stdin: 'ignore', timeout: 30_000 });
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.ok(Date.now() - t0 < 30_000);
    const { server, child, exitCode } = JSON.parse(String(r.stdout)) as { server: number; child: number; exitCode: number };
    assert.equal(exitCode, 0);
    assert.deepEqual(await gone([server, child]), []);
  });

  it('stops after the idle time and starts again on the next run (not counted as a crash)', async () => {
    const server = new WarmTorchServer({ python: PYTHON, env: { PYTHONPATH: STANDIN_SRC }, idleMs: 300 });
    try {
      const a = await server.run({ argv: ['-detpixels', '4'], cwd: scratch() });
      assert.equal(a.coldStart, true);
      const b = await server.run({ argv: ['-detpixels', '4'], cwd: scratch() });
      assert.equal(b.coldStart, false, 'within the idle time the parent is reused');
      await sleep(300);
      for (let i = 0; i < 200 && server.pid !== undefined; i++) await sleep(25);
      assert.equal(server.pid, undefined, 'stopped when idle');
      assert.deepEqual(await gone([a.serverPid!]), []);
      const c = await server.run({ argv: ['-detpixels', '4'], cwd: scratch() });
      assert.equal(c.exitCode, 0);
      assert.equal(c.coldStart, true);
      assert.equal(server.crashes, 0);
      // A run that arrives while the parent is being stopped waits for it and gets a new one.
      const stopping = server.stop();
      const d = await server.run({ argv: ['-detpixels', '4'], cwd: scratch() });
      await stopping;
      assert.equal(d.exitCode, 0);
      assert.notEqual(d.serverPid, c.serverPid);
      assert.equal(d.coldStart, true);
      assert.equal(server.crashes, 0);
    } finally {
      await server.dispose();
    }
  });

  it('names the interpreter when it cannot start', async () => {
    const server = new WarmTorchServer({ python: join(root, 'no-such-python') });
    await assert.rejects(server.run({ argv: [], cwd: scratch() }),
      (e: unknown) => e instanceof WarmServerError && e.kind === 'start-failed' && e.message.includes('no-such-python'));
    await server.dispose();
  });
});
