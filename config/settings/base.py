"""Hanjari settings: one module, driven by environment variables (django-environ).

Every value that differs between machines comes from the environment (or from
`var/.env`, which `make run` writes once with a generated secret key). Nothing secret
is committed. See docs/operations.md for the full list of variables.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
_env_file = Path(env.str("HANJARI_ENV_FILE", default=str(VAR_DIR / ".env")))
if _env_file.is_file():
    environ.Env.read_env(str(_env_file), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "csp",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "hanjari.core",
    "hanjari.accounts",
    "hanjari.registry",
    "hanjari.news",
    "hanjari.events",
    "hanjari.recognition",
    "hanjari.membership",
    "hanjari.claims",
    "hanjari.search",
    "hanjari.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff and council admins without two-factor sign-in are sent to set it up from
    # the staff pages (hanjari.accounts.middleware, HANJARI_STAFF_MFA_REQUIRED).
    "hanjari.accounts.middleware.StaffMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hanjari" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hanjari.core.context_processors.site",
                "hanjari.news.context_processors.desk",
                "hanjari.membership.context_processors.nav",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# DATABASE_URL unset → the embedded SQLite default in var/ (WAL mode).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'hanjari.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )
# Keep connections open between requests (seconds): opening one costs more than most
# queries (for SQLite, the file and the PRAGMAs above; for PostgreSQL, a network round
# trip and authentication). 0 closes after each request.
if DATABASES["default"]["NAME"] != ":memory:":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------------
# Shared by every worker process (`make run` starts two): a per-process cache would give
# each worker its own count and so multiply every limit by the number of workers.
# `default`: rate limits (hanjari.core.http.rate_allows), seen-view markers and the page
# cache's content generation (small; must not be crowded out). It is Django's database
# cache (table `hanjari_cache`, made by `manage.py createcachetable`, which `make setup`
# runs) unless REDIS_URL names a Redis server (Django's RedisCache: for several
# machines, or less database traffic), or CACHE_URL names any other cache.
# `pages`: stored anonymous pages and aggregates (hanjari.core.pagecache,
# hanjari.core.cache), which distinct URLs multiply and which may be culled at any
# time: files in var/cache/pages, or PAGE_CACHE_URL (default CACHE_URL when that is
# set). A file cache given by URL keeps Django's default of 300 entries unless the URL
# says ?max_entries=N.
CACHE_TABLE = "hanjari_cache"
_PAGES_FILES = {
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": str(VAR_DIR / "cache" / "pages"),
    "TIMEOUT": 300,
    "OPTIONS": {"MAX_ENTRIES": 2000},
}
if env.str("CACHE_URL", default=""):
    _default_cache = env.cache_url("CACHE_URL")
elif env.str("REDIS_URL", default=""):
    _default_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("REDIS_URL"),
        "TIMEOUT": 300,
    }
else:
    _default_cache = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": CACHE_TABLE,
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 10000},
    }
_page_cache_url = env.str("PAGE_CACHE_URL", default=env.str("CACHE_URL", default=""))
CACHES = {
    "default": _default_cache,
    "pages": {**env.cache_url_config(_page_cache_url), "KEY_PREFIX": "pages"}
    if _page_cache_url
    else _PAGES_FILES,
}

# --- Accounts -------------------------------------------------------------------------
# Sign-up, e-mail verification, password reset, e-mail change, two-factor sign-in and
# the list of one's sessions are django-allauth's (account, mfa, usersessions);
# hanjari.accounts adds consents, the data download and account deletion
# (docs/accounts.md).
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username+address or address before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Sign-in by e-mail address (and username) as allauth's forms pass it.
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "hanjari.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# An address must be verified before its account signs in (accounts that centre staff
# made on the command line without an address sign in with their password alone:
# hanjari.accounts.adapter.EmailVerificationStage).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# One address per account; a new one replaces the old once it is verified.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_USERNAME_BLACKLIST = ["admin", "staff", "hanjari", "deleted"]
ACCOUNT_FORMS = {
    "login": "hanjari.accounts.forms.LoginForm",
    "signup": "hanjari.accounts.forms.SignupForm",
    "add_email": "hanjari.accounts.forms.AddEmailForm",
    "change_password": "hanjari.accounts.forms.ChangePasswordForm",
    "set_password": "hanjari.accounts.forms.SetPasswordForm",
    "reset_password": "hanjari.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "hanjari.accounts.forms.ResetPasswordKeyForm",
    "reauthenticate": "hanjari.accounts.forms.ReauthenticateForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {
    "authenticate": "hanjari.accounts.forms.MFAAuthenticateForm",
    "reauthenticate": "hanjari.accounts.forms.MFAReauthenticateForm",
    "activate_totp": "hanjari.accounts.forms.ActivateTOTPForm",
    "deactivate_totp": "hanjari.accounts.forms.DeactivateTOTPForm",
    "generate_recovery_codes": "hanjari.accounts.forms.GenerateRecoveryCodesForm",
}
# Staff and council admins must turn on an authenticator app (TOTP) before they use the
# staff pages (hanjari.accounts.middleware).
HANJARI_STAFF_MFA_REQUIRED = env.bool("HANJARI_STAFF_MFA_REQUIRED", default=True)
# allauth's rate limits count in the `default` cache below, which every server process
# shares. Failed logins are counted and locked by django-axes alone (below), so
# allauth's own failed-login limit is off; sign-ups: HANJARI_SIGNUP_RATE per address.
ACCOUNT_RATE_LIMITS = {
    "login_failed": None,
    # Successful and failed sign-ins per address (allauth's own default).
    "login": env.str("HANJARI_LOGIN_RATE", default="30/m/ip"),
    "signup": env.str("HANJARI_SIGNUP_RATE", default="10/h/ip"),
}
# Login rate limit (django-axes): lock a username+IP pair after 5 failures for 15 min,
# and an IP after 20 failures over any usernames (password spraying;
# hanjari.accounts.lockout).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
HANJARI_LOGIN_IP_FAILURE_LIMIT = env.int("HANJARI_LOGIN_IP_FAILURE_LIMIT", default=20)
AXES_HANDLER = "hanjari.accounts.lockout.AddressLimitHandler"
# The client's address as every rate limit reads it: behind the proxy that
# HANJARI_BEHIND_PROXY announces, the hop that proxy added, not the proxy itself (else
# 20 failures from anyone would lock every visitor out).
AXES_CLIENT_IP_CALLABLE = "hanjari.core.http.client_ip"
# The account a login names, whether typed as a username or an e-mail address.
AXES_USERNAME_CALLABLE = "hanjari.accounts.lockout.login_username"
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_LOCKOUT_CALLABLE = "hanjari.accounts.lockout.lockout_response"  # says which lock
AXES_RESET_ON_SUCCESS = True

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("한국어")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "hanjari" / "static",
    ("vendor/krds", NODE_MODULES / "krds-uiux" / "resources"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Serve uploaded media from Django itself (one-machine installs); turn off behind a proxy.
HANJARI_SERVE_MEDIA = env.bool("HANJARI_SERVE_MEDIA", default=True)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Largest official file the staff upload page accepts (bytes).
HANJARI_IMPORT_MAX_BYTES = env.int("HANJARI_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
HANJARI_LOGO_MAX_BYTES = env.int("HANJARI_LOGO_MAX_BYTES", default=2 * 1024 * 1024)

# --- Security headers -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Behind TLS set HANJARI_HTTPS=true: secure cookies, HSTS, redirect to https.
_HTTPS = env.bool("HANJARI_HTTPS", default=False)
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = _HTTPS
SECURE_HSTS_SECONDS = 31536000 if _HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
if env.bool("HANJARI_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Logging --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# --- Hanjari --------------------------------------------------------------------------
# The support centre's home region: "시도" or "시도 시군구" (canonical or alias names).
HANJARI_HOME_REGION = env.str("HANJARI_HOME_REGION", default="전북특별자치도 전주시")
HANJARI_SITE_NAME = env.str("HANJARI_SITE_NAME", default="한자리")
# Where users of this service can get its source code (AGPL-3.0 §13); shown in the footer.
HANJARI_SOURCE_URL = env.str("HANJARI_SOURCE_URL", default="")
# Allow comments from named guests without an account (with a simple check question).
HANJARI_GUEST_COMMENTS = env.bool("HANJARI_GUEST_COMMENTS", default=False)
# Benchmark runs only (bench/run): adds /bench/ok/, the baseline view. Never in production.
HANJARI_BENCH = env.bool("HANJARI_BENCH", default=False)
# Seconds that aggregates every visitor sees alike (sector counts, directory counts,
# most viewed, photo news) may be served from the cache; 0 = always computed.
HANJARI_CACHE_SECONDS = env.int("HANJARI_CACHE_SECONDS", default=60)
# Seconds an anonymous visitor's public page may be served from the page cache
# (hanjari.core.pagecache; any content change renders anew at once); 0 = off.
HANJARI_PAGE_CACHE_SECONDS = env.int("HANJARI_PAGE_CACHE_SECONDS", default=60)
# The site's public address, for links in e-mails (no request at hand when they are sent).
HANJARI_SITE_URL = env.str("HANJARI_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Member invitations (hanjari.membership), counted in the shared cache: per sender per
# window (seconds), and per invited address per day. Council join requests per person a day.
HANJARI_INVITE_RATE_LIMIT = env.int("HANJARI_INVITE_RATE_LIMIT", default=20)
HANJARI_INVITE_RATE_WINDOW = env.int("HANJARI_INVITE_RATE_WINDOW", default=3600)
HANJARI_INVITE_ADDRESS_LIMIT = env.int("HANJARI_INVITE_ADDRESS_LIMIT", default=3)
HANJARI_JOIN_REQUEST_RATE_LIMIT = env.int("HANJARI_JOIN_REQUEST_RATE_LIMIT", default=10)

# --- E-mail ---------------------------------------------------------------------------
# Console backend by default (mails are printed); set an SMTP backend in production:
# EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend plus EMAIL_HOST etc.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="hanjari@localhost")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{HANJARI_SITE_NAME}] "
MFA_TOTP_ISSUER = HANJARI_SITE_NAME

# --- Background tasks, staff imports, directory CSV -----------------------------------
# Background work (django-tasks): the database backend of django-tasks-db keeps the
# queue in the database; `manage.py db_worker` runs it (started by `make run`, see
# docs/operations.md).
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Files that must not be served at /media/ (uploaded official lists hold 대표자명):
# kept under here, read only by the server and the worker.
HANJARI_PRIVATE_ROOT = Path(env.str("HANJARI_PRIVATE_ROOT", default=str(VAR_DIR / "private")))
# An import run by a process on another machine (or container) counts as stopped, and
# is undone, once it has written nothing for this many seconds (a running import writes
# several times a second; on the same machine a stopped process is seen at once).
HANJARI_IMPORT_STALE_SECONDS = env.int("HANJARI_IMPORT_STALE_SECONDS", default=600)
# The CPU priority (Unix niceness, 0-19) `manage.py db_worker` and `manage.py
# registry_import` run at, at least: background work yields the CPU to requests. 0
# leaves it as it is.
HANJARI_BACKGROUND_NICE = env.int("HANJARI_BACKGROUND_NICE", default=10)
# The directory CSV: downloads per client address per window (seconds; staff are not
# limited), and how long one filter set's CSV is kept (seconds; any content change
# makes a new one at once; 0 = not kept).
HANJARI_EXPORT_RATE_LIMIT = env.int("HANJARI_EXPORT_RATE_LIMIT", default=10)
HANJARI_EXPORT_RATE_WINDOW = env.int("HANJARI_EXPORT_RATE_WINDOW", default=600)
HANJARI_EXPORT_CACHE_SECONDS = env.int("HANJARI_EXPORT_CACHE_SECONDS", default=3600)
# Claims and proposals (hanjari.claims): submissions and replies per person per window
# (seconds; three times as many per client address), and the largest evidence file.
HANJARI_CLAIM_RATE_LIMIT = env.int("HANJARI_CLAIM_RATE_LIMIT", default=10)
HANJARI_CLAIM_RATE_WINDOW = env.int("HANJARI_CLAIM_RATE_WINDOW", default=3600)
HANJARI_EVIDENCE_MAX_BYTES = env.int("HANJARI_EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
