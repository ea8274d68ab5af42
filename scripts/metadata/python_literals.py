"""Reads the declared dependency metadata of a Python package from its build files, without building it.

Input (stdin, JSON): {"kind": "setup.py" | "pyproject" | "setup.cfg", "path": "<repo path of the file>",
                      "text": "<file text>", "files": {"<repo path>": "<text>", ...}, "names": ["VAR", ...]}
Output (stdout, JSON): {"python_requires": str | null, "install_requires": [str] | null,
                        "extras": {extra: [str]} | null, "names": {VAR: value}, "skipped": [str]}

setup.py: the module's top-level statements are evaluated one by one with no imports, no file system and no network
(an import binds a stand-in; `open` reads only the files passed in `files`; `os` and `sys` are stand-ins describing a
Linux build host, the platform pure wheels are built on; the Python version is unknown). A statement that fails is
skipped, and every name it would have bound or changed becomes unknown, as does every name later computed from one; a
`setup(...)` keyword computed from an unknown name is reported as null (= unknown), never guessed.

Requirement strings are written as setuptools writes them into METADATA: packaging's normal form, each extra's
requirements with `extra == "<name>"` (and the extra key's `:marker` condition) joined to their own marker.
"""
import ast
import builtins
import configparser
import json
import posixpath
import re
import sys

try:
    from packaging.requirements import Requirement
    from packaging.markers import Marker
    from packaging.specifiers import SpecifierSet
except ImportError:  # pragma: no cover - pip always vendors it
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.markers import Marker
    from pip._vendor.packaging.specifiers import SpecifierSet

ROOT = "/repo"


class Unknown(Exception):
    pass


class StandIn:
    """What an import binds: any use of it fails, so the statement using it is skipped."""

    def __init__(self, name):
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attr):
        raise Unknown(f"{self._name}.{attr}")

    def __call__(self, *a, **k):
        raise Unknown(f"{self._name}()")


