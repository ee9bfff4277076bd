from django.core.management.base import BaseCommand

from cms.review import publish_due


class Command(BaseCommand):
    help = (
        "Publish the drafts whose scheduled time has come. The site does this itself "
        "on the first request after that time; run this from cron to publish with "
        "no visitors too."
    )

    def handle(self, *args, **options) -> None:
        count = publish_due()
        self.stdout.write(f"Published {count} scheduled draft(s).")
