"""What the static scan flags, in fixed words: the only text a flag carries besides line numbers.

Tables of modules, members and attribute names a fair Flask-SQLAlchemy answer never
needs, the message for each, and the name helpers the scan shares. ``grader.scan``
explains the whole; this module is data.
"""

from __future__ import annotations

import builtins
import re
import sys
from collections.abc import Iterable

# -- what is flagged, in fixed words -------------------------------------------------------


def _each(names: str, text: str) -> dict[str, str]:
    """``{name: text}`` for every name in the space-separated ``names`` (``{n}`` in text)."""
    return {n: text.format(n=n, short=n.rpartition(".")[2]) for n in names.split()}


# Importing one of these (or a submodule) is flagged at the import.
MODULES: dict[str, str] = {
    "gc": "imports gc, the garbage collector's interface, which reaches every object",
    **_each("ctypes _ctypes cffi", "imports {n}, which reads and writes raw memory"),
    **_each("_testcapi _testinternalcapi", "imports {n}, CPython's internal test interface"),
    "marshal": "imports marshal, which turns bytes into code objects",
    **_each("pytest _pytest pluggy py", "imports {n}, part of the test framework the checks run in"),
    **_each("sandbox grader", "imports {n}, the grader's own harness"),
    "unittest": "imports unittest, a test framework whose mock patches other modules",
    **_each("signal _signal", "imports {n}, for signal handlers and timers"),
    **_each(
        "subprocess _posixsubprocess multiprocessing _multiprocessing pty",
        "imports {n}, which starts processes",
    ),
    "atexit": "imports atexit, which runs code as the process ends",
    **_each("builtins __builtin__", "imports {n}, the interpreter's own names"),
    **_each(
        "runpy code codeop pdb bdb trace cProfile profile _lsprof doctest",
        "imports {n}, which runs or traces code handed to it",
    ),
    "fcntl": "imports fcntl, which works on file descriptors by number",
    **_each(
        "_imp _frozen_importlib _frozen_importlib_external importlib._bootstrap "
        "importlib._bootstrap_external",
        "imports {n}, the interpreter's import internals",
    ),
    **_each("importlib.util importlib.machinery zipimport", "imports {n}, which loads modules by hand"),
}

_FRAMES = "{n} reads the call stack's frames"
_TRACING = "{n} traces every call the tests make"
_PROCESSES = "{n} starts processes"
# Any reference to one of these (read, call, alias, import of the name) is flagged.
MEMBERS: dict[str, str] = {
    **_each("gc.get_objects gc.get_referrers gc.get_referents", "{n} walks the garbage collector"),
    **_each("sys._getframe sys._current_frames sys._current_exceptions", _FRAMES),
    **_each("sys.settrace sys.setprofile sys.call_tracing sys.monitoring", _TRACING),
    **_each(
        "threading.settrace threading.setprofile threading.settrace_all_threads "
        "threading.setprofile_all_threads",
        _TRACING,
    ),
    "sys.addaudithook": "sys.addaudithook installs an audit hook",
    "sys.audit": "sys.audit raises audit events by hand",
    "sys.modules": "sys.modules reaches every loaded module, the test framework's too",
    **_each("sys.meta_path sys.path_hooks sys.path_importer_cache", "{n} changes how modules are imported"),
    **_each(
        "inspect.currentframe inspect.stack inspect.trace inspect.getouterframes inspect.getinnerframes "
        "inspect.getframeinfo inspect.getgeneratorlocals inspect.getcoroutinelocals",
        _FRAMES,
    ),
    "inspect.getclosurevars": "inspect.getclosurevars reads a function's globals and closure",
    **_each(
        "traceback.walk_stack traceback.walk_tb traceback.extract_stack traceback.format_stack "
        "traceback.print_stack",
        "{n} walks the call stack",
    ),
    **_each("os._exit os.abort", "{n} ends the process at once"),
    **_each("os.kill os.killpg os.pidfd_open", "{n} signals other processes"),
    **_each(
        "os.fork os.forkpty os.register_at_fork os.system os.popen os.posix_spawn os.posix_spawnp "
        "os.execl os.execle os.execlp os.execlpe os.execv os.execve os.execvp os.execvpe "
        "os.spawnl os.spawnle os.spawnlp os.spawnlpe os.spawnv os.spawnve os.spawnvp os.spawnvpe",
        _PROCESSES,
    ),
    **_each("os.setsid os.setpgid os.setpgrp", "{n} leaves the process group the grader stops"),
    **_each(
        "os.write os.writev os.pwrite os.pwritev os.sendfile os.read os.readv os.pread os.preadv "
        "os.dup os.dup2 os.close os.closerange os.fdopen os.lseek os.ftruncate os.openpty",
        "{n} works on a file descriptor by number",
    ),
    "signal.signal": "signal.signal installs a signal handler",
    **_each("signal.setitimer signal.alarm", "{n} sets a timer signal"),
    **_each(
        "signal.pthread_kill signal.raise_signal signal.pthread_sigmask signal.set_wakeup_fd "
        "signal.siginterrupt",
        "{n} changes how signals arrive",
    ),
    **_each("builtins.eval builtins.exec", "{short} runs code given as text"),
    "builtins.compile": "compile builds code from text",
    "builtins.__import__": "__import__ imports a module by name",
    "builtins.globals": "globals() hands out the module's namespace",
    "importlib.reload": "importlib.reload runs a module again",
    "inspect.getmodule": "inspect.getmodule reaches the module an object comes from",
    "pkgutil.resolve_name": "pkgutil.resolve_name imports by name",
    **_each(
        "pickle.loads pickle.load pickle.Unpickler dill.loads dill.load cloudpickle.loads cloudpickle.load",
        "{n} runs code hidden in data",
    ),
    **_each("socket.fromfd socket.fromshare", "{n} opens a file descriptor by number"),
    **_each("asyncio.create_subprocess_exec asyncio.create_subprocess_shell", _PROCESSES),
    "concurrent.futures.ProcessPoolExecutor": "concurrent.futures.ProcessPoolExecutor starts processes",
}

