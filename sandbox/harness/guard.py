"""What keeps code that shares the test process from rewriting verdicts unnoticed.

The candidate's solution runs in the same interpreter as its challenge's tests
and the harness that reports them, so it can always *try* to reach them. Two
layers make that fail loudly instead of silently:

- **Audit hooks** (PEP 578; once added, never removed), installed right before
  the solution is imported. They refuse the introspection that reaches harness
  objects: walking the garbage collector, taking frames (``sys._getframe``,
  a traceback's, generator's or coroutine's frame), tracing and profiling,
  ``ctypes``, making code or function objects, adding audit hooks, reading
  process memory or descriptors through ``/proc``, reading the test files,
  changing classes and functions of pytest, pluggy and the harness. A refusal
  raises in the candidate's code and is reported (a ``refused`` record), which
  voids the challenge.

  Libraries use some of these calls for their own purposes while the candidate's
  code is on the stack (``logging`` finds its caller, ``collections.namedtuple``
  and ``typing`` read the caller's module, ``traceback`` formats an exception,
  SQLAlchemy inspects a listener's signature). So a call is refused by *who
  makes it*: the *effective caller* is the innermost frame of the call, looking
  through helpers whose job is to hand frames back (``inspect``,
  ``traceback.walk_*``, ``logging.currentframe``) and through code compiled from
  strings; a call is refused when that caller is candidate code. The calls no
  library makes on a candidate's behalf (the garbage collector, tracing,
  ``ctypes``, new code objects, audit hooks) are refused whenever candidate code
  is anywhere on the stack, and so is everything on a thread the candidate
  started. Candidate code is ``solution.py`` and any file outside the Python
  installation, the harness and the tests (a module it wrote and imported).

- **Integrity checks** after every test and at the end: the modules the tests
  and the harness rely on (builtins, pytest, pluggy, the harness, the test
  modules and every module they use) still hold the same objects under the same
  names, no signal handler, trace function or import hook was added, and
  ``sys.modules`` still maps those modules to themselves. A difference is
  reported (a ``tampered`` record), which voids the challenge.

What remains possible is said in the README's security model.
"""

from __future__ import annotations

import operator
import os
import re
import sys
import threading
import types
from collections.abc import Callable, Iterable
from typing import Any

# Refused whenever candidate code is anywhere on the stack: no library does these for it.
_STRICT = frozenset(
    {
        "gc.get_objects",
        "gc.get_referrers",
        "gc.get_referents",
        "sys.settrace",
        "sys.setprofile",
        "sys._current_frames",
        "sys._current_exceptions",
        "sys.addaudithook",
        "sys.monitoring.register_callback",
        "code.__new__",
        "function.__new__",
    }
)
# Refused when the effective caller is candidate code.
_FRAME_EVENTS = frozenset({"sys._getframe", "sys._getframemodulename"})
# Refused when the effective caller is candidate code (the import system unmarshals pycs).
_CALLER_EVENTS = frozenset({"marshal.load", "marshal.loads"})
_FRAME_ATTRIBUTES = frozenset(
    {"tb_frame", "gi_frame", "cr_frame", "ag_frame", "f_back", "gi_code", "cr_code", "ag_code"}
)
_PRIVATE_MODULES = frozenset(
    {"_testcapi", "_testinternalcapi", "_testmultiphase", "_xxsubinterpreters", "_xxinterpchannels"}
)
_PROC = re.compile(r"/proc/(?:self|thread-self|\d+)(?:/task/\d+)?/(?:mem|fd/|fdinfo/|map_files/|pagemap)")
# Helpers whose purpose is to give frames (or what they hold) back to their caller.
_FRAME_GIVERS = frozenset(
    {
        ("inspect", "*"),
        ("traceback", "walk_stack"),
        ("traceback", "walk_tb"),
        ("logging", "<lambda>"),  # logging.currentframe
    }
)
_PROTECTED_PREFIXES = ("_pytest", "pytest", "pluggy", "sandbox", "builtins")
_WATCHED_PACKAGES = frozenset({"builtins", "pytest", "_pytest", "pluggy", "sandbox"})
_WATCHED_EVENTS = (
    _STRICT
    | _FRAME_EVENTS
    | _CALLER_EVENTS
    | {
        "object.__getattr__",
        "object.__setattr__",
        "object.__delattr__",
        "open",
        "import",
        "compile",
        "os.link",
        "os.rename",
    }
)


