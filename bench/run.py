"""`make bench`: load-test the site as `make run` serves it, write docs/benchmarks.md.

PostgreSQL databases of their own (`lublin_bench_<size>`, filled by bench/generate.py,
and `lublin_bench_starter` with the starter content of `setup_instance`); gunicorn +
whitenoise, debug off, 2 workers, as `make run`; wrk over 127.0.0.1 at 4 connections,
each figure the median of three short runs. Every ratio is to a static file served by
the same gunicorn in the same run: one of the directory page's size, and one of the
full `clusters.json`'s size for the full dump.

Servers, one after another: page cache off (rendering); page cache on with the
embedded cache (whatever lublin/settings.py makes it without REDIS_URL), which also
takes never-seen filter strings and ever-new searches (bench/ever_new.lua: misses that
pay the cache's writes); page cache on with Redis (database 14); the embedded cache
with gunicorn's access log on as `make run` has it, its static ceiling logging too.

    python bench/run.py --quick        # `make bench`: 10,000 clusters and the starter content
    python bench/run.py                # `make bench-full`: also 100,000 and 10 clusters
    python bench/run.py --quick --code ../wt-before --label before \\
        --save bench/before-issue-21.json --output -    # another checkout's code

A run's figures are saved as JSON (--save); docs/benchmarks.md shows them beside
those of bench/before-issue-21.json.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".bench"
VENV_BIN = Path(sys.executable).parent
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
REDIS_URL = "redis://127.0.0.1:6379/14"
CONNECTIONS = 4
RUNS = 3
DIRECTORY = "/pl/klastry/"
FULL_DUMP = "/api/v1/clusters.json"
# Measured uncached and cached; Redis and the access log too for SHARED_CACHE_PAGES.
PAGES = {
    "home": "/pl/",
    "directory": DIRECTORY,
    "cluster page": "/pl/klastry/klaster-7/",
    "clusters.json, page 2": "/api/v1/clusters.json?page=2",
    "directory, filtered": "/pl/klastry/?highland=wyzyna-biotech&size=50-99&status=active",
    "directory, search": "/pl/klastry/?q=biotechnologiczny",
    "Highland page": "/pl/wyzyny/wyzyna-biotech/",
}
SHARED_CACHE_PAGES = ("home", "directory", "cluster page", "clusters.json, page 2")
# Every public page: their queries counted at each size, bench-full times them
# uncached at 100,000 clusters.
PUBLIC = {
    **PAGES,
    "directory, typo search": "/pl/klastry/?q=biotechnologiczy",
    "directory, last page": "/pl/klastry/?page={last_page}",
    "directory, never-seen filters (one)": "/pl/klastry/?highland=wyzyna-it&size=20-49"
    "&has_universities=yes&sort=-year&year_from=2001&year_to=2013",
    "directory, ever-new search (one)": "/pl/klastry/?q=innowacje&year_from=2001"
    "&year_to=2013",
    "Highlands": "/pl/wyzyny/",
    "growth": "/pl/klastry/2019-i-dzis/",
    "about clusters": "/pl/o-klastrach/",
    "contact": "/pl/kontakt/",
    "open data": "/pl/otwarte-dane/",
    "clusters.csv, page 2": "/api/v1/clusters.csv?page=2",
    "sitemap": "/sitemap.xml",
}
# nginx in front of gunicorn with docs/deployment.md's configuration (the tests run it).
NGINX_CONF = """\
{user}worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{body}
}}
"""


def env_for(
    database_url: str, cache: Path, *, page_cache: bool = True, redis: bool = False
) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lublin.settings",
        "DJANGO_SECRET_KEY": "bench-only-key-" + "b" * 50,
        "DJANGO_SECURE": "0",
        "DATABASE_URL": database_url,
        "DJANGO_CACHE_DIR": str(cache),
        "DJANGO_STATIC_ROOT": str(BENCH / "staticfiles"),
        "DJANGO_PAGE_CACHE": "1" if page_cache else "0",
        "SITE_URL": "http://127.0.0.1",
    }
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_DEBUG", None)
    if redis:
        env["REDIS_URL"] = REDIS_URL
    return env


class Bench:
    """One run against the code in `code`, its databases named after `label`."""

    def __init__(self, code: Path, label: str, seconds: int):
        self.code = code
        self.label = label
        self.seconds = seconds

    def python(self, env: dict, *args: str) -> str:
        done = subprocess.run(
            [str(VENV_BIN / "python"), *args],
            cwd=self.code,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            sys.stderr.write(done.stderr)
            done.check_returncode()
        return done.stdout

    def measure(self, env: dict, *args: str):
        script = str(ROOT / "bench" / "measure.py")
        return json.loads(self.python(env, script, *args).strip().splitlines()[-1])

    def database(self, name: str) -> tuple[str, bool]:
        """A migrated PostgreSQL database `lublin_bench_<label><name>`, and whether
        it was created now."""
        import psycopg

        database = f"lublin_bench_{self.label}{name}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            fresh = not admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [database]
            ).fetchone()
            if fresh:
                admin.execute(f"CREATE DATABASE {database}")
        url = f"postgres://postgres@127.0.0.1:5432/{database}"
        self.python(
            env_for(url, BENCH / "cache-setup"),
            "manage.py",
            "migrate",
            "--no-input",
            "--verbosity",
            "0",
        )
        return url, fresh

    def generated(self, size: int) -> tuple[str, float | None]:
        """A database of `size` generated clusters; the seconds it took to fill, if
        it was filled now (else it is reused)."""
        url, fresh = self.database(str(size))
        seconds = None
        if fresh:
            started = time.monotonic()
            try:
                self.python(
                    env_for(url, BENCH / "cache-setup"),
                    str(ROOT / "bench" / "generate.py"),
                    str(size),
                )
            except subprocess.CalledProcessError:
                drop(url)
                raise
            seconds = round(time.monotonic() - started, 1)
            print(f"  generated {size:,} clusters in {seconds} s")
        vacuum(url)
        return url, seconds

    def starter(self) -> tuple[str, float]:
        """A fresh database with the starter content, and how long setup_instance
        took to load it."""
        drop(f"postgres://postgres@127.0.0.1:5432/lublin_bench_{self.label}starter")
        url, _fresh = self.database("starter")
        started = time.monotonic()
        self.python(env_for(url, BENCH / "cache-setup"), "manage.py", "setup_instance")
        seconds = round(time.monotonic() - started, 1)
        vacuum(url)
        return url, seconds

    def gunicorn(self, env: dict, access_log: Path | None = None) -> "Gunicorn":
        return Gunicorn(env, access_log, code=self.code)

    def wrk(self, port: int, path: str) -> dict:
        """The median of three runs; errors are answers but 2xx/3xx, and failures."""
        return median(
            [wrk(port, path, self.seconds, "report.lua") for _run in range(RUNS)]
        )

    def ever_new(self, port: int, mode: str, values: list[str]) -> dict:
        """Three runs of never-asked query strings: run r's two threads draw from
        slots 2r and 2r + 1 of 6, so no string repeats across the runs either."""
        runs = [
            wrk(
                port,
                DIRECTORY,
                self.seconds,
                "ever_new.lua",
                DIRECTORY,
                mode,
                str(2 * run),
                str(2 * RUNS),
                ",".join(values),
            )
            for run in range(RUNS)
        ]
        return median(runs)


def prepare_database(engine: str, size: int) -> str:
    """The database of `size` generated clusters bench/loadtest.py uses too."""
    if engine != "postgresql":
        raise ValueError("the benchmarks run on PostgreSQL")
    return Bench(ROOT, "", 2).generated(size)[0]


def collect_static(code: Path = ROOT) -> None:
    """collectstatic as `make run` does, into the benchmark's own folder."""
    Bench(code, "", 2).python(
        env_for(f"sqlite:///{BENCH / 'setup.sqlite3'}", BENCH / "cache-setup"),
        "manage.py",
        "collectstatic",
        "--no-input",
        "--verbosity",
        "0",
    )


