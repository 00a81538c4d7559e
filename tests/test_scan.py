"""The static scan (grader.scan): every tampering construct flagged, hidden or not; no fair code flagged."""

from __future__ import annotations

import base64
import re
import sys
import tracemalloc
import zlib
from pathlib import Path

import pytest

from grader.challenges import builtin_pack
from grader.scan import MAX_FLAGS, scan
from tests.helpers import EXAMPLE_SUBMISSION

FAIR_CORPUS = Path(__file__).parent / "scan_fair"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _codes(text: str) -> list[int]:
    return [ord(c) for c in text]


# (id, source, a fragment every flag list for it must contain)
TAMPERING: list[tuple[str, str, str]] = [
    # the garbage collector
    ("import-gc", "import gc\n", "line 1: imports gc"),
    (
        "gc-get-objects",
        "import gc\nx = gc.get_objects()\n",
        "line 2: gc.get_objects walks the garbage collector",
    ),
    ("gc-get-referrers", "import gc\ngc.get_referrers(object)\n", "gc.get_referrers walks"),
    ("gc-get-referents", "import gc as g\ng.get_referents(1)\n", "line 2: gc.get_referents walks"),
    ("gc-alias", "import gc\ng = gc\ng.get_objects()\n", "line 3: gc.get_objects walks"),
    (
        "gc-alias-chain",
        "import gc\na = gc\nb = a\nc = b\nc.collect()\nc.get_objects()\n",
        "line 6: gc.get_objects",
    ),
    ("gc-from-import-as", "from gc import get_objects as f\nf()\n", "line 2: gc.get_objects walks"),
    ("gc-in-function", "def f():\n    import gc\n    return gc.get_objects()\n", "line 3: gc.get_objects"),
    (
        "gc-hidden-in-list",
        "import gc\n[gc][0].get_objects()\n",
        "line 2: get_objects walks the garbage collector",
    ),
    ("gc-via-default", "import gc\ndef f(m=gc):\n    return m.get_referrers\n", "line 3: gc.get_referrers"),
    ("gc-via-getattr-constant", "import gc\ngetattr(gc, 'get_objects')()\n", "line 2: gc.get_objects"),
    ("gc-via-sys-modules", "import sys\nsys.modules['gc'].get_objects()\n", "line 2: gc.get_objects"),
    ("gc-dunder-import", "__import__('gc').get_objects()\n", "line 1: imports gc"),
    ("gc-importlib", "import importlib\nimportlib.import_module('gc')\n", "line 2: imports gc"),
    ("gc-star-import", "from gc import *\nget_objects()\n", "line 1: imports gc"),
    # frames and tracebacks
    (
        "sys-getframe",
        "import sys\nf = sys._getframe(1)\n",
        "line 2: sys._getframe reads the call stack's frames",
    ),
    ("sys-getframe-from", "from sys import _getframe\n_getframe()\n", "sys._getframe"),
    ("sys-current-frames", "import sys\nsys._current_frames()\n", "sys._current_frames"),
    ("inspect-currentframe", "import inspect\ninspect.currentframe()\n", "inspect.currentframe reads"),
    (
        "inspect-stack",
        "import inspect\nfor frame in inspect.stack():\n    pass\n",
        "line 2: inspect.stack reads",
    ),
    ("inspect-stack-alias", "import inspect as i\nj = i\nj.stack()\n", "line 3: inspect.stack"),
    ("inspect-outerframes", "from inspect import getouterframes\n", "inspect.getouterframes"),
    (
        "traceback-walk-stack",
        "import traceback\nlist(traceback.walk_stack(None))\n",
        "traceback.walk_stack walks",
    ),
    ("traceback-extract-stack", "import traceback\ntraceback.extract_stack()\n", "traceback.extract_stack"),
    ("f-back", "def f(frame):\n    return frame.f_back.f_locals\n", "line 2: f_back walks up the call stack"),
    ("f-locals", "def f(frame):\n    return frame.f_locals\n", "f_locals reads a stack frame's variables"),
    ("f-globals", "def f(frame):\n    return frame.f_globals\n", "f_globals reads"),
    (
        "tb-frame",
        "try:\n    1 / 0\nexcept Exception as e:\n    t = e.__traceback__.tb_frame\n",
        "line 4: tb_frame",
    ),
    ("gi-frame", "def g():\n    yield 1\nx = g().gi_frame\n", "line 3: gi_frame"),
    ("code-attribute", "def f():\n    pass\nc = f.__code__\n", "line 3: __code__ reaches"),
    ("globals-attribute", "def f(fn):\n    return fn.__globals__['x']\n", "line 2: __globals__ reaches"),
    ("closure-attribute", "def f(fn):\n    return fn.__closure__[0].cell_contents\n", "__closure__"),
    ("subclasses", "classes = object.__subclasses__()\n", "line 1: __subclasses__ lists"),
    ("subclasses-chain", "x = ().__class__.__base__.__subclasses__()\n", "__subclasses__"),
    ("builtins-name", "b = __builtins__\n", "line 1: __builtins__ reaches"),
    ("builtin-self", "b = print.__self__\n", "line 1: __self__ reaches"),
    (
        "raw-connection",
        "def f(db):\n    return db.session.connection().connection.dbapi_connection.execute('SELECT 1')\n",
        "line 2: dbapi_connection reaches the driver's own connection",
    ),
    (
        "event-listeners",
        "def f(db):\n    for e in db.engines.values():\n"
        "        e.dispatch.before_cursor_execute.listeners.clear()\n",
        "line 3: dispatch reaches SQLAlchemy's event listeners",
    ),
    (
        "sqlite-authorizer",
        "def f(db):\n    db.session.connection().connection.dbapi_connection.set_authorizer(None)\n",
        "line 2: set_authorizer changes",
    ),
    ("getclosurevars", "import inspect\ninspect.getclosurevars(print)\n", "inspect.getclosurevars"),
    # tracing and audit hooks
    ("settrace", "import sys\nsys.settrace(lambda *a: None)\n", "line 2: sys.settrace traces every call"),
    ("setprofile", "import sys\nsys.setprofile(None)\n", "sys.setprofile traces"),
    ("threading-settrace", "import threading\nthreading.settrace(print)\n", "threading.settrace traces"),
    ("addaudithook", "import sys\nsys.addaudithook(lambda e, a: None)\n", "sys.addaudithook installs"),
    ("settrace-any-object", "def f(s):\n    s.settrace(None)\n", "line 2: settrace traces every call"),
    (
        "currentframe-from-logging",
        "import logging\nlogging.currentframe()\n",
        "line 2: currentframe reads the call stack's frames",
    ),
    (
        "getmodule",
        "import inspect\ndef f(fn):\n    inspect.getmodule(fn).x = 1\n",
        "inspect.getmodule reaches the module",
    ),
    ("getattribute-on-module", "import sys\nsys.__getattribute__('_getframe')(0)\n", "sys._getframe reads"),
    ("cr-frame", "async def c():\n    pass\nx = c().cr_frame\n", "line 3: cr_frame"),
    ("function-builtins", "def f():\n    pass\nb = f.__builtins__\n", "line 3: __builtins__ reaches"),
    # raw memory and code objects
    ("ctypes", "import ctypes\n", "line 1: imports ctypes, which reads and writes raw memory"),
    ("ctypes-from", "from ctypes import pythonapi\n", "imports ctypes"),
    ("_ctypes", "import _ctypes\n", "imports _ctypes"),
    ("cffi", "from cffi import FFI\n", "imports cffi"),
    ("marshal", "import marshal\n", "imports marshal"),
    ("codetype", "import types\ntypes.CodeType(0)\n", "line 2: types.CodeType builds code objects"),
    ("functiontype", "from types import FunctionType\nFunctionType(None, {})\n", "types.FunctionType builds"),
    ("moduletype", "import types\nm = types.ModuleType('fake')\n", "types.ModuleType builds a module"),
    ("type-of-lambda", "F = type(lambda: 0)\n", "type(lambda)"),
    ("type-of-module", "import sys\nM = type(sys)\n", "type() of a module"),
    # the test framework and the harness
    ("import-pytest", "import pytest\n", "line 1: imports pytest, part of the test framework"),
    ("import-_pytest", "import _pytest.runner\n", "imports _pytest"),
    ("from-_pytest", "from _pytest import runner\n", "imports _pytest"),
    ("import-pluggy", "import pluggy\n", "imports pluggy"),
    ("import-sandbox", "from sandbox.harness import checks\n", "imports sandbox, the grader's own harness"),
    ("import-unittest-mock", "from unittest import mock\n", "imports unittest"),
    (
        "importlib-pytest",
        "import importlib\nr = importlib.import_module('_pytest.runner')\n",
        "line 2: imports _pytest",
    ),
    ("sys-modules-read", "import sys\nr = sys.modules['_pytest.runner']\n", "line 2: sys.modules reaches"),
    ("string-names-_pytest", "NAME = '_pytest.reports'\n", "a string names _pytest"),
    # patching other modules, builtins and the import system
    ("module-getattr", "def __getattr__(name):\n    return None\n", "line 1: a module-level __getattr__"),
    ("module-getattr-lambda", "__getattr__ = lambda name: None\n", "a module-level __getattr__"),
    (
        "module-getattr-in-if",
        "if True:\n    def __getattr__(name):\n        return 1\n",
        "line 2: a module-level __getattr__",
    ),
    ("module-getattr-import", "from os import getenv as __getattr__\n", "a module-level __getattr__"),
    (
        "module-getattr-global",
        "def f():\n    global __getattr__\n    __getattr__ = print\n",
        "module-level __getattr__",
    ),
    ("patch-builtins", "import builtins\nbuiltins.open = None\n", "line 2: patches builtins"),
    (
        "patch-builtins-setattr",
        "import builtins\nsetattr(builtins, 'print', None)\n",
        "line 2: patches builtins",
    ),
    ("patch-builtins-dict", "__builtins__['print'] = None\n", "__builtins__ reaches"),
    ("builtins-dict", "import builtins\nbuiltins.__dict__['len'] = None\n", "__dict__ of an imported module"),
    ("sys-modules-assign", "import sys\nsys.modules['json'] = None\n", "line 2: sys.modules reaches"),
    ("sys-modules-pop", "import sys\nsys.modules.pop('x', None)\n", "sys.modules"),
    ("sys-modules-from", "from sys import modules\nmodules['x'] = 1\n", "line 1: sys.modules"),
    (
        "meta-path",
        "import sys\nsys.meta_path.insert(0, object())\n",
        "line 2: sys.meta_path changes how modules",
    ),
    ("path-hooks", "import sys\nsys.path_hooks.append(print)\n", "sys.path_hooks"),
    (
        "patch-_pytest",
        "import _pytest.runner\n_pytest.runner.call_and_report = print\n",
        "line 2: assigns to an attribute of an imported module or class (_pytest)",
    ),
    (
        "patch-sqlalchemy-exc",
        "import sqlalchemy.exc\nsqlalchemy.exc.IntegrityError = ValueError\n",
        "line 2: assigns to an attribute of an imported module or class (sqlalchemy)",
    ),
    (
        "patch-imported-class",
        "from sqlalchemy.orm import Session\nSession.commit = lambda self: None\n",
        "line 2: assigns to an attribute of an imported module or class (sqlalchemy)",
    ),
    (
        "patch-augmented",
        "import werkzeug.security as ws\nws.DEFAULT_PBKDF2_ITERATIONS += 1\n",
        "assigns to an attribute of an imported",
    ),
    (
        "patch-delete",
        "import json\ndel json.dumps\n",
        "line 2: assigns to an attribute of an imported module or class (json)",
    ),
    (
        "patch-sys-attribute",
        "import sys\nsys.excepthook = print\n",
        "assigns to an attribute of an imported module or class (sys)",
    ),
    (
        "setattr-module",
        "import sqlalchemy\nsetattr(sqlalchemy, 'select', None)\n",
        "line 2: assigns to an attribute of an imported",
    ),
    (
        "setattr-imported-class",
        "from sqlalchemy.orm import Session\nsetattr(Session, 'commit', None)\n",
        "assigns to an attribute",
    ),
    ("delattr-module", "import json\ndelattr(json, 'loads')\n", "assigns to an attribute of an imported"),
    (
        "setattr-computed-on-module",
        "import json\ndef f(n):\n    setattr(json, n, None)\n",
        "line 3: setattr with a computed name on an imported module or class (json)",
    ),
    (
        "patch-through-type",
        "def f(session):\n    type(session).commit = None\n",
        "line 2: assigns to an attribute of a class reached through type()",
    ),
    (
        "patch-through-class",
        "def f(session):\n    session.__class__.commit = None\n",
        "reached through __class__",
    ),
    (
        "object-setattr-module",
        "import json\nobject.__setattr__(json, 'x', 1)\n",
        "assigns to an attribute of an imported",
    ),
    ("globals-call", "globals()['x'] = 1\n", "line 1: globals() hands out the module's namespace"),
    ("vars-module", "import json\nvars(json)['x'] = 1\n", "vars() of an imported module"),
    ("vars-module-level", "vars()['x'] = 1\n", "vars() at module level"),
    ("locals-module-level", "locals()['x'] = 1\n", "locals() at module level"),
    ("module-dict", "import json\njson.__dict__['x'] = 1\n", "__dict__ of an imported module"),
    # processes, signals, descriptors
    ("signal-import", "import signal\n", "line 1: imports signal"),
    (
        "signal-handler",
        "import signal\nsignal.signal(signal.SIGTERM, print)\n",
        "line 2: signal.signal installs a signal handler",
    ),
    (
        "signal-setitimer",
        "from signal import setitimer, ITIMER_REAL\nsetitimer(ITIMER_REAL, 1)\n",
        "signal.setitimer sets a timer",
    ),
    ("signal-alarm", "import signal as s\ns.alarm(1)\n", "line 2: signal.alarm sets a timer"),
    ("os-exit", "import os\nos._exit(0)\n", "line 2: os._exit ends the process at once"),
    ("os-exit-posix", "import posix\nposix._exit(0)\n", "os._exit"),
    ("os-kill", "import os\nos.kill(os.getppid(), 9)\n", "line 2: os.kill signals other processes"),
    ("os-killpg", "import os\nos.killpg(0, 9)\n", "os.killpg"),
    ("os-fork", "import os\npid = os.fork()\n", "line 2: os.fork starts processes"),
    ("os-system", "import os\nos.system('true')\n", "os.system starts processes"),
    ("os-setsid", "import os\nos.setsid()\n", "os.setsid leaves the process group"),
    ("subprocess", "import subprocess\n", "line 1: imports subprocess, which starts processes"),
    ("multiprocessing", "from multiprocessing import Process\n", "imports multiprocessing"),
    ("atexit", "import atexit\n", "imports atexit"),
    (
        "os-write-fd",
        "import os\nos.write(3, b'{}')\n",
        "line 2: os.write works on a file descriptor by number",
    ),
    ("os-write-star", "from os import *\nwrite(3, b'x')\n", "line 2: os.write works on a file descriptor"),
    ("os-fdopen", "import os\nos.fdopen(3, 'w')\n", "os.fdopen"),
    ("os-dup2", "import os\nos.dup2(1, 3)\n", "os.dup2"),
    ("open-fd", "f = open(3, 'w')\n", "line 1: open() of a file descriptor by number"),
    ("open-fd-computed", "f = open(1 + 2, 'wb')\n", "open() of a file descriptor by number"),
    ("io-open-fd", "import io\nio.open(3, 'w')\n", "open() of a file descriptor"),
    ("socket-fileno", "import socket\nsocket.socket(fileno=3)\n", "socket(fileno=...)"),
    ("proc-self-mem", "open('/proc/self/mem', 'rb')\n", "line 1: names a /proc path"),
    ("proc-fd", "from pathlib import Path\nPath('/proc/self/fd/3').write_text('x')\n", "names a /proc path"),
    ("dev-fd", "open('/dev/fd/3', 'w')\n", "names a /proc path"),
    ("fcntl", "import fcntl\n", "imports fcntl"),
    (
        "open-fileno-arithmetic",
        "import sys\nopen(sys.stdout.fileno() + 2, 'w')\n",
        "open() of a file descriptor by number",
    ),
    (
        "proc-path-pieces",
        "from pathlib import Path\nPath('/', 'proc', 'self', 'mem')\n",
        "line 2: names a /proc path",
    ),
    (
        "proc-path-division",
        "from pathlib import Path\np = Path('/') / 'proc' / 'self'\n",
        "names a /proc path",
    ),
    (
        "hidden-tests-path",
        "from pathlib import Path\np = Path(__file__).parent.parent / 'tests' / 'hidden'\n",
        "line 2: names the grader's test files",
    ),
    (
        "python-files-glob",
        "from pathlib import Path\nfiles = list(Path('..').rglob('*.py'))\n",
        "names the grader's test files",
    ),
    # code and names made at run time
    ("eval", "x = eval('1 + 1')\n", "line 1: eval runs code given as text"),
    ("exec", "exec('x = 1')\n", "line 1: exec runs code given as text"),
    ("compile", "c = compile('1', 'f', 'eval')\n", "line 1: compile builds code from text"),
    ("eval-alias", "e = eval\ne('1')\n", "line 1: eval runs code"),
    ("eval-builtins-module", "import builtins\nbuiltins.exec('x=1')\n", "line 2: exec runs code"),
    (
        "eval-in-function-shadowed-elsewhere",
        "def a():\n    eval = 1\ndef b():\n    return eval('1')\n",
        "line 4: eval runs code",
    ),
    ("dunder-import", "m = __import__('json')\n", "line 1: __import__ imports a module by name"),
    (
        "import-computed",
        "import importlib\ndef f(n):\n    return importlib.import_module(n)\n",
        "line 3: imports a module whose name is computed",
    ),
    (
        "dunder-import-computed",
        "def f(n):\n    return __import__(n)\n",
        "imports a module whose name is computed",
    ),
    (
        "getattr-computed-module",
        "import sys\ndef f(n):\n    return getattr(sys, n)\n",
        "line 3: getattr with a computed name on an imported module or class (sys)",
    ),
    (
        "getattr-computed-builtins",
        "import builtins\ndef f(n):\n    return getattr(builtins, n)\n",
        "getattr with a computed name on an imported",
    ),
    (
        "getattr-dunder-concat",
        "def f(o, n):\n    return getattr(o, '__' + n)\n",
        "line 2: getattr with a computed dunder name",
    ),
    (
        "getattr-dunder-fstring",
        "def f(o, n):\n    return getattr(o, f'__{n}__')\n",
        "getattr with a computed dunder name",
    ),
    (
        "getattr-concat",
        "def f(e):\n    return getattr(e, 'tb_' + 'frame')\n",
        "line 2: getattr with a name built at run time",
    ),
    (
        "getattr-concat-names",
        "def f(e):\n    return getattr(e, 'tb_' + 'frame')\n",
        "builds the name tb_frame at run time",
    ),
    (
        "getattr-chr",
        f"import sys\nn = ''.join(map(chr, {_codes('_getframe')}))\ngetattr(sys, n)(0)\n",
        "line 2: builds the name _getframe at run time",
    ),
    (
        "getattr-chr-generator",
        "def f(o):\n    return getattr(o, ''.join(chr(c) for c in (102, 95, 98, 97, 99, 107)))\n",
        "builds the name f_back",
    ),
    (
        "getattr-bytes-decode",
        "def f(o):\n    return getattr(o, bytes([102, 95, 98, 97, 99, 107]).decode())\n",
        "builds the name f_back",
    ),
    (
        "getattr-b64",
        f"import base64\ndef f(o):\n    return getattr(o, base64.b64decode('{_b64('f_locals')}').decode())\n",
        "builds the name f_locals",
    ),
    (
        "getattr-rot13",
        "import codecs\ndef f(o):\n    return getattr(o, codecs.decode('s_tybonyf', 'rot13'))\n",
        "builds the name f_globals",
    ),
    ("getattr-reversed", "def f(o):\n    return getattr(o, 'kcab_f'[::-1])\n", "builds the name f_back"),
    (
        "getattr-xor",
        f"import sys\nk = [c ^ 5 for c in {[c ^ 5 for c in _codes('_getframe')]}]\n"
        "getattr(sys, bytes(k).decode())\n",
        "builds the name _getframe",
    ),
    (
        "getattr-hex",
        "def f(o):\n    return getattr(o, bytes.fromhex('665f6261636b').decode())\n",
        "builds the name f_back",
    ),
    (
        "getattr-zlib",
        f"import zlib\nN = zlib.decompress({zlib.compress(b'tb_frame')!r}).decode()\n"
        "def f(e):\n    return getattr(e, N)\n",
        "builds the name tb_frame",
    ),
    (
        "getattr-format",
        "def f(o):\n    return getattr(o, '{}_{}'.format('f', 'back'))\n",
        "builds the name f_back",
    ),
    (
        "getattr-percent",
        "def f(o):\n    return getattr(o, '%s_%s' % ('tb', 'frame'))\n",
        "builds the name tb_frame",
    ),
    (
        "getattr-docstring-slice",
        '"""xx f_back"""\ndef f(o):\n    return getattr(o, __doc__[3:])\n',
        "builds the name f_back",
    ),
    (
        "getattr-helper-function",
        "def name():\n    return 'f_' + 'back'\ndef f(o):\n    return getattr(o, name())\n",
        "builds the name f_back",
    ),
    (
        "getattr-wrapper",
        "def ga(o, n):\n    return getattr(o, n)\ndef f(e):\n    return ga(e, chr(116) + 'b_frame')\n",
        "line 2: getattr with a name built at run time",
    ),
    (
        "getattr-loop-pieces",
        "def f(o):\n    for a in ('f_',):\n        for b in ('back',):\n"
        "            return getattr(o, a + b)\n",
        "getattr with a name built at run time",
    ),
    (
        "getattr-built-unfoldable",
        "def f(o):\n    return getattr(o, 'xy'.translate({120: 102, 121: 98}))\n",
        "getattr with a name built at run time",
    ),
    (
        "getattr-as-value",
        "from functools import partial\nget = partial(getattr, object)\n",
        "getattr passed around as a value",
    ),
    (
        "getattribute-dunder",
        "def f(o, n):\n    return object.__getattribute__(o, '__' + n)\n",
        "__getattribute__ with a computed dunder name",
    ),
    (
        "attrgetter-built",
        "from operator import attrgetter\nget = attrgetter(chr(102) + '_back')\n",
        "builds the name f_back",
    ),
    (
        "import-built-name",
        "import importlib\nm = importlib.import_module('g' + 'c')\n",
        "line 2: builds the name gc at run time",
    ),
    (
        "import-b64-name",
        f"import base64\nm = __import__(base64.b64decode('{_b64('ctypes')}').decode())\n",
        "builds the name ctypes",
    ),
    (
        "getattr-picked-from-dir",
        "def f(e):\n    tb = e.__traceback__\n    return getattr(tb, dir(tb)[0])\n",
        "line 3: getattr with a name picked by position from dir() or vars()",
    ),
    (
        "getattr-picked-from-sorted-vars",
        "def f(o):\n    n = sorted(vars(type(o)))[3]\n    return getattr(o, n)\n",
        "picked by position",
    ),
    ("sys-modules-through-os", "import os\nm = os.sys.modules\n", "line 2: sys.modules reaches"),
    ("settrace-through-logging", "import logging\nlogging.sys.settrace(None)\n", "sys.settrace traces"),
    ("stack-through-dataclasses", "import dataclasses\ndataclasses.inspect.stack()\n", "inspect.stack reads"),
    ("sys-from-os", "from os import sys as s\ns.modules['x'] = None\n", "line 2: sys.modules reaches"),
    ("loader-load-module", "m = __loader__.load_module('x')\n", "load_module loads a module by hand"),
    (
        "module-by-hand",
        "import importlib\nimportlib.util.spec_from_file_location('x', 'y')\n",
        "spec_from_file_location loads a module by hand",
    ),
    ("proc-built", "p = '/pr' + 'oc/self/mem'\n", "builds a /proc path at run time"),
    (
        "exec-b64-payload",
        f"import base64\nexec(base64.b64decode('{_b64('import gc')}'))\n",
        "code built at run time: imports gc",
    ),
    (
        "exec-string-payload",
        "exec('import gc\\ngc.get_objects()')\n",
        "code inside a string: gc.get_objects walks",
    ),
    (
        "timeit-payload",
        "import timeit\ntimeit.timeit('import ctypes', number=1)\n",
        "timeit runs code given as text",
    ),
    ("string-names-globals", "ATTR = '__globals__'\n", "a string names __globals__"),
    (
        "string-names-hidden-tests",
        "import glob\nglob.glob('tests/hidden/*.py')\n",
        "names the grader's test files",
    ),
    ("code-in-docstring", '"""\nimport gc\ngc.get_objects()\n"""\n', "code inside a string: gc.get_objects"),
    # how the file itself hides things
    (
        "utf7-cookie",
        "# -*- coding: utf-7 -*-\nx = 1 #+AAo-import gc\n",
        "line 1: declares a source encoding other than UTF-8",
    ),
    ("utf7-cookie-code", "# -*- coding: utf-7 -*-\nx = 1 #+AAo-import gc\n", "imports gc"),
    ("bidi-controls", "x = 1 # \u202e harmless\n", "line 1: Unicode direction controls"),
    ("deep-expression-beside", "x = " + "1 + " * 3000 + "1\nimport ctypes\n", "line 2: imports ctypes"),
    (
        "deep-expression-inside",
        "import gc\ndef f():\n    y = " + "1 + " * 3000 + "1\n    return gc.get_objects()\n",
        "gc.get_objects",
    ),
    ("newer-python-syntax", "type Alias = int\nimport sys\nsys._getframe()\n", "sys._getframe"),
    (
        "newer-python-syntax-same-part",
        'def f(d):\n    x = f"{d["a"]}"\n    import ctypes\n',
        "imports ctypes, which reads and writes raw memory (found by text search",
    ),
    ("huge-fstring-beside", "x = f'" + "{x}" * 6000 + "'\nimport gc\n", "imports gc"),
    ("nfkc-identifier", "\uff45\uff56\uff41\uff4c('1')\n", "eval runs code"),
]


