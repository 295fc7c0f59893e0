"""The house plan (issue #12), enforced by reading the source; nothing is imported.

Product code is every `.py` file under `transparency/` and `benchmarks/` (if that folder
holds code), the pages in `pages/` and `dashboard.py`; tests are not product code. Modules
are found by walking the folders, so a module that moves or appears is checked without
editing this file. Each rule is one test, and its failure lists every offender with its
file and line, so one run shows all that is left to do.

- The library never imports Streamlit outside `transparency/app/`.
- Pages and `dashboard.py` import the app package, public names of the library (nothing
  whose name starts with `_`), the standard library and third-party packages, nothing else.
- No import cycle among `transparency` modules (imports run at import time only: not inside
  a function, not under `if TYPE_CHECKING:`). `from pkg import name` is an edge to
  `pkg.name` when that is a module, else to `pkg`.
- No module over `MAX_MODULE_LINES` lines; no function over `MAX_FUNCTION_LINES` lines
  (from `def` to its last line) unless its docstring says "Long because".
- An import inside a function has a `#` comment on its line or on the line just above it;
  a run of import lines with no blank line between them may share the comment above the
  first.
- Every `.sql` file under `queries/` (and `queries/views/`) has the header lines
  `-- returns:` or `-- defines:`, `-- grain:` and `-- params:`, and no Python-format braces
  other than `{{slot}}` placeholders; every file in `queries/views/` is named (a string
  equal to its stem, or to its file name) by some module under `transparency/`.
- No environment variable is read outside `transparency/settings.py`
  (`os.environ[...] = ...`, `del os.environ[...]`,
  `os.environ.pop/update/clear` are writes and allowed).
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from collections import deque
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LIBRARY = REPO / "transparency"
APP = LIBRARY / "app"
QUERIES = REPO / "queries"
VIEWS = QUERIES / "views"
ENV_READERS = {LIBRARY / "settings.py"}
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
LONG_BECAUSE = "Long because"

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
IMPORTS = (ast.Import, ast.ImportFrom)


def _report(offenders: list[str], rule: str) -> None:
    """Fail with the rule and one offender a line (no traceback: the list is the message)."""
    if offenders:
        pytest.fail(f"{len(offenders)} found. {rule}\n  " + "\n  ".join(offenders), pytrace=False)


# --- finding and parsing the source ---------------------------------------------------


def _library_files() -> list[Path]:
    return sorted(p for p in LIBRARY.rglob("*.py") if "__pycache__" not in p.parts)


def _page_files() -> list[Path]:
    return sorted((REPO / "pages").glob("*.py")) + [REPO / "dashboard.py"]


def _product_files() -> list[Path]:
    bench = REPO / "benchmarks"
    extra = sorted(p for p in bench.rglob("*.py") if "__pycache__" not in p.parts)
    return _library_files() + extra + _page_files()


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


@cache
def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(_source(path), filename=str(path))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _library_modules() -> dict[str, Path]:
    return {_module_name(p): p for p in _library_files()}


def _resolve_from(node: ast.ImportFrom, module: str, path: Path) -> str:
    """Return the absolute module an `ImportFrom` reads from (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _targets(node: ast.Import | ast.ImportFrom, path: Path) -> list[tuple[str, str | None]]:
    """Return (module, imported name or None) for each name an import statement binds."""
    if isinstance(node, ast.Import):
        return [(alias.name, None) for alias in node.names]
    base = _resolve_from(node, _module_name(path), path)
    return [(base, alias.name) for alias in node.names]


def _walk_outside_functions(node: ast.AST) -> Iterator[ast.AST]:
    """Yield the nodes that run when the module is imported (not function bodies, not
    `if TYPE_CHECKING:` blocks)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (*FUNCTIONS, ast.Lambda)):
            continue
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            yield from (n for c in child.orelse for n in (c, *_walk_outside_functions(c)))
            continue
        yield child
        yield from _walk_outside_functions(child)


def _imports_inside_functions(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    found: dict[int, ast.Import | ast.ImportFrom] = {}
    for func in ast.walk(tree):
        if isinstance(func, FUNCTIONS):
            for node in ast.walk(func):
                if isinstance(node, IMPORTS):
                    found[node.lineno] = node
    return [found[k] for k in sorted(found)]


# --- the library never imports Streamlit outside the app package ------------------------


def _is_streamlit(module: str) -> bool:
    return module == "streamlit" or module.startswith("streamlit.")


def test_library_imports_streamlit_only_under_the_app_package():
    offenders = []
    for path in _library_files():
        if path.is_relative_to(APP):
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, IMPORTS):
                modules = [m for m, _ in _targets(node, path)]
            elif (
                isinstance(node, ast.Call)
                and ast.unparse(node.func).endswith(("import_module", "__import__"))
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                modules = [str(node.args[0].value)]
            else:
                continue
            if any(_is_streamlit(m) for m in modules):
                offenders.append(f"{_rel(path)}:{node.lineno}: {ast.unparse(node)}")
    _report(
        offenders,
        "Streamlit is imported outside transparency/app/ (move the Streamlit part under the "
        "app package):",
    )


# --- pages import the app package and public library names only ----------------------


def _is_local(top: str) -> bool:
    """Whether a top-level import name is a module of this repository (not `transparency`)."""
    here = (REPO, REPO / "pages")
    return any((d / f"{top}.py").exists() or (d / top).is_dir() for d in here)


def _private_parts(dotted: str) -> list[str]:
    return [p for p in dotted.split(".") if p.startswith("_") and not p.startswith("__")]


def _page_offenders(path: Path, tree: ast.Module) -> list[str]:
    """Return the imports (and uses of private library names) a page may not have."""
    offenders = []
    bound: set[str] = set()  # names bound to something from the transparency package
    for node in ast.walk(tree):
        if not isinstance(node, IMPORTS):
            continue
        where = f"{_rel(path)}:{node.lineno}: {ast.unparse(node)}"
        if isinstance(node, ast.ImportFrom) and node.level:
            offenders.append(f"{where} (relative import)")
            continue
        for alias, (module, name) in zip(node.names, _targets(node, path), strict=True):
            top = module.split(".")[0]
            if top != "transparency":
                if _is_local(top):
                    offenders.append(f"{where} (a local module, not the library)")
                continue
            dotted = f"{module}.{name}" if name else module
            if _private_parts(dotted):
                offenders.append(f"{where} (private name {_private_parts(dotted)})")
            bound.add(alias.asname or (name or top))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private_parts(node.attr):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in bound:
                offenders.append(f"{_rel(path)}:{node.lineno}: {ast.unparse(node)} (private name)")
    return sorted(offenders, key=lambda o: int(o.split(":")[1]))


def test_pages_import_only_the_app_package_and_public_library_names():
    offenders = [o for path in _page_files() for o in _page_offenders(path, _tree(path))]
    _report(
        offenders,
        "Pages and dashboard.py may import transparency.app (and its submodules), public "
        "names of the library, the standard library and third-party packages only:",
    )


# --- no import cycles among transparency modules -------------------------------------


def _import_graph() -> dict[str, set[str]]:
    """Return module -> library modules it imports at import time."""
    modules = _library_modules()

    def known(dotted: str) -> str | None:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in _walk_outside_functions(_tree(path)):
            if not isinstance(node, IMPORTS):
                continue
            for module, imported in _targets(node, path):
                if not module.startswith("transparency"):
                    continue
                full = f"{module}.{imported}" if imported else module
                target = full if full in modules else known(module)
                if target is not None and target != name:
                    graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return one shortest cycle (as a path) through each strongly connected component."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    cycles = []
    for component in components:
        start, members = component[0], set(component)
        came_from: dict[str, str] = {}
        queue = deque([start])
        while queue:
            v = queue.popleft()
            if start in graph[v]:
                path = [v]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                cycles.append([*reversed(path), start])
                break
            for w in sorted(graph[v] & members):
                if w not in came_from and w != start:
                    came_from[w] = v
                    queue.append(w)
    return cycles


def test_no_import_cycles_among_transparency_modules():
    cycles = _cycles(_import_graph())
    _report(
        [" -> ".join(c) for c in cycles],
        "Import cycles among transparency modules (module-level imports):",
    )


# Outer rings: the app, the command line, the demo generator and the benchmark. The core
# (everything else) never imports them, not even inside a function, so the library can be
# used, tested and measured without Streamlit, argparse or the bench.
OUTER = (
    "transparency.app",
    "transparency.bench",
    "transparency.commands",
    "transparency.cli",
    "transparency.demo",
    "transparency.__main__",
)


def _outer(name: str) -> bool:
    return any(name == o or name.startswith(o + ".") for o in OUTER)


def test_the_core_never_imports_the_outer_rings():
    offenders = []
    for name, path in _library_modules().items():
        if _outer(name):
            continue
        for node in ast.walk(_tree(path)):
            if not isinstance(node, IMPORTS):
                continue
            for module, imported in _targets(node, path):
                full = f"{module}.{imported}" if imported else module
                if _outer(module) or _outer(full):
                    offenders.append(f"{_rel(path)}:{node.lineno}: imports {full}")
    _report(offenders, "Core modules importing the app, CLI, demo or bench:")


def test_only_the_bench_command_imports_the_bench():
    offenders = []
    for name, path in _library_modules().items():
        if name.startswith("transparency.bench") or name == "transparency.commands.bench":
            continue
        for node in ast.walk(_tree(path)):
            if not isinstance(node, IMPORTS):
                continue
            for module, imported in _targets(node, path):
                full = f"{module}.{imported}" if imported else module
                if module.startswith("transparency.bench") or full == "transparency.bench":
                    offenders.append(f"{_rel(path)}:{node.lineno}: imports {full}")
    _report(offenders, "Modules other than commands/bench.py importing the benchmark:")


# --- size: modules and functions -------------------------------------------------------


def test_no_module_over_the_line_limit():
    offenders = []
    for path in _product_files():
        n = len(_source(path).splitlines())
        if n > MAX_MODULE_LINES:
            offenders.append(f"{_rel(path)}: {n} lines")
    _report(offenders, f"Modules over {MAX_MODULE_LINES} lines (cut them along their seams):")


def test_no_function_over_the_line_limit_without_a_reason():
    offenders = []
    for path in _product_files():
        for node in ast.walk(_tree(path)):
            if not isinstance(node, FUNCTIONS):
                continue
            n = node.end_lineno - node.lineno + 1
            if n > MAX_FUNCTION_LINES and LONG_BECAUSE not in (ast.get_docstring(node) or ""):
                offenders.append(f"{_rel(path)}:{node.lineno}: {node.name} ({n} lines)")
    _report(
        offenders,
        f"Functions over {MAX_FUNCTION_LINES} lines whose docstring gives no reason "
        f'("{LONG_BECAUSE} ..."):',
    )


# --- imports inside functions say why ------------------------------------------------


def _comment_lines(source: str) -> set[int]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {tok.start[0] for tok in tokens if tok.type == tokenize.COMMENT}


def test_every_import_inside_a_function_has_a_comment():
    offenders = []
    for path in _product_files():
        lines = _source(path).splitlines()
        comments = _comment_lines(_source(path))
        justified: dict[int, bool] = {}  # end line of an import -> has its reason
        for node in _imports_inside_functions(_tree(path)):
            above = node.lineno - 1
            ok = (
                any(n in comments for n in range(node.lineno, node.end_lineno + 1))
                or (above >= 1 and lines[above - 1].lstrip().startswith("#"))
                or justified.get(above, False)  # the comment above a run of imports
            )
            justified[node.end_lineno] = ok
            if not ok:
                offenders.append(f"{_rel(path)}:{node.lineno}: {ast.unparse(node)}")
    _report(
        offenders,
        "Imports inside a function without a `#` comment on the line or just above saying "
        "why (e.g. '# lazy: ...' or '# cycle: ...'; or move it to the top):",
    )


# --- SQL files -------------------------------------------------------------------------

_HEADER = {
    "returns/defines": re.compile(r"--\s*(returns|defines)\s*:"),
    "grain": re.compile(r"--\s*grain\s*:"),
    "params": re.compile(r"--\s*params\s*:"),
}
_SLOT = re.compile(r"\{\{[a-z_][a-z0-9_]*\}\}")
# What str.format would read as a field ({}, {0}, {name}, {name!r}, {x:>8}) or an escape.
_FORMAT_FIELD = re.compile(r"\{[\w.\[\]]*(![rsa])?(:[^{}'\"]*)?\}|\{\{|\}\}")


def _sql_files() -> list[Path]:
    return sorted(QUERIES.rglob("*.sql"))


def _header(text: str) -> list[str]:
    """Return the leading `--` lines of a SQL file (blank lines skipped)."""
    header = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("--"):
            header.append(stripped)
        elif stripped:
            break
    return header


def test_every_sql_file_has_the_header_lines():
    assert _sql_files(), f"no .sql file under {QUERIES}"
    offenders = []
    for path in _sql_files():
        header = _header(_source(path))
        missing = [k for k, rx in _HEADER.items() if not any(rx.match(h) for h in header)]
        if missing:
            offenders.append(f"{_rel(path)}: no '-- {' / '.join(missing)}:' header line")
    _report(offenders, "SQL files without the header convention:")


def test_sql_files_hold_no_python_format_braces_but_slots():
    offenders = []
    for path in _sql_files():
        for number, line in enumerate(_source(path).splitlines(), start=1):
            # Braces inside SQL string literals are text (a regex quantifier such as '{8}').
            code = re.sub(r"'(?:[^']|'')*'", "''", line.split("--", 1)[0])
            for match in _FORMAT_FIELD.finditer(_SLOT.sub("", code)):
                offenders.append(f"{_rel(path)}:{number}: {match.group(0)!r} in {line.strip()}")
    _report(
        offenders,
        "SQL files with Python-format braces ({{slot}} with a lower-case identifier is the "
        "only placeholder; values are $parameters):",
    )


def test_every_view_file_is_named_by_a_library_module():
    if not VIEWS.is_dir():
        return  # nothing to check until queries/views/ exists
    strings: set[str] = set()
    for path in _library_files():
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
    dead = []
    for path in sorted(VIEWS.rglob("*.sql")):
        names = {path.stem, path.name, path.relative_to(QUERIES).as_posix()}
        if not names & strings:
            dead.append(_rel(path))
    _report(
        dead,
        "Files in queries/views/ that no module under transparency/ names (dead, or loaded "
        "by a name built at run time):",
    )


# --- environment variables are read in the settings modules only -----------------------

_ENV_WRITES = {"pop", "update", "clear", "__setitem__", "__delitem__"}


def _env_reads(tree: ast.Module) -> list[ast.AST]:
    """Return the nodes that read an environment variable (or the whole environment)."""
    os_names, environ_names, getenv_names = set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            os_names |= {a.asname or a.name for a in node.names if a.name == "os"}
        elif isinstance(node, ast.ImportFrom) and node.module == "os" and not node.level:
            environ_names |= {a.asname or a.name for a in node.names if a.name == "environ"}
            getenv_names |= {a.asname or a.name for a in node.names if a.name == "getenv"}
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def is_os(node: ast.AST, attr: str, names: set[str]) -> bool:
        if isinstance(node, ast.Attribute):
            return (
                node.attr == attr and isinstance(node.value, ast.Name) and node.value.id in os_names
            )
        return isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load)

    reads = []
    for node in ast.walk(tree):
        if is_os(node, "getenv", getenv_names):
            reads.append(node)
        elif is_os(node, "environ", environ_names):
            parent = parents.get(node)
            if isinstance(parent, ast.Subscript) and isinstance(parent.ctx, (ast.Store, ast.Del)):
                continue
            if (
                isinstance(parent, ast.Attribute)
                and parent.attr in _ENV_WRITES
                and isinstance(parents.get(parent), ast.Call)
            ):
                continue
            reads.append(parent if isinstance(parent, (ast.Subscript, ast.Attribute)) else node)
    return sorted(reads, key=lambda n: (n.lineno, n.col_offset))


def test_environment_is_read_only_in_the_settings_modules():
    offenders = []
    for path in _product_files():
        if path in ENV_READERS:
            continue
        lines = _source(path).splitlines()
        for node in _env_reads(_tree(path)):
            offenders.append(f"{_rel(path)}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    allowed = ", ".join(_rel(p) for p in sorted(ENV_READERS))
    _report(
        offenders,
        f"Environment variables read outside {allowed} (read them there and import the value "
        "or a function):",
    )


# --- the checkers themselves find what they look for -------------------------------------


def test_the_checkers_find_a_cycle_an_env_read_and_a_format_brace():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [["a", "b", "c", "a"]]
    code = ast.parse(
        "import os\n"
        "from os import environ as env\n"
        "os.environ['A'] = '1'\n"
        "del os.environ['A']\n"
        "os.environ.pop('A', None)\n"
        "x = os.environ.get('B')\n"
        "y = os.getenv('C')\n"
        "z = env['D']\n"
        "w = 'E' in os.environ\n"
    )
    assert [n.lineno for n in _env_reads(code)] == [6, 7, 8, 9]
    page = ast.parse(
        "import streamlit as st\n"
        "import dashboard\n"
        "from transparency import figures\n"
        "from transparency.figures import _step_labels\n"
        "from transparency._private import x\n"
        "from transparency.app import fmt\n"
        "order = figures._METHOD_ORDER\n"
        "from . import sibling\n"
    )
    found = _page_offenders(REPO / "pages" / "example.py", page)
    assert [int(o.split(":")[1]) for o in found] == [2, 4, 5, 7, 8], found
    fields = [m.group(0) for m in _FORMAT_FIELD.finditer(_SLOT.sub("", SAMPLE_SQL))]
    assert fields == ["{table}", "{}", "{0!r}", "{{", "}}"]


SAMPLE_SQL = "select {'a': 1} as s from {{source}} join {table} on {} = {0!r} where x = '{{ y }}'"
