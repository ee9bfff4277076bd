"""Settings for the Lublin clusters CMS, all read from the environment.

docs/settings.md documents every variable; defaults give a quick start on
the embedded SQLite database, and production refuses to start with a development key.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lublin.log_format import logging_config
from lublin.metrics import metrics_address

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value not in {"0", "1"}:
        raise ImproperlyConfigured(f"{name} must be 0 or 1, not {value!r}.")
    return value == "1"


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name) or str(default)
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.")
    return int(value)


def env_list(name: str, default: str) -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DJANGO_DEBUG", False)
# Prometheus metrics on an address of their own, when DJANGO_METRICS_ADDRESS is set:
# (host, port), or None (lublin/metrics.py; gunicorn.conf.py serves them).
METRICS_ADDRESS = metrics_address()

DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-never-use-in-production"
# The key `make run` generates once for its checkout (git-ignored), so that
# `./manage.py …` works there with no prefix. DJANGO_SECRET_KEY always wins; with
# neither, a server with debug off refuses to start.
SECRET_KEY_FILE = Path(
    os.environ.get("DJANGO_SECRET_KEY_FILE") or BASE_DIR / ".secret_key"
)
SECRET_KEY = (
    os.environ.get("DJANGO_SECRET_KEY")
    or (SECRET_KEY_FILE.read_text().strip() if SECRET_KEY_FILE.is_file() else "")
    or DEVELOPMENT_SECRET_KEY
)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a secret value when DJANGO_DEBUG is off "
        f"(or {SECRET_KEY_FILE} hold one, as `make run` makes it)."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before django.contrib.admin.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Trigram lookups for the typo-tolerant search; harmless on SQLite.
    "django.contrib.postgres",
    "django_filters",
    "simple_history",
    "axes",
    # The staff's second factor: an authenticator app (TOTP) and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    # For its Polish catalogue: the password strength messages.
    "django_zxcvbn_password_validator",
    "import_export",
    # Image renditions (cms/images.py) and the long texts' editor (cms/rich_text.py).
    "imagekit",
    "django_prose_editor",
    # Inline rows ordered by drag-and-drop or by their arrows (cms/admin.py).
    "adminsortable2",
    "cms",
    "ecosystems",
    "clusters",
    "contacts",
    # The project's own template tags (the staff dashboard composes every app).
    "lublin",
]

MIDDLEWARE = [
    # First: every response, a cached page's too, carries this request's id, and
    # every log line of the request names it (lublin/request_id.py).
    "lublin.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before sessions, locale and auth: a cached page costs one cache read, no SQL.
    # Before the Content-Security-Policy too: a page is kept with its policy header,
    # which costs about 0.4 ms per response to build (half of a cached page's time).
    "cms.caching.PublicPageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    # Absurdly long addresses get a 414 before any work (lublin/limits.py).
    "lublin.limits.AddressLengthMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside the page cache, so cached pages are served while the database is down;
    # what needs the database then gets the 503 page (lublin/outage.py).
    "lublin.outage.DatabaseOutageMiddleware",
    # Drafts scheduled to go live are published on the first request after their
    # time: a cache read per request, no cron (cms/review.py).
    "cms.review.ScheduledPublishingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Publishers and superusers set up and use their second factor before the admin.
    "lublin.second_factor.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lublin.urls"
WSGI_APPLICATION = "lublin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cms.site_identity.identity",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write to one file: a transaction takes the write lock
    # when it begins (IMMEDIATE) and waits up to 20 s for it, so two concurrent admin
    # saves queue instead of failing with "database is locked". Visitors' reads take
    # no write lock and wait only while a commit writes (milliseconds); 20 s stays
    # under gunicorn's 30 s worker timeout, so a wait that long still ends in a 503.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    if METRICS_ADDRESS:  # each query's time (lublin/postgresql does it on PostgreSQL)
        DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.sqlite3"
# A request waits on PostgreSQL only so long (lublin/postgresql): a database that hangs
# gives 503s within seconds, and cached pages are still served, instead of every worker
# stuck until gunicorn kills it. Connecting may take DATABASE_CONNECT_TIMEOUT seconds
# (libpq's minimum is 2); a statement of a request DATABASE_STATEMENT_TIMEOUT seconds
# (0: no limit), far above any at 10,000 clusters, where the slowest page takes 0.2 s
# in all (docs/benchmarks.md). Management commands (migrate, backups) have no limit.
DATABASE_CONNECT_TIMEOUT = env_int("DJANGO_DATABASE_CONNECT_TIMEOUT", 2)
DATABASE_STATEMENT_TIMEOUT = env_int("DJANGO_DATABASE_STATEMENT_TIMEOUT", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "lublin.postgresql"
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "connect_timeout": DATABASE_CONNECT_TIMEOUT,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

# Oversized input is refused before any work: a body over 1 MiB (uploaded files aside)
# or with more than 2,000 fields answers 400, an address (path and query string) over
# 8 KiB 414, as nginx's default. The largest cluster form in the starter content
# posts ~300 fields and ~10 KB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
MAX_ADDRESS_LENGTH = 8 * 1024

# Public pages and exports are cached whole (cms/caching.py), keyed by a content
# version that any content change replaces. The cache must be shared by every worker
# process: Redis when REDIS_URL is set (needed with several hosts), else diskcache's
# files on disk, indexed in SQLite (one host; a write costs the same however many
# entries there are, and the least recently stored go once the folder passes its size).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "cms.disk_cache.DiskCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR", BASE_DIR / ".cache"),
            # One SQLite database per shard: workers writing at once rarely wait.
            "SHARDS": 4,
            # A read that waits longer for a writer is a miss; writes wait and retry.
            "DATABASE_TIMEOUT": 0.1,
            "OPTIONS": {
                "size_limit": env_int("DJANGO_CACHE_MEGABYTES", 512) * 1024 * 1024,
                "eviction_policy": "least-recently-stored",
            },
        }
    }

# Whether each image rendition exists is remembered by each process (cms/renditions.py):
# a file check once per rendition and process; nothing to go stale after a restore.
CACHES["renditions"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "renditions",
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}

# Off (0) only to measure rendering itself, as `make bench` does for uncached figures.
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", True)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Admin login throttling: 5 failures for one account from one address lock that pair
# for an hour; a success resets the count; `manage.py axes_reset` unlocks.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Not in the admin: its pages and records speak English only ("Access Log for …"),
# and a lock is lifted with `manage.py axes_reset_username` (docs/operations.md).
AXES_ENABLE_ADMIN = False
# No banner at every process start.
AXES_VERBOSE = False
# Behind N trusted proxies the client is the Nth address from the right of
# X-Forwarded-For; with none (the default), the connection's own address. A login
# whose address cannot be known so is refused (lublin/client_address.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "lublin.client_address.client_ip"

# Staff sign in with django-two-factor-auth's pages (under the admin's path): the
# password, then the code from an authenticator app when the account has one.
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "admin:index"
# With a white background, so the code scans in the admin's dark theme too.
TWO_FACTOR_QR_FACTORY = "qrcode.image.svg.SvgPathFillImage"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Strength, not composition rules: repeats, sequences, keyboard patterns, names,
    # dates and the words below are easy to guess. The top score (4 of 4): at 3 a
    # city-themed guess such as "Lublin2024!!" still passed; passphrases reach 4.
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
PASSWORD_MINIMAL_STRENGTH = 4
PASSWORD_EXTRA_DICTIONARY = ["lublin", "lubelski", "klaster", "klastry", "wyżyna"]

LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# British dates on the English site (lublin/formats/en/); Polish keeps Django's own.
FORMAT_MODULE_PATH = ["lublin.formats"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True
# Phone numbers typed without a country code are Polish; stored in E.164 (cms/phones.py).
PHONENUMBER_DEFAULT_REGION = "PL"
PHONENUMBER_DB_FORMAT = "E164"

MODELTRANSLATION_DEFAULT_LANGUAGE = "pl"
# An attribute read in one language falls back to the other, so admin lists and
# titles never show blanks; public pages mark such text with its own lang.
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("pl", "en")}
# The tabbed admin would load jQuery UI from a Google CDN: serve the copy in
# static/jquery-ui/ (its README says where it comes from and how to refresh it).
JQUERY_UI_URL = "jquery-ui/jquery-ui.min.js"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Drafts submitted for review are announced to publishers by e-mail (cms/review.py).
# By default the messages are printed to the console, so `make run` needs no server.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "klastry@localhost")

# Yearly figures import (clusters/admin_import.py): all rows in one transaction, and
# the upload kept in the host's temporary folder (lublin-yearly-figures/) between
# preview and confirmation; one never confirmed is removed after 6 hours.
IMPORT_EXPORT_USE_TRANSACTIONS = True

# The site's names, colour and open data licence until staff edit them in the admin
# (cms/identity.py), and what `setup_instance` sets: Lublin's by default. Another city
# names its own file (docs/site-identity.md).
SITE_IDENTITY_FILE = Path(
    os.environ.get("DJANGO_SITE_IDENTITY_FILE") or FIXTURE_DIRS[0] / "identity.json"
)

# Uploaded images and documents (docs/images-and-documents.md).
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
# The full open-data dumps, a file per content version (clusters/open_data_dump.py);
# each host writes its own, and removes the superseded ones.
EXPORTS_DIR = Path(os.environ.get("DJANGO_EXPORTS_DIR") or BASE_DIR / ".exports")
MEDIA_URL = "media/"
# The largest document staff may upload (cms/documents.py).
DOCUMENT_MAX_SIZE = env_int("DJANGO_DOCUMENT_MAX_MB", 50) * 1024 * 1024
# Uploaded images (cms/images.py): larger files and images of more pixels are refused
# before they are decoded (a small file can declare a huge image).
IMAGE_UPLOAD_MAX_BYTES = env_int("DJANGO_IMAGE_MAX_BYTES", 10 * 1024 * 1024)
IMAGE_UPLOAD_MAX_PIXELS = env_int("DJANGO_IMAGE_MAX_PIXELS", 40_000_000)
# Renditions (cms/renditions.py) are made by django-imagekit on first use and kept in
# the default storage in a folder per original (renditions/images/<hash of its
# content>/), named by a hash of how they are made: a name never changes meaning, and
# an image's renditions go with it (cms/library_admin.py).
IMAGEKIT_CACHEFILE_DIR = "renditions"
IMAGEKIT_SPEC_CACHEFILE_NAMER = "imagekit.cachefiles.namers.source_name_as_path"
IMAGEKIT_CACHE_BACKEND = "renditions"
# A rendition whose making failed (a full disk, a store that timed out) is tried
# again after an hour, not never in that process.
IMAGEKIT_CACHE_TIMEOUT = 3600

STATIC_URL = "static/"
# Where `collectstatic` gathers the static files, which whitenoise serves.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Media on an S3-compatible store, shared by several app servers (docs/images-and-
# documents.md, "Where media files are kept"); unset, on the local disk under MEDIA_ROOT, served at MEDIA_URL by
# cms/media.py. boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY itself.
MEDIA_S3_BUCKET = os.environ.get("DJANGO_MEDIA_S3_BUCKET", "")
MEDIA_ORIGIN = ""
if MEDIA_S3_BUCKET:
    MEDIA_S3_ENDPOINT_URL = os.environ.get("DJANGO_MEDIA_S3_ENDPOINT_URL", "")
    MEDIA_S3_REGION = os.environ.get("DJANGO_MEDIA_S3_REGION", "")
    MEDIA_S3_CUSTOM_DOMAIN = os.environ.get("DJANGO_MEDIA_S3_CUSTOM_DOMAIN", "")
    if not MEDIA_S3_ENDPOINT_URL.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            "DJANGO_MEDIA_S3_BUCKET needs DJANGO_MEDIA_S3_ENDPOINT_URL, the store's "
            "address, e.g. https://s3.eu-central-1.amazonaws.com."
        )
    # Where visitors' browsers fetch media from, which the pages' CSP allows: the
    # custom domain, else the endpoint (path-style addresses keep every object
    # under the endpoint's own origin).
    MEDIA_ORIGIN = (
        f"https://{MEDIA_S3_CUSTOM_DOMAIN}"
        if MEDIA_S3_CUSTOM_DOMAIN
        else "/".join(MEDIA_S3_ENDPOINT_URL.split("/", 3)[:3])
    )
    STORAGES["default"] = {
        "BACKEND": "cms.s3_storage.MediaS3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": MEDIA_S3_ENDPOINT_URL,
            "region_name": MEDIA_S3_REGION or None,
            "custom_domain": MEDIA_S3_CUSTOM_DOMAIN or None,
            "addressing_style": "path",
            # Plain, lasting addresses: cached pages keep them. The bucket policy
            # makes renditions/ and documents/ alone readable by anyone
            # (docs/deployment.md); originals stay private.
            "querystring_auth": False,
            "default_acl": None,
            # A name already taken gets a new one instead of replacing that file.
            "file_overwrite": False,
        },
    }

# HTTPS: on by default in production; `make run` serves plain http on 127.0.0.1.
SECURE = env_bool("DJANGO_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = SECURE
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31_536_000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
# HSTS preload binds the whole parent domain (lublin.eu) for months; a municipal
# subdomain cannot decide that, so the preload check alone is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
# The __Host- prefix makes browsers refuse these cookies over http or for subdomains.
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE else "csrftoken"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script anywhere, admin included; JSON-LD data blocks are not scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# One line per event on standard error, in UTC, with the request's id; JSON with
# DJANGO_LOG_FORMAT=json (lublin/log_format.py). gunicorn.conf.py writes gunicorn's
# lines the same way.
LOGGING = logging_config({"django.db.backends": {"level": "WARNING"}})

# Error reports to Sentry or a service that speaks its protocol, when SENTRY_DSN is
# set (lublin/error_reports.py).
# sentry-sdk is imported only then (0.08 s at every process start otherwise).
if SENTRY_DSN := os.environ.get("SENTRY_DSN", ""):
    from lublin.error_reports import start_error_reports

    start_error_reports(SENTRY_DSN, os.environ.get("SENTRY_ENVIRONMENT", ""))

# Prometheus metrics (METRICS_ADDRESS, above): django-prometheus counts the requests
# and their latencies, around every other middleware (django-axes's stays last).
if METRICS_ADDRESS:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE[:-1],
        "lublin.metrics_middleware.PrometheusAfterMiddlewareKnownMethods",
        MIDDLEWARE[-1],
    ]
