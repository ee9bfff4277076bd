"""Spreadsheets for staff (django-import-export): yearly figures in, clusters out.

`YearlyFiguresResource` reads one row per cluster and year (CSV or XLSX) and turns each
row into a new membership snapshot. It never changes figures already on record: a year
a cluster already has is refused, as is anything else that is not plainly right, with
a message per row; the admin (clusters/admin_import.py) then saves nothing at all.

`ClusterExportResource` writes the admin cluster list, as filtered, with each
cluster's current figures.
"""

import io
import re
import zipfile

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import RowResult

from clusters.models import EARLIEST_YEAR, LATEST_YEAR, Cluster, MembershipSnapshot
from clusters.open_data import spreadsheet_text

COUNTS = (
    "members",
    "enterprises",
    "business_environment_institutions",
    "universities",
)
# Columns an upload must have; the sources may be left out.
REQUIRED_COLUMNS = ("cluster", "year", *COUNTS)
# A whole number as people type it: 1234, 1 234 (a space, or a no-break space).
WHOLE_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)")


def local_moment_text(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _folded(header: str) -> str:
    return " ".join(header.split()).casefold()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def whole_number(value) -> int | None:
    """A whole number from a spreadsheet cell (12, 12.0, "12", "1 234"), or None.

    Raises ValueError for anything else, fractions included: a count is never
    rounded silently.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(value)
    text = str(value).strip()
    if not WHOLE_NUMBER.fullmatch(text):
        raise ValueError(value)
    return int(re.sub(r"\D", "", text)) * (-1 if text.startswith("-") else 1)


class CountWidget(widgets.IntegerWidget):
    """A count of members: a whole number, not negative, or blank (not reported)."""

    def clean(self, value, row=None, **kwargs):
        try:
            number = whole_number(value)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a whole number.") % {"value": value}
            ) from None
        if number is not None and number < 0:
            raise ValueError(
                _("A count cannot be negative (%(value)s).") % {"value": number}
            )
        return number


class YearWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            year = whole_number(value)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a year.") % {"value": value}
            ) from None
        if year is None:
            raise ValueError(_("Give the year of the figures."))
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            raise ValueError(
                _("The year must be between %(earliest)s and %(latest)s, not %(year)s.")
                % {"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR, "year": year}
            )
        return year


class ClusterKeyWidget(widgets.ForeignKeyWidget):
    """A cluster by its key, as in the template file."""

    def __init__(self):
        super().__init__(Cluster, field="key")

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            raise ValueError(_("Give the cluster’s key."))
        key = str(value).strip()
        try:
            return Cluster.objects.get(key=key)
        except Cluster.DoesNotExist:
            raise ValueError(
                _("No cluster has the key “%(key)s”.") % {"key": key}
            ) from None


class SpreadsheetTextWidget(widgets.CharWidget):
    def render(self, value, obj=None, **kwargs):
        return spreadsheet_text("" if value is None else str(value))


class SourceWidget(SpreadsheetTextWidget):
    def clean(self, value, row=None, **kwargs):
        return "" if is_blank(value) else str(value).strip()


# Limits of an upload. A yearly file has a row per active cluster, a few hundred at
# most. 1,000 rows are previewed in about 9 s and saved in about 8 s on a busy 2-core
# host, well inside a worker's 30 s; more would risk the worker being killed. Such a
# file is ~150 KB as CSV, ~40 KB as XLSX (0.5 MB unpacked): the sizes leave room for
# long source texts and Excel's own parts, and keep the upload below nginx's default
# body limit (1 MiB), so the refusal is this message, not nginx's bare error page.
MAX_ROWS = 1_000
MAX_UPLOAD_SIZE = 512 * 1024
# An XLSX is a zip: a small file can unpack to gigabytes (a zip bomb). Its parts'
# declared sizes are added up before it is opened; zipfile never unpacks a part past
# its declared size, so a lying size makes a broken file, not a bomb.
MAX_XLSX_UNPACKED_SIZE = 10 * 1024 * 1024


class UploadRefused(ValueError):
    """A file refused before it is read in full; the message is for the person."""


def within_row_limit(dataset: tablib.Dataset) -> tablib.Dataset:
    if len(dataset) > MAX_ROWS:
        raise UploadRefused(
            _(
                "Too many rows for one import: %(count)s, and one import takes "
                "%(limit)s at most. Split the file into smaller ones."
            )
            % {"count": len(dataset), "limit": MAX_ROWS}
        )
    return dataset


def decoded(data: bytes) -> str:
    """A CSV file's text: UTF-8 (with or without Excel's byte order mark), else
    Windows-1250, in which Excel in Polish saves "CSV (rozdzielany średnikami)".
    UTF-8 is tried first because a file in Windows-1250 with Polish letters is
    never valid UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1250", errors="replace")


