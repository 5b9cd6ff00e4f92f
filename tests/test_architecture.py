"""The layers of docs/architecture.md, checked on the source: imports only ever point down.

Read with `ast`, so lazy imports inside functions count as much as those at the top.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("petitions", "letters")
# The project's own modules, which bring the apps together (layer 3).
PROJECT_MODULES = {
    "campaign.urls",
    "campaign.views",
    "campaign.dashboard",
    "campaign.sites",
    "campaign.admin",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def sources(package: str) -> list[Path]:
    return sorted(path for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts)


def top(name: str) -> str:
    return name.split(".", 1)[0]


def test_the_layers_are_found():
    # A check that reads no files would pass for ever: make sure it reads the code.
    assert len(sources("campaign")) > 10
    assert len(sources("petitions")) > 10
    assert len(sources("letters")) > 10


@pytest.mark.parametrize("app", APPS)
def test_the_apps_never_import_each_other(app):
    other = next(name for name in APPS if name != app)
    wrong = {
        f"{module_name(path)} imports {name}"
        for path in sources(app)
        for name in imported(path)
        if top(name) == other
    }
    assert not wrong


def test_the_shared_layer_knows_no_app():
    wrong = {
        f"{module_name(path)} imports {name}"
        for path in sources("campaign/lib")
        for name in imported(path)
        if top(name) in APPS or name.startswith("campaign.") and not _shared(name)
    }
    assert not wrong


def _shared(name: str) -> bool:
    # The shared layer may use itself, and its one table (campaign.models.RateLimitHit).
    return name.startswith("campaign.lib") or name.startswith("campaign.models")


def test_only_the_project_modules_import_the_apps_from_campaign():
    wrong = {
        f"{module_name(path)} imports {name}"
        for path in sources("campaign")
        if module_name(path) not in PROJECT_MODULES
        for name in imported(path)
        if top(name) in APPS
    }
    assert not wrong


@pytest.mark.parametrize("app", APPS)
def test_nothing_below_imports_the_project_modules(app):
    wrong = {
        f"{module_name(path)} imports {name}"
        for path in sources(app) + sources("campaign/lib")
        for name in imported(path)
        if any(name == project or name.startswith(project + ".") for project in PROJECT_MODULES)
    }
    assert not wrong


def project_graph() -> dict[str, set[str]]:
    """Module -> the project's modules it imports (lazy imports included)."""
    modules = {module_name(path): path for pkg in ("campaign", *APPS) for path in sources(pkg)}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imported_name in imported(path):
            # `from petitions import services` names the module petitions.services.
            while imported_name and imported_name not in modules:
                imported_name = imported_name.rpartition(".")[0]
            if imported_name and imported_name != name:
                targets.add(imported_name)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], dict.fromkeys(graph, 0)  # 0 new, 1 on the path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state[target] == 1:
                found.append([*path[path.index(target) :], target])
            elif state[target] == 0:
                visit(target, [*path, target])
        state[node] = 2

    for node in sorted(graph):
        if state[node] == 0:
            visit(node, [node])
    return found


def test_cycles_are_found_where_there_are_some():
    assert cycles({"a": {"b"}, "b": {"a"}}) == [["a", "b", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_nothing_imports_in_a_circle():
    assert not cycles(project_graph())
