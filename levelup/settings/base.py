"""Settings shared by every environment, read from the environment (12-factor).

`local`, `test` and `production` only override what differs. Every integration is
switched on by an environment variable; see `.env.example`.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The project-local servers that `make run`/`make test` start when nothing else is configured.
EMBEDDED_DATABASE_URL = "postgres://postgres@127.0.0.1:54329/levelup"
EMBEDDED_REDIS_URL = "redis://127.0.0.1:63799/0"

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "levelup.apps.LevelupConfig",
    "evidence.apps.EvidenceConfig",
    "partnerships.apps.PartnershipsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads GET or POST: PostgreSQL cannot store NUL characters.
    "levelup.middleware.StripNulMiddleware",
    # Before sessions, so that a session written by the request counts as a write.
    "levelup.db.ReplicaMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After sign-in, nothing but the second-factor pages until the code is given.
    "levelup.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the authentication result of the views above it.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "levelup.urls"
WSGI_APPLICATION = "levelup.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "levelup.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=EMBEDDED_DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Services own their transactions; see docs/architecture.md.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A streaming replica of the primary, for reads where a second of lag is harmless: the pages
# named below (public pages, exports, the large secretariat read pages), and code inside
# levelup.db.read_from_replica(). Writes, and reads in a request after a write (and for a few
# seconds after, by a cookie), stay on the primary. See levelup/db.py.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=10)
DATABASE_REPLICA_VIEWS = {
    "home",
    "evidence:call-list",
    "evidence:call-detail",
    "evidence:manage-call",
    "evidence:manage-submissions",
    "partnerships:partnership-list",
    "partnerships:partnership-detail",
}
DATABASE_ROUTERS = ["levelup.db.ReplicaRouter"]


def replica_alias(url: str) -> dict:
    """The "replica" alias; in tests it mirrors the primary's test database."""
    return {
        **env.db_url_config(url),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "ATOMIC_REQUESTS": False,
        "TEST": {"MIRROR": "default"},
    }


if DATABASE_REPLICA_URL:
    DATABASES["replica"] = replica_alias(DATABASE_REPLICA_URL)

AUTH_USER_MODEL = "levelup.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "account"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# One date and time format site-wide (levelup/formats/en_GB): "12 September 2026".
FORMAT_MODULE_PATH = ["levelup.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap is installed from the npm registry at the version pinned in package-lock.json.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
# Private files (attachments, import files, generated files): a private directory no URL
# serves, read back only by permission-checked views. Kept outside MEDIA_ROOT so that no
# media route added later can ever publish them.
EVIDENCE_UPLOAD_ROOT = env("EVIDENCE_UPLOAD_ROOT", default=str(BASE_DIR / "private" / "evidence"))
# Several machines: the same files in an S3-compatible bucket (AWS, MinIO, ...) instead, so no
# web or worker machine keeps state on its disk. Credentials come from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY (or the machine's role). Objects stay private: downloads are streamed
# through the permission-checked views, never linked.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="") or None
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default="") or None


def private_storage_config(*, bucket: str, endpoint_url: str | None) -> dict:
    """The `STORAGES["private"]` entry: the bucket when one is named, the folder otherwise."""
    if not bucket and not endpoint_url:
        return {"BACKEND": "levelup.storage.PrivateFileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket or "levelup-private",
            "endpoint_url": endpoint_url,
            "default_acl": None,  # the bucket's own policy: private
            "file_overwrite": False,
            "querystring_auth": True,  # any URL it makes is signed ...
            "querystring_expire": 60,  # ... and short-lived
            "location": "private",
        },
    }


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": private_storage_config(
        bucket=AWS_STORAGE_BUCKET_NAME, endpoint_url=AWS_S3_ENDPOINT_URL
    ),
}
EVIDENCE_MAX_UPLOAD_BYTES = env.int("EVIDENCE_MAX_UPLOAD_MB", default=20) * 1024 * 1024
# Long answers are pasted into forms: accept big bodies so the view can keep them and explain.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_MB", default=12) * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Strict Content-Security-Policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws form controls with SVG data URIs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# How many reverse proxies in front of the app append to X-Forwarded-For; the client's
# address is read that many entries from the right (levelup.auth.client_ip). 0: the socket's.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Brute-force protection on sign-in: lock a user name from one address after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The lock ends AXES_COOLOFF_TIME after it started: attempts refused during the lock (even
# with the right password) are not counted, so they cannot keep restarting it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "levelup.auth.client_ip"
# Password spraying: failures from one address across every account within the cool-off.
# Generous enough for an office behind one address; far below what spraying needs.
SIGN_IN_ADDRESS_FAILURE_LIMIT = env.int("SIGN_IN_ADDRESS_FAILURE_LIMIT", default=20)
# The sign-in form's field is "username" (it holds the email address); count it in any case.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "levelup.auth.axes_username"

# The continue-link email (evidence): at most this many per address and per client address
# an hour. Past them the draft is still saved and its link shown on the page; only the email
# waits. See docs/security.md for why these numbers.
CONTINUE_LINK_EMAILS_PER_ADDRESS_HOUR = env.int("CONTINUE_LINK_EMAILS_PER_ADDRESS_HOUR", default=5)
CONTINUE_LINK_EMAILS_PER_IP_HOUR = env.int("CONTINUE_LINK_EMAILS_PER_IP_HOUR", default=100)