class Refusal(RuntimeError):
    """Raised into the candidate's code where the harness refuses an operation."""


def _module_of(filename: str) -> str:
    """The top module name a stdlib file belongs to ("inspect", "logging", ...), roughly."""
    base = os.path.basename(filename)
    if base == "__init__.py":
        return os.path.basename(os.path.dirname(filename))
    return base[:-3] if base.endswith(".py") else base


class Guard:
    """The audit hook and the integrity checks of one test process.

    ``solution`` is the candidate's file, ``tests`` the folder of the test files,
    ``trusted`` the folders of code that is not the candidate's (the Python
    installation, the harness). ``report(event, detail)`` is told of every refusal,
    once per kind; it must not fail.
    """

    def __init__(
        self,
        *,
        solution: str,
        tests: str,
        trusted: Iterable[str],
        report: Callable[[str, str], None],
    ) -> None:
        self.solution = os.path.realpath(solution)
        self.tests = os.path.realpath(tests) + os.sep
        self.trusted = (*(os.path.realpath(t).rstrip(os.sep) + os.sep for t in trusted), self.tests)
        self.report = report
        self.main_thread = threading.get_ident()
        self.reported: set[str] = set()
        self.active = threading.local()
        # (label, namespace, getter of the watched keys' values, those values, size or -1);
        # the core (what a verdict passes through) first, ``_core`` entries of them.
        self._snapshot: list[_Entry] = []
        self._core = 0
        self._modules: list[Any] = []  # every module loaded at the snapshot, in sys.modules order
        self._modules_getter: Callable[[Any], Any] = lambda _modules: ()
        self._signals: list[tuple[int, Any]] = []
        self._import_hooks: tuple[int, ...] = ()
        self._getsignal = __import__("_signal").getsignal
        self._candidate_cache: dict[str, bool] = {}

    # -- who is calling ---------------------------------------------------------

    def _is_candidate_file(self, filename: str) -> bool:
        cached = self._candidate_cache.get(filename)
        if cached is None:
            if filename.startswith("<"):
                cached = False  # frozen modules and code compiled from strings are not files
            else:
                real = os.path.realpath(filename)
                cached = real == self.solution or not real.startswith(self.trusted)
            self._candidate_cache[filename] = cached
        return cached

    def _frames(self) -> Iterable[types.FrameType]:
        """The stack of the audited call, innermost first, without the hook's own frames."""
        frame: types.FrameType | None = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename == _THIS_FILE:
            frame = frame.f_back
        while frame is not None:
            yield frame
            frame = frame.f_back

    def _candidate_on_stack(self) -> bool:
        if threading.get_ident() != self.main_thread:
            return True  # a thread started after the hook: only the candidate starts threads
        return any(self._is_candidate_file(f.f_code.co_filename) for f in self._frames())

    def _candidate_calls(self) -> bool:
        """Whether the effective caller is candidate code: the innermost frame, looking
        through frame-giving helpers and code compiled from strings."""
        if threading.get_ident() != self.main_thread:
            return True
        for frame in self._frames():
            code = frame.f_code
            filename = code.co_filename
            if filename.startswith("<") and not filename.startswith("<frozen "):
                continue  # code compiled from a string: look through to whoever ran it
            module = _module_of(filename)
            if (module, "*") in _FRAME_GIVERS or (module, code.co_name) in _FRAME_GIVERS:
                continue
            return self._is_candidate_file(filename)
        return False

    def foreign_frame(self) -> str:
        """The first frame on the current stack that is neither the test machinery's nor the
        Python installation's (candidate code, or code compiled from a string), or "".
        pytest makes and logs reports with none of those on the stack."""
        frame: types.FrameType | None = sys._getframe(1)
        while frame is not None and frame.f_back is not None:  # the outermost is the boot line
            filename = frame.f_code.co_filename
            transparent = filename.startswith("<") and not filename.startswith("<frozen ")
            if transparent or (not filename.startswith("<") and self._is_candidate_file(filename)):
                return f"{frame.f_code.co_name} ({os.path.basename(filename)})"
            frame = frame.f_back
        return ""

    # -- the hook -----------------------------------------------------------------

    def install(self) -> None:
        """Add the audit hook to this process (for good)."""
        watched = _WATCHED_EVENTS

        def hook(event: str, args: tuple[Any, ...]) -> None:
            if event not in watched and not event.startswith("ctypes."):
                return
            if getattr(self.active, "on", False):
                return  # the hook's own introspection
            self.active.on = True
            try:
                why = self._judge(event, args)
            finally:
                self.active.on = False
            if why:
                self._refuse(event, why)

        sys.addaudithook(hook)

    def _judge(self, event: str, args: tuple[Any, ...]) -> str:
        """Why ``event`` is refused here, or "" when it is allowed."""
        if event in _STRICT or event.startswith("ctypes."):
            return "it reaches into the test process" if self._candidate_on_stack() else ""
        if event in _FRAME_EVENTS:
            return "it takes the caller's frames" if self._candidate_calls() else ""
        if event in _CALLER_EVENTS:
            return "it makes code from bytes" if self._candidate_calls() else ""
        if event == "object.__getattr__":
            target, name = args[0], args[1]
            if name in _FRAME_ATTRIBUTES:
                return f"it takes a frame ({name})" if self._candidate_calls() else ""
            if name == "__code__" and self._protected(target):
                return "it reads the code of a test or of the harness" if self._candidate_on_stack() else ""
            return ""
        if event in ("object.__setattr__", "object.__delattr__"):
            target = args[0]
            if self._protected(target):
                return "it changes pytest, a test or the harness" if self._candidate_on_stack() else ""
            if isinstance(target, type | types.FunctionType) and self._candidate_calls():
                module = getattr(target, "__module__", "") or ""
                if module not in ("solution", "__main__") and not self._is_own(target):
                    return f"it changes {module}.{getattr(target, '__qualname__', '?')}, which is not its own"
            return ""
        if event == "open":
            path = args[0]
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            if not isinstance(path, str):
                return ""
            if _PROC.match(path):
                return "it opens the process's memory or descriptors" if self._candidate_on_stack() else ""
            if os.path.realpath(path).startswith(self.tests):
                return "it reads the test files" if self._candidate_on_stack() else ""
            return ""
        if event == "compile":
            filename = args[1] if len(args) > 1 else None
            if isinstance(filename, bytes):
                filename = os.fsdecode(filename)
            if isinstance(filename, str) and not filename.startswith("<") and self._candidate_calls():
                return "it compiles code under the name of a file"
            return ""
        if event in ("os.link", "os.rename"):
            source = args[0]
            if isinstance(source, str | bytes) and os.path.realpath(os.fsdecode(source)).startswith(
                self.tests
            ):
                return "it moves or links the test files" if self._candidate_on_stack() else ""
            return ""
        if event == "import":
            if args[0] in _PRIVATE_MODULES:
                return "it imports CPython's internals" if self._candidate_on_stack() else ""
            return ""
        return ""

    def _protected(self, target: Any) -> bool:
        """Whether ``target`` (a class or function) belongs to pytest, pluggy, the harness or a test."""
        if not isinstance(target, type | types.FunctionType | types.MethodType | types.BuiltinFunctionType):
            return False
        module = getattr(target, "__module__", "") or ""
        if module.startswith(_PROTECTED_PREFIXES):
            return True
        code = getattr(target, "__code__", None) if isinstance(target, types.FunctionType) else None
        return bool(code and os.path.realpath(code.co_filename).startswith(self.tests))

    def _is_own(self, target: Any) -> bool:
        """Whether a class or function was defined by candidate code (its own to change)."""
        if isinstance(target, types.FunctionType):
            return self._is_candidate_file(target.__code__.co_filename)
        module = sys.modules.get(getattr(target, "__module__", "") or "")
        filename = getattr(module, "__file__", None)
        return bool(filename and self._is_candidate_file(filename))

    def _refuse(self, event: str, why: str) -> None:
        if event not in self.reported:
            self.reported.add(event)
            try:
                self.report(event, why)
            except Exception:
                pass
        raise Refusal(f"the grader does not allow this in a solution: {event} ({why})")

    # -- integrity --------------------------------------------------------------------

    def snapshot(self, extra: Iterable[types.ModuleType] = ()) -> None:
        """Remember the test machinery as it is now (before any candidate code runs)."""
        modules: dict[str, types.ModuleType] = {}
        for name, module in list(sys.modules.items()):
            if isinstance(module, types.ModuleType) and name.split(".")[0] in _WATCHED_PACKAGES:
                modules[name] = module
        own = {id(module) for module in extra}
        remember_stack()  # what was loaded since the supervisor took it
        helpers = [sys.modules[name] for name in _TEST_HELPERS if name in sys.modules]
        for module in [*extra, *helpers]:
            for value in list(vars(module).values()):
                used = (
                    value
                    if isinstance(value, types.ModuleType)
                    else sys.modules.get(getattr(value, "__module__", None) or "")
                )
                if not isinstance(used, types.ModuleType) or id(used) in own:
                    continue
                if module in extra or id(used) not in _stack_seen:  # the stack is watched already
                    modules.setdefault(used.__name__, used)
        # sys.modules must keep mapping every module loaded now to itself (a test that
        # imports one later must get the real one); the test modules leave it.
        loaded = [(name, m) for name, m in sys.modules.items() if m is not None and id(m) not in own]
        self._modules_getter = operator.itemgetter(*(name for name, _m in loaded), "sys")
        self._modules = [*(m for _name, m in loaded), sys]
        for module in extra:
            modules[module.__name__] = module
        namespaces: list[tuple[str, Any]] = [(name, vars(module)) for name, module in modules.items()]
        # Setting a class attribute raises no audit event: the classes a verdict passes
        # through are watched too (those of the reporting modules and the harness, and
        # those the test modules name; immutable types cannot be changed at all).
        classes: dict[int, type] = {}
        for name, module in modules.items():
            reporting = name in _REPORTING or name.split(".")[0] in ("sandbox", "pluggy")
            if not reporting and name.split(".")[0] in _WATCHED_PACKAGES:
                continue
            for value in list(vars(module).values()):
                if isinstance(value, type) and not value.__flags__ & _IMMUTABLE_TYPE:
                    if not reporting or value.__module__ == name:
                        classes[id(value)] = value
        # A name added where none may be (a class attribute shadowing an inherited one, a
        # global shadowing a builtin) counts as a change too.
        fixed = {id(vars(m)) for m in extra} | {
            id(vars(m)) for n, m in modules.items() if n.split(".")[0] in ("sandbox", "builtins")
        }
        # Python adds __warningregistry__ to the globals of the code a warning is attributed
        # to: a test module's, when a correct solution's models warn as a test first uses
        # them. It is made now, so that it is never a name added later (and it is not watched:
        # it only remembers which warnings were shown).
        for module in modules.values():
            if id(vars(module)) in fixed and module.__name__ != "builtins":
                vars(module).setdefault("__warningregistry__", {})
        namespaces += [(f"{cls.__module__}.{cls.__qualname__}", cls.__dict__) for cls in classes.values()]
        tests = {id(vars(m)) for m in extra}

        def core(label: str, namespace: Any) -> bool:
            return label.split(".")[0] in _WATCHED_PACKAGES or id(namespace) in tests

        namespaces.sort(key=lambda pair: not core(*pair))
        self._snapshot = []
        self._core = 0
        for label, namespace in namespaces:
            # Libraries cache on their own classes (SQLAlchemy does): new names are watched
            # only where nothing adds any.
            ours = label.split(".")[0] in _WATCHED_PACKAGES and isinstance(namespace, types.MappingProxyType)
            entry = _entry(label, namespace, id(namespace) in fixed or ours)
            if entry is not None:
                self._snapshot.append(entry)
                self._core += core(label, namespace)
        self._signals = [(n, self._getsignal(n)) for n in _signal_numbers()]
        self._import_hooks = tuple(map(id, sys.meta_path)) + tuple(map(id, sys.path_hooks))

    def verify(self, handlers: dict[int, Any] | None = None, *, everything: bool = False) -> str:
        """What changed in the test machinery since ``snapshot``, or "" when nothing did;
        ``handlers`` are signal handlers the harness itself has in place right now. Only
        the core (builtins, pytest's reporting, pluggy, the harness, the test modules) is
        checked unless ``everything`` (the modules the tests use too: at the end)."""
        same = operator.is_
        watched = self._snapshot if everything else self._snapshot[: self._core]
        for name, namespace, getter, values, size in watched:
            # All in C, by identity, never __eq__ (a stand-in could claim to equal anything).
            try:
                now = getter(namespace)
            except KeyError as exc:
                return f"{name}.{exc.args[0]} was removed"
            if not all(map(same, now, values)):
                return f"{name}.{_first_change(now, values, getter)} was replaced"
            if size >= 0 and len(namespace) != size:
                return f"a name was added to {name}"
        if everything:
            changed = _stack_change()
            if changed:
                return changed
        try:
            now_loaded = self._modules_getter(sys.modules)
        except KeyError as exc:
            return f"sys.modules[{exc.args[0]!r}] was removed"
        if not all(map(same, now_loaded, self._modules)):
            changed = _first_change(now_loaded, tuple(self._modules), self._modules_getter)
            return f"sys.modules[{changed!r}] was replaced"
        getsignal = self._getsignal
        ours = handlers or {}
        for number, handler in self._signals:
            if getsignal(number) is not ours.get(number, handler):
                return f"a handler for signal {number} was installed"
        if sys.gettrace() is not None or sys.getprofile() is not None:
            return "a trace or profile function was installed"
        if tuple(map(id, sys.meta_path)) + tuple(map(id, sys.path_hooks)) != self._import_hooks:
            return "an import hook was installed"
        return ""


