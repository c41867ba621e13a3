"""The Korean analyser is loaded before serving (config/wsgi.py, config/gunicorn.py),
so that the first search after start does not wait for it."""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_loading_the_wsgi_application_loads_kiwi(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        SECRET_KEY="only-for-this-test",
        HANJARI_ENV_FILE="/nonexistent",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
    )
    script = (
        "import json\nfrom hanjari.search import analysis\n"
        "before = analysis._kiwi is not None\nimport config.wsgi\n"
        "from django.db import connections\n"
        "print(json.dumps({'before': before, 'after': analysis._kiwi is not None,"
        " 'connected': any(c.connection is not None for c in connections.all())}))"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed script)
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    # Loaded by the import, and no database connection opened (with preload_app it
    # would be shared by the forked workers).
    assert out == {"before": False, "after": True, "connected": False}


def test_gunicorn_config_preloads_the_application():
    config = runpy.run_path(str(REPO / "config" / "gunicorn.py"))
    assert config["preload_app"] is True
