"""One log line format for the site and gunicorn: `lublin/settings.py` and
`gunicorn.conf.py` both configure logging with `logging_config`.

Every line's time is UTC with its offset (ISO 8601), whichever process wrote it:
gunicorn's master knows nothing of Django's TIME_ZONE, its workers do, and a log
collector reads one clock. DJANGO_LOG_FORMAT=json writes each line as a JSON
object (python-json-logger) for collectors that read fields.
"""

import logging
import os
from datetime import UTC, datetime

from django.core.exceptions import ImproperlyConfigured
from pythonjsonlogger.json import JsonFormatter

FIELDS = ("asctime", "levelname", "name", "request_id", "message")
NAMES = {"asctime": "time", "levelname": "level", "name": "logger"}


class UTCTime:
    def formatTime(self, record, datefmt=None):
        moment = datetime.fromtimestamp(record.created, UTC)
        return moment.isoformat(timespec="milliseconds")


class TextFormatter(UTCTime, logging.Formatter):
    """`time=… level=… logger=… request_id=… message=…`, one line per event."""

    def __init__(self):
        super().__init__(
            " ".join(f"{NAMES.get(field, field)}=%({field})s" for field in FIELDS)
        )


class JSONFormatter(UTCTime, JsonFormatter):
    """`{"time": …, "level": …, "logger": …, "request_id": …, "message": …}`."""

    def __init__(self):
        super().__init__(list(FIELDS), rename_fields=NAMES)


FORMATTERS = {"text": TextFormatter, "json": JSONFormatter}


def log_format() -> str:
    name = os.environ.get("DJANGO_LOG_FORMAT") or "text"
    if name not in FORMATTERS:
        raise ImproperlyConfigured(
            f"DJANGO_LOG_FORMAT must be text or json, not {name!r}."
        )
    return name


def logging_config(loggers: dict) -> dict:
    """A `dictConfig` that writes every record to standard error (standard output
    is a command's own, `dumpdata`'s say) in the format DJANGO_LOG_FORMAT names,
    with the id of the request it belongs to."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "lublin.request_id.RequestIdFilter"}},
        "formatters": {"line": {"()": FORMATTERS[log_format()]}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "line",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["stderr"], "level": "INFO"},
        "loggers": loggers,
    }
