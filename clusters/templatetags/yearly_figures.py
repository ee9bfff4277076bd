"""The yearly figures import's pages: a row's errors under the column's header."""

from django import template

from clusters.resources import YearlyFiguresResource

register = template.Library()


@register.filter
def column_header(field_name: str) -> str:
    """The header a file has for the field, in the staff's language."""
    field = YearlyFiguresResource().fields.get(field_name)
    return str(field.column_name) if field else field_name
