"""`make run`, as the README gives it: migrates, loads the starter content and serves
the site with debug off, its absolute links naming the port it serves on; quietly,
ending with what to open, and every log line of every process in one format."""

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.processes import children, make_run_env, start_make_run

# UTC with its offset, whichever process wrote the line (lublin/log_format.py).
LOG_LINE = re.compile(
    r"time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00 level=[A-Z]+ "
    r"logger=(?P<logger>\S+) request_id=(?P<request_id>\S+) message=(?P<message>.*)"
)


def gunicorn_master(pid: int) -> int:
    """The first process under `pid` that runs gunicorn (make runs it in a shell);
    it may have named itself "gunicorn: master […]" (setproctitle)."""
    while not any(
        arg.endswith(b"bin/gunicorn") or arg.startswith(b"gunicorn: master")
        for arg in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    ):
        [pid] = children(pid)
    return pid


def wait_for(condition, make: subprocess.Popen, seconds: float):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert make.poll() is None, "make run stopped"
        assert time.monotonic() < deadline, "make run did not get there"
        time.sleep(0.5)
    return found


def access_lines(output: Path) -> str:
    return "\n".join(
        line
        for line in output.read_text().splitlines()
        if "logger=gunicorn.access" in line
    )


def test_make_run_serves_the_site_with_links_to_its_own_port(tmp_path):
    user_home = tmp_path / "home"
    env = make_run_env(tmp_path, HOME=str(user_home))
    output = tmp_path / "output"
    with output.open("w") as out:
        make = start_make_run(env, stdout=out, stderr=subprocess.STDOUT)
    origin = f"http://127.0.0.1:{env['PORT']}"

    def health():
        try:
            return json.load(urllib.request.urlopen(f"{origin}/healthz", timeout=5))
        except OSError:
            return None

    try:
        health = wait_for(health, make, 240)
        home = urllib.request.urlopen(f"{origin}/pl/", timeout=10).read().decode()
        try:
            urllib.request.urlopen(f"{origin}/pl/no-such-page/", timeout=10)
        except urllib.error.HTTPError as error:
            missing = error
        # gunicorn writes a request's access line after its response has gone.
        request_id = missing.headers["X-Request-ID"]
        wait_for(lambda: f"request_id={request_id}" in access_lines(output), make, 30)
        # The master's line about a worker it lost (gunicorn logs warnings and up).
        os.kill(children(gunicorn_master(make.pid))[0], signal.SIGKILL)
        wait_for(lambda: "was sent SIGKILL" in output.read_text(), make, 30)
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait()

    assert health == {"status": "ok"}
    # No control socket shared with every other instance of this user (gunicorn.conf.py).
    assert not (user_home / ".gunicorn").exists()
    assert f'<link rel="canonical" href="{origin}/pl/">' in home

    lines = output.read_text().splitlines()
    log_lines = [line for line in lines if line.startswith("time=")]
    setup = lines[: lines.index(log_lines[0])]
    # Quiet: no recipe echoed, no banner, the migrations in one line; then what to open.
    assert re.fullmatch(r"Migrations applied: [1-9]\d*\.", setup[0]), setup
    assert not [line for line in setup if "AXES" in line or "Applying" in line]
    assert setup[-6:-2] == [
        "The site:",
        f"  {origin}/pl/  (Polish)",
        f"  {origin}/en/  (English)",
        f"The admin: {origin}/admin/",
    ]
    assert re.fullmatch(r"  User: admin  Password: \S{16,}", setup[-2])

    # Every log line after that in one format, the master's, the workers' and the
    # access lines alike; a request's lines name its id, as its response does.
    assert all(LOG_LINE.fullmatch(line) for line in log_lines), log_lines
    logged = {
        (match["logger"], match["request_id"])
        for match in map(LOG_LINE.fullmatch, log_lines)
    }
    assert ("django.request", request_id) in logged
    assert ("gunicorn.access", request_id) in logged
    assert any(
        "gunicorn.error" in line and "was sent SIGKILL" in line for line in log_lines
    )
