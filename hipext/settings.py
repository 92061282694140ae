"""hipext settings, read from the environment (see README "Configuration")."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# Development settings in a git-ignored file that `make run` writes (debug on, a random
# key), so that every manage.py command works in a development checkout without
# exports. Variables set in the environment win. The production server never reads it
# (gunicorn.conf.py and `make serve` set HIPEXT_ENV_FILE empty), nor do the tests.
ENV_FILE = os.environ.get("HIPEXT_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    load_dotenv(ENV_FILE, override=False)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (for "
            "development, `make run` writes a .env with DJANGO_DEBUG=1 and a key)."
        )
    # Development only: a fixed key is harmless while DEBUG is on and nothing is deployed.
    SECRET_KEY = "django-insecure-hipext-development-only"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else ""
)

INSTALLED_APPS = [
    # Before the admin: its translation admin classes and static files.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc served locally, not from a CDN
    # Revision history of content (hipext/content/history.py), and drag-and-drop
    # ordering of steps and routine items in the admin.
    "reversion",
    "adminsortable2",
    "exercises",
    "routines",
    # HTTP caching, CORS and production serving (hipext/http/caching.py).
    "corsheaders",
    # API keys and rate limits (hipext/http/ratelimit.py).
    "rest_framework_api_key",
    "hipext.apps.HipextConfig",
]

MIDDLEWARE = [
    # CORS outermost, so that every API response (a 304 or a cached one too) carries it.
    # One answer for every origin (no Vary: Origin), so CDNs keep one copy.
    "hipext.http.cors.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, precompressed: nothing below sees them.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside every layer that sets validators or keeps responses: it weakens the
    # ETag of what it compresses, and the response cache keeps identity bodies.
    "hipext.http.compression.CompressionMiddleware",
    # Early, so it counts requests that later middleware answers from a cache.
    "hipext.http.ratelimit.RateLimitMiddleware",
    # The public answer's language (?lang=, Accept-Language), active for every layer
    # below: the response cache keys on it.
    "hipext.http.language.LanguageMiddleware",
    # Cache-Control, validators and surrogate keys for what the next layer leaves
    # without them (embed cards, the schema and its pages).
    "hipext.http.cdn.CdnHeadersMiddleware",
    # Before sessions, CSRF and auth: a cached read or a 304 skips them all.
    "hipext.http.caching.ApiCachingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Problem details for plain views' 404 and 405 under /api and /embed, debug or not;
    # before CSRF, which those read-only paths do not need.
    "hipext.http.errors.PublicErrorsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hipext.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hipext" / "templates"],
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

WSGI_APPLICATION = "hipext.wsgi.application"

# The embedded default is a SQLite file in the project; production sets DATABASE_URL
# (postgres://user:password@host:port/name, served through psycopg 3).
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The supported languages. Content texts are translated in columns, one per language
# (django-modeltranslation: exercises/translation.py, routines/translation.py), so a
# language added here needs a migration (makemigrations adds its columns) and its
# catalog in locale/; generated text (doses, labels, the diagram, the card, the
# routine builder's words) is translated with gettext. English is the source and the
# fallback. A request's language is chosen by hipext.http.language.
LANGUAGES = [("en", "English"), ("es", "Español"), ("de", "Deutsch")]
LANGUAGE_CODE = "en"
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = tuple(code for code, _ in LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# PostgreSQL's text search configuration of each language (stemming, stop words) for
# the exercise search; a language missing here is searched with "simple" (no stemming).
SEARCH_CONFIGS = {"en": "english", "es": "spanish", "de": "german"}
TIME_ZONE = "UTC"
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles"

REST_FRAMEWORK = {
    # The schema documents every operation's problem-details errors (hipext/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "hipext.api.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["hipext.api.filtering.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "hipext.api.pagination.PageNumberPagination",
    "EXCEPTION_HANDLER": "hipext.api.problems.problem_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # The public API is anonymous and read-only: no session, so no cookie and no
    # Vary: Cookie on its responses.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "hipext API",
    "DESCRIPTION": "Open content API for hip-extension exercises.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["hipext.api.schema.without_trailing_slash"],
    # Every answer a client can get, the API key schemes, readable enum names
    # (hipext/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "hipext.api.schema.document_every_answer",
    ],
    "CONTACT": {
        key: value
        for key, value in {
            "name": os.environ.get("API_CONTACT_NAME", "hipext maintainers"),
            "url": os.environ.get("API_CONTACT_URL", ""),
            "email": os.environ.get("API_CONTACT_EMAIL", ""),
        }.items()
        if value
    },
    "LICENSE": {
        key: value
        for key, value in {
            "name": os.environ.get("API_LICENSE_NAME", "All rights reserved"),
            "url": os.environ.get("API_LICENSE_URL", ""),
        }.items()
        if value
    },
    # "/" by default: the host that serves the schema; list public addresses
    # (comma-separated) where the schema is read elsewhere.
    "SERVERS": [
        {"url": url.strip()}
        for url in os.environ.get("API_SERVER_URLS", "/").split(",")
        if url.strip()
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
}

# --- Hardening: database outages, production security, admin login lockout -----------
# (README "Production"; tests/system/test_outages.py, tests/hipext/test_deploy.py)

# Fail fast when PostgreSQL is down: requests answer 503 instead of hanging. libpq and
# A server that stops replying while its host still acknowledges (a paused process)
# is bounded in web processes by DATABASE_REPLY_TIMEOUT_MS (hipext/http/dbtimeout.py).
DATABASE_REPLY_TIMEOUT_MS = int(os.environ.get("DATABASE_REPLY_TIMEOUT_MS", "2000"))
# psycopg round connect timeouts below 2 seconds up to 2.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["connect_timeout"] = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "2"))
    # A host that stops answering on an open connection (crashed, cut off): the kernel
    # gives up on a query nobody acknowledges after tcp_user_timeout, and keepalives
    # find an idle connection's dead peer. Neither notices a server process that is
    # stopped while its host still answers for it.
    _options.update(
        keepalives=1,
        keepalives_idle=int(os.environ.get("DATABASE_KEEPALIVES_IDLE", "5")),
        keepalives_interval=int(os.environ.get("DATABASE_KEEPALIVES_INTERVAL", "1")),
        keepalives_count=int(os.environ.get("DATABASE_KEEPALIVES_COUNT", "3")),
        tcp_user_timeout=round(
            float(os.environ.get("DATABASE_TCP_USER_TIMEOUT", "2")) * 1000
        ),
    )
    # A statement that runs, or waits for a lock, longer than this is cancelled by the
    # server: the request answers 503 instead of holding its worker. 0 sets none (a
    # pooler that refuses startup options: set it on the database role instead).
    _statement_timeout = round(
        float(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "5")) * 1000
    )
    if _statement_timeout > 0:
        _options["options"] = " ".join(
            filter(
                None,
                [_options.get("options"), f"-c statement_timeout={_statement_timeout}"],
            )
        )

# Secure by default whenever debug is off; each can be turned off for a deployment that
# needs it (e.g. plain-HTTP health probes behind a load balancer are exempt below).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
# Preloading is a commitment to browsers' lists, so it is opted into explicitly.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
# Behind a TLS-terminating proxy, name the header it sets (e.g. X-Forwarded-Proto) so
# Django knows the request was HTTPS. Only when the proxy always sets or strips it.
if os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_"
        + os.environ["DJANGO_SECURE_PROXY_SSL_HEADER"]
        .strip()
        .upper()
        .replace("-", "_"),
        "https",
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# django-axes: lock out admin logins after repeated failures of one username from one
# client address, of one address across usernames, and of one username across addresses
# (hipext/http/lockout.py). The address is the rate limiter's: API_RATE_PROXY_COUNT
# applies, and an IPv6 /64 is one address.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_AXES_FAILURE_LIMIT", "5"))
ADMIN_LOCKOUT_ADDRESS_LIMIT = int(
    os.environ.get("DJANGO_AXES_ADDRESS_FAILURE_LIMIT", "20")
)
ADMIN_LOCKOUT_USERNAME_LIMIT = int(
    os.environ.get("DJANGO_AXES_USERNAME_FAILURE_LIMIT", "10")
)
AXES_COOLOFF_TIME = float(os.environ.get("DJANGO_AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
AXES_HANDLER = "hipext.http.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "hipext.http.lockout.lockout_client_ip"
AXES_RESET_ON_SUCCESS = True

# --- Cache ---------------------------------------------------------------------------
# Redis when REDIS_URL is set (shared by every worker and server), local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Seconds to wait for Redis to accept a connection and to answer a command. Redis
# answers on a local network within a millisecond: anything slower is an outage, and
# the API serves from the database instead (hipext/http/cachebreaker.py).
REDIS_CONNECT_TIMEOUT = float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.1"))
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.1"))
# Seconds a process serves without a cache after one of its operations failed.
CACHE_BREAKER_SECONDS = float(os.environ.get("CACHE_BREAKER_SECONDS", "5"))


def redis_cache(url):
    """A django-redis cache at ``url`` (django-redis keeps one client per process
    and lends it out: get_redis_connection(); Django's own backend builds one per
    operation). Its errors raise (no IGNORE_EXCEPTIONS): hipext.http.cachebreaker
    catches them, logs and skips the cache for a while."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": REDIS_CONNECT_TIMEOUT,
            "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
        },
    }


