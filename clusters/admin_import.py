"""The admin side of the spreadsheets: the yearly figures import and the staff export.

Yearly figures live on the membership snapshots' admin, a read-only list of every
cluster's figures by year: staff upload a CSV or XLSX, see a preview with each row's
checks, and confirm. Nothing is saved before the confirmation, and the confirmation
saves every row or none (one transaction, rolled back on any refusal). Existing
figures are never touched: a year a cluster already has is refused. A file too big
for the import is refused before it is read (limits in clusters/resources.py); an
upload waits for its confirmation in a folder of its own, and one never confirmed
is removed hours later.

The cluster list exports what it shows, filters and search applied, through
`ClusterExportMixin`, which `ClusterAdmin` inherits.
"""

import contextlib
import os
import stat
import tempfile
import time
from pathlib import Path

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.loader import select_template
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator, capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from import_export.admin import ExportMixin, ImportMixin
from import_export.forms import ImportForm, SelectableFieldsExportForm
from import_export.results import RowResult
from import_export.tmp_storages import TempFolderStorage

from clusters.models import EARLIEST_YEAR, LATEST_YEAR, Cluster, MembershipSnapshot
from clusters.resources import (
    EXPORT_FORMATS,
    FORMATS,
    MAX_ROWS,
    MAX_UPLOAD_SIZE,
    ClusterExportResource,
    UploadRefused,
    YearlyFiguresResource,
    next_figures_year,
)
from cms import review
from cms.publishing import publish_permission

# The upload a user previewed, kept in their session: only that file, in that format,
# can be confirmed.
UPLOAD_SESSION_KEY = "yearly_figures_upload"
PREVIEWED = ("import_file_name", "format", "resource")
# An upload waits on disk from its preview to its confirmation; one never confirmed is
# removed when the import is next used after this long (a preview left open over a
# long meeting can still be confirmed).
UPLOAD_LIFETIME_SECONDS = 6 * 60 * 60


def upload_folder() -> Path:
    """The host's temporary folder for uploads awaiting confirmation, this import's
    files only, so that the abandoned ones can be found.

    It must be this user's own, closed to others: on a shared host another user could
    otherwise create it first and swap a previewed upload.
    """
    folder = Path(tempfile.gettempdir()) / f"lublin-yearly-figures-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    status = folder.lstat()
    if not (
        stat.S_ISDIR(status.st_mode)
        and status.st_uid == os.getuid()
        and stat.S_IMODE(status.st_mode) == 0o700
    ):
        raise PermissionError(
            f"{folder} must be a folder of this user's, closed to others (mode 700)."
        )
    return folder


def remove_abandoned_uploads() -> None:
    oldest_kept = time.time() - UPLOAD_LIFETIME_SECONDS
    for upload in upload_folder().iterdir():
        # Another worker may confirm (and remove) an upload meanwhile.
        with contextlib.suppress(FileNotFoundError):
            if upload.stat().st_mtime < oldest_kept:
                upload.unlink()


class UploadStorage(TempFolderStorage):
    """import-export's temporary file storage, in `upload_folder()`."""

    def save(self, data):
        # A new file of a random name, readable by this user only.
        with tempfile.NamedTemporaryFile(dir=upload_folder(), delete=False) as file:
            file.write(data)
        self.name = Path(file.name).name

    def get_full_path(self):
        # The confirmation form gives the bare name (its directory part dropped).
        return str(upload_folder() / self.name)


class YearlyFiguresImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_UPLOAD_SIZE:
            raise ValidationError(
                _(
                    "The file is %(size)s, and the import takes files of up to "
                    "%(limit)s: a year’s figures take far less. Check that this is "
                    "the right file."
                )
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(MAX_UPLOAD_SIZE),
                }
            )
        return upload