def normalize_extra(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def yield_lines(value):
    if isinstance(value, str):
        out, pending = [], ""
        for line in value.splitlines():
            line = line.strip()
            if line.endswith("\\"):
                pending += line[:-1].strip() + " "
                continue
            line = pending + line
            pending = ""
            if line and not line.startswith("#"):
                out.append(line)
        return out
    out = []
    for item in value:
        out.extend(yield_lines(item))
    return out


def strip_comment(line):
    # requirement lines may carry ` # comment`
    return re.sub(r"\s+#.*$", "", line).strip()


def norm_req(text):
    return str(Requirement(strip_comment(text)))


def with_extra(text, extra, condition):
    r = Requirement(strip_comment(text))
    parts = [f"({r.marker})" if r.marker else None, f"({condition})" if condition else None,
             f"extra == {extra!r}" if extra else None]
    parts = [p for p in parts if p]
    r.marker = Marker(" and ".join(parts)) if parts else None
    return str(r)


def norm_python(spec):
    if spec is None:
        return None
    spec = spec.strip()
    return str(SpecifierSet(spec)) if spec else ""


def build_extras(extras):
    out = {}
    for key, reqs in extras.items():
        name, _, condition = key.partition(":")
        extra = normalize_extra(name.strip())
        out.setdefault(extra, [])
        for line in yield_lines(reqs):
            out[extra].append(with_extra(line, extra, condition.strip()))
    return out


# ---------------------------------------------------------------------------------------------------------- setup.py

class FakePath:
    def __init__(self, *parts):
        self.p = posixpath.normpath(posixpath.join(*[str(x) for x in parts])) if parts else "."

    def __truediv__(self, other):
        return FakePath(self.p, str(other))

    def __str__(self):
        return self.p

    __fspath__ = __str__

    @property
    def parent(self):
        return FakePath(posixpath.dirname(self.p))

    @property
    def name(self):
        return posixpath.basename(self.p)

    def resolve(self):
        return FakePath(absolute(self.p))

    absolute = resolve

    def read_text(self, *a, **k):
        return read_file(self.p)

    def open(self, *a, **k):
        return fake_open(self.p, *a, **k)

    def exists(self):
        return absolute(self.p) in FILES

    is_file = exists


FILES = {}
CWD = ROOT


def absolute(p):
    p = str(p)
    return posixpath.normpath(p if p.startswith("/") else posixpath.join(CWD, p))


def read_file(p):
    full = absolute(p)
    if full not in FILES:
        raise FileNotFoundError(p)
    return FILES[full]


class FakeFile:
    def __init__(self, text):
        self.text = text

    def read(self, *a):
        return self.text

    def readlines(self):
        return self.text.splitlines(True)

    def __iter__(self):
        return iter(self.text.splitlines(True))

    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False

    def close(self):
        pass


def fake_open(p, mode="r", *a, **k):
    if any(c in mode for c in "wax+"):
        raise Unknown("write")
    return FakeFile(read_file(p))


class FakeOsPath:
    join = staticmethod(posixpath.join)
    dirname = staticmethod(posixpath.dirname)
    basename = staticmethod(posixpath.basename)
    normpath = staticmethod(posixpath.normpath)
    splitext = staticmethod(posixpath.splitext)
    sep = "/"

    @staticmethod
    def abspath(p):
        return absolute(p)

    realpath = abspath

    @staticmethod
    def exists(p):
        return absolute(p) in FILES

    isfile = exists


# The variables of the build environment an extractor can vouch for (jax: a final release's published version has no
# WHEEL_VERSION_SUFFIX); every other variable is unknown.
KNOWN_ENV = {}


class UnknownEnviron:
    """The build environment is not known: a read of a variable not in KNOWN_ENV fails (torchtext's PYTORCH_VERSION pin,
    for one)."""

    def __getattr__(self, attr):
        raise Unknown(f"os.environ.{attr}")

    def __getitem__(self, key):
        if key in KNOWN_ENV:
            return KNOWN_ENV[key]
        raise Unknown(f"os.environ[{key!r}]")

    def __contains__(self, key):
        if key in KNOWN_ENV:
            return True
        raise Unknown(f"{key!r} in os.environ")

    def get(self, key, default=None):
        return self[key]


class FakeOs:
    path = FakeOsPath
    name = "posix"
    sep = "/"
    environ = UnknownEnviron()

    @staticmethod
    def getenv(key, default=None):
        if key in KNOWN_ENV:
            return KNOWN_ENV[key]
        raise Unknown(f"os.getenv({key!r})")

    def __getattr__(self, attr):
        raise Unknown(f"os.{attr}")


class FakeSys:
    platform = "linux"
    argv = ["setup.py", "bdist_wheel"]

    def __getattr__(self, attr):
        raise Unknown(f"sys.{attr}")


class FakePathlib:
    Path = FakePath
    PurePath = FakePath


class FakeIo:
    open = staticmethod(fake_open)

    def __getattr__(self, attr):
        raise Unknown(f"io.{attr}")


def run_text(text, g, filename="<file>"):
    """Runs a file of the tag (a version.py) statement by statement in `g`; what fails stays unbound."""
    g.setdefault("__builtins__", make_builtins())
    tree = ast.parse(text)
    for stmt in tree.body:
        try:
            exec(compile(ast.Module(body=[stmt], type_ignores=[]), filename, "exec"), g)
        except Exception:  # noqa: BLE001 - a name it would bind stays unbound: a later use of it fails
            pass


def safe_exec(src, g=None, l=None):
    if g is None or not isinstance(src, str):
        raise Unknown("exec")
    run_text(src, g)


class FakeModule:
    pass


class FakeSpec:
    def __init__(self, name, path):
        self.name, self.path = name, path
        self.loader = self

    def exec_module(self, module):
        g = {"__name__": self.name, "__file__": absolute(self.path)}
        run_text(read_file(self.path), g, self.path)
        for k, v in g.items():
            setattr(module, k, v)


class FakeImportlibUtil:
    @staticmethod
    def spec_from_file_location(name, path, *a, **k):
        return FakeSpec(name, path)

    @staticmethod
    def module_from_spec(spec):
        return FakeModule()


class FakeImportlib:
    util = FakeImportlibUtil


SAFE_MODULES = {"re", "itertools", "functools", "collections", "copy", "textwrap", "string", "typing", "json",
                "operator", "__future__"}
FAKE_MODULES = {"importlib": FakeImportlib, "importlib.util": FakeImportlibUtil, "os": FakeOs(), "os.path": FakeOsPath, "sys": FakeSys(), "pathlib": FakePathlib, "io": FakeIo(),
                "codecs": FakeIo()}

SETUP_CALLS = []


def fake_setup(*args, **kwargs):
    SETUP_CALLS.append(kwargs)


# The setup() keywords the reader takes (name and version identify the release).
READ_FIELDS = {"python_requires", "install_requires", "extras_require", "version", "name"}
SETUP_HELPERS = {"setup": fake_setup, "find_packages": lambda *a, **k: [], "find_namespace_packages": lambda *a, **k: []}


def fake_import(name, globals=None, locals=None, fromlist=(), level=0):
    if level == 0 and name in SAFE_MODULES:
        return __import__(name, globals, locals, fromlist, level)
    if level == 0 and name in FAKE_MODULES:
        if name == "os.path" and not fromlist:
            return FAKE_MODULES["os"]
        if name == "importlib.util" and not fromlist:
            return FAKE_MODULES["importlib"]
        return FAKE_MODULES[name]
    if level == 0 and name.split(".")[0] in ("setuptools", "distutils"):
        mod = type("M", (), {})()
        for k, v in SETUP_HELPERS.items():
            setattr(mod, k, v)
        return ModuleProxy(name, mod)
    return ModuleProxy(name, None)


class ModuleProxy:
    def __init__(self, name, known):
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_known", known)

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        if self._known is not None and hasattr(self._known, attr):
            return getattr(self._known, attr)
        if self._name.split(".")[0] in ("setuptools", "distutils"):
            return ModuleProxy(f"{self._name}.{attr}", self._known)
        return StandIn(f"{self._name}.{attr}")

    def __call__(self, *a, **k):
        raise Unknown(self._name)


SAFE_BUILTINS = [
    "list", "dict", "set", "frozenset", "tuple", "str", "int", "float", "bool", "bytes", "len", "sorted", "reversed",
    "enumerate", "zip", "map", "filter", "range", "min", "max", "sum", "any", "all", "isinstance", "issubclass",
    "getattr", "hasattr", "repr", "abs", "iter", "next", "object", "type", "super", "staticmethod", "classmethod",
    "property", "Exception", "ValueError", "KeyError", "IndexError", "TypeError", "RuntimeError", "ImportError",
    "ModuleNotFoundError", "AttributeError", "FileNotFoundError", "OSError", "IOError", "NameError", "StopIteration",
    "NotImplementedError", "AssertionError", "UnicodeDecodeError", "Warning", "DeprecationWarning", "UserWarning",
    "None", "True", "False", "NotImplemented", "format", "ord", "chr", "divmod", "round", "slice", "callable", "id",
    "hash", "vars",
]


def make_builtins():
    b = {k: getattr(builtins, k) for k in SAFE_BUILTINS if hasattr(builtins, k)}
    b["__import__"] = fake_import
    b["__build_class__"] = builtins.__build_class__
    b["open"] = fake_open
    b["print"] = lambda *a, **k: None
    b["exec"] = safe_exec
    b["eval"] = b["compile"] = b["globals"] = b["locals"] = b["input"] = StandIn("forbidden")
    return b


def names_in(node, kind):
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, kind):
            out.add(n.id)
        elif kind is ast.Store and isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            out.add(n.name)
        elif kind is ast.Store and isinstance(n, ast.alias):
            out.add((n.asname or n.name).split(".")[0])
    return out


