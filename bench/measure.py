"""In-process measurements against the database named by DATABASE_URL, as JSON.

`queries URL...`: SQL queries and bytes per request, page cache off, after a warm-up.
`admin`: the admin cluster list as a superuser: median time and queries.
`profile URL`: where one uncached request's time goes: cProfile's functions of the
project (and the database driver's wait) by cumulative time, after a warm-up with
the same page without a query string (so a query string is still new).
`vocabulary`: the published Highlands' Polish slugs and words a visitor would search
for: words of four letters or more found in several published clusters' Polish names
and descriptions.
Run from the directory of the code to measure (bench/run.py --code): its modules are
imported from there.
"""

import json
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path.cwd()
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lublin.settings")
os.environ["DJANGO_PAGE_CACHE"] = "0"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def body_size(response) -> int:
    """The body's bytes; a file (the full dump, kept per content version) is read."""
    if not response.streaming:
        return len(response.content)
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    return size


def queries(urls: list[str]) -> dict:
    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    for url in urls:
        client.get(url)
        times = []
        for _ in range(1):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
        results[url] = {
            "status": response.status_code,
            "queries": len(captured),
            "bytes": body_size(response),
            "ms": round(statistics.median(times), 1),
        }
    return results


def admin() -> dict:
    user, _created = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = "/admin/clusters/cluster/"
    client.get(url)
    times = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
    return {
        "status": response.status_code,
        "ms": round(statistics.median(times), 1),
        "queries": len(captured) - 2,  # the session and the user are not the list
    }


def fixtures() -> dict:
    names = sorted(path.stem for path in (ROOT / "fixtures").glob("*.json"))
    start = time.perf_counter()
    call_command("loaddata", *names, verbosity=0)
    return {"fixtures": names, "seconds": round(time.perf_counter() - start, 2)}


def profile(url: str, lines: int = 25) -> dict:
    import cProfile
    import pstats

    client = Client(HTTP_HOST="127.0.0.1")
    client.get(url.split("?")[0])
    profiler = cProfile.Profile()
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        profiler.runcall(client.get, url)
    ms = (time.perf_counter() - start) * 1000
    stats = pstats.Stats(profiler)
    rows = []
    for (path, line, function), (_cc, _nc, _tt, cumulative, _callers) in sorted(
        stats.stats.items(), key=lambda item: -item[1][3]
    ):
        project = str(ROOT) in path and "/.venv/" not in path
        if project or function in ("execute", "render", "_execute_send", "wait"):
            name = path.replace(str(ROOT) + "/", "")
            rows.append(f"{cumulative * 1000:7.1f} ms  {name}:{line} {function}")
    return {
        "ms (profiled)": round(ms, 1),
        "queries": [round(float(q["time"]) * 1000, 1) for q in captured],
        "top": rows[:lines],
    }


def vocabulary(words: int = 40) -> dict:
    from clusters.models import Cluster
    from ecosystems.models import Highland

    found_in = Counter()
    texts = Cluster.objects.published().values_list("name_pl", "characteristics_pl")
    for name, text in texts[:5000]:
        found_in.update(
            {word.lower() for word in re.findall(r"[^\W\d_]{4,}", f"{name} {text}")}
        )
    common = sorted(word for word, count in found_in.items() if count >= 2)
    return {
        "highlands": sorted(
            Highland.objects.published().values_list("slug_pl", flat=True)
        ),
        "words": sorted(random.Random(7).sample(common, min(words, len(common)))),
    }


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    result = {
        "queries": lambda: queries(args),
        "admin": admin,
        "fixtures": fixtures,
        "vocabulary": vocabulary,
        "profile": lambda: profile(args[0]),
    }[command]()
    print(json.dumps(result))
