"""gunicorn reads this file itself (./gunicorn.conf.py) wherever it starts in this
checkout: `make run`, the tests and `make bench` alike."""

import logging

from lublin.log_format import logging_config
from lublin.metrics import (
    metrics_address,
    prepare_metrics_folder,
    remove_metrics_folder,
    serve_metrics,
)

# Its control socket is one per user by default (~/.gunicorn/gunicorn.ctl), so two
# instances on one host (a second `make run` on another PORT, the tests) would share
# it; nothing here uses it.
control_socket_disable = True

# Its lines as the site's (lublin/log_format.py): UTC with the offset, the format
# DJANGO_LOG_FORMAT names, to standard error; the access line (one per request) has
# no clock of its own, and the request's id as every line has (lublin/request_id.py).
logconfig_dict = logging_config(
    {
        name: {"handlers": [], "propagate": True}
        for name in ("gunicorn.error", "gunicorn.access")
    }
)
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'


# Prometheus metrics, when DJANGO_METRICS_ADDRESS is set (lublin/metrics.py): the
# workers write theirs to a folder of this instance, named before any of them
# starts; the master adds them up and serves them on that address alone. gunicorn
# reads this file again on a reload (HUP); these hooks run once per master.
METRICS_ADDRESS = metrics_address()


def on_starting(server):
    """With no access log asked for (`--access-logfile`, as `make run` gives it),
    none: a logging configuration alone would make gunicorn write one. `make bench`
    measures the site with the log and without it."""
    if server.cfg.accesslog is None:
        logging.getLogger("gunicorn.access").propagate = False


def when_ready(server):
    """Listening, and no worker started yet."""
    if METRICS_ADDRESS:
        prepare_metrics_folder(server.log)
        serve_metrics(METRICS_ADDRESS, server.log)


def on_exit(server):
    if METRICS_ADDRESS:
        remove_metrics_folder()
