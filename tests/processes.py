"""Starting the site as the README does (`make run`), in tests that need real processes."""

import os
import secrets
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
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


def children(pid: int) -> list[int]:
    """The processes `pid` started (a gunicorn master's workers)."""
    return [
        int(child)
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    ]


def maintenance_connection(server_url: str) -> psycopg.Connection:
    """A connection to the PostgreSQL server's `postgres` database, for CREATE and
    DROP DATABASE; a server that does not answer fails the test."""
    url = urlsplit(server_url)
    try:
        return psycopg.connect(
            host=url.hostname,
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            dbname="postgres",
            connect_timeout=5,
            autocommit=True,
        )
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL does not answer at {url.hostname}: {error}")


@contextmanager
def database_of_its_own(server_url: str, prefix: str) -> Iterator[str]:
    """The URL of a new, empty database on the PostgreSQL server `server_url` names,
    for processes a test starts; dropped afterwards."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    with maintenance_connection(server_url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(server_url)._replace(path=f"/{name}").geturl()
    finally:
        with maintenance_connection(server_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
