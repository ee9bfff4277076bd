from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clusters import quality
from cms import translation_status, websites


class Command(BaseCommand):
    help = (
        "Content-quality report: clusters not verified for a year, published "
        "clusters without any contact route, counts that disagree, missing translations and, with --check-websites, websites that no "
        "longer answer. Always exits 0; the report is the output."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check-websites",
            action="store_true",
            help=(
                f"Also ask every website address once (at most {websites.SITE_TIMEOUT} s "
                f"each, {websites.TOTAL_TIMEOUT} s in all)."
            ),
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="Language of the report (default: %(default)s).",
        )

    def handle(self, *args, check_websites: bool = False, language: str, **options):
        with translation.override(language):
            self.report_stale()
            self.report_unreachable()
            self.report_counts()
            self.report_translations()
            if check_websites:
                self.report_websites()
            else:
                self.write_heading(_("Websites"))
                self.stdout.write(_("Not checked: add --check-websites."))

    def write_heading(self, text: str) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(text))

    def report_stale(self) -> None:
        stale = list(quality.stale_clusters())
        self.write_heading(
            _("Not verified for %(months)s months: %(count)s")
            % {"months": quality.STALE_AFTER_MONTHS, "count": len(stale)}
        )
        for cluster in stale:
            when = (
                date_format(cluster.verified_on)
                if cluster.verified_on
                else _("never verified")
            )
            self.stdout.write(f"- {cluster} ({cluster.key}): {when}")

    def report_unreachable(self) -> None:
        unreachable = list(quality.unreachable_clusters())
        self.write_heading(
            _("Published without a website, e-mail or phone: %(count)s")
            % {"count": len(unreachable)}
        )
        for cluster in unreachable:
            self.stdout.write(f"- {cluster} ({cluster.key})")

    def report_counts(self) -> None:
        problems = quality.count_problems()
        self.write_heading(
            _("Counts that disagree: %(count)s") % {"count": len(problems)}
        )
        for problem in problems:
            self.stdout.write(
                f"- {problem.cluster} ({problem.cluster.key}): {problem.message}"
            )

    def report_translations(self) -> None:
        rows = [
            row for row in translation_status.missing_translation_counts() if row.total
        ]
        self.write_heading(_("Missing translations"))
        if not rows:
            self.stdout.write(_("Nothing is left to translate."))
        for row in rows:
            counts = ", ".join(
                _("%(language)s: %(count)s")
                % {"language": code, "count": row.counts[code]}
                for code in row.counts
            )
            self.stdout.write(f"- {row.verbose_name_plural}: {counts}")

    def report_websites(self) -> None:
        owners = quality.website_owners()
        problems = quality.website_problems(owners)
        self.write_heading(
            _("Websites that do not answer: %(count)s of %(total)s")
            % {"count": len(problems), "total": len(owners)}
        )
        for result in problems:
            given_by = ", ".join(str(record) for record in result.records)
            self.stdout.write(f"- {result.url} ({given_by})")
