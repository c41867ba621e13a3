"""Registration state lives in columns (`email_confirmed_at`, `superseded_by`); the
audit log only records. Decisions and the purge read the columns, the purge leaves
the audit log alone, and migration 0005 fills the columns from the old audit entries."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from hanjari.core.audit import log_action
from hanjari.core.models import AuditEntry
from hanjari.events.models import Registration
from hanjari.events.services import registrations as services
from hanjari.events.services.registrations import RegistrationError
from tests.events.registration_support import confirm_token, open_event, register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = Registration.Status
MIGRATION = importlib.import_module("hanjari.events.migrations.0005_registration_state_columns")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def fresh(reg: Registration) -> Registration:
    return Registration.objects.get(pk=reg.pk)


def test_columns_are_set_by_the_services(staff, django_capture_on_commit_callbacks):
    event = open_event()
    registered = timezone.now()
    member = register(event, by=UserFactory(), now=registered)
    assert fresh(member).email_confirmed_at == registered
    with django_capture_on_commit_callbacks(execute=True):
        first = register(event, contact_email="same@example.kr")
        second = register(event, contact_email="same@example.kr")
    assert (fresh(first).status, fresh(first).superseded_by) == (S.CANCELLED, second)
    assert fresh(second).email_confirmed_at is None
    now = timezone.now()
    services.registration_confirm_guest(token=confirm_token(mail.outbox[-1].body), now=now)
    assert fresh(second).email_confirmed_at == now
    assert fresh(second).superseded_by is None


def test_decisions_do_not_read_the_audit_log(staff, django_capture_on_commit_callbacks):
    """With the audit log emptied, every decision comes out the same."""
    event = open_event()
    with django_capture_on_commit_callbacks(execute=True):
        stranger = register(event, contact_email="victim@example.kr")
        first = register(event, contact_email="twice@example.kr")
        register(event, contact_email="twice@example.kr")
    superseded_link = confirm_token(mail.outbox[1].body)
    services.registration_reject(registration=stranger, by=staff)
    AuditEntry.objects.all().delete()

    # Rejected while unconfirmed: the address's owner may still register.
    owner = register(event, by=UserFactory(), contact_email="VICTIM@example.kr")
    assert owner.status == S.CONFIRMED
    # Superseded: its link is refused as such.
    with pytest.raises(RegistrationError) as exc:
        services.registration_confirm_guest(token=superseded_link)
    assert exc.value.code == "superseded"
    assert fresh(first).status == S.CANCELLED
    # Purge: both never confirmed ones are found without their audit entries.
    later = timezone.now() + dt.timedelta(seconds=services.GUEST_CONFIRM_MAX_AGE + 60)
    assert services.registration_purge_unconfirmed(now=later, dry_run=True) == 3


def test_rejected_after_confirming_still_blocks_the_address(
    staff, django_capture_on_commit_callbacks
):
    event = open_event(requires_approval=True)
    with django_capture_on_commit_callbacks(execute=True):
        guest = register(event, contact_email="real@example.kr")
    services.registration_confirm_guest(token=confirm_token(mail.outbox[0].body))
    services.registration_reject(registration=guest, by=staff)
    with pytest.raises(RegistrationError) as exc:
        register(event, by=UserFactory(), contact_email="real@example.kr")
    assert exc.value.code == "duplicate"


def test_purge_does_not_rewrite_the_audit_log(django_capture_on_commit_callbacks):
    event = open_event(registration_opens_at=None)
    old = timezone.now() - dt.timedelta(days=8)
    with time_machine.travel(old, tick=False):
        reg = register(event, person_name="지워질사람", contact_email="gone@example.kr")
    before = list(
        AuditEntry.objects.order_by("id").values_list("id", "action", "target_repr", "data")
    )
    assert before and all("지워질사람" not in repr(row) for row in before)
    assert before[0][2] == f"#{reg.pk} · {event.title}"

    assert services.registration_purge_unconfirmed() == 1
    after = list(
        AuditEntry.objects.order_by("id").values_list("id", "action", "target_repr", "data")
    )
    assert after[: len(before)] == before  # untouched
    assert [row[1] for row in after[len(before) :]] == ["events.registration.purged"]


# --- migration 0005: the columns filled from the audit log of existing rows ----------------


def test_migration_fills_the_columns_from_old_audit_entries(staff):
    event = open_event(requires_approval=True)
    member = register(event, by=UserFactory())
    unconfirmed = register(event, contact_email="u@example.kr")
    confirmed_guest = register(event, contact_email="c@example.kr")
    rejected_unconfirmed = register(event, contact_email="r@example.kr")
    cancelled_after = register(event, contact_email="a@example.kr")
    old_first = register(event, contact_email="t@example.kr")
    old_second = register(event, contact_email="t2@example.kr")
    when = timezone.now() - dt.timedelta(days=2)

    # The rows and the audit log as the code before the columns left them.
    Registration.objects.filter(pk=confirmed_guest.pk).update(status=S.PENDING)
    Registration.objects.filter(pk=rejected_unconfirmed.pk).update(status=S.REJECTED)
    Registration.objects.filter(pk=cancelled_after.pk).update(status=S.CANCELLED, confirmed_at=when)
    Registration.objects.filter(pk=old_first.pk).update(status=S.CANCELLED)
    Registration.objects.update(email_confirmed_at=None, superseded_by=None)
    AuditEntry.objects.update(target_repr="이름이 남은 옛 항목")
    entry = log_action(
        "events.registration.guest_confirmed", target=confirmed_guest, data={"status": "pending"}
    )
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=when)
    log_action(
        "events.registration.rejected",
        user=staff,
        target=rejected_unconfirmed,
        data={"previous": "unconfirmed"},
    )
    log_action(
        "events.registration.cancelled", target=cancelled_after, data={"previous": "confirmed"}
    )
    log_action(
        "events.registration.superseded",
        target=old_first,
        data={"previous": "unconfirmed", "superseded_by": old_second.pk},
    )

    MIGRATION.fill_columns(apps, None)

    assert fresh(member).email_confirmed_at == fresh(member).created_at
    assert fresh(unconfirmed).email_confirmed_at is None
    assert fresh(confirmed_guest).email_confirmed_at == when
    assert fresh(rejected_unconfirmed).email_confirmed_at is None
    assert fresh(cancelled_after).email_confirmed_at == when
    assert fresh(old_first).email_confirmed_at is None
    assert fresh(old_first).superseded_by == old_second
    assert fresh(old_second).superseded_by is None
    reprs = set(AuditEntry.objects.filter(target_id=str(member.pk)).values_list("target_repr"))
    assert reprs == {(f"#{member.pk} · {event.title}",)}
    assert not AuditEntry.objects.filter(target_repr="이름이 남은 옛 항목").exists()


# --- the purge is scheduled by itself: a task per guest registration ----------------------


def test_a_guest_registration_schedules_its_purge(settings, django_capture_on_commit_callbacks):
    """With the production backend (django-tasks-db), a guest's registration enqueues
    the purge for when its confirmation link dies; nothing has to be scheduled by hand."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    from django_tasks_db.models import DBTaskResult

    event = open_event(registration_opens_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        reg = register(event, person_name="손님", contact_email="guest@example.kr")
        register(event, by=UserFactory())  # an account's registration: nothing to purge
    queued = list(DBTaskResult.objects.values_list("task_path", "run_after"))
    max_age = dt.timedelta(seconds=services.GUEST_CONFIRM_MAX_AGE)
    assert queued == [
        (
            "hanjari.events.tasks.purge_unconfirmed_registrations",
            fresh(reg).created_at + max_age + dt.timedelta(minutes=5),
        )
    ]


def test_the_purge_task_deletes_what_the_command_would():
    from hanjari.events.tasks import purge_unconfirmed_registrations

    event = open_event(registration_opens_at=None)
    with time_machine.travel(timezone.now() - dt.timedelta(days=8), tick=False):
        old = register(event, person_name="지워질사람", contact_email="gone@example.kr")
    kept = register(event, person_name="남을사람", contact_email="kept@example.kr")
    result = purge_unconfirmed_registrations.enqueue()  # the immediate backend runs it
    assert result.return_value == 1
    assert list(Registration.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not Registration.objects.filter(pk=old.pk).exists()


def test_no_task_without_a_backend_that_can_wait():
    """The immediate backend (test settings) cannot run a task later: nothing is
    enqueued (enqueueing with `run_after` would raise there), and registering works."""
    from hanjari.events import tasks

    assert tasks.schedule_purge(timezone.now(), services.GUEST_CONFIRM_MAX_AGE) is False
    event = open_event(registration_opens_at=None)
    reg = register(event, contact_email="wait@example.kr")
    assert fresh(reg).status == S.UNCONFIRMED