_THIS_FILE = __file__
# The library code every verdict runs through besides pytest's: what the tests, the
# fixtures and the candidate all call. Rebinding a module attribute raises no audit event
# (``sqlalchemy.event.listen`` replaced made the SQL the tests read whatever a solution
# chose), so each of their modules and classes is watched, at the end of the run.
_STACK = frozenset({"sqlalchemy", "flask_sqlalchemy", "flask", "werkzeug"})
# The harness's code that tests call to judge (fixtures, checks): what it uses is watched
# as what a test module uses is.
_TEST_HELPERS = ("sandbox.harness.fixtures", "sandbox.harness.checks")
_DATA = (int, float, complex, str, bytes, type(None), tuple, frozenset, list, dict, set)
_IMMUTABLE_TYPE = 1 << 8  # Py_TPFLAGS_IMMUTABLETYPE
# The pytest modules a test's verdict passes through, from running it to reporting it.
_REPORTING = frozenset(
    {
        "_pytest.reports",
        "_pytest.runner",
        "_pytest.python",
        "_pytest.nodes",
        "_pytest.main",
        "_pytest.fixtures",
        "_pytest.outcomes",
        "_pytest.capture",
        "_pytest._code.code",
        "_pytest.assertion.rewrite",
        "_pytest.assertion.util",
        "_pytest.config",
    }
)
_MISSING = object()
_UNWATCHED_KEYS = frozenset(
    {"__dict__", "__weakref__", "__doc__", "__abstractmethods__", "_abc_impl", "__warningregistry__"}
)
# Names pytest itself rebinds around every test.
_VOLATILE = frozenset(
    {
        ("_pytest.assertion.util", "_reprcompare"),
        ("_pytest.assertion.util", "_assertion_pass"),
        ("_pytest.assertion.util", "_config"),
        # time.tzset() rebinds these (a test's fixture setting TZ, or a solution): no verdict
        # passes through them, and a test module that imports time watches the module.
        ("time", "tzname"),
        ("time", "timezone"),
        ("time", "altzone"),
        ("time", "daylight"),
    }
)