@pytest.mark.parametrize(
    ("source", "expected"), [(s, e) for _, s, e in TAMPERING], ids=[i for i, _, _ in TAMPERING]
)
def test_tampering_is_flagged(source: str, expected: str) -> None:
    flags = scan(source)
    assert any(expected in flag for flag in flags), flags
    for flag in flags:
        assert re.fullmatch(r"line \d+: [^\n]+", flag), flag


def _pack_solutions() -> list[Path]:
    pack = builtin_pack()
    return sorted([*pack.glob("*/solutions/reference.py"), *pack.glob("*/solutions/good/*.py")]) + sorted(
        EXAMPLE_SUBMISSION.glob("*/solution.py")
    )


@pytest.mark.parametrize(
    "path",
    _pack_solutions(),
    ids=lambda p: "/".join(p.parts[-3:]) if "solutions" in p.parts else p.parent.name,
)
def test_pack_and_example_solutions_are_never_flagged(path: Path) -> None:
    assert scan(path.read_bytes()) == ()


@pytest.mark.parametrize("path", sorted(FAIR_CORPUS.glob("*.py")), ids=lambda p: p.stem)
def test_fair_code_is_never_flagged(path: Path) -> None:
    assert scan(path.read_bytes()) == ()


def test_the_fair_corpus_covers_what_fair_answers_use() -> None:
    corpus = "\n".join(p.read_text() for p in FAIR_CORPUS.glob("*.py"))
    for construct in (
        "setattr(todo, key, value)",
        "getattr(Todo, field)",
        "@dataclass",
        "logging.getLogger",
        "functools.wraps",
        "TYPE_CHECKING",
        "enum.StrEnum",
        "hybrid_property",
        "event.listens_for",
        "werkzeug.security",
        "hashlib.",
        "secrets.",
        "hmac.compare_digest",
        "datetime.now",
        "re.compile",
        "json.dumps",
        "vars(self)",
        "__dict__",
        "__getattr__",
        "object.__setattr__",
        "attrgetter(",
        "base64.b64decode",
        "bytes.fromhex",
        "open(path",
        "os.environ",
        "sys.stderr",
        "traceback.format_exception",
        "g.caller",
    ):
        assert construct in corpus, construct


