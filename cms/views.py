from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils import translation
from django.utils.translation import gettext


class TranslatedSlugMixin:
    """Find a record by its slug in the active language, or in another one.

    A slug of the other language (a shared link, or a record without a slug in this
    language) still finds the record; when the record has its own address in this
    language, the visitor is sent there permanently.
    """

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        slug = self.kwargs["slug"]
        language = translation.get_language()
        matches = Q()
        for code, _name in settings.LANGUAGES:
            matches |= Q(**{f"slug_{code}": slug})
        found = list(queryset.filter(matches)[:2])
        if not found:
            raise Http404(gettext("No such page."))
        own = [obj for obj in found if getattr(obj, f"slug_{language}", None) == slug]
        return (own or found)[0]

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if canonical != request.path:
            return HttpResponsePermanentRedirect(canonical)
        context = self.get_context_data(object=self.object)
        return self.render_to_response(context)
