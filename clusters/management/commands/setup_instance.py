import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from clusters.models import Cluster

STARTER_FIXTURES = ["ecosystems", "clusters", "contacts"]


class Command(BaseCommand):
    help = (
        "Prepare a new instance: load the starter content into an empty database and, "
        "on the embedded SQLite default only, create a local superuser."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--local-superuser",
            action="store_true",
            help="Create a superuser with a random password printed once, if none exists.",
        )

    def handle(self, *args, local_superuser: bool = False, **options) -> None:
        if Cluster.objects.exists():
            self.stdout.write("Content present: starter fixtures not loaded.")
        else:
            # One transaction: a fixture that fails to load leaves the database empty.
            with transaction.atomic():
                call_command("loaddata", *STARTER_FIXTURES, verbosity=1)
        if local_superuser:
            self.create_local_superuser()

    def create_local_superuser(self) -> None:
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
            self.stdout.write("Not the embedded database: no local superuser created.")
            return
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return
        password = secrets.token_urlsafe(16)
        User.objects.create_superuser("admin", password=password)
        self.stdout.write(
            self.style.WARNING(
                f"Local superuser created. User: admin  Password: {password}\n"
                "This password is shown only once."
            )
        )
