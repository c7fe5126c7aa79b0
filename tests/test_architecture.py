"""The shape of the code, checked like its behaviour: no import cycle between modules, no
project import hidden inside a function to dodge one, no module too long to read. The layers
themselves are import-linter's contracts in pyproject.toml (`lint-imports`, run by `make test`)."""

import ast
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("config", "core", "accounts", "conventions", "pilotage", "api")
MAX_LINES = 500


def project_files(*, with_tests: bool = True):
    folders = [*PACKAGES, "tests", "bench"] if with_tests else PACKAGES
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the groups of modules that import one another in a ring."""
    index, low, on_stack, stack, groups, counter = {}, {}, set(), [], [], [0]
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = counter[0]
                    counter[0] += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def test_the_cycle_finder_finds_a_ring():
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules():
    graph = grimp.build_graph(*PACKAGES)
    imports = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    assert strongly_connected(imports) == []


def function_level_imports(path: Path) -> list[int]:
    """The lines where a function imports a module of the project."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else ["." * node.level]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            if any(name.startswith(".") or name.split(".")[0] in PACKAGES for name in names):
                found.append(node.lineno)
    return found


def test_the_import_finder_sees_an_import_in_a_function(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import json\nfrom core import jobs\n\n"
        "def f():\n    import weasyprint\n    from conventions.models import Convention\n"
        "    from . import services\n"
    )
    assert function_level_imports(sample) == [6, 7]


def test_no_project_import_inside_a_function():
    """Management commands and apps.py start the program: they may import late, nothing else."""
    offenders = [
        place
        for path in project_files(with_tests=False)
        if "management" not in path.parts and path.name != "apps.py"
        for place in (f"{path.relative_to(ROOT)}:{line}" for line in function_level_imports(path))
    ]
    assert offenders == []


def test_every_module_is_shorter_than_500_lines():
    long_modules = {
        str(path.relative_to(ROOT)): lines
        for path in project_files()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) >= MAX_LINES
    }
    assert long_modules == {}
