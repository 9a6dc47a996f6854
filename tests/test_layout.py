"""The layout keeps its promises: no import cycle, layers import one way, no junk-drawer names.

The import graph of ``src/chainrule`` is built from the source with ``ast`` (every ``import``
and ``from ... import`` statement, at module level *and* inside functions, so a lazy import
that goes back up is caught too). Then:

* no cycle among chainrule's modules;
* ``ops/`` files import only ``core``, ``ops/axes.py``/``ops/dtypes.py`` and the families
  before them in the order elementwise <- index <- shape <- reduce <- linalg <- special (a
  new family, not in the list, comes after all of them); never ``numpy/`` or anything above;
* ``core`` imports nothing from chainrule outside ``core``;
* no module or package is named misc, utils or helpers.

Each check is a function of a graph, so the tests at the end show it failing on a small
fabricated graph: a check that cannot fail proves nothing.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

import chainrule

SRC = pathlib.Path(chainrule.__file__).parent
ROOT = "chainrule"
# the order, then the families added since, each after what it builds on
FAMILIES = ("elementwise", "index", "shape", "reduce", "linalg", "special", "fft", "window",
            "gamma_beta", "incomplete", "bessel", "convolution", "factorizations", "batching")
OPS_BASE = ("axes", "dtypes")  # below every family: axis arguments, the dtype policy
JUNK_NAMES = {"misc", "util", "utils", "helper", "helpers"}


def module_names(src: pathlib.Path = SRC) -> dict[str, pathlib.Path]:
    """Every module of the package by dotted name (a package is its ``__init__``)."""
    out = {}
    for path in sorted(src.rglob("*.py")):
        parts = (ROOT,) + path.relative_to(src).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imported(node: ast.AST, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The chainrule modules one import statement names (``from p import m`` names the
    submodule p.m when it is one, else p)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        if node.level:
            base = module.split(".") if is_package else module.split(".")[:-1]
            base = base[:len(base) - node.level + 1]
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        names = [prefix]
        names += [f"{prefix}.{a.name}" for a in node.names if f"{prefix}.{a.name}" in known]
        if len(names) > 1 and not any(f"{prefix}.{a.name}" not in known for a in node.names):
            names = names[1:]  # only submodules: the package itself is not what is used
    out = set()
    for name in names:
        while name and name not in known:  # import a.b.c of a function or class: its module
            name = name.rpartition(".")[0]
        if name.startswith(ROOT) and name in known:
            out.add(name)
    return out


def import_graph(src: pathlib.Path = SRC) -> dict[str, set[str]]:
    """module -> the chainrule modules it imports, anywhere in its source (except under
    ``if TYPE_CHECKING:``, which never runs: a type-only import is no runtime edge)."""
    mods = module_names(src)
    known = set(mods)
    graph = {}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        edges = set()
        type_only = {id(n) for guard in ast.walk(tree) if isinstance(guard, ast.If)
                     and ast.unparse(guard.test).endswith("TYPE_CHECKING")
                     for n in ast.walk(guard)}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in type_only:
                edges |= _imported(node, name, is_package, known)
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None (depth-first search, three colours)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                return stack[stack.index(n):] + [n]
            if n not in state:
                found = visit(n)
                if found:
                    return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def _ops_rank(module: str) -> int | None:
    """A module's place in ops/'s order: -1 for the base modules, the family's index, one
    past the end for a new family; None outside ops/ (and for the package itself)."""
    parts = module.split(".")
    if parts[:2] != [ROOT, "ops"] or len(parts) < 3:
        return None
    name = parts[2]
    if name in OPS_BASE:
        return -1
    return FAMILIES.index(name) if name in FAMILIES else len(FAMILIES)


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    """Every import that breaks the one-way order of ops/ or core's independence."""
    bad = []
    for m, deps in sorted(graph.items()):
        rank = _ops_rank(m)
        for d in sorted(deps):
            if m.startswith(f"{ROOT}.core") and not d.startswith(f"{ROOT}.core"):
                bad.append(f"{m} (core) imports {d}, outside core")
            if rank is None:
                continue
            if d == f"{ROOT}.core" or d.startswith(f"{ROOT}.core."):
                continue
            drank = _ops_rank(d)
            if drank is None:
                bad.append(f"{m} (ops) imports {d}: ops may import only core and ops")
            elif not drank < rank:
                bad.append(f"{m} imports {d}, which is not before it in ops/'s order "
                           f"{' <- '.join(OPS_BASE + FAMILIES)}")
    return bad