# Rate-limit counters and API key records have a cache of their own, so that they
# keep working when the response cache is full: a Redis database or, better, a Redis
# instance of its own (README "Reliability" recommends maxmemory policies).
API_RATE_REDIS_URL = os.environ.get("API_RATE_REDIS_URL", "") or REDIS_URL
CACHES = {
    "default": (
        redis_cache(REDIS_URL)
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    "ratelimit": (
        redis_cache(API_RATE_REDIS_URL)
        if API_RATE_REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ratelimit",
        }
    ),
}

# --- HTTP caching of the API (hipext/http/caching.py) --------------------------------------
# Cache-Control max-age (seconds) of API responses: how long clients and CDNs may reuse
# one without asking; after that, a conditional request costs a 304.
API_CACHE_MAX_AGE = int(os.environ.get("API_CACHE_MAX_AGE", "60"))
# Seconds a rendered response stays in the server-side cache (0 turns it off); a change
# to what it shows makes it unusable anyway (README "HTTP caching").
API_RESPONSE_CACHE_TIMEOUT = int(os.environ.get("API_RESPONSE_CACHE_TIMEOUT", "3600"))
# Bytes of stored responses each process also keeps in its own memory, served with no
# cache round trip (0 turns it off: every cached answer then reads the shared cache,
# and with it the newest version any server has seen; README "HTTP caching").
API_RESPONSE_MEMORY_BYTES = int(
    os.environ.get("API_RESPONSE_MEMORY_BYTES", str(8 * 1024 * 1024))
)
# Responses of one path (its query strings and representations) kept per content
# version: free-text parameters cannot fill the cache (0: no bound).
API_RESPONSE_CACHE_VARIANTS = int(os.environ.get("API_RESPONSE_CACHE_VARIANTS", "1000"))
# Seconds a list's total (the COUNT behind pagination) stays in the server-side cache
# (0 turns it off); like a response, it is only used for the content version it was
# counted at.
API_COUNT_CACHE_TIMEOUT = int(os.environ.get("API_COUNT_CACHE_TIMEOUT", "3600"))
# Seconds each process keeps its copy of the content state (the version and the document
# log, hipext/content/version.py) before rereading the database: the longest an edit
# made by another process stays invisible to this one (README "HTTP caching"). It costs
# one small query per process per interval, two when something changed.
API_CONTENT_VERSION_TIMEOUT = int(os.environ.get("API_CONTENT_VERSION_TIMEOUT", "1"))
# How long (seconds) a process keeps its copy of the publication schedule
# (hipext/content/publication.py) when no scheduled time comes first: the longest
# another process may take to see content published "now". One small query per
# publishable model each time it is renewed.
API_PUBLICATION_SCHEDULE_TTL = float(
    os.environ.get("API_PUBLICATION_SCHEDULE_TTL", "1")
)
# How long (seconds) a staff preview link of a draft stays valid.
PREVIEW_LINK_MAX_AGE = int(os.environ.get("PREVIEW_LINK_MAX_AGE", "3600"))
# Answer the API's lists and details from the published documents (hipext.api.readmodel)
# rather than by the serializers; the bytes are the same.
API_READ_MODEL = env_bool("API_READ_MODEL", default=True)
# What a shared cache (a CDN, Varnish: deploy/varnish/hipext.vcl) may do, in seconds:
# keep a response for API_CACHE_S_MAXAGE (s-maxage; README "CDN"), serve it stale
# for API_CACHE_STALE_WHILE_REVALIDATE more while it fetches a fresh one in the
# background, and for API_CACHE_STALE_IF_ERROR more while the origin fails or is down.
API_CACHE_S_MAXAGE = int(os.environ.get("API_CACHE_S_MAXAGE", "60"))
API_CACHE_STALE_WHILE_REVALIDATE = int(
    os.environ.get("API_CACHE_STALE_WHILE_REVALIDATE", "30")
)
API_CACHE_STALE_IF_ERROR = int(os.environ.get("API_CACHE_STALE_IF_ERROR", "86400"))
# The header naming a response's surrogate keys (space-separated: "content exercises
# exercises/glute-bridges"), by which a CDN purges (README "CDN"); empty sends none.
API_SURROGATE_KEY_HEADER = os.environ.get("API_SURROGATE_KEY_HEADER", "Surrogate-Key")
# Sync (/api/changes): how long the document log keeps its entries, tombstones
# included; `manage.py prune_changes` removes older ones (run it daily). A client whose
# cursor is older is told to take a new snapshot (410).
SYNC_RETENTION_DAYS = int(os.environ.get("SYNC_RETENTION_DAYS", "30"))
# API paths whose responses depend on the code, not on the content: the schema and its
# documentation pages get no content validators and are never kept in the response cache.
API_CACHE_EXEMPT_PATHS = ("/api/schema", "/api/docs", "/api/redoc")
# The deployed release (e.g. a git revision): responses rendered by one release are
# never served or validated by another during a rolling deploy.
API_CACHE_RELEASE = os.environ.get("API_CACHE_RELEASE", "")

