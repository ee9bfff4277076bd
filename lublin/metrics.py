"""Prometheus metrics of a gunicorn instance, on an address of their own.

Off unless DJANGO_METRICS_ADDRESS is set (`host:port`, e.g. `127.0.0.1:9464`). Then
the settings add django-prometheus (requests by view and status, their latencies,
each query's database time) to the site's own counters (page cache and kept pieces,
cms/metrics.py), and gunicorn's master serves them all at that address, never on the
site's: only whoever can reach that address (loopback, a private network) reads them.

gunicorn's workers are separate processes: each writes its metrics to files in a
folder of this instance (prometheus_client's multiprocess mode), which the master
adds up when scraped. The mode is chosen when prometheus_client is first imported,
so the folder is named in the environment before any process imports it, and this
module imports prometheus_client only inside its functions.
"""

import os
import shutil
import tempfile

from django.core.exceptions import ImproperlyConfigured

ADDRESS_VARIABLE = "DJANGO_METRICS_ADDRESS"
FOLDER_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def metrics_address(environ=os.environ) -> tuple[str, int] | None:
    """(host, port) from DJANGO_METRICS_ADDRESS; None when it is not set."""
    value = environ.get(ADDRESS_VARIABLE, "")
    if not value:
        return None
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ImproperlyConfigured(
            f"{ADDRESS_VARIABLE} must be host:port, e.g. 127.0.0.1:9464, not {value!r}."
        )
    return host.strip("[]"), int(port)


def prepare_metrics_folder() -> None:
    """A new, empty folder for this instance's worker files (gunicorn.conf.py)."""
    os.environ[FOLDER_VARIABLE] = tempfile.mkdtemp(prefix="lublin-metrics-")


def serve_metrics(address: tuple[str, int]) -> None:
    """In gunicorn's master: every worker's metrics, added up, at `address`."""
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    host, port = address
    start_http_server(port, addr=host, registry=registry)


def forget_worker(pid: int) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid)


def remove_metrics_folder() -> None:
    shutil.rmtree(os.environ[FOLDER_VARIABLE], ignore_errors=True)
