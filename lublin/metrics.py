"""Prometheus metrics of a gunicorn instance, on an address of their own.

Off unless DJANGO_METRICS_ADDRESS is set (`host:port`, e.g. `127.0.0.1:9464`). Then
the settings add django-prometheus (requests by view and status, their latencies,
each query's database time) to the site's own counters (page cache and kept pieces,
cms/metrics.py), and gunicorn's master serves them all at that address, never on the
site's: only whoever can reach that address (loopback, a private network) reads them.

gunicorn's workers are separate processes: each writes its metrics to files in a
folder of this instance (prometheus_client's multiprocess mode), which the master
adds up when scraped; the folder is removed when the master stops. The mode is
chosen when prometheus_client is first imported, so the folder is named in the
environment before any worker imports it, and this module (which gunicorn.conf.py
imports in the master) imports prometheus_client only inside its functions.
"""

import os
import shutil
import sys
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


def prepare_metrics_folder(log) -> None:
    """A new, empty folder for this instance's worker files; in gunicorn's master,
    before any worker starts (gunicorn.conf.py)."""
    if "prometheus_client" in sys.modules:  # the application preloaded (--preload)
        log.error(
            "%s needs gunicorn without --preload: the workers' metrics would be lost.",
            ADDRESS_VARIABLE,
        )
        raise SystemExit(1)
    os.environ[FOLDER_VARIABLE] = tempfile.mkdtemp(prefix="lublin-metrics-")


def serve_metrics(address: tuple[str, int], log) -> None:
    """In gunicorn's master: every worker's metrics, added up, at `address`; an
    address that cannot be served stops the start, with the reason."""
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    host, port = address
    try:
        start_http_server(port, addr=host, registry=registry)
    except OSError as error:
        remove_metrics_folder()
        log.error("%s=%s:%d cannot be served: %s", ADDRESS_VARIABLE, host, port, error)
        raise SystemExit(1) from error
    log.info("Metrics at http://%s:%d/metrics", host, port)


def remove_metrics_folder() -> None:
    if folder := os.environ.pop(FOLDER_VARIABLE, None):
        shutil.rmtree(folder, ignore_errors=True)
