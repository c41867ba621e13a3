"""WSGI entry point (gunicorn config.wsgi).

Loading this module also loads the Korean analyser (Kiwi: 1 to 6 seconds, about
350 MB; `hanjari.search.analysis.get_kiwi`), so that no visitor's search waits for it:
with gunicorn's ``preload_app`` (config/gunicorn.py) the master loads it once before
forking the workers, which then share its memory; without it each worker loads it
before it accepts its first request.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()


def load_analyser() -> None:
    """Load the search's Korean analyser now (imported here: it needs Django set up)."""
    from hanjari.search.analysis import get_kiwi

    get_kiwi()


load_analyser()
