"""A host's response codes are read only by its adapter (``loket.host``) and the simulator
(``loket.sim``): everywhere else loket decides on what an answer meant (``Meaning``), and keeps
the code only for the record — stored, shown, printed, returned (issue 20).

An AST walk of ``src/loket`` outside ``host/``, ``sim/`` and the migrations: nothing compares an
``rc`` or ``host_rc`` (a name or an attribute) with anything, uses one as a dict or set key or in
an ``in`` test (nor SQL that does: ``rc = '84'``), and no module holds a table of codes (a dict,
set, list or tuple literal with two or more 2–3 digit string literals, as keys or as values).
Nor does anything there branch on a host's name or keep a table by host: what callers need per
host comes from ``loket.host.registry``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import loket

ROOT = Path(loket.__file__).parent
HOME = ("host", "sim")  # where codes belong
CODE_NAMES = frozenset({"rc", "host_rc"})
CODE = re.compile(r"^[0-9]{2,3}$")
SQL_ON_CODE = re.compile(
    r"\b(host_)?rc\s*(=|!=|<>|IN\b|NOT IN\b)\s*\(?\s*'?$|"
    r"\b(host_)?rc\s*(=|!=|<>|IN\b)\s*\(?'[0-9]",
    re.IGNORECASE,
)
# literal tables of codes that are not a host's: the local API's own HTTP statuses
NOT_A_HOST = {"serve/openapi.py"}


def _sources() -> list[Path]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in HOME or "migrations" in parts:
            continue
        found.append(path)
    return found


def _is_code(node: ast.AST | None) -> bool:
    if isinstance(node, ast.Name):
        return node.id in CODE_NAMES
    if isinstance(node, ast.Attribute):
        return node.attr in CODE_NAMES
    return False


def _literal_codes(nodes: list[ast.expr | None]) -> int:
    return sum(
        isinstance(n, ast.Constant) and isinstance(n.value, str) and bool(CODE.match(n.value))
        for n in nodes
    )


def offences(tree: ast.AST, where: str) -> list[str]:
    found = []
    for node in ast.walk(tree):
        line = f"{where}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Compare) and any(
            _is_code(n) for n in (node.left, *node.comparators)
        ):
            found.append(f"{line}: compares a host's code ({ast.unparse(node)})")
        elif (isinstance(node, ast.Subscript) and _is_code(node.slice)) or (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get", "pop", "setdefault", "add", "discard", "remove")
            and any(_is_code(a) for a in node.args[:1])
        ):
            found.append(f"{line}: a host's code as a key ({ast.unparse(node)})")
        elif isinstance(node, ast.Dict) and any(_is_code(k) for k in node.keys):
            found.append(f"{line}: a host's code as a key ({ast.unparse(node)[:60]})")
        elif isinstance(node, ast.Set) and any(_is_code(e) for e in node.elts):
            found.append(f"{line}: a host's code in a set ({ast.unparse(node)[:60]})")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and (SQL_ON_CODE.search(node.value))
        ):
            found.append(f"{line}: SQL deciding on a host's code ({node.value[:60]!r})")
        if where in NOT_A_HOST:
            continue
        items: list[ast.expr | None] = []
        if isinstance(node, ast.Dict):
            items = [*node.keys, *node.values]
        elif isinstance(node, (ast.Set, ast.List, ast.Tuple)):
            items = list(node.elts)
        if _literal_codes(items) >= 2:
            found.append(f"{line}: a table of codes ({ast.unparse(node)[:60]})")
    return found


def test_no_host_code_is_read_outside_host_and_sim():
    found = []
    for path in _sources():
        where = path.relative_to(ROOT).as_posix()
        found += offences(ast.parse(path.read_text(encoding="utf-8")), where)
    assert found == [], "\n".join(found)


HOST_NAMES = frozenset({"loket", "digiflazz", "iak"})  # as [host] adapter names them


def branches_on_a_host(tree: ast.AST, where: str) -> list[str]:
    """A comparison with a host's name, or a table keyed by host names: host behaviour decided
    outside ``host/`` (``loket.host.registry`` holds what callers need per host)."""
    found = []
    for node in ast.walk(tree):
        line = f"{where}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Compare) and any(
            isinstance(n, ast.Constant) and n.value in HOST_NAMES
            for n in (node.left, *node.comparators)
        ):
            found.append(f"{line}: branches on a host's name ({ast.unparse(node)})")
        elif (
            isinstance(node, ast.Dict)
            and sum(isinstance(k, ast.Constant) and k.value in HOST_NAMES for k in node.keys) >= 2
        ):
            found.append(f"{line}: a table by host ({ast.unparse(node)[:60]})")
    return found


def test_nothing_outside_host_branches_on_a_host_name():
    found = []
    for path in _sources():
        where = path.relative_to(ROOT).as_posix()
        found += branches_on_a_host(ast.parse(path.read_text(encoding="utf-8")), where)
    assert found == [], "\n".join(found)


def test_the_check_sees_what_it_is_for():
    sample = ast.parse(
        'if reply.rc == "34": pass\n'
        "if rc in AUTH_REFUSED: pass\n"
        'TABLE = {"41": 1, "42": 2}\n'
        "x = IP_REFUSED.get(rc)\n"
        "y = names[payment.host_rc]\n"
        'z = f"kode {reply.rc}"\n'
        'IP_REFUSED = {"digiflazz": "45", "iak": "102"}\n'
        "TROUBLE = f\"{states} OR e.rc = '84'\"\n"
        'SHOWN = "SELECT host_rc, host_message FROM payment"\n'
    )
    said = offences(sample, "sample.py")
    assert [s.split(": ", 1)[1].split(" (")[0] for s in said] == [
        "compares a host's code",
        "compares a host's code",
        "a table of codes",
        "a host's code as a key",
        "a host's code as a key",
        "a table of codes",
        "SQL deciding on a host's code",
    ]