def header_bound_loads(node):
    """The names a statement loads, leaving out the uses, inside a `with … as x:` or `for x in …:` body, of the name its
    header binds: `with open("requirements-dev.txt") as f: testing = f.read()` does not read an earlier, failed `f`."""
    if isinstance(node, (ast.With, ast.AsyncWith)):
        bound = set().union(*(names_in(i.optional_vars, ast.Store) for i in node.items if i.optional_vars is not None))
        header = set().union(*(names_in(i.context_expr, ast.Load) for i in node.items))
        return header | (set().union(*(names_in(s, ast.Load) for s in node.body)) - bound)
    if isinstance(node, (ast.For, ast.AsyncFor)):
        bound = names_in(node.target, ast.Store)
        return names_in(node.iter, ast.Load) | (set().union(*(names_in(s, ast.Load) for s in node.body + node.orelse)) - bound)
    return names_in(node, ast.Load)


MUTATORS = {"append", "extend", "insert", "update", "add", "pop", "popitem", "remove", "clear", "setdefault",
            "discard", "sort", "reverse", "__setitem__", "__delitem__", "__iadd__"}


def mutated_in(node):
    """Names whose object a statement may change in place: x[...] = , x.attr(...), x += ."""
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Subscript) and isinstance(n.ctx, (ast.Store, ast.Del)) and isinstance(n.value, ast.Name):
            out.add(n.value.id)
        elif (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
              and n.func.attr in MUTATORS):
            out.add(n.func.value.id)
        elif isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name):
            out.add(n.target.id)
    return out


