"""The package's layout follows the data's path: a stage imports only the stages before it.

    kb -> engine -> explanation -> render -> lint -> web -> cli

(``explainer.errors``, ``explainer.lazy`` and the package's own ``__init__`` are shared by every
stage.) Imports are
read with :mod:`ast` from every module, including imports inside functions and under
``TYPE_CHECKING``, so a lazy import cannot hide a backwards dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "explainer"

STAGES = ("kb", "engine", "explanation", "render", "lint", "web", "cli")
SHARED = {"explainer", "explainer.errors", "explainer.lazy", "explainer.__main__"}
# The interfaces talk to the library through Explainer: never to the engine or the composer.
INTERFACES = ("cli", "web")
PAST_EXPLAINER = ("explainer.engine", "explainer.explanation.compose")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every ``explainer`` module ``path`` imports, anywhere in the file."""
    return imports_in(path.read_text(encoding="utf-8"), module_name(path),
                      is_package=path.name == "__init__.py")


def exists(module: str) -> bool:
    path = PACKAGE.parent / module.replace(".", "/")
    return path.with_suffix(".py").exists() or path.is_dir()


def imports_in(source: str, name: str, *, is_package: bool = False) -> set[str]:
    """Every ``explainer`` module the code ``source`` of module ``name`` imports."""
    tree = ast.parse(source)
    here = name.split(".")
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here if is_package else here[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            # `from explainer.kb import cache` imports the module explainer.kb.cache.
            found.update(f"{module}.{alias.name}" for alias in node.names
                         if exists(f"{module}.{alias.name}"))
    return {name for name in found if name == "explainer" or name.startswith("explainer.")}


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {name: imported_modules(path) for name, path in MODULES.items()}


def test_every_module_belongs_to_a_stage() -> None:
    homeless = sorted(name for name in MODULES if name not in SHARED and stage_of(name) is None)
    assert homeless == [], f"modules outside the stage folders {STAGES}: {homeless}"


def later_stages(module: str, targets: set[str]) -> list[str]:
    """The imports in ``targets`` that belong to a stage after ``module``'s."""
    stage = stage_of(module)
    assert stage is not None
    return sorted(target for target in targets
                  if (other := stage_of(target)) is not None
                  and STAGES.index(other) > STAGES.index(stage))


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_earlier_stages(module: str) -> None:
    stage = stage_of(module)
    if stage is None:
        return
    backwards = later_stages(module, GRAPH[module])
    assert backwards == [], (
        f"{module} (stage {stage}) imports a later stage: {backwards}; "
        f"the order is {' -> '.join(STAGES)}")


@pytest.mark.parametrize("module", sorted(m for m in MODULES if stage_of(m) in INTERFACES))
def test_interfaces_go_through_the_explainer(module: str) -> None:
    reaching = sorted(target for target in GRAPH[module] if target.startswith(PAST_EXPLAINER))
    assert reaching == [], f"{module} reaches past Explainer: {reaching}"


def test_no_import_cycles() -> None:
    graph = {name: {t for t in targets if t in MODULES and t != name and stage_of(t)}
             for name, targets in GRAPH.items() if stage_of(name)}
    done: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        if node in trail:
            cycles.append([*trail[trail.index(node):], node])
            return
        if node in done:
            return
        for target in sorted(graph.get(node, ())):
            visit(target, [*trail, node])
        done.add(node)

    for name in sorted(graph):
        visit(name, [])
    assert cycles == [], f"import cycles: {cycles}"


def test_the_check_sees_lazy_and_relative_backwards_imports() -> None:
    # A shortcut would most likely be an import inside a function, or a relative one.
    source = ("from typing import TYPE_CHECKING\n"
              "if TYPE_CHECKING:\n    from ..explanation.models import Explanation\n"
              "def draw():\n    from explainer.render import html\n    import explainer.cli.main\n")
    targets = imports_in(source, "explainer.kb.fake")
    assert later_stages("explainer.kb.fake", targets) == [
        "explainer.cli.main", "explainer.explanation.models", "explainer.render",
        "explainer.render.html"]
    assert later_stages("explainer.cli.fake", targets) == []
    # The real loader's lazy import of the builder is seen too.
    assert "explainer.kb.builder" in GRAPH["explainer.kb.loader"]
