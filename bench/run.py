"""`make bench`: load-test the site as `make run` serves it, write docs/benchmarks.md.

For each database and size: a separate benchmark database (.bench/*.sqlite3, or the
PostgreSQL database `lublin_bench_<size>`) filled by bench/generate.py; gunicorn +
whitenoise, debug off, 2 workers, as `make run`; wrk over 127.0.0.1 at 4 connections
against each target three ways: page cache off (rendering), page cache on, and through
nginx proxy caching (docs/deployment.md's configuration). The ceiling is a static file
of the directory page's size, served by the same gunicorn + whitenoise, and by nginx.

    python bench/run.py --quick                # 10,000 clusters on PostgreSQL
    python bench/run.py                        # 100/1,000/10,000 x SQLite/PostgreSQL
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import socket
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
CONNECTIONS = 4
TARGETS = {
    "home": "/pl/",
    "directory": "/pl/klastry/",
    "directory, filtered": "/pl/klastry/?highland=wyzyna-biotech&size=50-99&status=active",
    "directory, search": "/pl/klastry/?q=biotechnologiczny",
    "directory, typo search": "/pl/klastry/?q=biotechnologiczy",
    "directory, last page": "/pl/klastry/?page={last_page}",
    "cluster page": "/pl/klastry/klaster-7/",
    "Highland page": "/pl/wyzyny/wyzyna-biotech/",
    "clusters.json": "/api/v1/clusters.json",
}
STATIC_NAME = "bench/ceiling.html"
# docs/benchmarks.md below this line is written by hand and kept by every run.
KEPT_MARKER = "<!-- Written by hand below this line; make bench keeps it. -->"
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


def env_for(database_url: str, cache_dir: Path, page_cache: bool = True) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lublin.settings",
        "DJANGO_SECRET_KEY": "bench-only-key-" + "b" * 50,
        "DJANGO_SECURE": "0",
        "DATABASE_URL": database_url,
        "DJANGO_CACHE_DIR": str(cache_dir),
        "DJANGO_PAGE_CACHE": "1" if page_cache else "0",
    }
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_DEBUG", None)
    return env


def run(args: list[str], env: dict, **kwargs) -> str:
    done = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, **kwargs
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        done.check_returncode()
    return done.stdout


def python(env: dict, *args: str) -> str:
    return run([str(VENV_BIN / "python"), *args], env)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(url)


def prepare_database(engine: str, size: int) -> str:
    """A migrated benchmark database holding `size` clusters; reused when it does."""
    if engine == "sqlite":
        path = BENCH / f"bench-{size}.sqlite3"
        url = f"sqlite:///{path}"
        fresh = not path.exists()
        if fresh:
            BENCH.mkdir(exist_ok=True)
    else:
        import psycopg

        name = f"lublin_bench_{size}"
        url = f"postgres://postgres@127.0.0.1:5432/{name}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            fresh = not admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if fresh:
                admin.execute(f"CREATE DATABASE {name}")
    env = env_for(url, BENCH / "cache-setup")
    python(env, "manage.py", "migrate", "--no-input", "--verbosity", "0")
    if fresh:
        started = time.monotonic()
        try:
            python(env, "bench/generate.py", str(size))
        except subprocess.CalledProcessError:
            drop_database(engine, size)
            raise
        print(f"  generated {size} clusters in {time.monotonic() - started:.1f} s")
    if engine == "postgresql":
        # What autovacuum does after bulk writes, at once: fresh statistics for the
        # planner and a visibility map for index-only scans.
        import psycopg

        with psycopg.connect(url, autocommit=True) as database:
            database.execute("VACUUM ANALYZE")
    return url


def drop_database(engine: str, size: int) -> None:
    if engine == "sqlite":
        (BENCH / f"bench-{size}.sqlite3").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS lublin_bench_{size}")


def fixture_load_time(engine: str) -> dict | None:
    if not list((ROOT / "fixtures").glob("*.json")):
        return None
    if engine == "sqlite":
        path = BENCH / "fixtures.sqlite3"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS lublin_bench_fixtures")
            admin.execute("CREATE DATABASE lublin_bench_fixtures")
        url = "postgres://postgres@127.0.0.1:5432/lublin_bench_fixtures"
    env = env_for(url, BENCH / "cache-fixtures")
    python(env, "manage.py", "migrate", "--no-input", "--verbosity", "0")
    try:
        return json.loads(python(env, "bench/measure.py", "fixtures").splitlines()[-1])
    except subprocess.CalledProcessError as error:
        return {"error": error.stderr.strip().splitlines()[-1]}


class Gunicorn:
    def __init__(self, env: dict):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "lublin.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(f"http://127.0.0.1:{self.port}/healthz", self.process)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


class Nginx:
    """nginx as an unprivileged process on 127.0.0.1, proxy-caching `upstream_port`."""

    def __init__(self, upstream_port: int, tmp_root: Path = BENCH):
        self.port = free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="nginx-", dir=tmp_root))
        template = (ROOT / "bench" / "nginx-site.conf").read_text()
        site = (
            template.replace("127.0.0.1:8000", f"127.0.0.1:{upstream_port}")
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
                str(self.tmp / "error.log"),
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


def wrk(port: int, path: str, seconds: int) -> dict:
    result = load(port, path, seconds)
    # Requests still queued when wrk stops are served after it: wait for them, so
    # that they do not slow the next measurement.
    for _ in range(2):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=60).read()
    return result


def load(port: int, path: str, seconds: int) -> dict:
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "report.lua"),
            f"http://127.0.0.1:{port}{path}",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def bench_one(engine: str, size: int, seconds: int, with_admin: bool) -> dict:
    print(f"== {engine}, {size} clusters")
    url = prepare_database(engine, size)
    tag = f"{engine}-{size}"
    cache_dir = BENCH / f"cache-{tag}"
    shutil.rmtree(cache_dir, ignore_errors=True)
    last_page = max(1, -(-int(size * 0.95) // 20))
    targets = {name: path.format(last_page=last_page) for name, path in TARGETS.items()}
    measured = json.loads(
        python(
            env_for(url, cache_dir), "bench/measure.py", "queries", *targets.values()
        )
        .strip()
        .splitlines()[-1]
    )
    ceiling = BENCH / "static" / STATIC_NAME
    ceiling.parent.mkdir(parents=True, exist_ok=True)
    static_bytes = measured[targets["directory"]]["bytes"]
    ceiling.write_text("x" * static_bytes)
    destination = ROOT / "staticfiles" / STATIC_NAME
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ceiling, destination)

    result = {"engine": engine, "size": size, "static_bytes": static_bytes, "rows": {}}
    servers = []
    try:
        uncached = Gunicorn(env_for(url, cache_dir, page_cache=False))
        servers.append(uncached)
        cached = Gunicorn(env_for(url, cache_dir))
        servers.append(cached)
        nginx = Nginx(cached.port)
        servers.append(nginx)
        static_path = f"/static/{STATIC_NAME}"
        result["static"] = wrk(cached.port, static_path, seconds)
        result["static_nginx"] = wrk(nginx.port, static_path, seconds)
        for name, path in targets.items():
            for server in servers:  # templates compiled, cache filled: steady state
                urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}").read()
            row = dict(measured[path])
            row["path"] = path
            row["uncached"] = wrk(uncached.port, path, seconds)
            row["cached"] = wrk(cached.port, path, seconds)
            row["nginx"] = wrk(nginx.port, path, seconds)
            result["rows"][name] = row
            print(
                f"  {name:22} {row['uncached']['rps']:8.0f} "
                f"{row['cached']['rps']:8.0f} {row['nginx']['rps']:8.0f} req/s"
            )
    finally:
        for server in reversed(servers):
            server.stop()
    if with_admin:
        result["admin"] = json.loads(
            python(env_for(url, cache_dir), "bench/measure.py", "admin").splitlines()[
                -1
            ]
        )
    return result


def collect_static() -> None:
    """collectstatic as `make run` does."""
    env = env_for(f"sqlite:///{BENCH / 'setup.sqlite3'}", BENCH / "cache-setup")
    python(env, "manage.py", "collectstatic", "--no-input", "--verbosity", "0")


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
        "nginx": first_line("nginx", "-v"),
        "postgresql": postgres,
        "sqlite": __import__("sqlite3").sqlite_version,
    }


def ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}" if base else "–"


def render(
    results: list[dict], info: dict, command: str, fixtures: dict, load: dict
) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured {datetime.date.today().isoformat()} with `{command}`"
        " (bench/run.py).",
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), client and server on it together."
        f" Python {info['python']}, Django {info['django']}, {info['gunicorn']},"
        f" {info['wrk']}, {info['nginx']}, PostgreSQL {info['postgresql']},"
        f" SQLite {info['sqlite']}.",
        f"Load average before the run {load['before']}, after it {load['after']}:"
        f" on {info['cpus']} CPUs, anything above {info['cpus']} means other work"
        " competed with the benchmark.",
        "",
        f"gunicorn + whitenoise, debug off, 2 workers (as `make run`); wrk, {CONNECTIONS}"
        " connections over 127.0.0.1. *Uncached*: page cache off (DJANGO_PAGE_CACHE=0),"
        " the rendering itself. *Cached*: the page cache on (file-based cache, the"
        " embedded default). *nginx*: nginx proxy-caching in front of the cached"
        " gunicorn (docs/deployment.md). *× static*: requests per second as a ratio to a"
        " static file of the directory page's size served by the same gunicorn +"
        " whitenoise in the same run. Latencies in ms. Queries: SQL per request.",
        "",
    ]
    for result in results:
        static = result["static"]["rps"]
        lines += [
            f"## {result['engine']}, {result['size']:,} clusters",
            "",
            f"Static file ({result['static_bytes']:,} bytes): gunicorn + whitenoise"
            f" {static:,.0f} req/s (p95 {result['static']['p95']} ms); nginx"
            f" {result['static_nginx']['rps']:,.0f} req/s.",
            "",
            "| target | queries | one request, ms | uncached req/s | × static | p50 | p95 | p99"
            " | cached req/s | × static | p95 | nginx req/s | errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
            " ---: | ---: |",
        ]
        for name, row in result["rows"].items():
            un, ca, ng = row["uncached"], row["cached"], row["nginx"]
            errors = un["errors"] + ca["errors"] + ng["errors"]
            if row["status"] != 200:
                errors = f"{errors} (status {row['status']})"
            lines.append(
                f"| {name} `{row['path']}` | {row['queries']} | {row['ms']}"
                f" | {un['rps']:,.0f}"
                f" | {ratio(un['rps'], static)} | {un['p50']} | {un['p95']} | {un['p99']}"
                f" | {ca['rps']:,.0f} | {ratio(ca['rps'], static)} | {ca['p95']}"
                f" | {ng['rps']:,.0f} | {errors} |"
            )
        if "admin" in result:
            admin = result["admin"]
            lines += [
                "",
                f"Admin cluster list (superuser, 100 per page): {admin['ms']} ms"
                f" (median of 5), {admin['queries']} queries, status {admin['status']}.",
            ]
        lines.append("")
    lines += targets_met(results)
    if fixtures:
        lines += ["## Starter fixtures", ""]
        for engine, value in fixtures.items():
            lines.append(f"- {engine}: {json.dumps(value)}")
        lines.append("")
    return "\n".join(lines)


def targets_met(results: list[dict]) -> list[str]:
    """The issue's targets, checked on the largest PostgreSQL run."""
    runs = [r for r in results if r["engine"] == "postgresql"] or results
    result = max(runs, key=lambda r: r["size"])
    static = result["static"]["rps"]
    lines = [f"## Targets ({result['engine']}, {result['size']:,} clusters)", ""]

    def check(label: str, ok: bool, detail: str) -> None:
        lines.append(f"- {'met' if ok else '**missed**'}: {label} ({detail})")

    for name, row in result["rows"].items():
        un, ca = row["uncached"], row["cached"]
        check(
            f"{name}, cached ≥ 0.5 × static",
            ca["rps"] >= 0.5 * static,
            f"{ratio(ca['rps'], static)} × static",
        )
        if "search" in name:
            check(
                f"{name}, uncached p95 < 100 ms",
                un["requests"] and un["p95"] < 100,
                f"p95 {un['p95']} ms" if un["requests"] else "no request finished",
            )
        elif name.startswith("directory") or name == "cluster page":
            check(
                f"{name}, uncached ≥ 1/15 × static and p95 < 100 ms",
                un["requests"] and un["rps"] >= static / 15 and un["p95"] < 100,
                f"{ratio(un['rps'], static)} × static, p95 {un['p95']} ms"
                if un["requests"]
                else "no request finished within the run",
            )
        check(f"{name}, ≤ 10 queries", row["queries"] <= 10, f"{row['queries']}")
        errors = un["errors"] + ca["errors"] + row["nginx"]["errors"]
        check(f"{name}, no errors", not errors and row["status"] == 200, f"{errors}")
    if "admin" in result:
        admin = result["admin"]
        check(
            "admin cluster list ≤ 12 queries and < 300 ms",
            admin["queries"] <= 12 and admin["ms"] < 300,
            f"{admin['queries']} queries, {admin['ms']} ms",
        )
    lines.append("")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes", type=int, nargs="*")
    parser.add_argument("--engines", nargs="*", choices=["sqlite", "postgresql"])
    parser.add_argument("--seconds", type=int)
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    options = parser.parse_args()
    sizes = options.sizes or ([10_000] if options.quick else [100, 1_000, 10_000])
    engines = options.engines or (
        ["postgresql"] if options.quick else ["sqlite", "postgresql"]
    )
    seconds = options.seconds or (2 if options.quick else 6)
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            subprocess.run(["apt-get", "install", "-y", tool], check=True)
    started = time.monotonic()
    load = {"before": load_average()}
    BENCH.mkdir(exist_ok=True)
    collect_static()
    results = [
        bench_one(engine, size, seconds, with_admin=size == max(sizes))
        for engine in engines
        for size in sizes
    ]
    fixtures = {engine: fixture_load_time(engine) for engine in engines}
    command = "make bench" if options.quick else "make bench-full"
    if options.sizes or options.engines or options.seconds:
        command = "python bench/run.py " + " ".join(sys.argv[1:])
    load["after"] = load_average()
    text = render(results, versions(), command, fixtures, load)
    text += f"\nThe whole run took {time.monotonic() - started:.0f} s.\n"
    print(text)
    output = Path(options.output)
    kept = output.read_text() if output.exists() else ""
    if KEPT_MARKER in kept:
        text += "\n" + KEPT_MARKER + kept.split(KEPT_MARKER, 1)[1]
    output.write_text(text)


if __name__ == "__main__":
    main()