def const_subscripts(node, kind):
    """(name, "key") for every name["key"] the node stores (kind=ast.Store) or loads (ast.Load)."""
    out = set()
    for n in ast.walk(node):
        if (isinstance(n, ast.Subscript) and isinstance(n.ctx, kind) and isinstance(n.value, ast.Name)
                and isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str)):
            out.add((n.value.id, n.slice.value))
    return out


def only_keyed_stores(stmt):
    """Names a statement changes only through name["key"] = … (so only those keys become unknown if it fails)."""
    keyed = {name for name, _ in const_subscripts(stmt, ast.Store)}
    other = names_in(stmt, ast.Store)
    for n in ast.walk(stmt):
        if isinstance(n, ast.Subscript) and isinstance(n.ctx, (ast.Store, ast.Del)) and isinstance(n.value, ast.Name):
            if not (isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str)):
                other.add(n.value.id)
        elif (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
              and n.func.attr in MUTATORS):
            other.add(n.func.value.id)
        elif isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name):
            other.add(n.target.id)
    return keyed - other


def eval_setup_py(path, text, wanted):
    global CWD
    file = absolute(path)
    CWD = posixpath.dirname(file)
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as e:  # Python 2 setup.py: nothing can be read
        return {"python_requires": None, "install_requires": None, "extras": None, "names": {},
                "skipped": [f"not Python 3: {e}"], "unknown_extras": [], "version": None}
    ns = {"__builtins__": make_builtins(), "__name__": "__main__", "__file__": file}
    tainted, skipped = set(), []
    tainted_keys = set()  # (name, key): name["key"] is unknown
    function_loads = {}  # function name -> global names its body loads

    def loads_of(node):
        names = header_bound_loads(node)
        extra = set()
        for name in names:
            extra |= function_loads.get(name, set())
        return names | extra

    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and (
        (isinstance(n.func, ast.Name) and n.func.id == "setup")
        or (isinstance(n.func, ast.Attribute) and n.func.attr == "setup"))]

    def finish(result):
        for name in wanted:
            if name in ns and name not in tainted:
                try:
                    json.dumps(ns[name])
                    result["names"][name] = ns[name]
                except (TypeError, ValueError):
                    pass
        return result

    for stmt in tree.body:
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(c in calls for c in ast.walk(stmt)):
            continue  # the setup() call: its keywords are read one by one below
        stores = names_in(stmt, ast.Store) | mutated_in(stmt)
        if isinstance(stmt, ast.ClassDef):
            stores = {stmt.name}
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function_loads[stmt.name] = names_in(stmt, ast.Load)
        try:
            code = compile(ast.Module(body=[stmt], type_ignores=[]), path, "exec")
            exec(code, ns)
            if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if loads_of(stmt) & tainted:
                    tainted |= stores
                elif const_subscripts(stmt, ast.Load) & tainted_keys:
                    keyed = only_keyed_stores(stmt)
                    tainted_keys.update(k for k in const_subscripts(stmt, ast.Store) if k[0] in keyed)
                    tainted |= stores - keyed
        except BaseException as e:  # noqa: BLE001 - any failure makes what the statement binds unknown
            if isinstance(e, (KeyboardInterrupt, MemoryError)):
                raise
            # a failed statement taints what it binds and the containers it may have half-changed
            keyed = only_keyed_stores(stmt)
            tainted_keys.update(k for k in const_subscripts(stmt, ast.Store) if k[0] in keyed)
            tainted |= stores - keyed
            skipped.append(f"line {stmt.lineno}: {type(e).__name__}: {str(e)[:80]}")

    result = {"python_requires": None, "install_requires": None, "extras": None, "names": {}, "skipped": skipped}
    if len(calls) != 1:
        skipped.append(f"{len(calls)} setup() call sites")
        return finish(result)
    node = calls[0]
    kwargs, unknown = {}, set()

    def value(expr):
        if loads_of(expr) & tainted:
            raise Unknown("tainted")
        return eval(compile(ast.Expression(body=expr), path, "eval"), ns)

    def dict_items(name):
        """setup(**name) where `name = dict(k=…)` / `{…}` failed as a whole: its items one by one."""
        assigns = [st for st in tree.body if isinstance(st, ast.Assign) and len(st.targets) == 1
                   and isinstance(st.targets[0], ast.Name) and st.targets[0].id == name]
        if len(assigns) != 1:
            return None
        val = assigns[0].value
        if isinstance(val, ast.Call) and isinstance(val.func, ast.Name) and val.func.id == "dict" and not val.args:
            items = [(k.arg, k.value) for k in val.keywords]
        elif isinstance(val, ast.Dict) and all(isinstance(k, ast.Constant) for k in val.keys):
            items = [(k.value, v) for k, v in zip(val.keys, val.values)]
        else:
            return None
        if any(k is None for k, _ in items):
            return None
        return items

    def branch_dicts_without_metadata(name):
        """setup(**name) where `name` is set only in branches the reader does not run (basicsr 1.4.2: `setup_kwargs =
        dict(cmdclass=…)` or `dict()` under `if os.getenv('BASICSR_EXT') == 'True'` inside `if __name__ == '__main__'`):
        when every assignment to it is a dict whose keys are all written out and none is a field read here, it adds
        nothing that is read, whichever branch runs."""
        assigns = [st for st in ast.walk(tree) if isinstance(st, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in st.targets)]
        if not assigns or any(isinstance(st, (ast.AugAssign, ast.AnnAssign)) for st in ast.walk(tree)
                              if getattr(getattr(st, "target", None), "id", None) == name):
            return False
        for st in assigns:
            val = st.value
            if isinstance(val, ast.Call) and isinstance(val.func, ast.Name) and val.func.id == "dict" and not val.args:
                keys = [k.arg for k in val.keywords]
            elif isinstance(val, ast.Dict) and all(isinstance(k, ast.Constant) for k in val.keys):
                keys = [k.value for k in val.keys]
            else:
                return False
            if any(k is None or k in READ_FIELDS for k in keys):
                return False
        # a later item assignment (`name["install_requires"] = …`) or update() could add a field
        for n in ast.walk(tree):
            if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id == name and isinstance(n.ctx, ast.Store):
                return False
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == name:
                return False
        return True

    expanded = []
    for kw in node.keywords:
        if kw.arg is None and isinstance(kw.value, ast.Name) and kw.value.id in tainted:
            items = dict_items(kw.value.id)
            if items is None:
                skipped.append("setup(**…) of a dict that could not be read")
                return finish(result)
            expanded += [ast.keyword(arg=k, value=v) for k, v in items]
            for name, key in tainted_keys:
                if name == kw.value.id:
                    expanded.append(ast.keyword(arg=key, value=ast.Name(id="__unknown__", ctx=ast.Load())))
        else:
            expanded.append(kw)

    for kw in expanded:
        try:
            v = value(kw.value)
        except BaseException as e:  # noqa: BLE001
            if isinstance(e, (KeyboardInterrupt, MemoryError)):
                raise
            if kw.arg is None:
                if isinstance(kw.value, ast.Name) and branch_dicts_without_metadata(kw.value.id):
                    continue
                skipped.append(f"setup(**...): {type(e).__name__}")
                return finish(result)
            unknown.add(kw.arg)
            continue
        if kw.arg is None:
            if not isinstance(v, dict):
                return finish(result)
            kwargs.update(v)
        else:
            kwargs[kw.arg] = v

    def field(key):
        if key in unknown:
            return None
        return kwargs.get(key, "absent")

    pr = field("python_requires")
    result["python_requires"] = "" if pr == "absent" else (norm_python(pr) if isinstance(pr, str) else None)
    ir = field("install_requires")
    result["install_requires"] = [] if ir == "absent" else ([norm_req(x) for x in yield_lines(ir)] if ir is not None else None)
    ex = field("extras_require")
    result["extras"] = {} if ex == "absent" else (build_extras(ex) if isinstance(ex, dict) else None)
    ex_names = {n.id for kw in node.keywords if kw.arg == "extras_require" for n in ast.walk(kw.value) if isinstance(n, ast.Name)}
    result["unknown_extras"] = sorted({normalize_extra(k) for name, k in tainted_keys if name in ex_names})
    v = field("version")
    result["version"] = v if isinstance(v, str) else None
    return finish(result)


