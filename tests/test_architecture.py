"""Who may import whom (docs/architecture.md): no import cycles, and the lower layers never reach up."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "reports"

# Each layer may import the layers before it, never one after it. A module of reports/ not named here (views,
# admin, filters, commands ...) is at the top and may import any of these. A module is in the first layer that
# names it or a package around it: reports.search.index is in the lowest layer, the rest of reports.search higher.
LAYERS = [
    # The database and its helpers: text cleaning, identifiers, bulk writes, the history, the search index's sync.
    [
        "reports.text",
        "reports.mesh",
        "reports.identifiers",
        "reports.bulk",
        "reports.audit",
        "reports.search.index",
        "reports.models",
    ],
    ["reports.cases"],
    ["reports.suggestions"],
    ["reports.importers", "reports.exporters", "reports.search"],
]


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        found[name] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of reports/ this file imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found |= {name for name in names if name in known and name != "reports"}
    return found


def graph(unit) -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        for target in imports(path, known):
            if unit(target) != unit(name):
                edges.setdefault(unit(name), set()).add(unit(target))
    return edges


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph, or None."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        state[node] = "done"
        path.pop()
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def package(name: str) -> str:
    return ".".join(name.split(".")[:2])


def layer(name: str) -> int:
    for number, members in enumerate(LAYERS):
        if any(name == member or name.startswith(member + ".") for member in members):
            return number
    return len(LAYERS)


def test_no_module_imports_itself_through_others():
    assert cycle(graph(lambda name: name)) is None


def test_no_package_imports_itself_through_others():
    assert cycle(graph(package)) is None


@pytest.mark.parametrize("name", sorted(modules()))
def test_a_module_imports_only_its_own_layer_and_those_below(name):
    known = modules()
    above = sorted(t for t in imports(known[name], known) if layer(t) > layer(name))
    assert above == [], f"{name} (layer {layer(name)}) imports {above}"


def test_the_cycle_finder_finds_a_cycle():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": {"c"}}) is None
