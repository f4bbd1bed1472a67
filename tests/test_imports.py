"""The package's import graph: no cycles (imports inside functions included), no heavy import to re-export a name."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "forecast"


def module_name(path):
    """``forecast/reading/dates.py`` -> ``reading.dates``; a package's ``__init__.py`` -> the package."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path, modules):
    """The forecast modules that ``path`` imports anywhere in its code, by module name (``inputs.windows``)."""
    here = module_name(path).split(".")
    package = here if path.stem == "__init__" else here[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.ImportFrom):
            continue  # the registry's and the package's lazy lookups by name are checked below
        if node.level:
            base = package[: len(package) - node.level + 1]
        elif (node.module or "").startswith("forecast."):
            base = []
        else:
            continue
        module = [*base, *((node.module or "").removeprefix("forecast").strip(".").split(".") if node.module else [])]
        module = [part for part in module if part]
        dotted = ".".join(module)
        if dotted in modules:
            names.add(dotted)
        # from ..evaluation import metrics: the names may be modules themselves
        names.update(f"{dotted}.{alias.name}".strip(".") for alias in node.names)
    return names & set(modules)


def import_graph():
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py") if path.stem != "__main__"}
    paths.pop("", None)  # forecast/__init__.py: its names are imported lazily
    return {name: imported_modules(path, paths) - {name} for name, path in paths.items()}


def test_the_import_graph_walks_every_subpackage():
    graph = import_graph()
    assert {
        "reading.csvfile",
        "inputs.windows",
        "neural.training",
        "forecasters.base",
        "evaluation.backtesting",
        "modelfile.fileformat",
        "cli.main",
    } <= set(graph)
    assert "inputs.windows" in graph["forecasters.base"]


def test_the_import_graph_has_no_cycle():
    graph = import_graph()
    # The registry imports the estimator modules by name when a class is first asked for.
    from forecast.registry import _WINDOW_REGRESSORS, MODELS

    # A composite forecaster (auto) builds its candidates by name from the registry, inside its functions: that
    # lookup and the registry's of its class happen at run time, one after the other, never at import.
    lazily_loaded = {spec.module for spec in MODELS.values()} | {module for module, _ in _WINDOW_REGRESSORS}
    graph["registry"] |= {module for module in lazily_loaded if "registry" not in graph[module]}
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
        "import sys, forecast.errors, forecast.registry, forecast.params, forecast.inputs.scaling, forecast.cli.main; "
        "print(sorted(m for m in ('torch', 'sklearn', 'scipy', 'pandas') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