_Entry = tuple[str, Any, Callable[[Any], Any], tuple[Any, ...], int]
# The ORM stack's modules and classes as remember_stack found them, one row per watched name
# (flat, so that checking its 18,000 or so names is one pass in C): label, namespace, key, value.
_stack: tuple[list[str], list[Any], list[str], list[Any]] = ([], [], [], [])
_stack_seen: set[int] = set()  # the ids of the modules and classes in it


def _entry(label: str, namespace: Any, fixed: bool) -> _Entry | None:
    """What to remember of ``namespace`` (a module's or a class's): the watched keys' values,
    and its size where no name may be added (``fixed``); None when nothing is watched."""
    items = [
        (key, value)
        for key, value in list(namespace.items())
        if (label, key) not in _VOLATILE and key not in _UNWATCHED_KEYS
    ]
    if not items:
        return None
    if len(items) == 1:
        items *= 2  # itemgetter of one key gives the value, not a tuple
    getter = operator.itemgetter(*(key for key, _value in items))
    return (label, namespace, getter, tuple(value for _key, value in items), len(namespace) if fixed else -1)


def remember_stack() -> None:
    """Remember the ORM stack's modules, and the classes they hold, that are loaded now and
    not yet remembered. The supervisor calls this before it forks any run (it takes tens of
    milliseconds, which every run would otherwise spend); each run's ``Guard.snapshot``
    calls it again for what was loaded since, and watches it all at the end of the run."""
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] not in _STACK or not isinstance(module, types.ModuleType):
            continue
        if id(module) in _stack_seen:
            continue
        _stack_seen.add(id(module))
        # Its classes by their own attributes, not by their names in the module: SQLAlchemy
        # makes classes as it runs and rebinds names to them (AnnotatedTable).
        _remember(name, vars(module), skip=(*_DATA, type))
        for value in list(vars(module).values()):
            if not isinstance(value, type) or value.__flags__ & _IMMUTABLE_TYPE or id(value) in _stack_seen:
                continue
            _stack_seen.add(id(value))
            _remember(f"{value.__module__}.{value.__qualname__}", value.__dict__)