def median(runs: list[dict]) -> dict:
    result = {
        key: statistics.median(run[key] for run in runs)
        for key in ("rps", "p50", "p95", "p99")
    }
    result["errors"] = sum(run["errors"] for run in runs)
    result["requests"] = sum(run["requests"] for run in runs)
    return result


def vacuum(url: str) -> None:
    """What autovacuum does after bulk writes, at once: fresh statistics for the
    planner and a visibility map for index-only scans."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as database:
        database.execute("VACUUM ANALYZE")


def drop(url: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> None:
    try:
        urllib.request.urlopen(url, timeout=120).read()
    except urllib.error.HTTPError:
        pass  # measured as it is


def wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class Gunicorn:
    """gunicorn as `make run` starts it (reading the checkout's gunicorn.conf.py),
    optionally with an access log; in a process group of its own, which `kill` ends
    at once."""

    def __init__(self, env: dict, access_log: Path | None = None, *, code: Path = ROOT):
        self.port = free_port()
        logging = ["--access-logfile", str(access_log)] if access_log else []
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "lublin.wsgi",
                "--chdir",
                str(code),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
                *logging,
            ],
            cwd=code,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.url("/healthz"), self.process)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> "Gunicorn":
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)

    def kill(self) -> None:
        """SIGKILL to the master and its workers at once: the server is gone, as
        when its host fails, with the requests it was answering."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)


# The upstream's one server line, repeated for each app server the tests run.
UPSTREAM_SERVER = re.compile(r"^(\s*server )127\.0\.0\.1:8000\b(.*)$", re.MULTILINE)


class Nginx:
    """nginx as an unprivileged process on 127.0.0.1, proxy-caching the app servers
    on `upstream_ports`: bench/nginx-site.conf with its upstream's server line once
    per port (parameters kept), its own port, cache and temporary folders."""

    def __init__(self, *upstream_ports: int, tmp_root: Path = BENCH):
        if not upstream_ports:
            raise ValueError("nginx needs at least one app server")
        self.port = free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="nginx-", dir=tmp_root))
        # Read it before `stop`, which removes the folder.
        self.error_log = self.tmp / "error.log"
        template = (ROOT / "bench" / "nginx-site.conf").read_text()
        line = UPSTREAM_SERVER.search(template)
        if line is None:
            raise ValueError("bench/nginx-site.conf: no `server 127.0.0.1:8000` line")
        servers = "\n".join(
            f"{line[1]}127.0.0.1:{port}{line[2]}" for port in upstream_ports
        )
        site = (
            (template[: line.start()] + servers + template[line.end() :])
            .replace("listen 127.0.0.1:8080", f"listen 127.0.0.1:{self.port}")
            .replace("/var/cache/nginx/lublin", str(self.tmp / "cache"))
            .replace("/srv/lublin/staticfiles/", f"{ROOT / 'staticfiles'}/")
        )
        conf = self.tmp / "nginx.conf"
        # As root, nginx's workers would run as nobody, who cannot write the cache here.
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf.write_text(NGINX_CONF.format(user=user, tmp=self.tmp, body=site))
        self.process = subprocess.Popen(
            [
                shutil.which("nginx") or "/usr/sbin/nginx",
                "-e",
                str(self.error_log),
                "-c",
                str(conf),
                "-p",
                str(self.tmp),
                "-g",
                "daemon off;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(f"http://127.0.0.1:{self.port}/healthz", self.process)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        shutil.rmtree(self.tmp, ignore_errors=True)


def wrk(port: int, path: str, seconds: int, script: str, *lua_args: str) -> dict:
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / script),
            f"http://127.0.0.1:{port}{path}",
            *(["--", *lua_args] if lua_args else []),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    # Requests still queued when wrk stops are served after it: wait for them, so
    # that they do not slow the next measurement.
    for _ in range(2):
        get(f"http://127.0.0.1:{port}/healthz")
    return result


def static_file(name: str, size: int) -> str:
    """A static file of `size` bytes among the collected ones; its address."""
    path = BENCH / "staticfiles" / "bench" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    return f"/static/bench/{name}"


def available(measured: dict, path: str) -> bool:
    """Answered 200, and by more than the full dump when asked for a page of it."""
    row = measured[path]
    if row["status"] != 200:
        return False
    full = measured.get(FULL_DUMP)
    return path == FULL_DUMP or "page=" not in path or row["bytes"] != full["bytes"]


def bench_size(bench: Bench, size: int, *, full: bool, timed: bool = True) -> dict:
    """`make bench`'s measurements at `size` clusters; full: every public page's
    queries and (if timed) uncached figures only."""
    print(f"== PostgreSQL, {size:,} clusters")
    url, generated_in = bench.generated(size)
    last_page = max(1, -(-int(size * 0.95) // 20))
    public = {name: path.format(last_page=last_page) for name, path in PUBLIC.items()}
    cache = BENCH / f"cache-{bench.label}{size}"
    shutil.rmtree(cache, ignore_errors=True)
    measured = bench.measure(
        env_for(url, cache), "queries", FULL_DUMP, *public.values()
    )
    result = {
        "size": size,
        "generated_in": generated_in,
        "queries": {name: measured[path] for name, path in public.items()},
        "paths": public,
        "load_before": load_average(),
    }
    pages = {
        name: public[name]
        for name in (public if full else PAGES)
        if available(measured, public[name])
    }
    result["not_available"] = [
        name for name in (public if full else PAGES) if name not in pages
    ]
    if not timed:
        return result
    # Written before the servers start: whitenoise finds the files it serves then.
    ceiling = static_file("ceiling.html", measured[DIRECTORY]["bytes"])
    result["static_bytes"] = measured[DIRECTORY]["bytes"]
    if measured[FULL_DUMP]["status"] == 200:
        result["dump_bytes"] = measured[FULL_DUMP]["bytes"]
        dump_copy = static_file("dump.json", result["dump_bytes"])

    def each_page(server: Gunicorn, names) -> dict:
        figures = {}
        for name in names:
            get(server.url(pages[name]))  # templates compiled, cache filled
            figures[name] = bench.wrk(server.port, pages[name])
            print(f"  {name:24} {figures[name]['rps']:8.0f} req/s")
        return figures

    print("  page cache off")
    with bench.gunicorn(env_for(url, cache, page_cache=False)) as server:
        result["static_uncached_server"] = bench.wrk(server.port, ceiling)
        result["uncached"] = each_page(server, pages)
    if full:
        result["load_after"] = load_average()
        return result

    print("  page cache on, embedded cache")
    vocabulary = bench.measure(env_for(url, cache), "vocabulary")
    result["words"] = vocabulary["words"]
    with bench.gunicorn(env_for(url, cache)) as server:
        result["static"] = bench.wrk(server.port, ceiling)
        result["cached"] = each_page(server, pages)
        if "dump_bytes" in result:
            result["static_dump"] = bench.wrk(server.port, dump_copy)
            get(server.url(FULL_DUMP))
            result["dump"] = bench.wrk(server.port, FULL_DUMP)
        result["never_seen_filters"] = bench.ever_new(
            server.port, "filters", vocabulary["highlands"]
        )
        result["ever_new_searches"] = bench.ever_new(
            server.port, "search", vocabulary["words"]
        )
        print(
            f"  never-seen filters {result['never_seen_filters']['rps']:.0f},"
            f" ever-new searches {result['ever_new_searches']['rps']:.0f} req/s"
        )
    shared = [name for name in SHARED_CACHE_PAGES if name in pages]

    print("  page cache on, Redis")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    with bench.gunicorn(env_for(url, cache, redis=True)) as server:
        # Each server's own ceiling, measured minutes apart from the others'.
        result["static_redis"] = bench.wrk(server.port, ceiling)
        result["redis"] = each_page(server, shared)
    redis.Redis.from_url(REDIS_URL).flushdb()

    print("  page cache on, embedded cache, access log on (as `make run`)")
    access_log = BENCH / f"access-{bench.label}.log"
    with bench.gunicorn(env_for(url, cache), access_log) as server:
        result["static_logged"] = bench.wrk(server.port, ceiling)
        result["logged"] = each_page(server, shared)
    access_log.unlink(missing_ok=True)
    result["load_after"] = load_average()
    return result


def bench_starter(bench: Bench, static_bytes: int) -> dict:
    print("== PostgreSQL, the starter content")
    url, loaded_in = bench.starter()
    cache = BENCH / f"cache-{bench.label}starter"
    shutil.rmtree(cache, ignore_errors=True)
    vocabulary = bench.measure(env_for(url, cache), "vocabulary")
    result = {"loaded_in": loaded_in, "words": vocabulary["words"]}
    with bench.gunicorn(env_for(url, cache)) as server:
        ceiling = static_file("ceiling.html", static_bytes)
        result["static"] = bench.wrk(server.port, ceiling)
        get(server.url(DIRECTORY))
        result["ever_new_searches"] = bench.ever_new(
            server.port, "search", vocabulary["words"]
        )
    print(f"  ever-new searches {result['ever_new_searches']['rps']:.0f} req/s")
    return result


def load_average() -> str:
    """The machine's load (1, 5, 15 minutes): other work on it skews the figures."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def versions() -> dict:
    def first_line(*args) -> str:
        try:
            out = subprocess.run(args, capture_output=True, text=True, timeout=10)
            return (out.stdout or out.stderr).strip().splitlines()[0]
        except (OSError, IndexError):
            return "missing"

    import django

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    postgres = "unknown"
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN) as connection:
            postgres = connection.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001 (reported, not fatal)
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": first_line(str(VENV_BIN / "gunicorn"), "--version"),
        "wrk": first_line("wrk", "--version"),
        "postgresql": postgres,
    }


def commit_of(code: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(code), "log", "-1", "--format=%h (%cs)"],
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seconds", type=int, default=2)
    parser.add_argument("--code", type=Path, default=ROOT, help="the code to serve")
    parser.add_argument("--label", default="", help="prefix of its database names")
    parser.add_argument("--save", type=Path, help="the figures as JSON")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    options = parser.parse_args()
    label = f"{options.label}_" if options.label else ""
    bench = Bench(options.code.resolve(), label, options.seconds)
    started = time.monotonic()
    load = {"before": load_average()}
    BENCH.mkdir(exist_ok=True)
    collect_static(bench.code)
    run = {
        "command": "make bench" if options.quick else "make bench-full",
        "date": datetime.date.today().isoformat(),
        "code": commit_of(bench.code),
        "versions": versions(),
        "seconds": options.seconds,
        "main": bench_size(bench, 10_000, full=False),
    }
    run["starter"] = bench_starter(bench, run["main"]["static_bytes"])
    if not options.quick:
        run["full"] = bench_size(bench, 100_000, full=True)
        run["ten"] = bench_size(bench, 10, full=True, timed=False)
    load["after"] = load_average()
    run["load"] = load
    run["took"] = round(time.monotonic() - started)
    if options.save:
        options.save.write_text(json.dumps(run, indent=1, ensure_ascii=False) + "\n")
    if options.output != "-":
        from render import write  # bench/render.py

        write(run, Path(options.output))


if __name__ == "__main__":
    main()