# Flagged only where called: as a type in an isinstance check they are fair.
CALLS: dict[str, str] = {
    "types.CodeType": "types.CodeType builds code objects",
    **_each("types.FunctionType types.LambdaType", "{n} builds a function from a code object"),
    "types.ModuleType": "types.ModuleType builds a module by hand",
    "types.CellType": "types.CellType builds closure cells",
}

# Attribute names a fair answer never uses, flagged on any object: hiding the object
# (an alias, a list, a call) does not hide the name.
ATTRIBUTES: dict[str, str] = {
    **{
        q.rpartition(".")[2]: MEMBERS[q].replace(q, q.rpartition(".")[2], 1)
        for q in (
            "sys._getframe sys._current_frames sys._current_exceptions sys.settrace sys.setprofile "
            "threading.settrace_all_threads threading.setprofile_all_threads sys.addaudithook "
            "gc.get_objects gc.get_referrers gc.get_referents inspect.currentframe inspect.getouterframes "
            "inspect.getinnerframes inspect.getframeinfo inspect.getgeneratorlocals "
            "inspect.getcoroutinelocals "
            "traceback.walk_stack traceback.walk_tb traceback.extract_stack sys.meta_path sys.path_hooks "
            "sys.path_importer_cache os._exit os.forkpty os.killpg os.register_at_fork os.posix_spawn "
            "os.posix_spawnp os.setsid os.setpgrp os.execv os.execve os.execvp os.execvpe os.execl os.execle "
            "os.execlp os.execlpe os.spawnv os.spawnve os.spawnvp os.spawnvpe os.spawnl os.spawnle "
            "os.spawnlp "
            "os.spawnlpe signal.setitimer signal.pthread_kill signal.set_wakeup_fd socket.fromfd "
            "asyncio.create_subprocess_exec asyncio.create_subprocess_shell"
        ).split()
    },
    "f_back": "f_back walks up the call stack",
    **_each("f_locals f_globals f_builtins", "{n} reads a stack frame's variables"),
    **_each("f_code f_trace", "{n} reaches a stack frame's internals"),
    "tb_frame": "tb_frame reaches a stack frame from a traceback",
    **_each("gi_frame cr_frame ag_frame", "{n} reaches a generator's stack frame"),
    **_each("gi_code cr_code ag_code", "{n} reaches a code object"),
    "__code__": "__code__ reaches a function's code object",
    "__globals__": "__globals__ reaches the namespace of the module a function comes from",
    **_each("__closure__ cell_contents", "{n} reads a function's closure cells"),
    "__subclasses__": "__subclasses__ lists classes from every loaded module",
    "__builtins__": "__builtins__ reaches the interpreter's own names",
    "__self__": "__self__ reaches the module or object behind a builtin function",
    **_each("__defaults__ __kwdefaults__", "{n} reaches a function's default arguments"),
    "__import__": MEMBERS["builtins.__import__"],
    **_each(
        "spec_from_file_location spec_from_loader module_from_spec exec_module load_module find_spec "
        "find_module SourceFileLoader SourcelessFileLoader ExtensionFileLoader",
        "{n} loads a module by hand",
    ),
    "pythonapi": "pythonapi calls the interpreter's C interface (ctypes)",
    "set_authorizer": "set_authorizer changes what the test database refuses (the grader's row order)",
    **_each(
        "dbapi_connection driver_connection",
        "{n} reaches the driver's own connection: what runs there, the SQL the tests read never sees",
    ),
    "dispatch": "dispatch reaches SQLAlchemy's event listeners, the tests' SQL recording among them",
    "from_address": "from_address reads raw memory (ctypes)",
}

