"""Time directory searches one request at a time, with the page cache off.

Against the database named by DATABASE_URL (fill it first with bench/generate.py):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lublin_bench DJANGO_DEBUG=1 \\
      DJANGO_PAGE_CACHE=0 .venv/bin/python bench/search_timings.py

Each query: the clusters it finds, and the best of three requests after a warm-up.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lublin.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.utils import translation  # noqa: E402

from clusters.filters import ClusterFilter  # noqa: E402
from clusters.models import Cluster  # noqa: E402

QUERIES = ["biotechnologiczny", "innowacje", "biotechnologiczy", "IT", "zzzz"]
RUNS = 3


def main() -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/pl/klastry/", {"q": "rozgrzewka"})
    for query in QUERIES:
        timings = []
        for _ in range(RUNS):
            start = time.perf_counter()
            response = client.get("/pl/klastry/", {"q": query})
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        with translation.override("pl"):
            found = ClusterFilter({"q": query}, queryset=Cluster.objects.published())
            count = found.qs.count()
        print(f"{query}: {count} found, {min(timings) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