class CSV(base_formats.CSV):
    """CSV with commas or semicolons (Excel in Polish saves with semicolons), in
    UTF-8 or Windows-1250."""

    def is_binary(self):
        # Read as bytes, so `decoded` picks the encoding rather than the admin.
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = decoded(in_stream)
        header = in_stream.split("\n", 1)[0]
        delimiter = max(",;\t", key=header.count)
        dataset = super().create_dataset(in_stream, delimiter=delimiter, **kwargs)
        return within_row_limit(dataset)


class XLSX(base_formats.XLSX):
    """XLSX, refused unopened if it would unpack to more than a yearly file needs."""

    def create_dataset(self, in_stream):
        with zipfile.ZipFile(io.BytesIO(in_stream)) as package:
            unpacked = sum(part.file_size for part in package.infolist())
        if unpacked > MAX_XLSX_UNPACKED_SIZE:
            raise UploadRefused(
                _(
                    "The file would unpack to %(size)s, far more than yearly figures "
                    "take (%(limit)s at most), so it was not opened. Check that this "
                    "is the right file."
                )
                % {
                    "size": filesizeformat(unpacked),
                    "limit": filesizeformat(MAX_XLSX_UNPACKED_SIZE),
                }
            )
        return within_row_limit(super().create_dataset(in_stream))


FORMATS = [CSV, XLSX]


class ExcelCSV(base_formats.CSV):
    """CSV that Excel in Polish opens by a double click: a byte order mark, so it
    reads UTF-8, and semicolons, its list separator."""

    def export_data(self, dataset, **kwargs):
        return "\ufeff" + super().export_data(dataset, delimiter=";", **kwargs)


# XLSX first: it opens alike in every Excel. The staff export writes with
# import-export's own XLSX class: it keeps numbers as numbers only for that one.
EXPORT_FORMATS = [base_formats.XLSX, ExcelCSV]


class SheetNamed:
    """An exported sheet named after what it holds ("Klastry"), not "Tablib
    Dataset"; Excel takes 31 characters at most."""

    def export(self, *args, **kwargs) -> tablib.Dataset:
        dataset = super().export(*args, **kwargs)
        dataset.title = capfirst(str(self._meta.name))[:31]
        return dataset


def next_figures_year() -> int:
    """The year a new round of figures is most likely for: the latest on record
    while some cluster with figures still lacks it (a round imported in parts), the
    one after it once every such cluster has it, or this year when there are none."""
    latest = MembershipSnapshot.objects.order_by("-year").values_list("year", flat=True)
    latest = latest.first()
    if not latest:
        return min(timezone.localdate().year, LATEST_YEAR)
    reporting = MembershipSnapshot.objects.values("cluster").distinct().count()
    has_latest = MembershipSnapshot.objects.filter(year=latest).count()
    return latest if has_latest < reporting else min(latest + 1, LATEST_YEAR)


# A count this many times the cluster's previous one, or under its share, is
# flagged in the preview: 320 typed for 32 looks like any other number.
JUMP_FACTOR = 3


def jump_warning(previous: int | None, new: int | None) -> str:
    """Why a count may be mistyped, or ""."""
    if not previous or not new:
        return ""
    if new > JUMP_FACTOR * previous:
        return _("more than three times the previous figure: check it")
    if new * JUMP_FACTOR < previous:
        return _("less than a third of the previous figure: check it")
    return ""


class PreviewCells(resources.Diff):
    """The preview's cells as plain values, each count beside the cluster's previous
    one and flagged when it jumps (`jump_warning`). Plain, as diff-match-patch's
    markup carries inline styles, which the Content-Security-Policy blocks; every
    row is new, so the new values are the whole difference."""

    def __init__(self, resource, instance, new):
        super().__init__(resource, instance, new)
        self.fields = [field.attribute for field in resource.get_import_fields()]
        self.previous = None

    def compare_with(self, resource, instance):
        super().compare_with(resource, instance)
        if instance.cluster_id and instance.year:
            self.previous = (
                MembershipSnapshot.objects.filter(
                    cluster_id=instance.cluster_id, year__lt=instance.year
                )
                .order_by("-year")
                .first()
            )

    def as_html(self):
        return [
            self.cell(name, value)
            for name, value in zip(self.fields, self.right, strict=True)
        ]

    def cell(self, name: str, value) -> str:
        shown = "" if value is None else str(value)
        if name not in COUNTS or self.previous is None:
            return shown
        before = getattr(self.previous, name)
        if before is None:
            return shown
        warning = jump_warning(before, whole_number(value) if shown else None)
        return format_html(
            '{} <span class="previous-figure">({}: {})</span>{}',
            shown,
            self.previous.year,
            before,
            format_html(' <strong class="figure-warning">{}</strong>', warning)
            if warning
            else "",
        )


