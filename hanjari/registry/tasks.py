"""Background tasks of the registry (django-tasks; the database backend of
django-tasks-db in production, run by `manage.py db_worker`). Each task takes ids only
and calls a service, which decides whether there is anything left to do."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import_job(job_id: int) -> str:
    """Import the file of `ImportJob` `job_id` (`services.import_job_run`). Idempotent: a
    job that is not queued any more (running, finished, deleted) is left alone. Returns
    the job's status afterwards ("" when there is no such job)."""
    from .services import import_job_run

    job = import_job_run(job_id=job_id)
    return job.status if job is not None else ""