# ---------------------------------------------------------------------------------------------------------- pyproject

def read_pyproject(text, path):
    import tomllib
    data = tomllib.loads(text)
    project = data.get("project", {})
    dynamic = set(project.get("dynamic", []))
    result = {"python_requires": None, "install_requires": None, "extras": None, "names": {}, "skipped": []}
    if "requires-python" in project:
        result["python_requires"] = norm_python(project["requires-python"])
    elif project and "requires-python" not in dynamic:
        result["python_requires"] = ""
    setuptools_dynamic = data.get("tool", {}).get("setuptools", {}).get("dynamic", {})
    base = posixpath.dirname(absolute(path))

    def from_files(spec):
        files = spec.get("file") if isinstance(spec, dict) else None
        if not files:
            return None
        lines = []
        for f in [files] if isinstance(files, str) else files:
            full = posixpath.normpath(posixpath.join(base, f))
            if full not in FILES:
                return None
            lines += yield_lines(FILES[full])
        return [l for l in lines if not l.startswith("-")]

    hatch_req = data.get("tool", {}).get("hatch", {}).get("metadata", {}).get("hooks", {}).get("requirements_txt")
    if isinstance(hatch_req, dict):  # the hatch-requirements-txt plugin: dependencies from requirement files
        files = hatch_req.get("files") or ([hatch_req["filename"]] if isinstance(hatch_req.get("filename"), str) else ["requirements.txt"])
        setuptools_dynamic = {"dependencies": {"file": files}}
        opt = hatch_req.get("optional-dependencies")
        if isinstance(opt, dict):
            setuptools_dynamic["optional-dependencies"] = {k: {"file": v} for k, v in opt.items()}
    if "dependencies" in project:
        result["install_requires"] = [norm_req(x) for x in project["dependencies"]]
    elif "dependencies" in dynamic:
        deps = from_files(setuptools_dynamic.get("dependencies"))
        result["install_requires"] = [norm_req(x) for x in deps] if deps is not None else None
    elif project:
        result["install_requires"] = []
    if "optional-dependencies" in project:
        result["extras"] = build_extras(project["optional-dependencies"])
    elif "optional-dependencies" in dynamic:
        opt = setuptools_dynamic.get("optional-dependencies")
        if isinstance(opt, dict):
            extras = {}
            for k, spec in opt.items():
                deps = from_files(spec)
                if deps is None:
                    extras = None
                    break
                extras[k] = deps
            result["extras"] = build_extras(extras) if extras is not None else None
    elif project:
        result["extras"] = {}
    result["version"] = project.get("version") if isinstance(project.get("version"), str) else None
    result["names"]["dynamic"] = sorted(dynamic)
    result["names"]["has_project"] = bool(project)
    return result


