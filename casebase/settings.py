"""casebase settings, read from the environment (and from a local .env file when there is one).

Every setting a deployment changes comes from an environment variable:

    DEBUG          "true" only on a developer's machine (default: false)
    SECRET_KEY     required unless DEBUG is on
    DATABASE_URL   default: SQLite in db.sqlite3 next to manage.py
    DATABASE_REPLICA_URLS  comma-separated PostgreSQL streaming replicas for the public pages' reads
    ALLOWED_HOSTS  comma-separated (default: 127.0.0.1,localhost)
    HTTPS          "true" when the site is served over HTTPS, as in production (default: false): secure cookies, HSTS,
                   redirects to https; behind a reverse proxy, the proxy sets X-Forwarded-Proto
    CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://casebase.example.org (behind a proxy)
    LOGIN_FAILURE_LIMIT   failed admin logins before an address and username are locked out (default: 5)
    LOG_LEVEL      the least severe log lines written to stderr: DEBUG, INFO (default), WARNING, ERROR
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# `make` writes a .env with a generated SECRET_KEY on first use; real environment variables win over it.
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment or in .env (`make .env` writes one)."
        )
    # Only ever used with DEBUG on, on a developer's own machine.
    SECRET_KEY = "django-insecure-casebase-development-only"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "reports",
]

MIDDLEWARE = [
    # First: every log line of a request, a 500's traceback included, names its id, user and path
    # (reports/middleware.py); the response carries the id in X-Request-ID.
    "reports.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from the app server, compressed and cached, before anything touches the database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # A database that is down or full gives a clear 503 page instead of a traceback (reports/middleware.py).
    "reports.middleware.DatabaseUnavailableMiddleware",
    # Public GET pages read from the replicas when there are any (casebase/routers.py).
    "casebase.routers.ReadReplicasMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records which curator made each change in the history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: counts failed logins and locks out after LOGIN_FAILURE_LIMIT of them.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out address is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "casebase.urls"
# Where a login goes when it was given no page to return to, or one that is not on this site.
LOGIN_REDIRECT_URL = "admin:index"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "casebase.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Connections are kept for a minute and checked before reuse, so that the site carries on by itself after
# PostgreSQL restarts (a dead connection is replaced instead of failing the request).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL streaming replicas for the public pages' reads (casebase/routers.py): comma-separated URLs, each a
# read-only copy of DATABASE_URL. Writes, the admin and commands always use the primary.
for number, url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    DATABASES[f"replica_{number}"] = {
        **env.db_url_config(url),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        # Tests run on the primary's test database; a replica stands for the same data.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["casebase.routers.PrimaryReplicaRouter"]
# PostgreSQL's JIT compiler is for long analytic queries. The pages' queries are short, but over a large table
# their cost estimates pass jit_above_cost, and compiling then takes longer than running: 300 ms of a 330 ms
# evidence table at 100,000 reports. A DATABASE_URL that sets its own options keeps them.
for config in DATABASES.values():
    if config["ENGINE"] == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # SQLite in write-ahead-log mode: the pages read the last committed data while an import or a job writes,
    # instead of waiting on (and then refusing with) the writer's lock. The mode stays with the database file.
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {}).setdefault("init_command", "PRAGMA journal_mode=WAL")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic writes gzip and brotli copies that whitenoise serves; names stay as they are, so pages work
    # before collectstatic has run (tests, runserver).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# In development, whitenoise serves the apps' static files without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG

# Production security (python manage.py check --deploy is clean with DEBUG off and HTTPS on).
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Lets the domain join the browsers' HTTPS-only preload list (hstspreload.org); HSTS_PRELOAD=false opts out.
SECURE_HSTS_PRELOAD = env.bool("HSTS_PRELOAD", default=HTTPS)
# A reverse proxy terminates TLS and says so in this header (nginx: proxy_set_header X-Forwarded-Proto $scheme).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The health check is for load balancers, which ask over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# Content-Security-Policy: everything from this site only. No page has an inline script or style (a test checks
# every main page in Chromium for violations), and the evidence chart is inline SVG, not a script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Failed logins (django-axes): after LOGIN_FAILURE_LIMIT failures for one username from one address, that pair is
# locked out for an hour; a successful login resets the count.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "reports/locked_out.html"
# Behind PROXY_COUNT reverse proxies, the client's address is the one the outermost proxy added to
# X-Forwarded-For (reports/accounts.py: client_address); without proxies, the connection's own address.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "reports.accounts.client_address"

# Logs: one line per event on stderr, for the process manager to keep (journald, docker, a file: docs/operations.md).
# Each line written while a request is served names the request's id, user, method and path; a traceback's lines
# too. Django's own errors (a 500) come here rather than to e-mail, which needs ADMINS and a mail server.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "reports.middleware.RequestContextFilter"}},
    "formatters": {
        "line": {
            "class": "reports.middleware.ContextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(context)s: %(message)s",
        }
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "filters": ["request"], "formatter": "line"}},
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    # Replaces Django's defaults for its loggers (a console only with DEBUG on, and mail_admins): they reach the
    # root's stderr instead. runserver's own request lines (django.server) keep their handler.
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # django-axes announces its settings at every start, commands included.
        "axes": {"level": "WARNING"},
    },
}

# Clinical lists are browsed page by page; this is the page size of the public list.
REPORTS_PER_PAGE = env.int("REPORTS_PER_PAGE", default=25)
# The list counts matches up to this many and says "more than" past it (reports/search/paging.py): an exact count of a
# common word among millions of reports would cost more than the rest of the page.
REPORTS_COUNT_LIMIT = env.int("REPORTS_COUNT_LIMIT", default=10_000)
# Past this many matches the facets count the newest this many (reports/search/facets.py) and say so; past
# REPORTS_COUNT_LIMIT matches, a search lists the newest first instead of ranking them all (reports/search/listing.py).
FACET_SAMPLE = env.int("FACET_SAMPLE", default=1_000)

# `loaddata seed` finds fixtures/seed.json here.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Imports through the admin: the largest file a curator may upload, and where it waits between the dry run and
# the confirmed import. Larger files are imported with `manage.py import_reports`.
IMPORT_MAX_UPLOAD_MB = env.int("IMPORT_MAX_UPLOAD_MB", default=50)
IMPORT_UPLOAD_DIR = env.path("IMPORT_UPLOAD_DIR", default=BASE_DIR / "var" / "uploads")

# Background jobs (reports/jobs/, docs/jobs.md): exports of many reports and the admin's imports are queued in the
# database and run by `manage.py db_worker` (django-tasks), so that no web worker waits on them. The queue is the
# site's own database, SQLite or PostgreSQL alike: nothing else to run or to back up.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Where finished export files are kept, and for how long jobs and their files are kept (`manage.py prune_jobs`, and
# each worker after every job).
JOBS_DIR = env.path("JOBS_DIR", default=BASE_DIR / "var" / "jobs")
JOBS_KEEP_DAYS = env.int("JOBS_KEEP_DAYS", default=7)
# A running job's worker writes a heartbeat every JOBS_HEARTBEAT_SECONDS; one silent for JOBS_STALE_SECONDS whose
# process is gone is marked failed.
JOBS_HEARTBEAT_SECONDS = env.float("JOBS_HEARTBEAT_SECONDS", default=1)
JOBS_STALE_SECONDS = env.float("JOBS_STALE_SECONDS", default=60)
# An export of at most this many reports is written while the request waits (about a second on PostgreSQL,
# bench/jobs.py); a larger one is a job, downloaded from its page when complete.
EXPORT_SYNC_REPORTS = env.int("EXPORT_SYNC_REPORTS", default=1_000)
# Export jobs waiting for a worker at once; past it an export is refused with 503 until the queue drains.
EXPORT_MAX_QUEUED = env.int("EXPORT_MAX_QUEUED", default=20)
