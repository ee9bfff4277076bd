"""In-process measurements against the database named by DATABASE_URL, as JSON.

`queries URL...`: SQL queries and bytes per request, page cache off, after a warm-up.
`admin`: the admin cluster list as a superuser: median time and queries.
`fixtures`: time to load the starter fixtures into this (empty, migrated) database.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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
            "bytes": len(response.content),
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


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    result = {"queries": lambda: queries(args), "admin": admin, "fixtures": fixtures}[
        command
    ]()
    print(json.dumps(result))
