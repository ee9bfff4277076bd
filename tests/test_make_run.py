"""`make run`, as the README gives it: migrates, loads the starter content and serves
the site with debug off, its absolute links naming the port it serves on."""

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from django.conf import settings

from tests.test_caching import free_port

BASE_DIR = Path(settings.BASE_DIR)


def test_make_run_serves_the_site_with_links_to_its_own_port(tmp_path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
            "SITE_URL",
        }
    } | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
        "PORT": str(port),
    }
    make = subprocess.Popen(
        ["make", "--no-print-directory", "-o", "install", "run"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    origin = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                health = urllib.request.urlopen(f"{origin}/healthz", timeout=5)
                health = json.load(health)
                break
            except OSError:
                assert make.poll() is None, "make run stopped"
                assert time.monotonic() < deadline, "make run did not answer"
                time.sleep(0.5)
        home = urllib.request.urlopen(f"{origin}/pl/", timeout=10).read().decode()
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait()

    assert health == {"status": "ok"}
    assert f'<link rel="canonical" href="{origin}/pl/">' in home