@admin.register(MembershipSnapshot)
class YearlyFiguresAdmin(ImportMixin, admin.ModelAdmin):
    """Every cluster's figures by year; added by import, edited in the cluster."""

    resource_classes = [YearlyFiguresResource]
    formats = FORMATS
    import_form_class = YearlyFiguresImportForm
    tmp_storage_class = UploadStorage
    import_template_name = "admin/clusters/membershipsnapshot/import.html"
    list_display = [
        "cluster_link",
        "year",
        "members",
        "enterprises",
        "business_environment_institutions",
        "universities",
    ]
    list_display_links = None
    list_filter = ["year", "cluster__status"]
    list_select_related = ["cluster"]
    search_fields = ["cluster__key", "cluster__name"]
    ordering = ["-year", "cluster__key"]
    list_per_page = 100

    # Figures are added by import or in the cluster's form, changed only there,
    # where the history records them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        return request.user.has_perm("clusters.add_membershipsnapshot")

    @admin.display(description=gettext_lazy("cluster"), ordering="cluster__key")
    def cluster_link(self, snapshot):
        url = reverse("admin:clusters_cluster_change", args=[snapshot.cluster_id])
        return format_html('<a href="{}">{}</a>', url, snapshot.cluster)

    def get_urls(self):
        return [
            path(
                "template.<str:extension>",
                self.admin_site.admin_view(self.template_view),
                name="clusters_membershipsnapshot_template",
            ),
            *super().get_urls(),
        ]

    def template_view(self, request, extension):
        """The upload template: the columns, and a row per active cluster."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        formats = {f().get_extension(): f() for f in FORMATS}
        if extension not in formats:
            raise Http404
        year = template_year(request.GET.get("year"))
        file_format = formats[extension]
        # Numbers as numbers in a spreadsheet, as text in CSV.
        dataset = YearlyFiguresResource().template(
            year, force_native_type=file_format.is_binary()
        )
        response = HttpResponse(
            file_format.export_data(dataset),
            content_type=file_format.get_content_type(),
        )
        filename = f"yearly-figures-{year}.{extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def get_import_context_data(self, **kwargs):
        return {
            "template_year": next_figures_year(),
            "template_formats": [
                (
                    f().get_title().upper(),
                    reverse(
                        "admin:clusters_membershipsnapshot_template",
                        args=[f().get_extension()],
                    ),
                )
                for f in FORMATS
            ],
            "earliest_year": EARLIEST_YEAR,
            "latest_year": LATEST_YEAR,
            "max_rows": MAX_ROWS,
            "max_upload_size": MAX_UPLOAD_SIZE,
        }

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UploadRefused):
            form.add_error("import_file", str(e))
            return
        form.add_error(
            "import_file",
            _(
                "The file could not be read in the format chosen. Choose the format "
                "that matches the file: CSV or XLSX."
            ),
        )

    def get_import_data_kwargs(self, **kwargs):
        # A refusal found only at confirmation (figures added meanwhile) must undo
        # the rows saved before it: all or nothing.
        return super().get_import_data_kwargs(**kwargs) | {
            "rollback_on_validation_errors": True
        }

    def import_action(self, request, **kwargs):
        remove_abandoned_uploads()
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", {})
        if "fields_list" in context and not context["fields_list"]:
            # django-import-export lists no columns after a file it could not read.
            resource = YearlyFiguresResource()
            context["fields_list"] = [
                (
                    resource.get_display_name(),
                    [field.column_name for field in resource.get_user_visible_fields()],
                )
            ]
        confirm_form = context.get("confirm_form")
        if confirm_form is not None:
            request.session[UPLOAD_SESSION_KEY] = {
                key: confirm_form.initial[key] for key in PREVIEWED
            }
        return response

    def process_import(self, request, **kwargs):
        remove_abandoned_uploads()
        confirmed = {key: request.POST.get(key, "") for key in PREVIEWED}
        if confirmed != request.session.get(UPLOAD_SESSION_KEY):
            # Confirm only the file this user previewed, read as it was in the
            # preview: nothing else on the disk, no other format.
            return self.back_to_import(
                request, _("Upload the file again: it was not previewed here.")
            )
        try:
            response = super().process_import(request, **kwargs)
        except FileNotFoundError:
            return self.back_to_import(
                request, _("The uploaded file is no longer there; upload it again.")
            )
        request.session.pop(UPLOAD_SESSION_KEY, None)
        return response

    def publishes(self, request) -> bool:
        return request.user.has_perm(publish_permission(Cluster))

    def process_dataset(self, dataset, form, request, **kwargs):
        # One revision per cluster touched: published when a publisher imports,
        # else drafts that a publisher publishes from the cluster list.
        comment = import_comment(form.cleaned_data.get("original_file_name"))
        with review.bulk_change(
            Cluster, request.user, publishing=self.publishes(request), comment=comment
        ) as touched:
            result = super().process_dataset(
                dataset, form, request, change_reason=comment, **kwargs
            )
            if not (result.has_errors() or result.has_validation_errors()):
                saved = [row.object_id for row in result.rows if row.object_id]
                touched.update(
                    MembershipSnapshot.objects.filter(pk__in=saved).values_list(
                        "cluster_id", flat=True
                    )
                )
        return result

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            return self.back_to_import(
                request,
                _(
                    "Nothing was imported: some rows no longer pass the checks "
                    "(figures may have been added meanwhile). Upload the file again "
                    "to see which."
                ),
            )
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        count = result.totals[RowResult.IMPORT_TYPE_NEW]
        if self.publishes(request):
            message = ngettext(
                "Saved %(count)s new snapshot of figures.",
                "Saved %(count)s new snapshots of figures.",
                count,
            )
        else:
            message = ngettext(
                "Saved %(count)s new snapshot of figures in the clusters' drafts: "
                "visitors see it once a publisher publishes them.",
                "Saved %(count)s new snapshots of figures in the clusters' drafts: "
                "visitors see them once a publisher publishes them.",
                count,
            )
        messages.success(request, message % {"count": count})

    def back_to_import(self, request, message: str) -> HttpResponseRedirect:
        messages.error(request, message)
        return HttpResponseRedirect(reverse("admin:clusters_membershipsnapshot_import"))


def import_comment(file_name: str | None) -> str:
    """Why the import's revisions and history rows were saved: the dashboard lists
    the rows with one reason as one change. At most 100 characters, as simple-history
    keeps."""
    name = Truncator(os.path.basename(file_name or "")).chars(60)
    if not name:
        return _("Yearly figures import")
    return _("Yearly figures import from %(file)s") % {"file": name}


def template_year(value: str | None) -> int:
    """The year asked for, if it is one the figures may have, else the next one."""
    try:
        year = int(value or "")
    except ValueError:
        return next_figures_year()
    return year if EARLIEST_YEAR <= year <= LATEST_YEAR else next_figures_year()


class ClusterExportForm(SelectableFieldsExportForm):
    """Column choices labelled with the columns' translated headers."""

    def _get_field_label(self, resource, field_name):
        return capfirst(resource.fields[field_name].column_name)