FAIR_SNIPPETS = {
    "computed-getattr-on-own-class": "def key(Model, field):\n    return getattr(Model, field).desc()\n",
    "setattr-loop": "def update(obj, data):\n    for k, v in data.items():\n        setattr(obj, k, v)\n",
    "setattr-literal-names": (
        "def touch(obj, now):\n    for attr in ('created_at', 'updated_at'):\n"
        "        setattr(obj, attr, now)\n"
    ),
    "setattr-formatted-literal-names": (
        "def copy(a, b):\n    for side in ('left', 'right'):\n"
        "        setattr(b, f'{side}_id', getattr(a, f'{side}_id'))\n"
    ),
    "getattr-prefix-runtime": "def check(self, name):\n    return getattr(self, 'validate_' + name)()\n",
    "re-compile-imported": "from re import compile\nPATTERN = compile('[a-z]+')\n",
    "stmt-compile": "def sql(stmt, dialect):\n    return str(stmt.compile(dialect=dialect))\n",
    "flask-g-assignment": "from flask import g\ndef login(user):\n    g.user = user\n",
    "flask-request-getattr": (
        "from flask import request\ndef source(where):\n    return getattr(request, where)\n"
    ),
    "locals-in-function": "def f(a, b):\n    return '{a}-{b}'.format(**locals())\n",
    "arithmetic-constants": "PAGE = 10 * 2\ndef f(obj, n=PAGE):\n    return obj[:n]\n",
    "isinstance-function-type": (
        "import types\ndef is_function(x):\n    return isinstance(x, types.FunctionType)\n"
    ),
    "docstring-with-prose": '"""Open a session, import rows, evaluate totals (see tests/public)."""\n',
    "sys-exit-and-stderr": "import sys\ndef main():\n    print('bye', file=sys.stderr)\n    sys.exit(0)\n",
    "os-path-and-environ": (
        "import os\nDB = os.environ.get('DB', os.path.join(os.path.dirname(__file__), 'app.db'))\n"
    ),
    "type-self": "class A:\n    def copy(self):\n        return type(self)(**vars(self))\n",
    "slugify-join": (
        "import re\ndef slug(s):\n    return '-'.join(w for w in re.split('[^a-z0-9]+', s.lower()) if w)\n"
    ),
    "blinker-signal": "from blinker import signal\nsaved = signal('saved')\n",
    "sqlalchemy-inspect": (
        "from sqlalchemy import inspect\ndef keys(M):\n    return [c.key for c in inspect(M).columns]\n"
    ),
    "sqlalchemy-types": (
        "from sqlalchemy import types\nclass T(types.TypeDecorator):\n    impl = types.String\n"
    ),
    "sqlalchemy-func-by-name": (
        "from sqlalchemy import func\ndef agg(kind, col):\n    return getattr(func, kind)(col)\n"
    ),
    "operator-by-name": "import operator\ndef op(name):\n    return getattr(operator, name)\n",
    "inspect-signature": "import inspect\ndef arity(f):\n    return len(inspect.signature(f).parameters)\n",
    "subscript-of-runtime-list": "NAMES = ['a', 'b']\ndef f(o, i):\n    return getattr(o, NAMES[i])\n",
}