def read_setup_cfg(text):
    # As setuptools reads it (Distribution._parse_config_files): `%(name)s` interpolation on, option names kept as
    # written (trl 0.18.0's extras say `dev = %(bco)s ...`).
    cp = configparser.ConfigParser()
    cp.optionxform = str
    cp.read_string(text)
    result = {"python_requires": None, "install_requires": None, "extras": None, "names": {}, "skipped": []}
    if cp.has_section("options"):
        opts = cp["options"]
        result["python_requires"] = norm_python(opts.get("python_requires", ""))
        result["install_requires"] = [norm_req(x) for x in yield_lines(opts.get("install_requires", ""))]
    if cp.has_section("metadata") and not cp["metadata"].get("version", "").startswith("attr:"):
        result["version"] = cp["metadata"].get("version")
    if cp.has_section("options.extras_require"):
        result["extras"] = build_extras(dict(cp["options.extras_require"]))
    elif cp.has_section("options"):
        result["extras"] = {}
    return result


def main():
    req = json.load(sys.stdin)
    KNOWN_ENV.update(req.get("environ") or {})
    for p, t in (req.get("files") or {}).items():
        FILES[absolute(p)] = t
    FILES[absolute(req["path"])] = req["text"]
    kind = req["kind"]
    if kind == "setup.py":
        out = eval_setup_py(req["path"], req["text"], req.get("names") or [])
    elif kind == "pyproject":
        out = read_pyproject(req["text"], req["path"])
    elif kind == "setup.cfg":
        out = read_setup_cfg(req["text"])
    elif kind == "requirements":
        out = {"install_requires": [norm_req(x) for x in yield_lines(req["text"]) if not x.startswith("-")]}
    else:
        raise SystemExit(f"unknown kind {kind}")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
