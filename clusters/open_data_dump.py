"""The full dumps, `clusters.json` and `clusters.csv` without parameters: written once
per content version into EXPORTS_DIR and served from there like a static file.

At ten thousand clusters the JSON is 14.5 MB: too big to render per request or to keep
in the page cache. It is written a page of clusters at a time (a page's records in
memory, never the whole dump), with its gzip twin beside it, and served by whitenoise,
as the static files are: ETag and Last-Modified, 304 to a conditional request, Range,
and the gzip file to a client that accepts it. Every edit replaces the content version
(cms/caching.py), so the next request writes the new dump and removes the old ones.
"""

import gzip
import hashlib
import json
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.cache import patch_cache_control
from whitenoise.base import WhiteNoise
from whitenoise.middleware import WhiteNoiseMiddleware

from clusters.open_data import (
    ExportClusterFilter,
    cors,
    csv_text,
    licence,
    page_records,
    pages_of,
)
from cms.caching import (
    database_name,
    read_entries,
    seconds_until,
    settled_boundary,
    shared_max_age,
    version_time,
)

# Whitenoise's validators, conditional answers and choice of encoding; the lifetimes
# are the pages' (below).
FILES = WhiteNoise(application=None, max_age=None, mimetypes={".csv": "text/csv"})


def json_chunks():
    """The text of the full clusters.json, a page of clusters at a time."""
    filterset = ExportClusterFilter()
    pages = pages_of(filterset.qs)
    head = json.dumps({"count": pages.count, "licence": licence()}, ensure_ascii=False)
    yield head[:-1] + ', "clusters": ['
    for number in pages.page_range:
        records = page_records(pages.page(number), filterset.highlands)
        separator = ", " if number > 1 and records else ""
        yield separator + ", ".join(
            json.dumps(record, ensure_ascii=False) for record in records
        )
    yield "]}"


def csv_chunks():
    """The text of the full clusters.csv, a page of rows at a time."""
    filterset = ExportClusterFilter()
    pages = pages_of(filterset.qs)
    for number in pages.page_range:
        records = page_records(pages.page(number), filterset.highlands)
        yield csv_text(records, header=number == 1)


CHUNKS = {"json": json_chunks, "csv": csv_chunks}


def dump_prefix() -> str:
    # The database's too: the site's dumps and a benchmark's may share one folder
    # without removing each other's.
    database = hashlib.md5(database_name().encode(), usedforsecurity=False)
    return f"clusters-{database.hexdigest()[:8]}-"


def dump_path(kind: str, version: str) -> Path:
    return Path(settings.EXPORTS_DIR) / f"{dump_prefix()}{version}.{kind}"


def write_dump(kind: str, version: str) -> None:
    """Write the dump and its gzip twin under temporary names, then move them into
    place, the dump itself last: a dump that exists is complete, twin included."""
    path = dump_path(kind, version)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".", delete=False) as raw:
        temporary = Path(raw.name)
        zipped_path = temporary.with_name(f"{temporary.name}.gz")
        with (
            open(zipped_path, "wb") as zipped_raw,
            gzip.GzipFile(fileobj=zipped_raw, mode="wb", mtime=0) as zipped,
        ):
            for chunk in CHUNKS[kind]():
                data = chunk.encode()
                raw.write(data)
                zipped.write(data)
    # Last-Modified: the content version's time, the same on every host.
    changed = version_time(version)
    for written in (zipped_path, temporary):
        os.utime(written, (changed, changed))
    os.replace(zipped_path, f"{path}.gz")
    os.replace(temporary, path)


def remove_older_versions(version: str) -> None:
    """Remove the dumps of versions made before `version`; a newer one, which a
    request that came after the next change may be writing or serving, stays."""
    prefix = dump_prefix()
    for dump in Path(settings.EXPORTS_DIR).glob(f"{prefix}*"):
        dump_version = dump.name.removeprefix(prefix).split(".", 1)[0]
        if version_time(dump_version) < version_time(version):
            dump.unlink(missing_ok=True)


def dump_response(request, kind: str):
    """The full dump of the current content version, written first if need be."""
    now = timezone.now()
    # As the page cache does: a scheduled change replaces the version when it is due.
    state, _entries = read_entries([], now)
    version, boundary = state[0], settled_boundary(state, now)
    path = dump_path(kind, version)
    if not path.exists():
        write_dump(kind, version)
        remove_older_versions(version)
    try:
        static_file = FILES.get_static_file(str(path), request.path)
    except FileNotFoundError:
        # Removed by a request that saw a newer version since: serve that one.
        return dump_response(request, kind)
    response = WhiteNoiseMiddleware.serve(static_file, request)
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=shared_max_age(seconds_until(boundary, now)),
    )
    if kind == "csv":
        response["Content-Disposition"] = 'attachment; filename="clusters.csv"'
        if response.has_header("Content-Type"):  # not on a 304
            # As the pages write it (whitenoise quotes the charset).
            response["Content-Type"] = "text/csv; charset=utf-8"
    return cors(response)
