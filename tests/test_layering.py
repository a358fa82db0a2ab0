"""The package's import graph: no cycle (function-local imports included), a stdlib-only bottom
module, the entry point at the top. (That the fast path loads none of the heavy stack is
tests/test_quick.py's test_the_fast_path_imports_none_of_the_heavy_stack.)"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from newsbrief import api

PACKAGE = Path(api.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = ["newsbrief", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def import_graph() -> dict[str, set[str]]:
    """Module -> the newsbrief modules it imports anywhere (top level or inside a function);
    imports under ``if TYPE_CHECKING:`` never run and are left out."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if _type_checking_only(node, parents):
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                # "from . import api" imports the module api; "from .x import y" imports x.
                subs = [f"{base}.{alias.name}" for alias in node.names]
                targets = [s for s in subs if s in modules] or [base]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target.startswith("newsbrief") and target != name:
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_import_graph_has_no_cycle() -> None:
    graph = import_graph()
    assert "newsbrief.cli" in graph["newsbrief.quick"], "the graph sees function-local imports"
    cycle = find_cycle(graph)
    assert cycle is None, " -> ".join(cycle or [])


def test_the_cycle_finder_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_bottom_imports_nothing_of_newsbrief_and_the_entry_point_is_the_top() -> None:
    graph = import_graph()
    assert graph["newsbrief.base"] == set()
    tree = ast.parse((PACKAGE / "base.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "base.py imports nothing of newsbrief"
            imported.add((node.module or "").split(".")[0])
    assert imported - {"__future__", "platformdirs"} <= set(sys.stdlib_module_names)
    importers = [name for name, targets in graph.items() if "newsbrief.quick" in targets]
    assert importers == ["newsbrief.__main__"]


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(source: str, package: str) -> list[str]:
    """Each place ``source`` (a module of ``package``) uses another newsbrief module's private
    name: ``from x import _y`` (on one line or many), or ``x._y`` where ``x`` is a newsbrief
    module it imported."""
    tree = ast.parse(source)
    modules: set[str] = set()  # local names bound to newsbrief modules
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (
            node.level or (node.module or "").split(".")[0] == package
        ):
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"line {alias.lineno}: from {node.module or '.'} import "
                                 f"{alias.name}")  # fmt: skip
                modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules |= {(a.asname or a.name).split(".")[0] for a in node.names
                        if a.name.split(".")[0] == package}  # fmt: skip
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and _private(node.attr)):
            continue
        root = node.value
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id in modules:
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_imports_another_modules_private_names() -> None:
    found = {
        str(path.relative_to(PACKAGE)): places
        for path in sorted(PACKAGE.rglob("*.py"))
        if (places := private_imports(path.read_text(encoding="utf-8"), "newsbrief"))
    }
    assert found == {}, "make the name public where it is shared, or move it"


def test_the_private_import_finder_finds_them() -> None:
    source = (
        "from . import render\n"
        "from .batch import (\n    Counts,\n    _failure,\n)\n"
        "from newsbrief.render import _age as age\n"
        "import newsbrief.store\n"
        "from os import _exit\n"
        "from . import __version__\n"
        "x = render._numbered(1) + newsbrief.store._x + self._y\n"
    )
    assert sorted(private_imports(source, "newsbrief")) == [
        "line 10: newsbrief.store._x",
        "line 10: render._numbered",
        "line 4: from batch import _failure",
        "line 6: from newsbrief.render import _age",
    ]