class ClusterExportMixin(ExportMixin):
    """Export of the cluster list as filtered, to CSV or XLSX, for any staff member
    who may see the clusters."""

    resource_classes = [ClusterExportResource]
    formats = EXPORT_FORMATS
    export_form_class = ClusterExportForm
    import_export_change_list_template = (
        "admin/clusters/cluster/change_list_export.html"
    )

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_filename(self, request, queryset, file_format):
        name = slugify(str(self.opts.verbose_name_plural))
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def changelist_view(self, request, extra_context=None):
        extra_context = (extra_context or {}) | {
            "has_figures_import_permission": request.user.has_perm(
                "clusters.add_membershipsnapshot"
            )
        }
        return super().changelist_view(request, extra_context)

    # import-export puts its list template in place of "admin/change_list.html";
    # a template for this model's list ("admin/clusters/cluster/change_list.html")
    # that others add stays in use, below the export button.
    @property
    def ie_base_change_list_template(self):
        if self._ie_base_change_list_template != "admin/change_list.html":
            return self._ie_base_change_list_template
        opts = self.opts
        return select_template(
            [
                f"admin/{opts.app_label}/{opts.model_name}/change_list.html",
                f"admin/{opts.app_label}/change_list.html",
                "admin/change_list.html",
            ]
        )

    @ie_base_change_list_template.setter
    def ie_base_change_list_template(self, value):
        self._ie_base_change_list_template = value
