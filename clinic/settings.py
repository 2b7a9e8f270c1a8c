"""Settings for the Physio and Fitness Clinic site.

One module, read from the environment (12-factor). Safe defaults for a developer;
in production (DJANGO_DEBUG off) it refuses to start without a secret key.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise SystemExit(
            "DJANGO_SECRET_KEY is not set: set it (or DJANGO_DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-local-development-only-key"  # noqa: S105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "clinic.apps.ClinicAdminConfig",  # Django's admin, with the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "dbbackup",
    "clinic",
    "programs",
    "bookings",
    "care",
]

MIDDLEWARE = [
    # First: a request id and one log line for every request, whatever answers it.
    "clinic.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "clinic.middleware.PermissionsPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "clinic.middleware.RejectNulBytesMiddleware",
    # Cached content pages for anonymous visitors, before the session and what follows.
    "clinic.cache.ServeCachedPages",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clinic.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.clinic",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg's connection pool; connections are reused by the pool, not by Django.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A server that accepts but never answers must not hold a connection attempt forever.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # Parameters sent apart from the SQL, and statements run often prepared once per
    # connection: a booking costs the web servers a fifth less CPU (bench/booking_burst.py;
    # psycopg's client-side quoting was a tenth of a booking's profile). Needs a direct
    # connection or a session-mode pooler (a transaction-mode pgbouncer cannot keep
    # prepared statements).
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=30),
        # Seconds a request waits for a connection: short, so an outage answers 503 fast.
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=2),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so two bookings
    # serialise instead of failing with "database is locked" halfway through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# After a database error, each server process answers 503 at once for this many
# seconds before trying the database again (clinic.middleware.DatabaseOutage).
DATABASE_OUTAGE_PAUSE = env.float("DATABASE_OUTAGE_PAUSE", default=3)

# --- Cache (shared across servers when CACHE_URL is redis://) -----------------------
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://clinic")}
# A Redis that hangs must not hold a page: give up after a quarter of a second and build
# the page without it (clinic.cache.cache_call). redis-py waits forever by default.
REDIS_CACHE_OPTIONS = {
    "socket_timeout": env.float("CACHE_TIMEOUT", default=0.25),
    "socket_connect_timeout": env.float("CACHE_TIMEOUT", default=0.25),
}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # Django's backend with one client per connection pool (clinic/redis_cache.py).
    CACHES["default"]["BACKEND"] = "clinic.redis_cache.RedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(REDIS_CACHE_OPTIONS)
# Cached pages (clinic/cache.py) apart from the rate-limit counters, so that however
# many pages are cached they never push a counter out.
CACHES["pages"] = {
    **CACHES["default"],
    "KEY_PREFIX": CACHES["default"].get("KEY_PREFIX", "") + "pages",
}
if CACHES["pages"]["BACKEND"].endswith("LocMemCache"):
    CACHES["pages"].update(LOCATION="clinic-pages", OPTIONS={"MAX_ENTRIES": 1000})
# Template fragments that never change while a server runs (the empty booking form's
# fields): in each process's memory, as cheap as a dict, never a round trip.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "clinic-fragments",
}

# --- Email ------------------------------------------------------------------------
# EMAIL_URL: smtp://user:pass@host:587/?tls=True, consolemail://, filemail:///path.
# Django 6.1 configures mail through MAILERS; django-environ parses the URL.
_email = env.email_url("EMAIL_URL", default="consolemail://")
_mail_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS"),
    "use_ssl": _email.get("EMAIL_USE_SSL"),
    # filemail:///sent-mail is a folder in the project; filemail:////var/mail/clinic absolute.
    "file_path": _email.get("EMAIL_FILE_PATH") and str(BASE_DIR / _email["EMAIL_FILE_PATH"]),
    "timeout": 10 if "smtp" in _email["EMAIL_BACKEND"] else None,
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {key: value for key, value in _mail_options.items() if value},
    }
}
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Physio and Fitness Clinic <bookings@physio-fitness.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background work ----------------------------------------------------------------
# Django's Tasks framework; django-tasks-db keeps the queue in our own database, so a
# task enqueued inside a booking's transaction commits or rolls back with it (an outbox).
# `python manage.py worker` runs the tasks, and the periodic jobs below.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Periodic jobs the worker enqueues (clinic/schedule.py): "every" is a number of minutes,
# "at" a local time of day (HH:MM) for daily jobs. A job whose time passed while no worker
# ran is enqueued as soon as one starts.
PERIODIC_TASKS = {
    # Emails whose task was lost (a worker killed mid-send) or whose retry is due.
    "retry-emails": {"task": "bookings.tasks.retry_emails", "every": 1},
    # Reminders for tomorrow's appointments.
    "reminders": {
        "task": "bookings.tasks.queue_reminders",
        "at": env.str("REMINDERS_AT", default="09:00"),
    },
    # Patient details past BOOKING_RETENTION_DAYS.
    "purge": {
        "task": "bookings.tasks.purge_appointments",
        "at": env.str("PURGE_AT", default="03:30"),
    },
    # Finished task records older than a week (the emails keep their own history).
    "prune-tasks": {"task": "clinic.tasks.prune_finished_tasks", "at": "04:00"},
    # The nightly backup of the database and the uploads (clinic/backups.py).
    "backup": {"task": "clinic.tasks.back_up_site", "at": env.str("BACKUP_AT", default="02:30")},
}

# --- Time and language ------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Uploaded pictures: a directory the app user can write (the image's /app/media, a named
# volume in compose, served by the proxy). The backups go beside it, never inside.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Where django-dbbackup writes (clinic/backups.py).
    "dbbackup": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Backups hold patient records: readable by the app's user alone.
        "OPTIONS": {
            "location": str(BACKUP_DIR),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Security ---------------------------------------------------------------------
# Production sits behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("DJANGO_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Staff accounts -----------------------------------------------------------------
# django-axes checks for a lockout before any password is hashed: five wrong passwords
# for one username, or five from one client, lock that username (or client) out for
# half an hour. A superuser unlocks sooner: `manage.py axes_reset_username <name>`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("STAFF_LOGIN_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each counted on its own
AXES_COOLOFF_TIME = timedelta(minutes=env.int("STAFF_LOGIN_LOCKOUT_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True
# The same client as the booking rate limit counts.
AXES_CLIENT_IP_CALLABLE = "bookings.ratelimit.client_ip_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The admin asks for a code from an authenticator app after the password (clinic/staff.py).
# Only the test suite turns this off (check --deploy refuses it off in production).
STAFF_TWO_FACTOR = env.bool("STAFF_TWO_FACTOR", default=True)
OTP_TOTP_ISSUER = "Physio and Fitness Clinic"
# Nobody, superusers included, reads another person's key in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# After signing in (also when `next` pointed elsewhere): the back office.
LOGIN_REDIRECT_URL = "admin:index"
# Where members of a staff group land in the admin instead of its index ("?menu=1" shows
# the index): reception works in the day's diary.
ADMIN_LANDING_PAGES = {"Reception": "admin:bookings_appointment_diary"}
# Staff sessions end when the browser closes, and after four hours without a request.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env.int("STAFF_SESSION_IDLE_SECONDS", default=4 * 3600)
SESSION_SAVE_EVERY_REQUEST = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Forms ------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Logging to stdout ------------------------------------------------------------
# One line per request with its id (clinic/logs.py); LOG_FORMAT=json for a log search tool.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "clinic.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "clinic.logs.JsonFormatter"},
    },
    "filters": {
        # Appointment tokens are private links: never written to the log.
        "redact_private_links": {"()": "clinic.log_redaction.RedactPrivateLinks"},
        "request_id": {"()": "clinic.logs.RequestIdFilter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "stream": "ext://sys.stdout",
            "filters": ["redact_private_links", "request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # runserver's access log: through our handler, so tokens are redacted there too.
        "django.server": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        # The PDF handout's libraries narrate every step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Error reports to Sentry, only when SENTRY_DSN is set; scrubbed of patient data.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from clinic.logs import start_error_reports

    start_error_reports(SENTRY_DSN, env.str("SENTRY_ENVIRONMENT", default="production"))

# --- Backups (clinic/backups.py; django-dbbackup) ------------------------------------
# The newest BACKUP_KEEP backups of the database and of the uploads are kept.
DBBACKUP_CLEANUP_KEEP = env.int("BACKUP_KEEP", default=14)
# The name in every backup's file name (the default, the host name, changes with each
# container).
DBBACKUP_HOSTNAME = "clinic"
# Encrypt each backup to this GPG key (its public half imported in the worker's keyring).
DBBACKUP_GPG_RECIPIENT = env.str("BACKUP_GPG_RECIPIENT", default="") or None
DBBACKUP_GPG_ALWAYS_TRUST = True  # the operator imported the key on purpose
# A failed backup fails its task and logs an error; django-dbbackup would email ADMINS.
DBBACKUP_SEND_EMAIL = False
# Restore on a new machine whose database role has another name: no owners, no grants.
DBBACKUP_CONNECTORS = {"default": {"PG_OPTIONS": "--no-owner --no-privileges"}}

# --- The clinic -------------------------------------------------------------------
# Where the clinic's own copies of booking notices go (the name and address shown
# on the site are edited in admin: clinic.ClinicDetails).
CLINIC_INBOX_EMAIL = env.str("CLINIC_INBOX_EMAIL", default="reception@physio-fitness.example")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Anonymous content pages are cached until content changes, and at most this long
# (which bounds how late a scheduled article appears). 0 turns the cache off.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300)
# Each server process serves a content page it has checked in the shared cache for this
# long without asking again: an edit shows on the other processes and servers within it
# (at once in the process that saved it). 0 asks on every request.
CONTENT_PAGE_TRUST_SECONDS = env.float("CONTENT_PAGE_TRUST_SECONDS", default=1.0)
# The booking week pages: any booking or diary change empties them at once (on every
# server with a shared CACHE_URL); this bounds how long a time that has slipped into
# the minimum notice stays on show. Booking that time is refused politely anyway.
AVAILABILITY_CACHE_SECONDS = env.int("AVAILABILITY_CACHE_SECONDS", default=30)

# Under gunicorn, a worker answers 503 + Retry-After at once while more than this many
# connections wait to be served (clinic/overload.py); 0 never sheds.
SHED_QUEUE_LENGTH = env.int("SHED_QUEUE_LENGTH", default=64)

# --- Bookings ---------------------------------------------------------------------
# Booking POSTs and appointment-page POSTs allowed per client IP: "<count>/<s|m|h|d>".
# Counted in the default cache, so set CACHE_URL=redis://... when running several servers.
BOOKING_RATE_LIMIT = env.str("BOOKING_RATE_LIMIT", default="10/h")
# Online bookings per email address (whatever the client): the form must not become a
# way to send the clinic's emails to someone else's address again and again.
BOOKING_EMAIL_RATE_LIMIT = env.str("BOOKING_EMAIL_RATE_LIMIT", default="4/d")
# How many proxies in front of gunicorn append to X-Forwarded-For. 0: use REMOTE_ADDR only
# (never trust a header a client can forge); 1: the address our own proxy saw.
BOOKING_TRUSTED_PROXY_COUNT = env.int("BOOKING_TRUSTED_PROXY_COUNT", default=0)
# Patients whose last appointment is older than this are anonymised (erased) by the
# daily purge job (bookings.tasks.purge_appointments; `manage.py purge_appointments`).
BOOKING_RETENTION_DAYS = env.int("BOOKING_RETENTION_DAYS", default=730)