@pytest.mark.parametrize("source", FAIR_SNIPPETS.values(), ids=FAIR_SNIPPETS.keys())
def test_fair_snippets_are_never_flagged(source: str) -> None:
    assert scan(source) == ()


def test_a_source_that_does_not_parse_yields_no_flags() -> None:
    broken = "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\nclass User(db.Model)\n    id = 1\n"
    assert scan(broken) == ()
    assert scan(b"x = '\xff'\n") == ()  # not UTF-8: Python cannot read it either
    assert scan("# -*- coding: no-such-codec -*-\nimport gc\n") == ()


def test_bytes_and_text_give_the_same_flags() -> None:
    source = "import gc\nx = gc.get_objects()\n"
    assert scan(source) == scan(source.encode()) == scan(bytearray(source.encode()))
    assert scan("x = '\ud800'\nimport gc\n") == ()  # a lone surrogate cannot be in a file


def test_flag_text_is_fixed_words_and_line_numbers_only() -> None:
    hostile = (
        "import sqlalchemy\n"
        "sqlalchemy.IGNORE_ME_<script>alert(1)</script> = 1\n"
        "def __getattr__(name):\n    return '](https://evil.invalid)'\n"
        "import gc as \u202eevil\n"
    )
    flags = scan(hostile)
    assert flags
    for flag in flags:
        assert re.fullmatch(r"line \d+: [A-Za-z0-9_ .,'()/:=\-]+", flag), flag
        for word in ("IGNORE", "script", "evil", "https"):
            assert word not in flag


