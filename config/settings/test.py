"""Settings for the test suite: the base settings with fast, deterministic choices.

`DATABASE_URL` still decides the engine, so the same suite runs on SQLite (default,
in-memory) and PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("HANJARI_ENV_FILE", "/nonexistent")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = "sqlite://:memory:"

# The usual Django pattern: the test settings are the base settings plus overrides.
from .base import *  # noqa: F403
from .base import BASE_DIR, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
# WhiteNoise warns when STATIC_ROOT is missing; the suite never collects static files.
STATIC_ROOT = BASE_DIR / "var" / "test-static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
AXES_ENABLED = True
# The benchmark's baseline URL never exists in the test suite (see config/urls.py).
HANJARI_BENCH = False
# Aggregates are always computed in tests (see hanjari.core.cache).
HANJARI_CACHE_SECONDS = 0
# Pages are always rendered in tests, except where a test turns the page cache on. The
# caches are the process's own memory: the tests run in one process, so it is shared by
# everything that runs (production shares the database cache or Redis between workers;
# tests/test_settings_security.py checks that).
HANJARI_PAGE_CACHE_SECONDS = 0
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
# Background tasks run at once, inside the request or test that enqueues them.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
HANJARI_PRIVATE_ROOT = BASE_DIR / "var" / "test-private"
# Commands run inside the test process must not lower its priority (for good).
HANJARI_BACKGROUND_NICE = 0
# Exports are built anew in tests, except where a test turns the cache on (test data is
# rolled back without the commit that would start a new content generation).
HANJARI_EXPORT_CACHE_SECONDS = 0
# Staff pages do not ask staff for two-factor sign-in in tests, except in the tests of
# that requirement (tests/accounts/test_mfa.py).
HANJARI_STAFF_MFA_REQUIRED = False
