"""Staff review of translations (cms/translation_marks.py): which records have
translations nobody checked, a check box in the form and an action in the list to
mark them checked, and the form clears the mark when a translation's source changes.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cms import revisions
from cms.publishing import publish_permission
from cms.translation_marks import (
    describe,
    is_marked,
    mark_reviewed,
    sources_changed,
    unreviewed,
)

CHECKED = "translations_checked"


def owned_marked(model) -> dict:
    """{relation: model} of the marked rows `model`'s records own."""
    if not revisions.is_revisioned(model):
        return {}
    return {
        name: child
        for name, child in revisions.owned_models(model).items()
        if is_marked(child)
    }


def has_marks(model) -> bool:
    return is_marked(model) or bool(owned_marked(model))


def needs_review(model):
    """The records of `model` with a translation to check, in them or their rows."""
    return model._default_manager.filter(unreviewed(model, owned_marked(model)))


class UnreviewedTranslationFilter(admin.SimpleListFilter):
    title = _("translation check")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [("unreviewed", _("translations to review"))]

    def queryset(self, request, queryset):
        if self.value() == "unreviewed":
            model = queryset.model
            return queryset.filter(unreviewed(model, owned_marked(model)))
        return queryset


@admin.action(description=_("Mark translations as reviewed"))
def mark_translations_reviewed(modeladmin, request, queryset):
    count = mark_reviewed(queryset, owned_marked(queryset.model))
    modeladmin.message_user(
        request,
        ngettext(
            "Translations of %(count)d record marked as reviewed.",
            "Translations of %(count)d records marked as reviewed.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


class TranslationReviewAdminMixin:
    """The review in the change form and in the list, for models with marks."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if has_marks(self.model) and self.may_mark_reviewed(request):
            actions["mark_translations_reviewed"] = self.get_action(
                mark_translations_reviewed
            )
        return actions

    def may_mark_reviewed(self, request) -> bool:
        """From the list, past drafts: publishers only, where edits are drafts."""
        if revisions.is_revisioned(self.model):
            return request.user.has_perm(publish_permission(self.model))
        return self.has_change_permission(request)

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if has_marks(self.model):
            filters.append(UnreviewedTranslationFilter)
        return filters

    def _reviews(self, obj) -> bool:
        return obj is not None and has_marks(self.model)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if self._reviews(obj):
            return (*readonly, "translations")
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if self._reviews(obj):
            # The admin's default fieldset lists every form field, these included:
            # they are shown in their own section only.
            own = {"translations", CHECKED}
            fieldsets = [
                (
                    name,
                    {
                        **options,
                        "fields": [f for f in options["fields"] if f not in own],
                    },
                )
                for name, options in fieldsets
            ]
            fields = ["translations"]
            if self.has_change_permission(request, obj):
                fields.append(CHECKED)
            fieldsets.append((_("Translations"), {"fields": fields}))
        return fieldsets

    def get_form(self, request, obj=None, **kwargs):
        if self._reviews(obj):
            # Declared on the base form, so that the fieldsets may name it.
            pending = needs_review(self.model).filter(pk=obj.pk).exists()
            checked = forms.BooleanField(
                label=_("I have checked the translations against their sources"),
                required=False,
                initial=not pending,
                help_text=_(
                    "Changing a translated text's source marks its translation to "
                    "check again."
                ),
            )
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(base.__name__, (base,), {CHECKED: checked})
        return super().get_form(request, obj, **kwargs)

    @admin.display(description=_("translated texts"))
    def translations(self, obj):
        lines = describe(obj) if is_marked(self.model) else []
        for relation, child in owned_marked(self.model).items():
            rows = getattr(obj, relation).exclude(translated_from={})
            total = rows.count()
            if total:
                lines.append(
                    ngettext(
                        "%(rows)s: %(count)d row translated, %(open)d to review",
                        "%(rows)s: %(count)d rows translated, %(open)d to review",
                        total,
                    )
                    % {
                        "rows": child._meta.verbose_name_plural,
                        "count": total,
                        "open": rows.filter(translation_reviewed=False).count(),
                    }
                )
        if not lines:
            return _("None of the texts is a translation.")
        return format_html_join("", "<p>{}</p>", ((line,) for line in lines))

    def save_model(self, request, obj, form, change):
        if is_marked(self.model) and CHECKED in form.fields:
            if CHECKED in form.changed_data:
                obj.translation_reviewed = form.cleaned_data[CHECKED]
            elif sources_changed(obj, form.changed_data):
                obj.translation_reviewed = False
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for row in formset.forms:
            instance = row.instance
            if is_marked(type(instance)) and sources_changed(
                instance, row.changed_data
            ):
                instance.translation_reviewed = False
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if CHECKED in form.changed_data and form.cleaned_data[CHECKED]:
            owned = owned_marked(self.model)
            mark_reviewed(
                self.model._default_manager.filter(pk=form.instance.pk), owned
            )


@dataclass
class ReviewCount:
    name: str
    count: int
    url: str


def review_counts(request, admin_site) -> list[ReviewCount]:
    """Per model staff may see, how many records have translations to check."""
    rows = []
    for model, model_admin in admin_site._registry.items():
        if not has_marks(model) or not model_admin.has_view_or_change_permission(
            request
        ):
            continue
        count = needs_review(model).count()
        if count:
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            rows.append(
                ReviewCount(
                    opts.verbose_name_plural, count, f"{url}?translation=unreviewed"
                )
            )
    return rows
