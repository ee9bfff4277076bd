"""Times staff type, read in the site's time zone, with the clock changes explained.

Twice a year a local hour is not a single moment: when summer time begins an hour is
skipped (2:30 does not exist), when it ends an hour happens twice (2:30 is two
moments). Django refuses both with one message in ISO format; staff get told which
case it is and what to type instead.
"""

from datetime import UTC, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _


def _shown(moment: datetime) -> dict:
    return {
        "date": date_format(moment, "DATE_FORMAT"),
        "time": time_format(moment, "H:i"),
    }


def local_moment(value: datetime) -> datetime:
    """`value` (naive, as typed) as an aware moment in the current time zone.

    Raises a ValidationError saying what to type when the clocks change at it.
    """
    if timezone.is_aware(value):
        return value
    zone = timezone.get_current_timezone()
    earlier = value.replace(tzinfo=zone, fold=0)
    later = value.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return earlier
    shift = abs(later.utcoffset() - earlier.utcoffset())
    if earlier.utcoffset() < later.utcoffset():
        # The skipped hour: the same moment read on the clocks after the change.
        instead = earlier.astimezone(UTC).astimezone(zone)
        raise ValidationError(
            _(
                "There is no %(time)s on %(date)s: that night the clocks went "
                "forward an hour (summer time began). Enter %(instead)s, the same "
                "moment, or another time."
            )
            % {**_shown(value), "instead": time_format(instead, "H:i")},
            code="skipped_time",
        )
    raise ValidationError(
        _(
            "%(time)s on %(date)s happens twice: that night the clocks went back an "
            "hour (summer time ended). Enter a time that happens once, such as "
            "%(before)s or %(after)s."
        )
        % {
            **_shown(value),
            "before": time_format(value - shift, "H:i"),
            "after": time_format(value + shift, "H:i"),
        },
        code="repeated_time",
    )


class LocalSplitDateTimeField(forms.SplitDateTimeField):
    """The admin's date and time boxes, clock changes explained (`local_moment`)."""

    def compress(self, data_list):
        if data_list and all(data_list):
            combined = datetime.combine(*data_list)
            return local_moment(combined)
        return super().compress(data_list)