# Names that, found in a string or built at run time, show the code is after the above.
TOKENS = tuple(
    (
        "__globals__ __code__ __closure__ __subclasses__ __builtins__ __import__ _getframe f_back f_locals "
        "f_globals f_builtins tb_frame gi_frame cr_frame get_objects get_referrers get_referents settrace "
        "setprofile addaudithook currentframe _current_frames walk_stack cell_contents meta_path path_hooks "
        "pythonapi _pytest pluggy ctypes"
    ).split()
)
TOKEN_RE = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, TOKENS)) + r")(?![A-Za-z0-9_])")
# A built string equal to one of these is a name being hidden.
HIDDEN_NAMES = frozenset(
    {m.partition(".")[0] for m in MODULES}
    | set(ATTRIBUTES)
    | set(TOKENS)
    | {q.rpartition(".")[2] for q in MEMBERS}
    | set(
        "eval exec compile globals getattr setattr delattr sys os posix inspect traceback importlib "
        "import_module threading types __dict__".split()
    )
)
PROC_RE = re.compile(r"/proc(?![A-Za-z0-9_])|/dev/fd(?![A-Za-z0-9_])|/dev/(?:k?mem)(?![A-Za-z0-9_])")
TEST_FILES_RE = re.compile(r"\btests?/(?:\*|hidden)|\bhidden/test_|\bconftest\b|\btest_\*|\*[^\s/]*\.pyc?$")
# Path pieces that, joined, name the process's insides or the grader's test files.
PATH_PIECES = {
    "proc": "names a /proc path",
    "/proc": "names a /proc path",
    "hidden": "names the grader's test files",
}
PATH_FUNCTIONS = frozenset(
    "pathlib.Path pathlib.PurePath pathlib.PosixPath os.path.join posixpath.join glob.glob glob.iglob "
    "os.listdir os.scandir os.walk builtins.open io.open".split()
)
CODE_TRIGGER = re.compile(
    r"\bimport\b|\b(?:exec|eval|getattr|setattr|delattr|compile|globals|vars|lambda|open)\b|__\w+__"
)
_BIDI_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")

MODULE_GETATTR = "a module-level __getattr__ answers for any name the tests look up"
STORE_THROUGH = "assigns to an attribute of a class reached through {how}"
_FALLBACK = " (found by text search: this part does not parse here)"

