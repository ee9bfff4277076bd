"""Dependencies are pinned: `make install` installs requirements.lock, release by
release, each checked against its hash, and nothing else."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+) \\$")


def locked() -> dict[str, tuple[str, int]]:
    """Each locked package: its release and how many hashes it may match."""
    pins, current = {}, None
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            pins[current] = (match[2], 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            release, hashes = pins[current]
            pins[current] = (release, hashes + 1)
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(name) for name in names]


def test_every_declared_dependency_is_locked_with_hashes_within_its_range():
    pins = locked()
    for requirement in declared():
        release, hashes = pins[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(release), (requirement, release)
        assert hashes >= 1, requirement.name


def test_the_installed_releases_are_the_locked_ones():
    for name, (release, _hashes) in locked().items():
        assert metadata.version(name) == release, name


def test_make_install_installs_the_lock_checking_hashes():
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet --require-hashes --no-deps -r requirements.lock" in (
        makefile
    )
    assert "--no-build-isolation -e ." in makefile
