"""Rows trading places: two of a record's rows that swap their order numbers.

An order number is unique within its record (a cluster's projects; its list items
of one kind), and PostgreSQL and SQLite check that as each row is written. Written
one by one, the first of two swapped rows takes a number the second still holds,
and the save fails (form validation does not see it: the inline's form leaves out
the record, so Django skips the check of the constraint naming it). Before rows are
written with new numbers, they are moved out of the way: past the highest number of
their table, where no row can be met.
"""

from django.db.models import F, Max, QuerySet

ORDER = "order"


def has_order(model) -> bool:
    return any(field.name == ORDER for field in model._meta.concrete_fields)


def move_out_of_the_way(rows: QuerySet, field: str = ORDER) -> None:
    """Gives `rows` numbers above any in their table, keeping them apart from each
    other; they must be written again with their own numbers afterwards."""
    top = rows.model._base_manager.aggregate(top=Max(field))["top"]
    if top is not None:
        rows.order_by().update(**{field: F(field) + top + 1})
