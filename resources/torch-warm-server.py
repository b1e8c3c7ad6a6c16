"""nanoBragg Parity: warm fork-server for `python -m nanobrag_torch` runs.

A long-lived parent that pays `import torch` (and numpy) once, then forks one child per run. The child
changes into the run's folder, takes the run's environment, argv and sys.path, imports the port fresh from
disk and runs it exactly like `python -m nanobrag_torch`, with fds 1/2 redirected to files so output from C
extensions is captured too. The parent never imports the port, so edits to it are seen by the next run.

Spares: while no run is in flight the parent keeps up to `--spares N` children forked ahead of time (default: one per
CPU, at most 2). A spare does nothing of the run's yet: it takes its own process group, then pre-faults its memory
(copy-on-write pages of the parent and a pool of fresh heap) and waits for one request on a private pipe; from there it
is exactly a freshly forked child. Page faults are most of a forked child's cost on machines where they are slow
(virtual machines with shadow paging: ~20 us each, 10-15 thousand per run); a spare takes them while the server idles.

Protocol: one JSON object per line. Requests on stdin, replies on the original stdout (fd 1 is re-pointed at
stderr so stray prints from imports cannot corrupt the protocol).
  -> {"type":"run","id","argv","cwd","env","stdoutPath","stderrPath","module"?,"umask"?}
  <- {"type":"started","id","pid","spare"} then {"type":"done","id","pid","exitCode","signal","cancelled","wallMs","spare"}
  <- {"type":"rejected","id","reason","message"}   (reason "stale": torch changed on disk since start-up)
  -> {"type":"cancel","id"}      kills the child's whole process group
  -> {"type":"ping","id"}  <- {"type":"pong","id"}
  -> {"type":"shutdown"} or EOF on stdin or SIGTERM/SIGHUP: kill every child, reap, exit 0.
First line written: {"type":"hello","pid","python","executable","fork","torch","torchFile","numpy","importMs"}.
"""

import json
import os
import select
import selectors
import signal
import sys
import time
import traceback

SERVER_FILE = os.path.abspath(__file__)
PORT_MODULE_DEFAULT = "nanobrag_torch"
MADV_POPULATE_WRITE = 23  # Linux 5.14+: fault pages in (breaking copy-on-write) in one call
SPARE_REFILL_DELAY = 0.3  # s idle before spares are made again: not beside the client's work on the runs just ended
BYTECODE_DIR = None  # <output folder>/bytecode: the port's compiled modules when the environment forbids __pycache__
SPARE_POOL_CHUNKS = 3  # x 16 MiB of heap pre-faulted per spare: a 256x256 run of the port allocates ~20-30 MiB


def _set_parent_death_signal(sig):
    """Linux only: ask the kernel to send `sig` to this process when its parent dies."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except Exception:
        return False


def _base_sys_path():
    """sys.path as a `python -m` run would have it, minus the entries that depend on the run:
    our script folder (sys.path[0]) and the parent's own PYTHONPATH entries."""
    own = set()
    for p in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        if p:
            own.add(os.path.abspath(p))
    rest = sys.path[1:]
    return [p for p in rest if not (p and os.path.abspath(p) in own)]


def _preimport():
    """Import torch and numpy when importable; never the port. Returns facts for the hello line."""
    import importlib.util

    facts = {"torch": None, "torchFile": None, "numpy": None, "importErrors": {}}
    t0 = time.monotonic()
    for name in ("numpy", "torch"):
        try:
            if importlib.util.find_spec(name) is None:
                continue
            mod = __import__(name)
            facts[name] = str(getattr(mod, "__version__", "unknown"))
            if name == "torch":
                facts["torchFile"] = getattr(mod, "__file__", None)
        except Exception as exc:  # a broken install must not stop the server: runs will report it
            facts["importErrors"][name] = "%s: %s" % (type(exc).__name__, exc)
    facts["importMs"] = round((time.monotonic() - t0) * 1000.0, 1)
    return facts