def _figures_field(name: str, label, widget, **options) -> fields.Field:
    return fields.Field(attribute=name, column_name=label, widget=widget, **options)


class YearlyFiguresResource(SheetNamed, resources.ModelResource):
    """Its columns are headed in the staff's language (the template, the preview);
    an upload may head them in either language or with the technical names
    (`cluster`, `members`…), which earlier templates used."""

    cluster = fields.Field(
        attribute="cluster",
        column_name=gettext_lazy("cluster key"),
        widget=ClusterKeyWidget(),
    )
    # Shown in the template and the preview to tell the keys apart; never imported.
    cluster_name = fields.Field(
        attribute="cluster__name",
        column_name=gettext_lazy("cluster name"),
        readonly=True,
        widget=SpreadsheetTextWidget(),
    )
    year = _figures_field("year", gettext_lazy("year"), YearWidget())
    members = _figures_field("members", gettext_lazy("members"), CountWidget())
    enterprises = _figures_field(
        "enterprises", gettext_lazy("enterprises"), CountWidget()
    )
    business_environment_institutions = _figures_field(
        "business_environment_institutions",
        gettext_lazy("business environment institutions"),
        CountWidget(),
    )
    universities = _figures_field(
        "universities", gettext_lazy("universities"), CountWidget()
    )
    source_pl = _figures_field(
        "source_pl", gettext_lazy("source (Polish)"), SourceWidget()
    )
    source_en = _figures_field(
        "source_en", gettext_lazy("source (English)"), SourceWidget()
    )

    class Meta:
        model = MembershipSnapshot
        name = gettext_lazy("yearly figures")
        fields = (
            "cluster",
            "cluster_name",
            "year",
            *COUNTS,
            "source_pl",
            "source_en",
        )
        import_id_fields = ("cluster", "year")
        # Every row is a new snapshot; an existing year is refused, never updated.
        force_init_instance = True
        # The model's own checks (parts within members, the year's range) per row.
        clean_model_instances = True
        use_transactions = True
        report_skipped = False

    def get_diff_class(self):
        return PreviewCells

    def get_user_visible_fields(self):
        return [
            field for field in super().get_user_visible_fields() if not field.readonly
        ]

    def column_names(self) -> dict[str, str]:
        """Every way a file may head each column, folded: the technical name and
        the header in each language, mapped to the header in the active one."""
        names = {}
        for name, field in self.fields.items():
            for code, _language in settings.LANGUAGES:
                with translation.override(code):
                    names[_folded(str(field.column_name))] = name
            names[_folded(name)] = name
        return {
            alias: str(self.fields[name].column_name) for alias, name in names.items()
        }

    def before_import(self, dataset, **kwargs):
        self.seen = set()
        known = self.column_names()
        headers = ["" if h is None else str(h).strip() for h in dataset.headers or []]
        headers = [known.get(_folded(header), header) for header in headers]
        if dataset.headers:
            dataset.headers = headers
        required = [str(self.fields[name].column_name) for name in REQUIRED_COLUMNS]
        missing = [column for column in required if column not in headers]
        unknown = [
            header for header in headers if header and header not in known.values()
        ]
        problems = []
        if missing:
            problems.append(
                _("The file lacks these columns: %(columns)s.")
                % {"columns": ", ".join(missing)}
            )
        if unknown:
            problems.append(
                _("The file has columns this import does not know: %(columns)s.")
                % {"columns": ", ".join(unknown)}
            )
        if problems:
            problems.append(_("Download the template to see the columns."))
            raise ValueError(" ".join(problems))

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # Each cluster keeps a copy of its latest snapshot's figures.
        touched = {cluster for cluster, _year in self.seen}
        Cluster.objects.filter(pk__in=touched).refresh_current_figures()

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        # The history rows of one import share its reason (cms/staff_pages.py).
        instance._change_reason = kwargs.get("change_reason")

    def import_row(self, row, instance_loader, **kwargs):
        # Blank lines add nothing, nor do the template's rows left without figures: an
        # empty snapshot would hide the cluster's last reported figures.
        counts = [self.fields[name].column_name for name in COUNTS]
        if all(is_blank(row.get(column)) for column in counts):
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "cluster" not in errors and "year" not in errors:
            refusal = self.refuse_existing(instance)
            if refusal:
                errors["year"] = ValidationError(refusal)
        if errors:
            raise ValidationError(errors)

    def refuse_existing(self, snapshot: MembershipSnapshot) -> str:
        """Why the row's cluster and year cannot be added, or ""."""
        pair = (snapshot.cluster_id, snapshot.year)
        names = {"cluster": snapshot.cluster.key, "year": snapshot.year}
        if pair in self.seen:
            return (
                _("The file gives figures for %(cluster)s in %(year)s more than once.")
                % names
            )
        self.seen.add(pair)
        if MembershipSnapshot.objects.filter(
            cluster_id=snapshot.cluster_id, year=snapshot.year
        ).exists():
            return (
                _(
                    "Figures for %(year)s already exist for %(cluster)s; "
                    "edit them in the cluster."
                )
                % names
            )
        return ""

    def template(self, year: int, **kwargs) -> tablib.Dataset:
        """The upload template: a row for every active cluster without figures for
        `year`, with its key and year filled in."""
        taken = MembershipSnapshot.objects.filter(year=year).values("cluster")
        clusters = (
            Cluster.objects.filter(status=Cluster.Status.ACTIVE)
            .exclude(pk__in=taken)
            .order_by("key")
        )
        return self.export(
            [MembershipSnapshot(cluster=cluster, year=year) for cluster in clusters],
            **kwargs,
        )