# --- CORS (django-cors-headers) --------------------------------------------------------
# Any origin may read the API (no credentials); nothing else (the admin) sends CORS.
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_URLS_REGEX = r"^/(api|embed)(/|$)"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "if-modified-since",
    "if-none-match",
    "x-api-key",
]
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Last-Modified",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
    "Retry-After",
]
CORS_PREFLIGHT_MAX_AGE = 86400

# --- Static files (WhiteNoise serves the admin's; make serve runs collectstatic) -------
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Compressed, not hashed: a manifest would break every page that names a
        # static file wherever collectstatic has not run (tests, development).
        "BACKEND": "hipext.http.compression.GzipStaticFilesStorage"
    },
}
# --- API keys and rate limits (hipext/http/ratelimit.py) ----------------------------------
# Requests per period for anonymous clients (per IP) and for each API key:
# N/second, N/minute, N/hour, N/day or N/<seconds>s.
API_RATE_ANON = os.environ.get("API_RATE_ANON", "120/minute")
API_RATE_KEY = os.environ.get("API_RATE_KEY", "1200/minute")
# Path prefixes that are limited (the API root /api included).
API_RATE_PATHS = ("/api", "/embed")
# The cache holding the counters and the key records.
API_RATE_CACHE = "ratelimit"
# Most requests of one client a process reserves from its shared counter in one round
# trip (and at most an eighth of what is left), then serves without asking
# (hipext/http/allowances.py); 1 counts every request in the cache.
API_RATE_BATCH = int(os.environ.get("API_RATE_BATCH", "100"))
# Without the counters (their cache fails), serve requests uncounted (open, the
# default: an outage of Redis never takes the API down) or refuse them with 503
# (closed: the limit always holds).
API_RATE_FAIL_OPEN = env_bool("API_RATE_FAIL_OPEN", default=True)
# Number of reverse proxies in front of the app whose X-Forwarded-For is trusted;
# 0 uses REMOTE_ADDR (the client's address when nothing sits in between).
API_RATE_PROXY_COUNT = int(os.environ.get("API_RATE_PROXY_COUNT", "0"))
