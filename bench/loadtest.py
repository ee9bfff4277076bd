"""`make loadtest`: 64 connections for 60 s against gunicorn on PostgreSQL, no errors.

Built from bench/run.py's pieces: the benchmark's PostgreSQL database (generated once,
then reused), gunicorn + whitenoise as `make run` serves it (debug off, 2 workers, the
page cache on), wrk over 127.0.0.1. Each connection rotates over the directory, cluster
pages, searches and the JSON export, all fetched once first so the run measures the
steady state. Any answer other than 2xx/3xx, or any socket error, fails the run (exit
status 1). The result replaces the "Load test" section of docs/benchmarks.md.

    python bench/loadtest.py                      # 10,000 clusters, 64 connections, 60 s
    python bench/loadtest.py --seconds 10 --output /dev/null
"""

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402
    BENCH,
    Gunicorn,
    collect_static,
    env_for,
    prepare_database,
    versions,
)

CONNECTIONS = 64
THREADS = 2
SECONDS = 60
SIZE = 10_000
CLUSTER_PAGES = 5
SEARCHES = ["biotechnologiczny", "lotniczy", "energetyczny", "lubelski", "innowacje"]
HEADING = "## Load test"


def paths(database_url: str) -> list[str]:
    """What the connections ask for, in turn: every kind of page the promise names."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        slugs = [
            slug
            for (slug,) in connection.execute(
                "SELECT slug_pl FROM clusters_cluster WHERE is_published ORDER BY id"
            )
        ]
    step = max(1, len(slugs) // CLUSTER_PAGES)
    return [
        "/pl/klastry/",
        "/en/clusters/",
        *(f"/pl/klastry/{slug}/" for slug in slugs[::step][:CLUSTER_PAGES]),
        *(f"/pl/klastry/?q={word}" for word in SEARCHES),
        "/api/v1/clusters.json",
    ]


def warm(port: int, targets: list[str]) -> dict[str, int]:
    """Fetch every target once (filling the page cache); their sizes in bytes."""
    sizes = {}
    for path in targets:
        # A non-2xx/3xx answer raises here, before the run.
        url = f"http://127.0.0.1:{port}{path}"
        with urllib.request.urlopen(url, timeout=120) as response:
            sizes[path] = len(response.read())
    return sizes


def wrk(port: int, targets: list[str], seconds: int) -> dict:
    output = subprocess.run(
        [
            "wrk",
            f"-t{THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "loadtest.lua"),
            f"http://127.0.0.1:{port}/",
            "--",
            *targets,
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def socket_errors(result: dict) -> int:
    return sum(result[kind] for kind in ("connect", "read", "write", "timeout"))


def render(result: dict, info: dict, command: str, size: int, sizes: dict) -> str:
    passed = not result["status"] and not socket_errors(result)
    clusters = sum(1 for path in sizes if re.fullmatch(r"/pl/klastry/[^?]+/", path))
    largest = max(sizes, key=sizes.get)
    return "\n".join(
        [
            HEADING,
            "",
            f"Measured {datetime.date.today().isoformat()} with `{command}`"
            " (bench/loadtest.py).",
            f"Machine: {info['cpus']} CPUs ({info['cpu']}), client and server on it"
            f" together. {info['gunicorn']}, {info['wrk']}, PostgreSQL"
            f" {info['postgresql']}.",
            "",
            f"wrk, {CONNECTIONS} connections on {THREADS} threads for"
            f" {result['seconds']:.0f} s over 127.0.0.1, against gunicorn + whitenoise as"
            " `make run` serves it (debug off, 2 workers, the page cache on, file-based)"
            f" on PostgreSQL with {size:,} generated clusters. Each connection asks in"
            f" turn for the directory (Polish and English), {clusters} cluster pages,"
            f" {len(SEARCHES)} searches and `clusters.json`, all fetched once before the"
            " run (the steady state of a site in use; `make bench` measures rendering"
            " without the cache). Latencies in ms.",
            "",
            f"The run moved {result['bytes'] / 1e6:,.0f} MB; the largest answer,"
            f" `{largest}`, is {sizes[largest] / 1e6:,.1f} MB, and the two sync workers"
            " spend most of their time sending it, which sets the latencies. Load"
            f" average on the machine before the run: {info['load']:.1f}.",
            "",
            "| requests | req/s | p50 | p90 | p99 | max | non-2xx/3xx | socket errors"
            " (connect/read/write/timeout) | result |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
            f"| {result['requests']:,} | {result['rps']:,.0f} | {result['p50']}"
            f" | {result['p90']} | {result['p99']} | {result['max']}"
            f" | {result['status']} | {socket_errors(result)} ({result['connect']}/"
            f"{result['read']}/{result['write']}/{result['timeout']})"
            f" | {'passed' if passed else '**failed**'} |",
            "",
        ]
    )


def write_section(path: Path, section: str) -> None:
    """Put `section` in place of the file's "Load test" section, or at its end."""
    text = path.read_text() if path.exists() else ""
    start = text.find(f"\n{HEADING}\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(HEADING) + 2)
        text = text[: start + 1] + section + (text[end:] if end != -1 else "")
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=SIZE)
    parser.add_argument("--seconds", type=int, default=SECONDS)
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    options = parser.parse_args()
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True)
    BENCH.mkdir(exist_ok=True)
    collect_static()
    url = prepare_database("postgresql", options.size)
    cache_dir = BENCH / "cache-loadtest"
    shutil.rmtree(cache_dir, ignore_errors=True)
    targets = paths(url)
    server = Gunicorn(env_for(url, cache_dir))
    try:
        sizes = warm(server.port, targets)
        load = os.getloadavg()[0]
        started = time.monotonic()
        result = wrk(server.port, targets, options.seconds)
    finally:
        server.stop()
    command = "make loadtest"
    if options.size != SIZE or options.seconds != SECONDS:
        command = "python bench/loadtest.py " + " ".join(sys.argv[1:])
    info = versions() | {"load": load}
    section = render(result, info, command, options.size, sizes)
    if options.output != os.devnull:
        write_section(Path(options.output), section)
    print(section)
    print(f"wrk ran {time.monotonic() - started:.0f} s: {json.dumps(result)}")
    if result["status"] or socket_errors(result):
        sys.exit("load test failed: answers other than 2xx/3xx or socket errors")


if __name__ == "__main__":
    main()
