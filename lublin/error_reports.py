"""Error reports to an error tracker: Sentry, or any service that speaks its protocol
(GlitchTip, self-hosted Sentry), when SENTRY_DSN is set; none otherwise.

An unhandled exception in a request, and every line logged at ERROR, becomes a
report tagged with the request's id (lublin/request_id.py), the id a visitor sees in
the `X-Request-ID` header and the log lines name. No personal data: no addresses,
cookies or user names (`send_default_pii=False`), and no performance tracing.
"""

import sentry_sdk

from lublin.request_id import NO_REQUEST, current_request_id


def start_error_reports(dsn: str, environment: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        send_default_pii=False,
        traces_sample_rate=0,
        before_send=tag_request_id,
    )


def tag_request_id(event: dict, _hint: dict) -> dict:
    if (request_id := current_request_id.get()) != NO_REQUEST:
        event.setdefault("tags", {})["request_id"] = request_id
    return event
