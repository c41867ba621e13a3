"""gunicorn settings for serving Hanjari: ``gunicorn -c config/gunicorn.py config.wsgi``.

Options given on the command line (``--bind``, ``--workers``, ``--access-logfile``)
win over these.
"""

# The master imports config.wsgi — Django and the Korean analyser (Kiwi, 1 to 6 s) —
# once, before forking the workers: the first search after start is as fast as any
# other, and the workers share the analyser's memory (about 350 MB) instead of each
# loading its own. Nothing in config.wsgi opens a database connection, so none is
# shared between workers.
preload_app = True
