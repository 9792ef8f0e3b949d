"""The library's shape: short functions, keyword-only arguments, no import cycles.

Checked per module of ``scripts/schemes`` (CONTRIBUTING.md, "Code"):
* no function longer than 60 lines (``def`` to its last line);
* beyond three parameters (``self``/``cls`` not counted), parameters are keyword-only;
* an import inside a function has its reason written beside it (a comment
  on its line or the line above);
* every ``run_<rule>`` entry point has a docstring;
* the package's modules import each other without a cycle.
"""

import ast
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "scripts" / "schemes"
MODULES = sorted(p for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
MAX_LINES = 60
MAX_POSITIONAL = 3


def _functions(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _positional(node) -> list[str]:
    names = [a.arg for a in node.args.posonlyargs + node.args.args]
    return names[1:] if names[:1] in (["self"], ["cls"]) else names


def problems(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    found = []
    for node in _functions(tree):
        where = f"{path.name}:{node.lineno} {node.name}"
        length = node.end_lineno - node.lineno + 1
        if length > MAX_LINES:
            found.append(f"{where}: {length} lines (at most {MAX_LINES})")
        positional = _positional(node)
        if len(positional) > MAX_POSITIONAL:
            found.append(
                f"{where}: {len(positional)} positional parameters (make the rest keyword-only)"
            )
        if node.name.startswith("run_") and not ast.get_docstring(node):
            found.append(f"{where}: a rule entry point needs a docstring")
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import | ast.ImportFrom):
                here, above = lines[inner.lineno - 1], lines[inner.lineno - 2]
                if "#" not in here and not above.strip().startswith("#"):
                    found.append(
                        f"{path.name}:{inner.lineno}: import inside a function without a reason"
                    )
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_module_shape(path):
    assert not problems(path), "\n".join(problems(path))


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("schemes."):
                names.add(node.module.split(".")[1])
            elif node.module == "schemes":
                names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name.split(".")[1] for a in node.names if a.name.startswith("schemes."))
    return names & {p.stem for p in MODULES}


def test_no_import_cycle():
    graph = {p.stem: _imports(p) for p in MODULES}
    state: dict[str, int] = {}

    def visit(module, trail):
        if state.get(module) == 1:
            cycle = trail[trail.index(module) :] + [module]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if state.get(module) == 2:
            return
        state[module] = 1
        for other in sorted(graph[module]):
            visit(other, trail + [module])
        state[module] = 2

    for module in sorted(graph):
        visit(module, [])
