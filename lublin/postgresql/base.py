"""PostgreSQL that a web request waits on only so long: a hung database gives 503s.

Connecting gives up after `DATABASE_CONNECT_TIMEOUT` seconds (libpq's
`connect_timeout`, in OPTIONS). A connection opened while serving a request also
limits each statement to `DATABASE_STATEMENT_TIMEOUT` seconds: the server cancels a
longer one itself (`statement_timeout`), and one second later the site stops waiting
for a server that never answers at all (hung, or a network that drops packets, which
TCP takes minutes to notice). The health check that starts each request waits no
longer than connecting may. Management commands open their connections outside any
request, so a long migration, backup or restore is never cut off.
"""

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base as django_base
from django_prometheus.db.backends.postgresql import base as timed_base

from lublin.outage import serving_request

# Past the statement timeout, so the server's own cancellation normally answers first
# and the connection stays usable.
ANSWER_MARGIN_SECONDS = 1


def statement_limit() -> int:
    """Seconds a statement may take on a connection opened now; 0 for no limit."""
    return settings.DATABASE_STATEMENT_TIMEOUT if serving_request() else 0


class Connection(psycopg.Connection):
    """A psycopg connection that waits at most `answer_timeout` seconds for an answer."""

    answer_timeout: float | None = None

    def wait(self, gen, *args, timeout=None, **kwargs):
        if timeout is None:
            timeout = self.answer_timeout
        try:
            return super().wait(gen, *args, timeout=timeout, **kwargs)
        except psycopg.OperationalError as error:
            if error.sqlstate is None:
                # Given up (or lost) halfway through an exchange: an answer may still
                # arrive out of turn, so nothing may use this connection again. An
                # error the server answered with (its statement timeout, say) leaves
                # the connection usable.
                self.close()
            raise


# With metrics on (lublin/metrics.py), django-prometheus's wrapper times each query.
base = timed_base if getattr(settings, "METRICS_ADDRESS", None) else django_base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if seconds := statement_limit():
            limit = f"-c statement_timeout={seconds * 1000}"
            params["options"] = f"{params.get('options', '')} {limit}".strip()
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        # Django makes it with psycopg.connect(); from now on it answers as a
        # Connection, which only adds a deadline to its waits.
        connection.__class__ = Connection
        if seconds := statement_limit():
            connection.answer_timeout = seconds + ANSWER_MARGIN_SECONDS
        return connection

    def is_usable(self):
        # The check's "SELECT 1" costs the server nothing: one that cannot answer it
        # as soon as it could accept a connection is treated as gone.
        connection = self.connection
        if connection is None:
            return False
        timeout = connection.answer_timeout
        connection.answer_timeout = settings.DATABASE_CONNECT_TIMEOUT
        try:
            return super().is_usable()
        finally:
            connection.answer_timeout = timeout
