"""Who else has a record open: "Anna Kowalska edytuje ten rekord od 10:02".

Opening a change form (GET) notes the user, and since when, in the cache under the
record (shared by every worker, as the site's cache is); opening it again keeps the
note fresh, a successful save removes it, and a note not refreshed for `TIMEOUT`
lapses (a closed tab says nothing). Others opening the record meanwhile are told.
This only informs: a save based on an older copy is refused anyway (cms/locking.py).
"""

from datetime import timedelta

from django.contrib.admin.utils import unquote
from django.core.cache import cache
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cms.revision_admin import user_name

TIMEOUT = timedelta(minutes=15)


def cache_key(model, pk) -> str:
    return f"cms:editing:{model._meta.label_lower}:{pk}"


def _current(key: str) -> dict:
    """{user id: {"name", "since", "seen"}} of the notes not lapsed."""
    now = timezone.now()
    return {
        user_id: note
        for user_id, note in (cache.get(key) or {}).items()
        if now - note["seen"] < TIMEOUT
    }


def opened(model, pk, user) -> list[dict]:
    """Notes that `user` has the record open; returns the others who have it open,
    the first to open it first."""
    key = cache_key(model, pk)
    notes = _current(key)
    now = timezone.now()
    mine = notes.get(user.pk)
    notes[user.pk] = {
        "name": user_name(user),
        "since": mine["since"] if mine else now,
        "seen": now,
    }
    cache.set(key, notes, TIMEOUT.total_seconds())
    return sorted(
        (note for user_id, note in notes.items() if user_id != user.pk),
        key=lambda note: note["since"],
    )


def saved(model, pk, user) -> None:
    key = cache_key(model, pk)
    notes = _current(key)
    if notes.pop(user.pk, None) is not None:
        cache.set(key, notes, TIMEOUT.total_seconds())


def notice(note: dict) -> str:
    return _("%(name)s has been editing this record since %(time)s.") % {
        "name": note["name"],
        "time": formats.time_format(timezone.localtime(note["since"]), "H:i"),
    }


class PresenceAdminMixin:
    """For the admin of a record staff edit at length: who else has it open."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and self.has_change_permission(request):
            others = opened(self.model, unquote(object_id), request.user)
            extra_context = {
                **(extra_context or {}),
                "others_editing": [notice(note) for note in others],
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        saved(self.model, obj.pk, request.user)
        return super().response_change(request, obj)
