"""`make run`, as the README gives it: migrates, loads the starter content and serves
the site with debug off, its absolute links naming the port it serves on."""

import json
import os
import signal
import subprocess
import time
import urllib.request

from tests.processes import make_run_env, start_make_run


def test_make_run_serves_the_site_with_links_to_its_own_port(tmp_path):
    user_home = tmp_path / "home"
    env = make_run_env(tmp_path, HOME=str(user_home))
    make = start_make_run(env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    origin = f"http://127.0.0.1:{env['PORT']}"
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
    # No control socket shared with every other instance of this user (gunicorn.conf.py).
    assert not (user_home / ".gunicorn").exists()
    assert f'<link rel="canonical" href="{origin}/pl/">' in home