def _remember(label: str, namespace: Any, skip: tuple[type, ...] = _DATA) -> None:
    labels, namespaces, keys, values = _stack
    for key, value in list(namespace.items()):
        # Counters, flags and caches change as the stack runs: its code is what is watched.
        if key not in _UNWATCHED_KEYS and not isinstance(value, skip):
            labels.append(label)
            namespaces.append(namespace)
            keys.append(key)
            values.append(value)


def _stack_change() -> str:
    """What of the stack changed since remember_stack, or ""."""
    labels, namespaces, keys, values = _stack
    try:
        if all(map(operator.is_, map(operator.getitem, namespaces, keys), values)):
            return ""
    except KeyError:
        pass
    for label, namespace, key, value in zip(labels, namespaces, keys, values, strict=True):
        if key not in namespace:
            return f"{label}.{key} was removed"
        if namespace[key] is not value:
            return f"{label}.{key} was replaced"
    return ""  # pragma: no cover - changed back meanwhile


def _first_change(now: tuple[Any, ...], before: tuple[Any, ...], getter: Any) -> str:
    keys = getter.__reduce__()[1]
    return next((k for k, a, b in zip(keys, now, before, strict=False) if a is not b), "?")


def _signal_numbers() -> list[int]:
    import signal

    return sorted(signal.valid_signals() - {signal.SIGKILL, signal.SIGSTOP})
