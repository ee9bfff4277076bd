"""What pytest runs with: the production settings, plus four explicit test choices.

- A fixed secret key, since production refuses to start without one.
- DJANGO_SECURE=0: the test client speaks plain http, and with the SSL redirect on
  every request would answer 301. Tests of the HTTPS settings switch them on
  themselves (`settings` fixture or a subprocess with DJANGO_SECURE=1).
- Plain static files storage: the manifest storage needs `collectstatic` first.
- Uploaded media in a temporary folder.
Everything else (DEBUG off, the database from DATABASE_URL) is as deployed.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-" + "x" * 40)
os.environ.setdefault("DJANGO_SECURE", "0")

from lublin.settings import *  # noqa: E402, F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads of a test run go to a folder of its own, removed with the temporary files.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="lublin-media-"))
# The full dumps, too (tests/conftest.py gives each test a folder of its own).
EXPORTS_DIR = Path(tempfile.mkdtemp(prefix="lublin-exports-"))
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test users