def test_repeated_findings_are_counted_and_the_list_is_capped() -> None:
    repeated = scan("import os\n" + "os.write(3, b'x')\n" * 50)
    assert repeated == ("line 2: os.write works on a file descriptor by number (and on 49 more lines)",)
    many = scan(
        "".join(f"import {m}\n" for m in sorted({"gc", "ctypes", "marshal", "signal", "pytest", "pluggy"}))
        + "".join(f"x{i} = '__globals__{i}'\n" for i in range(100))
        + "".join(f"def f{i}(o):\n    return o.f_back{'.f_locals' * (i % 2)}\n" for i in range(60))
        + "".join(f"y{i} = eval\n" if i % 2 else f"z{i} = compile\n" for i in range(30))
    )
    assert len(many) <= MAX_FLAGS


HOSTILE_INPUTS = {
    "deep-brackets": "x = " + "(" * 5000 + ")" * 5000,
    "deep-expression": "x = " + "a+" * (128 * 1024 - 4) + "a",
    "deep-attributes": "x = a" + ".b" * (128 * 1024 - 4),
    "deep-unary": "x = " + "-" * (256 * 1024 - 8) + "1",
    "huge-f-string": "x = f'" + "{x}" * (80 * 1024) + "'",
    "many-code-strings": "\n".join(f"s{i} = 'import x{i}'" for i in range(12_000)),
    "reverse-alias-chain": "\n".join(f"a{i} = a{i + 1}" for i in range(15_000))
    + "\na15000 = __import__('gc')\n",
    "repetition": (
        "x = 'a' * 10**9\ny = b'ab' * (2**62)\nz = 10**10**10\nw = ('a' * 1000).replace('a', 'b' * 10**6)\n"
    ),
    "huge-join": "x = ''.join(['ab' * 500000] * 1000)\ny = ''.join(chr(c) for c in range(10**7))\n",
    "nested-code-strings": "exec(" + repr("exec(" + repr("exec(" + repr("import gc") + ")") + ")") + ")\n",
    "null-byte": "import gc\x00\n",
    "oversized": "#" * (600 * 1024),
}


