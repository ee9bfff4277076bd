"""Starting the site as the README does (`make run`), in tests that need real processes."""

import os
import socket
import subprocess
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
# Set by the test run or the developer's shell; `make run` decides them itself.
RUN_DECIDES = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
    "SITE_URL",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_run_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This environment, with a new SQLite database, cache and static files in
    `tmp_path` and a free port, for `make run` (two test runs may run side by side)."""
    env = {key: value for key, value in os.environ.items() if key not in RUN_DECIDES}
    return env | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "PORT": str(free_port()),
        **extra,
    }


def start_make_run(env: dict[str, str], **options) -> subprocess.Popen:
    """`make run` in its own process group (stop it with os.killpg); `-o install`:
    the environment is installed already (the tests run in it)."""
    return subprocess.Popen(
        ["make", "--no-print-directory", "-o", "install", "run"],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
        **options,
    )
