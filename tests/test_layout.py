"""The package's layout, read from its imports: a small core, rooms for the rest, no circles.

Imports are read as text (``ast``), deferred ones inside functions included (a deferred import is
still a dependency), those under ``if TYPE_CHECKING:`` left out (they never run).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "smskit"

#: What a user needs to sign and send, and nothing else, at the top level of smskit/.
CORE = {
    "smskit._data", "smskit.catalogue", "smskit.client", "smskit.clock", "smskit.codetypes",
    "smskit.environment", "smskit.errors", "smskit.fields", "smskit.i18n", "smskit.nonce",
    "smskit.platform_codes", "smskit.regions", "smskit.request", "smskit.responses",
    "smskit.signing", "smskit.skew", "smskit.transport", "smskit.validation",
}
#: On their way into smskit/sandbox/classroom/ (issue 17's classroom step, on its own branch).
PENDING = {"smskit.classroom_auth", "smskit.private_file"}
#: The rooms: each subpackage named for what it holds.
SUBPACKAGES = {"cli", "data", "doctor", "sandbox", "teaching", "testing", "training",
               "widgets"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            todo += node.orelse
        else:
            todo += [child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt)]


def dependencies(name: str) -> set[str]:
    """The smskit modules ``name`` imports (a package's ``from p import m`` counts as p.m)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
            continue
        base = node.module or ""
        if node.level:
            up = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join(up + ([base] if base else []))
        subs = {f"{base}.{alias.name}" for alias in node.names}
        found |= {sub for sub in subs if sub in MODULES}
        if any(sub not in MODULES for sub in subs):
            found.add(base)
    return {dep for dep in found if dep in MODULES and dep != name}


def graph() -> dict[str, set[str]]:
    # The root facade names the heavier parts only as strings for lazy loading.
    return {name: set() if name == "smskit" else dependencies(name) for name in MODULES}


def circles(edges: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(group)
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_the_circle_finder_finds_a_planted_circle() -> None:
    planted = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert circles(planted) == [{"a", "b", "c"}]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles_inside_smskit() -> None:
    assert circles(graph()) == []


def test_the_top_level_holds_the_core_and_the_rooms_only() -> None:
    top_modules = {module_name(path) for path in PACKAGE.glob("*.py")}
    assert top_modules - {"smskit", "smskit.__main__"} - PENDING == CORE
    rooms = {path.name for path in PACKAGE.iterdir()
             if path.is_dir() and path.name != "__pycache__"}
    assert rooms == SUBPACKAGES


def test_the_core_imports_nothing_outside_the_core() -> None:
    edges = graph()
    outside = {name: sorted(dep for dep in edges[name] if dep not in CORE)
               for name in sorted(CORE)}
    assert {name: deps for name, deps in outside.items() if deps} == {}


def test_every_fact_file_ships_inside_the_package() -> None:
    assert not (PACKAGE.parent / "data").exists()
    assert (PACKAGE / "data" / "error_codes.json").is_file()
    assert (PACKAGE / "data" / "snippets").is_dir()
