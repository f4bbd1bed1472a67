"""The package's import graph: no cycles (imports inside functions included), no heavy import to re-export a name."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "forecast"


def imported_modules(path):
    """The forecast modules that ``path`` imports anywhere in its code, by module name."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                names.add(node.module.split(".")[0])
            else:  # from . import metrics
                names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("forecast."):
            names.add(node.module.split(".")[1])
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "import_module":
            pass  # the registry's and the package's lazy lookups by name: checked below
    return names


def import_graph():
    modules = {path.stem: path for path in PACKAGE.glob("*.py") if path.stem not in ("__init__", "__main__")}
    return {name: imported_modules(path) & set(modules) for name, path in modules.items()}


def test_the_import_graph_has_no_cycle():
    graph = import_graph()
    # The registry imports the estimator modules by name when a class is first asked for.
    from forecast.registry import MODELS, _WINDOW_REGRESSORS

    graph["registry"] |= {spec.module for spec in MODELS.values()} | {module for module, _ in _WINDOW_REGRESSORS}
    visiting, done = [], set()

    def visit(module):
        if module in done:
            return
        assert module not in visiting, f"import cycle: {' -> '.join(visiting[visiting.index(module) :] + [module])}"
        visiting.append(module)
        for imported in sorted(graph[module]):
            visit(imported)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_light_modules_import_neither_torch_nor_scikit_learn():
    code = (
        "import sys, forecast.errors, forecast.registry, forecast.params, forecast.scaling, forecast.cli; "
        "print(sorted(m for m in ('torch', 'sklearn', 'scipy', 'pandas') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
