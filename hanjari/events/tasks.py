"""Background tasks of events (django-tasks; the database backend of django-tasks-db in
production, run by `manage.py db_worker`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django_tasks import default_task_backend, task

# After the confirmation link dies, a little later: the purge then finds the
# registration past its cutoff (`GUEST_CONFIRM_MAX_AGE`), whatever the clocks' jitter.
PURGE_DELAY_MARGIN = dt.timedelta(minutes=5)


@task()
def purge_unconfirmed_registrations() -> int:
    """Delete the guest registrations never confirmed in time
    (`services.registrations.registration_purge_unconfirmed`, 개인정보 보호법 제21조 ①).
    Idempotent. Returns how many were deleted."""
    from .services.registrations import registration_purge_unconfirmed

    return registration_purge_unconfirmed()


def schedule_purge(created_at: dt.datetime, max_age_seconds: int) -> bool:
    """After the current transaction commits, enqueue `purge_unconfirmed_registrations`
    to run when a guest registration created at `created_at` can no longer be confirmed
    (`max_age_seconds` later, plus `PURGE_DELAY_MARGIN`), so that nothing has to be
    scheduled by hand for its personal data to go. Returns False (and enqueues
    nothing) when the task backend cannot run tasks later (the immediate backend of
    the test settings); the daily command ``manage.py events_purge_unconfirmed`` does
    the same work."""
    if not default_task_backend.supports_defer:
        return False
    run_after = created_at + dt.timedelta(seconds=max_age_seconds) + PURGE_DELAY_MARGIN
    transaction.on_commit(
        lambda: purge_unconfirmed_registrations.using(run_after=run_after).enqueue(),
        robust=True,
    )
    return True
