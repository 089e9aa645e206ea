"""The layering of docs/architecture.md holds: the import contracts in pyproject.toml
(import-linter), no import cycles, and few modules loose at the package's top."""

from __future__ import annotations

import os
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)  # lint-imports reads pyproject.toml from the working directory
    try:
        assert lint_imports(config_filename=str(ROOT / "pyproject.toml"),
                            no_cache=True) == 0, "a forbidden import: see the output above"
    finally:
        os.chdir(cwd)


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph("callqa")
    cycles = []
    for module in sorted(graph.modules):
        if module in graph.find_upstream_modules(module):
            back = next(chain for dep in graph.find_modules_directly_imported_by(module)
                        if (chain := graph.find_shortest_chain(importer=dep, imported=module)))
            cycles.append(f"{module} -> {' -> '.join(back)}")
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_at_most_three_modules_loose_at_the_top() -> None:
    loose = sorted(p.name for p in (ROOT / "callqa").glob("*.py"))
    assert len(loose) <= 3, f"modules loose at callqa/'s top: {loose}; move each into its layer"