@pytest.mark.slow
@pytest.mark.parametrize("source", HOSTILE_INPUTS.values(), ids=HOSTILE_INPUTS.keys())
def test_hostile_inputs_are_handled_within_bounds(source: str) -> None:
    tracemalloc.start()
    try:
        flags = scan(source)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(flags, tuple) and all(isinstance(f, str) for f in flags)
    assert len(flags) <= MAX_FLAGS
    assert peak < 300 * 1024 * 1024, peak


def test_a_decompression_bomb_is_not_inflated() -> None:
    bomb = zlib.compress(b"A" * (64 << 20), 9)  # 64 MiB in about 64 KiB
    source = f"import zlib\nx = zlib.decompress({bomb!r}).decode()\ngetattr(object, x)\n"
    tracemalloc.start()
    try:
        flags = scan(source)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "line 3: getattr with a name built at run time" in flags
    assert peak < 48 * 1024 * 1024, peak


def test_parts_that_do_not_parse_here_are_searched_as_text() -> None:
    flags = scan(
        "import json\ntype Alias = int\nimport ctypes\n"
        if sys.version_info < (3, 12)
        else "import json\nx = (" + "(" * 300 + "1" + ")" * 300 + ")\nimport ctypes\n"
    )
    assert any("line 3: imports ctypes" in f for f in flags), flags
