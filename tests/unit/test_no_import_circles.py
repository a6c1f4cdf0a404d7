"""No import circle inside ``store/`` or ``sync/``: every import counts, at the top of a module, in
a function or under ``TYPE_CHECKING`` alike (issue 20: db ↔ anchor ↔ audit, attempting ↔
forwarder)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import loket

SRC = Path(loket.__file__).parent


def _imports(package: str) -> dict[str, set[str]]:
    folder = SRC / package
    modules = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
    prefix = f"loket.{package}"
    graph: dict[str, set[str]] = {}
    for name in modules:
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        found: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == prefix:  # from loket.store import anchor, audit
                    found |= {a.name for a in node.names if a.name in modules}
                elif node.module.startswith(prefix + "."):
                    found.add(node.module.split(".")[2])
            elif isinstance(node, ast.Import):
                found |= {
                    a.name.split(".")[2] for a in node.names if a.name.startswith(prefix + ".")
                }
        graph[name] = found & modules - {name}
    return graph


def _circle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return path[path.index(node) :] + [node]
        if node in done:
            return None
        for nxt in sorted(graph[node]):
            found = visit(nxt, [*path, node])
            if found:
                return found
        done.add(node)
        return None

    for start in sorted(graph):
        found = visit(start, [])
        if found:
            return found
    return None


@pytest.mark.parametrize("package", ["store", "sync"])
def test_no_import_circle(package):
    circle = _circle(_imports(package))
    assert circle is None, f"import circle in {package}/: {' -> '.join(circle or [])}"