# Two-factor sign-in (levelup.two_factor): required for site administrators and the
# secretariat. Only development (`make run`, demo accounts) may switch it off; the
# production settings refuse to start without it.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
OTP_TOTP_ISSUER = "LevelUp"
# Wrong codes in a row make each device wait 1, 2, 4 … seconds before the next try.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Email: services queue rows in the outbox (levelup.OutboundEmail); a Celery task sends them.
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=1025)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="LevelUp <no-reply@levelup.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)

REDIS_URL = env("REDIS_URL", default=EMBEDDED_REDIS_URL)
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged when it has finished, and given back to the queue when the process
# running it dies, so a killed worker loses nothing; tasks are idempotent (see levelup/jobs.py).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "levelup"
# Queues by kind, so that a slow PDF or a big import never delays a receipt email. Each has
# its own workers in production (docker-compose.yml); `make run` runs one worker for all.
# Tasks not named here (the beat's short jobs) go to the default queue.
CELERY_QUEUES_BY_KIND = {
    "email": ["levelup.outbound_email_send", "partnerships.action_reminders_send"],
    "extraction": ["evidence.extract"],
    "imports": ["evidence.import"],
    "rendering": ["evidence.report_pdf"],
    "exports": ["evidence.export_xlsx"],
}


def celery_task_routes(suffix: str = "") -> dict:
    """Task name → queue; `suffix` keeps one test process's queues apart from another's."""
    return {
        task: {"queue": f"{kind}{suffix}"}
        for kind, tasks in CELERY_QUEUES_BY_KIND.items()
        for task in tasks
    }


def celery_queue_names(suffix: str = "") -> list[str]:
    """Every queue a worker consuming all kinds listens to."""
    return [f"{CELERY_TASK_DEFAULT_QUEUE}{suffix}"] + [
        f"{k}{suffix}" for k in CELERY_QUEUES_BY_KIND
    ]


CELERY_TASK_ROUTES = celery_task_routes()
LEVELUP_WORKER_QUEUES = celery_queue_names()
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Time limits for tasks that set none; each job kind sets its own (`@job_task`).
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # An unacknowledged message is given to another worker after this long, so it must be
    # longer than the longest hard time limit (tests/levelup/test_jobs.py checks it).
    "visibility_timeout": 2 * 60 * 60,
    # Fail fast when Redis is unreachable: the request logs it and the sweeper sends later.
    "socket_connect_timeout": 3,
}
# Background jobs (levelup.Job): attempts before "failed", the delay before a retry (doubled
# each time), and how long a queued job waits before the sweeper sends it again.
JOBS_MAX_ATTEMPTS = env.int("JOBS_MAX_ATTEMPTS", default=3)
JOBS_RETRY_DELAY_SECONDS = env.int("JOBS_RETRY_DELAY_SECONDS", default=60)
JOBS_QUEUED_STALE_SECONDS = env.int("JOBS_QUEUED_STALE_SECONDS", default=180)
CELERY_BEAT_SCHEDULE = {
    # Rate-limit windows older than a day are of no further use.
    "levelup-rate-counters-prune": {
        "task": "levelup.rate_counters_prune",
        "schedule": crontab(hour=3, minute=30),
    },
    # Background jobs lost on the way (broker down, worker killed) are sent again.
    "jobs-sweep": {
        "task": "levelup.jobs_sweep",
        "schedule": 60.0,
    },
    "outbox-retry-due": {
        "task": "levelup.outbox_retry_due",
        "schedule": 60.0,
    },
    # The read path already respects the clock; this keeps stored statuses in step.
    # The call dashboard's pre-aggregated counts (materialised views): at most a minute old.
    "evidence-dashboard-counts-refresh": {
        "task": "evidence.dashboard_counts_refresh",
        "schedule": 60.0,
    },
    # Built exports (XLSX of a call's responses) may be downloaded for a day, then go.
    "evidence-exports-expire": {
        "task": "evidence.exports_expire",
        "schedule": crontab(minute=15),
    },
    "evidence-calls-sync-status": {
        "task": "evidence.calls_sync_status",
        "schedule": 60.0,
    },
    # Once a day: remind owners of partnership actions due tomorrow (each action once).
    "partnerships-action-reminders": {
        "task": "partnerships.action_reminders_send",
        "schedule": crontab(hour=8, minute=0),
    },
    # Once a month: ask the owners of open commitments for an update (each one once a month).
    "partnerships-commitment-reminders": {
        "task": "partnerships.commitment_reminders_send",
        "schedule": crontab(day_of_month=1, hour=9, minute=0),
    },
}

SITE_NAME = "LevelUp"
# Demo sign-in details are shown on the home page only when DEBUG is on.
DEMO_PASSWORD = "levelup-demo-2026"  # noqa: S105 -- public by design: demo accounts only

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(asctime)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every step of every PDF at INFO, and each CSS property it skips.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "ERROR"}},
}
