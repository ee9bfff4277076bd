"""The layout is checked, not just described: import-linter's contracts in
pyproject.toml hold, and an import against them fails `make lint` naming it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["lublin", "cms", "clusters", "ecosystems", "contacts"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of the project's packages and configuration to break."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def add_import(path: Path, line: str) -> None:
    path.write_text(f"{line}\n{path.read_text()}")


def test_the_contracts_hold(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        (
            "ecosystems/views.py",
            "import clusters.models",
            "ecosystems.views -> clusters.models",
        ),
        ("cms/caching.py", "import contacts.models", "cms.caching -> contacts.models"),
        (
            "contacts/views.py",
            "import ecosystems.models",
            "contacts.views -> ecosystems.models",
        ),
        ("cms/publishing.py", "import cms.caching", ".publishing -> .caching"),
    ],
    ids=["Highlands import clusters", "cms imports an app", "contacts", "a circle"],
)
def test_an_import_against_the_layout_fails_naming_it(tree, module, line, broken):
    add_import(tree / module, line)

    result = lint_imports(tree)

    assert result.returncode != 0
    assert "1 broken" in result.stdout
    assert broken in result.stdout