LATEST_FIGURES = ("year", *COUNTS)


def with_latest_figures(queryset: QuerySet) -> QuerySet:
    """Annotate clusters with their latest snapshot's year and counts."""
    latest = MembershipSnapshot.objects.filter(cluster=OuterRef("pk")).order_by("-year")
    return queryset.annotate(
        **{
            f"figures_{name}": Subquery(latest.values(name)[:1])
            for name in LATEST_FIGURES
        }
    )


def _count(name: str, label) -> fields.Field:
    return fields.Field(
        attribute=f"figures_{name}", column_name=label, widget=widgets.IntegerWidget()
    )


class ClusterExportResource(SheetNamed, resources.ModelResource):
    key = fields.Field(attribute="key", column_name=gettext_lazy("key"))
    name_pl = fields.Field(
        attribute="name_pl",
        column_name=gettext_lazy("name (Polish)"),
        widget=SpreadsheetTextWidget(),
    )
    name_en = fields.Field(
        attribute="name_en",
        column_name=gettext_lazy("name (English)"),
        widget=SpreadsheetTextWidget(),
    )
    year_established = fields.Field(
        attribute="year_established",
        column_name=gettext_lazy("year established"),
        widget=widgets.IntegerWidget(),
    )
    status = fields.Field(column_name=gettext_lazy("status"))
    is_published = fields.Field(column_name=gettext_lazy("published"))
    figures_year = _count("year", gettext_lazy("figures for the year"))
    members = _count("members", gettext_lazy("members"))
    enterprises = _count("enterprises", gettext_lazy("enterprises"))
    business_environment_institutions = _count(
        "business_environment_institutions",
        gettext_lazy("business environment institutions"),
    )
    universities = _count("universities", gettext_lazy("universities"))
    highlands = fields.Field(column_name=gettext_lazy("Highlands"))
    coordinators = fields.Field(column_name=gettext_lazy("coordinators"))

    class Meta:
        model = Cluster
        name = gettext_lazy("clusters")
        fields = (
            "key",
            "name_pl",
            "name_en",
            "year_established",
            "status",
            "is_published",
            "figures_year",
            *COUNTS,
            "highlands",
            "coordinators",
        )
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return with_latest_figures(queryset).prefetch_related(
            "highlands", "coordinators"
        )

    def dehydrate_status(self, cluster):
        return cluster.get_status_display()

    def dehydrate_is_published(self, cluster):
        """Whether visitors see it now, and when that changes by its schedule."""
        now = timezone.now()
        if not cluster.is_published:
            return _("no")
        if cluster.publish_from and cluster.publish_from > now:
            return _("scheduled from %(moment)s") % {
                "moment": local_moment_text(cluster.publish_from)
            }
        if cluster.publish_until and cluster.publish_until <= now:
            return _("ended %(moment)s") % {
                "moment": local_moment_text(cluster.publish_until)
            }
        if cluster.publish_until:
            return _("yes, until %(moment)s") % {
                "moment": local_moment_text(cluster.publish_until)
            }
        return _("yes")

    def dehydrate_highlands(self, cluster):
        return spreadsheet_text("; ".join(str(h) for h in cluster.highlands.all()))

    def dehydrate_coordinators(self, cluster):
        return spreadsheet_text("; ".join(str(c) for c in cluster.coordinators.all()))