def junk_names(modules) -> list[str]:
    """Modules or packages named misc/utils/helpers (leading underscores ignored)."""
    return sorted(m for m in modules
                  if any(p.lstrip("_") in JUNK_NAMES for p in m.split(".")))


# ---- the package as it is ------------------------------------------------------------------

GRAPH = import_graph()


def test_the_graph_sees_the_packages_modules_and_their_imports():
    """A graph that missed files or imports would pass every check below vacuously."""
    assert {f"{ROOT}.ops.{f}" for f in FAMILIES} <= set(GRAPH)
    assert f"{ROOT}.ops.elementwise" in GRAPH[f"{ROOT}.ops.reduce"]
    assert f"{ROOT}.core" in GRAPH[f"{ROOT}.ops.elementwise"]
    assert f"{ROOT}.numpy.dispatch" in GRAPH[f"{ROOT}.numpy.math"]
    assert len(GRAPH) >= 50


def test_there_is_no_import_cycle_among_chainrules_modules():
    """Module-level and function-level imports together form no cycle."""
    assert find_cycle(GRAPH) is None, " -> ".join(find_cycle(GRAPH))


def test_ops_imports_one_way_and_core_imports_only_core():
    """ops/ families import only earlier families (and core); core imports only core."""
    assert layer_violations(GRAPH) == []


def test_no_module_or_package_is_named_misc_utils_or_helpers():
    assert junk_names(GRAPH) == []


# ---- each check fails where it must ----------------------------------------------------------

def _graph(**edges: str) -> dict[str, set[str]]:
    """A fabricated graph: keyword a_b="c_d e_f" is chainrule.a.b -> chainrule.c.d, e.f."""
    def name(k: str) -> str:
        return ".".join([ROOT, *k.split("_")]) if k else ROOT
    return {name(k): {name(v) for v in vs.split()} for k, vs in edges.items()}


def test_a_cycle_is_found_even_through_a_lazy_import():
    """a -> b -> c -> a (say c's import of a sits inside a function): found, with its path."""
    g = _graph(a="b", b="c", c="a", d="a")
    cycle = find_cycle(g)
    assert cycle is not None and cycle[0] == cycle[-1] and set(cycle) == {
        f"{ROOT}.a", f"{ROOT}.b", f"{ROOT}.c"}
    assert find_cycle(_graph(a="b", b="c", d="a")) is None


def test_function_level_imports_are_edges_of_the_graph(tmp_path):
    """A lazy ``from . import a`` inside a function of b still makes the edge b -> a."""
    pkg = tmp_path / "chainrule"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("def f():\n    from .a import x\n    return x\n")
    g = import_graph(pkg)
    assert g[f"{ROOT}.b"] == {f"{ROOT}.a"}
    assert find_cycle(g) == [f"{ROOT}.a", f"{ROOT}.b", f"{ROOT}.a"]


@pytest.mark.parametrize("edges, culprit", [
    ({"ops_reduce": "ops_linalg"}, "chainrule.ops.reduce imports chainrule.ops.linalg"),
    ({"ops_elementwise": "ops_index"}, "chainrule.ops.elementwise imports chainrule.ops.index"),
    ({"ops_shape": "numpy_math"}, "chainrule.ops.shape (ops) imports chainrule.numpy.math"),
    ({"ops_axes": "ops_elementwise"}, "chainrule.ops.axes imports chainrule.ops.elementwise"),
    ({"ops_fft": "ops_newfamily"}, "chainrule.ops.fft imports chainrule.ops.newfamily"),
    ({"ops_special": "transforms"}, "chainrule.ops.special (ops) imports chainrule.transforms"),
    ({"core_primitive": "ops_elementwise"}, "chainrule.core.primitive (core) imports"),
])
def test_an_import_against_the_order_is_reported(edges, culprit):
    bad = layer_violations(_graph(**edges))
    assert len(bad) == 1 and bad[0].startswith(culprit), bad


def test_imports_along_the_order_are_allowed():
    g = _graph(ops_linalg="ops_reduce ops_shape ops_axes core_primitive",
               ops_fft="ops_special ops_elementwise", ops_elementwise="core ops_dtypes",
               numpy_math="ops_elementwise numpy_dispatch", core_forward="core_primitive")
    assert layer_violations(g) == []


def test_a_junk_drawer_name_is_reported():
    assert junk_names([f"{ROOT}.ops.misc", f"{ROOT}.ops._util", f"{ROOT}.helpers.x",
                       f"{ROOT}.ops.axes"]) == [f"{ROOT}.helpers.x", f"{ROOT}.ops._util",
                                                  f"{ROOT}.ops.misc"]
