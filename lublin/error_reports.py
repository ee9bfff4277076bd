"""Error reports to an error tracker: Sentry, or any service that speaks its protocol
(GlitchTip, self-hosted Sentry), when SENTRY_DSN is set; none otherwise.

An unhandled exception in a request, and every line the site logs at ERROR, becomes
a report tagged with the request's id (lublin/request_id.py), the id a visitor sees
in the `X-Request-ID` header and the log lines name. No personal data: no addresses,
cookies or user names (`send_default_pii=False`), no posted forms and no variables'
values; and no performance tracing.
"""

import sentry_sdk
from sentry_sdk.integrations.logging import ignore_logger

from lublin.request_id import NO_REQUEST, current_request_id


def start_error_reports(dsn: str, environment: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        send_default_pii=False,
        # Neither what was posted (a sign-in's password, a staff member's form) nor
        # the values in the stack's frames: the code and the line say what failed.
        max_request_body_size="never",
        include_local_variables=False,
        before_send=tag_request_id,
    )
    # A request for a host the site does not serve (a scanner's) is logged as an
    # error by Django; it is not one of the site's.
    ignore_logger("django.security.DisallowedHost")


def tag_request_id(event: dict, _hint: dict) -> dict:
    if (request_id := current_request_id.get()) != NO_REQUEST:
        event.setdefault("tags", {})["request_id"] = request_id
    return event
