"""A wheel (not only an editable install) carries the knowledge base and finds it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
                    str(out), str(ROOT)], check=True, timeout=600, capture_output=True)
    (found,) = out.glob("*.whl")
    return found


def test_wheel_contains_knowledge_and_rules(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "explainer/_data/knowledge/source.yaml" in names
    assert "explainer/_data/knowledge/factors.yaml" in names
    rules = [name for name in names if name.startswith("explainer/_data/rules/")]
    assert "explainer/_data/rules/hormone_therapy/hormone-hr-positive.yaml" in rules
    assert "explainer/_data/rules/hormone_therapy/hormone-hr-positive.cases.yaml" in rules
    source_rules = list((ROOT / "rules").rglob("*.yaml"))
    assert len(rules) == len(source_rules)
    assert not any(name.startswith("tests/") for name in names)


def test_installed_wheel_explains_from_its_own_copy(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target",
                    str(target), str(wheel)], check=True, timeout=600, capture_output=True)
    code = ("import explainer, explainer.kb.paths as p; "
            "print(explainer.__file__); print(p.bundled_root()); "
            "print(explainer.explain(stage='IV').relevance_of('palliative_care'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120, check=True,
                          env={**os.environ, "PYTHONPATH": str(target)})
    module_file, root, relevance = done.stdout.split()
    assert module_file.startswith(str(target))
    assert root == str(target / "explainer" / "_data")
    assert relevance == "often_discussed"