CANONICAL = {
    "posix": "os",
    "nt": "os",
    "_signal": "signal",
    "_pickle": "pickle",
    "cPickle": "pickle",
    "__builtin__": "builtins",
    "_io": "io",
    "_socket": "socket",
}
BUILTIN_NAMES = frozenset(dir(builtins))
# Builtins a tamperer needs: a binding in one function does not hide them in another.
WATCHED_BUILTINS = frozenset(
    "eval exec compile __import__ getattr setattr delattr hasattr globals vars locals open type".split()
)
REFLECTIVE = {
    "builtins.getattr": ("getattr", 0, 1, "load"),
    "builtins.hasattr": ("hasattr", 0, 1, "load"),
    "builtins.setattr": ("setattr", 0, 1, "store"),
    "builtins.delattr": ("delattr", 0, 1, "del"),
}
DUNDER_REFLECTIVE = {
    "__getattribute__": ("__getattribute__", 2, "load"),
    "__getattr__": ("__getattr__", 2, "load"),
    "__setattr__": ("__setattr__", 3, "store"),
    "__delattr__": ("__delattr__", 2, "del"),
}
IMPORTERS = frozenset({"builtins.__import__", "importlib.import_module", "importlib.__import__"})
OPENERS = frozenset({"builtins.open", "io.open", "io.FileIO", "io.open_code"})
# Objects of other modules that a fair answer uses as objects: Flask's context proxies and
# SQLAlchemy's function generator (``getattr(func, "count")``).
OBJECTS = (
    *(f"{m}.{n}" for m in ("flask", "flask.globals") for n in ("g", "request", "session", "current_app")),
    *(f"sqlalchemy.{m}func" for m in ("", "sql.", "sql.expression.", "sql.functions.")),
)
# Modules with nothing a tamperer needs, that fair code reads by a computed name
# (``getattr(operator, op)`` for a filter); writing to them is still flagged.
READABLE = frozenset("operator math statistics string decimal datetime".split())
KNOWN_PACKAGES = frozenset(sys.stdlib_module_names) | frozenset(
    "flask flask_sqlalchemy sqlalchemy werkzeug jinja2 click itsdangerous markupsafe blinker "
    "pytest _pytest pluggy py iniconfig packaging sandbox grader".split()
)
# Functions of constants only: what they return is as constant as what they are given. The
# structural ones pass their items through unchanged; the others make new text or numbers.
STRUCTURAL = frozenset(
    f"builtins.{n}"
    for n in (
        "len list tuple reversed sorted filter sum min max abs zip enumerate range set frozenset dict bool "
        "iter next"
    ).split()
)
PURE = STRUCTURAL | frozenset(
    {f"builtins.{n}" for n in "chr ord str bytes bytearray int map format hex oct bin repr ascii".split()}
    | {
        f"{m}.{n}"
        for m, names in (
            (
                "base64",
                "b64decode b32decode b16decode a85decode b85decode urlsafe_b64decode standard_b64decode "
                "decodebytes b64encode b32encode b16encode a85encode b85encode urlsafe_b64encode encodebytes",
            ),
            ("binascii", "unhexlify a2b_hex a2b_base64 hexlify b2a_hex b2a_base64"),
            ("codecs", "decode encode"),
            ("zlib", "decompress compress"),
            ("gzip", "decompress"),
            ("bz2", "decompress"),
            ("lzma", "decompress"),
            ("operator", "xor add concat"),
            ("functools", "reduce"),
        )
        for n in names.split()
    }
)
TEXT_CLASSES = ("builtins.str.", "builtins.bytes.", "builtins.bytearray.")
TEXT_ENCODINGS = frozenset(
    "utf-8 utf8 ascii latin-1 latin1 iso-8859-1 utf-16 utf-16-le utf-16-be utf-32 utf-32-le utf-32-be "
    "utf-7 cp1252 utf_8 us-ascii".split()
)

# Methods of text the folder knows (and that make text from text).
TEXT_METHODS = frozenset(
    "join upper lower swapcase title capitalize casefold strip lstrip rstrip replace split rsplit encode "
    "decode removeprefix removesuffix zfill center ljust rjust format hex startswith endswith splitlines "
    "translate maketrans expandtabs partition rpartition".split()
)

# -- names -------------------------------------------------------------------------------------


def canonical(qualname: str) -> str:
    """``qualname`` under the module name the tables use (``posix._exit`` is ``os._exit``)."""
    head, dot, rest = qualname.partition(".")
    head = CANONICAL.get(head, head)
    name = head + dot + rest
    if name == "importlib.__import__":
        return "builtins.__import__"
    return name


# Modules that other modules import and so hand out as attributes (``logging.sys``,
# ``os.sys``, ``dataclasses.inspect``): reached that way, they are still themselves.
REEXPORTED = frozenset(
    "sys os posix gc builtins signal inspect traceback importlib threading subprocess marshal ctypes".split()
)


def through_reexports(qualname: str) -> str:
    """``qualname`` with a module reached as another module's attribute made the module itself
    (``logging.sys.modules`` is ``sys.modules``)."""
    parts = qualname.split(".")
    for i in range(len(parts) - 1, 0, -1):
        if parts[i] in REEXPORTED and parts[i - 1] != parts[i]:  # signal.signal is a function
            return canonical(".".join(parts[i:]))
    return qualname


def module_message(module: str) -> str:
    """What importing ``module`` (dotted) shows, or ``""`` when nothing."""
    parts = module.split(".")
    for i in range(len(parts), 0, -1):
        message = MODULES.get(".".join(parts[:i]))
        if message:
            return message
    return ""


def package_of(qualnames: Iterable[str]) -> str:
    """`` (sqlalchemy)``: the known package the qualnames belong to, in fixed words, or ``""``."""
    tops = sorted({q.partition(".")[0] for q in qualnames} & KNOWN_PACKAGES)
    return f" ({tops[0]})" if tops else ""


def pure(qualnames: frozenset[str]) -> frozenset[str]:
    """The functions of constants only among ``qualnames`` (the methods of text classes included)."""
    return frozenset(q for q in qualnames if q in PURE or q.startswith(TEXT_CLASSES))


def suspicious(name: object) -> bool:
    """Whether a built attribute name is one a fair answer would not build (a dunder, a hidden name)."""
    if not isinstance(name, str):
        return False
    return name in HIDDEN_NAMES or name.startswith("__") or bool(TOKEN_RE.search(name))


EMPTY: frozenset[str] = frozenset()