def _torch_fingerprint():
    """Something that changes when torch is installed, removed or upgraded on disk."""
    mod = sys.modules.get("torch")
    if mod is not None:
        folder = os.path.dirname(getattr(mod, "__file__", "") or "")
        try:
            st = os.stat(os.path.join(folder, "version.py"))
            return "file:%s:%d" % (folder, st.st_mtime_ns)
        except OSError:
            try:
                return "dir:%s:%d" % (folder, os.stat(folder).st_mtime_ns)
            except OSError:
                return "gone:" + folder
    import importlib.util

    importlib.invalidate_caches()
    return "absent" if importlib.util.find_spec("torch") is None else "appeared"


# ----------------------------------------------------------------------------------------------- child


def _exit_code_of(exc):
    """How CPython turns SystemExit into an exit status (printing non-int codes to stderr)."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, bool):
        return int(code)
    if isinstance(code, int):
        return code & 0xFF
    try:
        sys.stderr.write(str(code) + "\n")
    except Exception:
        pass
    return 1


def _print_uncaught(exc_type, exc, tb):
    """Print like the interpreter would, without our own frames at the top of the traceback."""
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) == SERVER_FILE:
        tb = tb.tb_next
    if exc is not None:
        exc.__traceback__ = tb  # the hook prints the exception's own traceback on 3.11+
    try:
        sys.excepthook(exc_type, exc, tb)
    except Exception:
        traceback.print_exception(exc_type, exc, tb)


def _become_run_process(parent_pid, close_fds):
    """First steps of a forked child (a run or a spare): own group, dies with the parent, fresh signals, no parent fds."""
    # Own process group: the client cancels the run (and anything it spawned) with one killpg.
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    _set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died between fork and prctl
        os._exit(1)
    # Signal dispositions of a fresh interpreter.
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for fd in close_fds:
        try:
            os.close(fd)
        except OSError:
            pass


class _Prefault:
    """Take a run's page faults in bulk (MADV_POPULATE_WRITE, Linux 5.14+) instead of one by one: where faults are slow
    (virtual machines with shadow paging: ~20 us each) a child's 10-15 thousand faults were most of its run. Only where
    memory sits changes, never a value. `waiting()` true stops it (a spare's request came)."""

    def __init__(self, waiting=lambda: False):
        import ctypes

        self.ctypes = ctypes
        self.waiting = waiting
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.madvise = self.libc.madvise
        self.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
        self.madvise.restype = ctypes.c_int

    def populate(self, start, end, stoppable=True):
        """False when the kernel lacks MADV_POPULATE_WRITE or the request came; skips ranges it refuses."""
        step = 8 << 20
        for a in range(start, end, step):
            if stoppable and self.waiting():
                return False
            if self.madvise(a, min(step, end - a), MADV_POPULATE_WRITE) != 0 and self.ctypes.get_errno() == 22:  # EINVAL
                return False
        return True

    def heap_pool(self):
        """glibc: keep freed memory in the heap (M_TRIM_THRESHOLD) and serve every block from it (M_MMAP_THRESHOLD,
        M_MMAP_MAX), then fault in a pool of heap that the run's tensors reuse. ~10 ms; False when not possible."""
        ctypes, libc = self.ctypes, self.libc
        try:
            malloc, free, mallopt = libc.malloc, libc.free, libc.mallopt
        except AttributeError:
            return False
        malloc.restype, malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
        free.argtypes = [ctypes.c_void_p]
        mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        if mallopt(-1, 256 << 20) != 1 or mallopt(-3, 32 << 20) != 1:
            return False
        # ... and no mmap for larger blocks either (M_MMAP_MAX 0): a big case allocating and freeing 100 MiB tensors
        # mapped, faulted in and unmapped them over and over (AT-PARALLEL-020/comprehensive: 1.2 million faults, half
        # its 15 s); from the heap they are reused. The heap still grows by mmap when brk cannot.
        mallopt(-4, 0)
        chunk, page = 16 << 20, 4096
        blocks = [malloc(chunk) for _ in range(SPARE_POOL_CHUNKS)]
        try:
            return all(self.populate((b + page - 1) // page * page, (b + chunk) // page * page, False) for b in blocks if b)
        finally:
            for b in blocks:
                if b:
                    free(b)

    def private_copies(self):
        """Write-fault every private anonymous mapping: the parent's heap and arenas, shared copy-on-write until now."""
        try:
            with open("/proc/self/maps") as maps:
                lines = maps.readlines()
        except OSError:
            return
        for line in lines:
            parts = line.split()
            name = parts[5] if len(parts) > 5 else ""
            if parts[1] != "rw-p" or (name and name not in ("[heap]", "[stack]")):
                continue
            start, end = (int(x, 16) for x in parts[0].split("-"))
            if end - start <= (256 << 20) and not self.populate(start, end):  # skip large untouched reservations
                return


def _prefault(waiting=None, copies=False):
    if not sys.platform.startswith("linux"):
        return
    try:
        pf = _Prefault(waiting or (lambda: False))
        if pf.heap_pool() and copies:
            pf.private_copies()
    except Exception:  # an optimisation only: the run goes on without it
        pass


def _spare_main(request_fd, parent_pid, close_fds, prefault, copies=True):
    """A child forked ahead of its run: pre-fault, then wait for the run request (EOF: not needed, exit)."""
    _become_run_process(parent_pid, close_fds)
    null_fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null_fd, 0)  # not the client's protocol pipe
    os.close(null_fd)
    if prefault:
        _prefault(lambda: bool(select.select([request_fd], [], [], 0)[0]), copies=copies)
    chunks = []
    while True:
        chunk = os.read(request_fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(request_fd)
    if not chunks:
        os._exit(0)
    _child_main(json.loads(b"".join(chunks).decode("utf-8")), parent_pid, [], spare=True)


def _private_bytecode(root):
    """With PYTHONDONTWRITEBYTECODE (no __pycache__ in the checkout) every run compiled the port afresh: 30-50 ms of
    a 0.2 s warm child here. Keep the compiled modules in the server's own folder instead (sys.pycache_prefix), the
    port's as hash-checked .pyc files: the import compares them with the source's hash, so an edit is seen even
    within the same second and at the same size. Other modules' .pyc go there too (timestamp-checked, as usual).
    Nothing changes when bytecode may be written or the user set their own prefix."""
    if not BYTECODE_DIR or not sys.dont_write_bytecode or sys.pycache_prefix:
        return
    import importlib.util
    import py_compile

    try:
        spec = importlib.util.find_spec(root)
    except (ImportError, ValueError):
        return
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return
    sources = [spec.origin]
    for folder in spec.submodule_search_locations or []:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            sources += [os.path.join(dirpath, f) for f in filenames if f.endswith(".py")]
    sys.pycache_prefix = BYTECODE_DIR
    sys.dont_write_bytecode = False
    for path in set(sources):
        try:
            with open(path, "rb") as f:
                digest = importlib.util.source_hash(f.read())
            cfile = importlib.util.cache_from_source(path)
            try:
                with open(cfile, "rb") as f:
                    head = f.read(16)
            except OSError:
                head = b""
            # Header of a checked hash-based .pyc: magic, flags 0b11, the source hash.
            if head == importlib.util.MAGIC_NUMBER + (3).to_bytes(4, "little") + digest:
                continue
            py_compile.compile(path, cfile=cfile, doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
        except Exception:  # a syntax error or an unreadable file: the import reports it as a cold run would
            pass


def _child_main(req, parent_pid, close_fds, spare=False):
    if not spare:  # a spare did these before it waited
        _become_run_process(parent_pid, close_fds)
        if req.get("_prefault"):
            _prefault()

    # fds 0/1/2 exactly like a CLI run with stdout/stderr going to files.
    out_fd = os.open(req["stdoutPath"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    err_fd = os.open(req["stderrPath"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    null_fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null_fd, 0)
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    for fd in (out_fd, err_fd, null_fd):
        os.close(fd)
    enc = sys.stdout.encoding or "utf-8"
    sys.stdin = sys.__stdin__ = open(0, "r", encoding=enc, closefd=False)
    sys.stdout = sys.__stdout__ = open(1, "w", encoding=enc, errors="strict", closefd=False)
    sys.stderr = sys.__stderr__ = open(2, "w", encoding=enc, errors="backslashreplace", closefd=False, buffering=1)

    cwd = req["cwd"]
    os.chdir(cwd)
    if isinstance(req.get("umask"), int):  # the client's, as a cold run would inherit it (not the parent's)
        os.umask(req["umask"])
    # Exactly the run's environment; only what differs is unset or set (each is a putenv, and a child here pays ~50).
    env = req.get("env") or {}
    for name in [k for k in os.environ if k not in env]:
        del os.environ[name]
    for name, value in env.items():
        if os.environ.get(name) != value:
            os.environ[name] = value

    # sys.path of `python -m`: the working folder, then PYTHONPATH, then the interpreter's own entries.
    pythonpath = [os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[:] = [os.getcwd()] + pythonpath + list(req["_basePath"])

    module = req.get("module") or PORT_MODULE_DEFAULT
    root = module.split(".")[0]
    for name in list(sys.modules):
        if name == root or name.startswith(root + "."):
            del sys.modules[name]
    import importlib

    # Finders forget what they listed, so a module added or edited since is found; 3.10+ also drops the cached
    # "no finder" entries and relative paths here. Clearing the whole cache as well cost ~11 ms of a child (freeing
    # torch's finders touches copy-on-write pages) and is only needed before 3.10.
    importlib.invalidate_caches()
    if sys.version_info < (3, 10):
        sys.path_importer_cache.clear()
    _private_bytecode(root)

    # A cold run seeds these from the OS each time; a forked child would inherit the parent's state.
    if "random" in sys.modules:
        sys.modules["random"].seed()
    np = sys.modules.get("numpy")
    if np is not None:
        try:
            np.random.seed()
        except Exception:
            pass

    sys.argv[:] = ["-m"] + [str(a) for a in req.get("argv") or []]
    code = 0
    try:
        import runpy

        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = _exit_code_of(exc)
    except KeyboardInterrupt:
        _print_uncaught(*sys.exc_info())
        code = -signal.SIGINT
    except BaseException:
        _print_uncaught(*sys.exc_info())
        code = 1

    # Interpreter shutdown as the CLI would do it: non-daemon threads, atexit, flushing.
    try:
        import threading

        threading._shutdown()
    except Exception:
        pass
    try:
        import atexit

        atexit._run_exitfuncs()
    except Exception:
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            if code == 0:
                code = 120
    if code == -signal.SIGINT:  # CPython re-raises an uncaught Ctrl-C as a real SIGINT death
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
        code = 130
    os._exit(code)


# ---------------------------------------------------------------------------------------------- parent


class Server:
    def __init__(self, proto_fd, spares=0, prefault=True):
        self.proto_fd = proto_fd
        self.runs = {}  # pid -> {"id", "t0", "cancelled", "spare"}
        self.by_id = {}  # id -> pid
        self.spares = []  # [{"pid", "fd"}]: children forked ahead of time, waiting for a request on fd
        self.spare_target = spares
        self.prefault = prefault
        self.served = 0
        self.spare_deaths = 0
        self.idle_since = None  # when the last run in flight ended (None: no run yet, make spares at once)
        self.base_path = _base_sys_path()
        self.inbuf = b""
        self.closing = False

    def send(self, obj):
        data = (json.dumps(obj, separators=(",", ":")) + "\n").encode("utf-8")
        view = memoryview(data)
        while view:
            try:
                n = os.write(self.proto_fd, view)
            except BrokenPipeError:
                self.closing = True
                return
            view = view[n:]

    def handle(self, line):
        try:
            msg = json.loads(line)
        except ValueError as exc:
            self.send({"type": "error", "message": "torch-warm-server: bad JSON request: %s" % exc})
            return
        kind = msg.get("type")
        if kind == "run":
            self.start_run(msg)
        elif kind == "cancel":
            self.cancel(msg.get("id"))
        elif kind == "ping":
            self.send({"type": "pong", "id": msg.get("id"), "active": len(self.runs)})
        elif kind == "shutdown":
            self.closing = True
        else:
            self.send({"type": "error", "id": msg.get("id"), "message": "torch-warm-server: unknown request type %r" % kind})

    def start_run(self, req):
        rid = req.get("id")
        missing = [k for k in ("id", "cwd", "stdoutPath", "stderrPath", "argv") if k not in req]
        if missing:
            self.send({"type": "rejected", "id": rid, "reason": "bad-request", "message": "missing fields: " + ", ".join(missing)})
            return
        if not os.path.isdir(req["cwd"]):
            self.send({"type": "rejected", "id": rid, "reason": "bad-request", "message": "run folder does not exist: " + req["cwd"]})
            return
        if _torch_fingerprint() != self.torch_fp:
            self.send({"type": "rejected", "id": rid, "reason": "stale", "message": "torch changed on disk since the warm server started"})
            return
        req["_basePath"] = self.base_path
        req["_prefault"] = self.prefault
        t0 = time.monotonic()
        pid = self.take_spare(req)
        spare = pid is not None
        if pid is None:
            pid = self.fork(lambda fds: _child_main(req, self.parent_pid, fds))
        self.runs[pid] = {"id": rid, "t0": t0, "cancelled": False, "spare": spare}
        self.by_id[rid] = pid
        self.send({"type": "started", "id": rid, "pid": pid, "spare": spare})

    def fork(self, child_main):
        """Fork a child that runs child_main(fds it must close) and never returns; the child's pid."""
        sys.stdout.flush()
        sys.stderr.flush()
        fds = [self.proto_fd, self.wake_r, self.wake_w, self.sel.fileno()] + [s["fd"] for s in self.spares]
        pid = os.fork()
        if pid == 0:
            try:
                child_main(fds)
            except BaseException:
                try:
                    traceback.print_exc()
                finally:
                    os._exit(70)
            os._exit(70)
        try:
            os.setpgid(pid, pid)  # also done by the child: whoever runs first wins the race
        except OSError:
            pass
        return pid

    def spare_wait(self):
        """Seconds until spares may be made, 0 when now, None when none are missing or a run is in flight."""
        if self.closing or self.runs or len(self.spares) >= self.spare_target:
            return None
        if self.idle_since is None:
            return 0.0
        return max(0.0, self.idle_since + SPARE_REFILL_DELAY - time.monotonic())

    def fill_spares(self):
        """Fork spares while idle (a run in flight would pay for their forks and faults), and only once the runs
        just ended have been idle a moment: the client is still filing their results (previews, bundle) then."""
        if self.spare_wait() != 0.0:
            return
        while not self.closing and not self.runs and len(self.spares) < self.spare_target:
            # Before the first run of this life has ended (a first call: the cold twin is importing torch on the other
            # core) a spare pre-faults only its heap pool (~10 ms), not the parent's pages (~0.15 s).
            copies = self.served > 0
            try:
                r, w = os.pipe()
                try:
                    pid = self.fork(lambda fds: _spare_main(r, self.parent_pid, fds + [w], self.prefault, copies))
                finally:
                    os.close(r)
            except OSError:  # out of processes or memory: runs fork at their request, as without spares
                try:
                    os.close(w)
                except (OSError, UnboundLocalError):
                    pass
                return
            os.set_blocking(w, False)
            self.spares.append({"pid": pid, "fd": w})

    def spare_died(self, spare):
        """A spare that ended before its request (it never should): after three, stop making them (no fork loop)."""
        self.spares.remove(spare)
        os.close(spare["fd"])
        if not self.closing:
            self.spare_deaths += 1
            if self.spare_deaths >= 3:
                self.spare_target = 0

    def take_spare(self, req):
        """Hand the request to a waiting spare; its pid, or None (none left, or it died: fork afresh)."""
        data = (json.dumps(req, separators=(",", ":")) + "\n").encode("utf-8")
        while self.spares:
            spare = self.spares.pop(0)
            fd, pid = spare["fd"], spare["pid"]
            try:
                view = memoryview(data)
                while view:
                    # a spare reads as soon as it sees the request; 5 s without progress means it is stuck
                    if not select.select([], [fd], [], 5.0)[1]:
                        raise OSError("spare %d is not reading its request" % pid)
                    try:
                        view = view[os.write(fd, view):]
                    except BlockingIOError:
                        pass
                os.close(fd)
                return pid
            except OSError:
                try:
                    os.close(fd)
                except OSError:
                    pass
                self.kill_group(pid)  # reaped like any child; its request goes to a fresh fork
        return None

    def cancel(self, rid):
        pid = self.by_id.get(rid)
        if pid is None:
            return
        self.runs[pid]["cancelled"] = True
        self.kill_group(pid)

    @staticmethod
    def kill_group(pid):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def reap(self, block=False):
        while self.runs or self.spares:
            try:
                pid, status = os.waitpid(-1, 0 if block else os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            for spare in [s for s in self.spares if s["pid"] == pid]:
                self.spare_died(spare)
            run = self.runs.pop(pid, None)
            if run is None:
                continue
            self.by_id.pop(run["id"], None)
            self.served += 1
            if not self.runs:
                self.idle_since = time.monotonic()
            exit_code, sig = None, None
            if os.WIFSIGNALED(status):
                try:
                    sig = signal.Signals(os.WTERMSIG(status)).name
                except ValueError:
                    sig = "SIG%d" % os.WTERMSIG(status)
            else:
                exit_code = os.WEXITSTATUS(status)
            # Anything the run left behind in its group dies with it, as it would under a cold run's cancel.
            if run["cancelled"]:
                self.kill_group(pid)
            self.send({
                "type": "done", "id": run["id"], "pid": pid, "exitCode": exit_code, "signal": sig,
                "cancelled": run["cancelled"], "wallMs": round((time.monotonic() - run["t0"]) * 1000.0, 2),
                "spare": run["spare"],
            })

    def shutdown(self):
        for pid in list(self.runs):
            self.runs[pid]["cancelled"] = True
            self.kill_group(pid)
        for spare in self.spares:
            self.kill_group(spare["pid"])
        self.reap(block=True)

    def serve(self, facts):
        self.parent_pid = os.getpid()
        self.torch_fp = _torch_fingerprint()
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)

        def stop(*_):
            self.closing = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGHUP, stop)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal Ctrl-C is for the client to handle
        self.sel = sel = selectors.DefaultSelector()
        sel.register(0, selectors.EVENT_READ, "stdin")
        sel.register(self.wake_r, selectors.EVENT_READ, "wake")
        hello = {"type": "hello", "pid": self.parent_pid, "python": sys.version.split()[0], "executable": sys.executable,
                 "fork": hasattr(os, "fork"), "platform": sys.platform}
        hello.update(facts)
        self.send(hello)
        while not self.closing:
            self.fill_spares()
            wait = self.spare_wait()
            for key, _ in sel.select(timeout=1.0 if not wait else min(1.0, wait)):
                if key.data == "wake":
                    try:
                        while os.read(self.wake_r, 512):
                            pass
                    except BlockingIOError:
                        pass
                    self.reap()
                else:
                    chunk = os.read(0, 65536)
                    if not chunk:  # the client went away: take every child with us
                        self.closing = True
                        break
                    self.inbuf += chunk
                    while b"\n" in self.inbuf and not self.closing:
                        line, self.inbuf = self.inbuf.split(b"\n", 1)
                        if line.strip():
                            self.handle(line.decode("utf-8", "replace"))
            self.reap()
        self.shutdown()


def _remove_output_folder(argv):
    """`--output-folder DIR`: the client's folder for run outputs; removed on exit even when the client was killed."""
    if "--output-folder" not in argv:
        return
    i = argv.index("--output-folder")
    if i + 1 < len(argv) and os.path.basename(argv[i + 1]).startswith("nb-parity-warm-"):
        import shutil

        shutil.rmtree(argv[i + 1], ignore_errors=True)


def _spare_options(argv):
    """`--spares N` (default: one per CPU we may run on, at most 2) and `--no-prefault`."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    spares = min(2, max(1, cpus))
    if "--spares" in argv:
        i = argv.index("--spares")
        try:
            spares = max(0, int(argv[i + 1]))
        except (IndexError, ValueError):
            pass
    return spares, "--no-prefault" not in argv


def main():
    # Keep the protocol on a private fd; fd 1 now points at stderr for anything an import prints.
    proto_fd = os.dup(1)
    os.dup2(2, 1)
    # If the client dies without closing our stdin, the kernel still tells us (Linux).
    _set_parent_death_signal(signal.SIGTERM)
    facts = _preimport()
    # Everything imported so far lives as long as the parent: move it out of the collector's reach so that
    # children do not touch (and so copy) those pages when they collect garbage.
    import gc

    gc.collect()
    gc.freeze()
    global BYTECODE_DIR
    if "--output-folder" in sys.argv[1:-1]:
        BYTECODE_DIR = os.path.join(sys.argv[sys.argv.index("--output-folder") + 1], "bytecode")
    spares, prefault = _spare_options(sys.argv[1:])
    facts["spares"] = spares
    try:
        Server(proto_fd, spares, prefault).serve(facts)
    finally:
        _remove_output_folder(sys.argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
