"""Guest registrations never confirmed by e-mail (이메일 확인 대기): they block nobody — a
newer registration with the same address supersedes them, so a stranger cannot block
someone else's address —, their links die after `GUEST_CONFIRM_MAX_AGE`, and
``manage.py events_purge_unconfirmed`` deletes them after that. The guest form answers
a registered address like a new one (no enumeration) and mails the address instead."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command, load_command_class
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hanjari.core.models import AuditEntry
from hanjari.events import selectors
from hanjari.events.models import Event, Registration
from hanjari.events.services import registrations as services
from hanjari.events.services.registrations import RegistrationError
from tests.events.registration_support import confirm_link, confirm_token, open_event, register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = Registration.Status
MAX_AGE = dt.timedelta(seconds=services.GUEST_CONFIRM_MAX_AGE)
SUPERSEDED = (
    "같은 이메일 주소로 더 나중에 한 신청이 있어 이 확인 링크는 더 이상 쓸 수 없습니다. "
    "가장 최근에 받은 확인 메일의 링크를 눌러 주세요."
)
EXPIRED = "확인 링크의 유효 기간이 지났습니다. 다시 신청해 주세요."


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Guest registrations are rate limited per address (in the cache): start clean."""
    cache.clear()
    yield
    cache.clear()


def status_of(reg: Registration) -> str:
    return Registration.objects.get(pk=reg.pk).status


def long_open_event(**fields: object) -> Event:
    """An open event whose registration window spans the last weeks and the next ones
    (so registrations may be made 8 days ago with time travel)."""
    now = timezone.now()
    data: dict[str, object] = {
        "registration_opens_at": None,
        "registration_closes_at": now + dt.timedelta(days=20),
    }
    data.update(fields)
    return open_event(**data)


def form_data(**extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "person_name": "홍길동",
        "organization_name": "길동협동조합",
        "attendees": 1,
        "contact_email": "",
        "contact_phone": "010-1234-5678",
        "accessibility_needs": "",
        "consent": "on",
    }
    data.update(extra)
    return data


# --- superseded: a stranger cannot block someone else's address -----------------------------


def test_strangers_registration_is_superseded_by_the_owners(django_capture_on_commit_callbacks):
    event = open_event(capacity=1)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            stranger = register(event, person_name="낯선사람", contact_email="victim@example.com")
        stranger_token = confirm_token(mail.outbox[-1].body)
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            victim = register(event, person_name="김주인", contact_email="Victim@Example.com")
        victim_token = confirm_token(mail.outbox[-1].body)
        assert mail.outbox[-1].to == ["Victim@Example.com"]
        assert (status_of(stranger), status_of(victim)) == (S.CANCELLED, S.UNCONFIRMED)
        entry = AuditEntry.objects.get(action=services.SUPERSEDED_ACTION)
        assert entry.target_id == str(stranger.pk)
        assert entry.data == {
            "event": event.pk,
            "previous": "unconfirmed",
            "superseded_by": victim.pk,
        }
        assert selectors.seats_taken(event=event) == 0  # neither held a seat

        # The stranger's link says so, on the page (GET) and when pressed (POST).
        with pytest.raises(RegistrationError) as exc:
            services.registration_from_confirm_token(token=stranger_token)
        assert (exc.value.code, exc.value.messages) == ("superseded", [SUPERSEDED])
        with pytest.raises(RegistrationError) as exc:
            services.registration_confirm_guest(token=stranger_token)
        assert exc.value.code == "superseded"

        # The owner's link works and takes the only seat.
        with django_capture_on_commit_callbacks(execute=True):
            confirmed = services.registration_confirm_guest(token=victim_token)
    assert confirmed.status == S.CONFIRMED
    assert selectors.seats_taken(event=event) == 1
    assert status_of(stranger) == S.CANCELLED
    assert "참가 확정" in mail.outbox[-1].subject


def test_a_members_registration_supersedes_an_unconfirmed_guest_with_its_address(plain_user):
    """A member is not blocked by a guest registration of their address that nobody
    confirmed (it used to answer "이 이메일로 이미 이 행사에 신청했습니다")."""
    event = open_event()
    stranger = register(event, contact_email="plain@example.kr")
    mine = register(event, by=plain_user, contact_email="plain@example.kr")
    assert (status_of(stranger), mine.status) == (S.CANCELLED, S.CONFIRMED)


def test_accounts_keep_one_registration_and_are_never_superseded(plain_user):
    event = open_event()
    mine = register(event, by=plain_user, contact_email="plain@example.kr")
    with pytest.raises(RegistrationError) as exc:
        register(event, by=plain_user, contact_email="other@example.kr")
    assert exc.value.code == "duplicate"
    assert exc.value.messages == ["이미 이 행사에 신청했습니다."]
    with pytest.raises(RegistrationError) as exc:
        register(event, contact_email="PLAIN@example.kr")  # a guest with the member's address
    assert exc.value.code == "duplicate"
    assert status_of(mine) == S.CONFIRMED
    assert not AuditEntry.objects.filter(action=services.SUPERSEDED_ACTION).exists()


def test_a_stranger_rejected_while_unconfirmed_blocks_nobody(
    staff, plain_user, django_capture_on_commit_callbacks
):
    """Bug: staff rejecting a stranger's unconfirmed registration of someone else's
    address made it count as that address's registration: the owner registering as a
    guest was told "확인 메일을 보냈습니다" but got no registration, only a mail about
    the stranger's rejected one (with its page, the stranger's name and phone), and a
    member with the address got 409 — until the purge, or forever without it. A
    registration rejected after its address was confirmed still counts."""
    event = open_event()
    stranger = register(event, person_name="낯선사람", contact_email="victim@example.com")
    services.registration_reject(registration=stranger, by=staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        owner = register(event, person_name="김주인", contact_email="Victim@example.com")
    assert (owner.status, status_of(stranger)) == (S.UNCONFIRMED, S.REJECTED)
    assert [m.to for m in mail.outbox] == [["Victim@example.com"]]
    assert "/confirm/" in mail.outbox[0].body and "낯선사람" not in mail.outbox[0].body
    services.registration_confirm_guest(token=confirm_token(mail.outbox[0].body))
    assert status_of(owner) == S.CONFIRMED

    other = register(event, contact_email="member@example.com")
    services.registration_reject(registration=other, by=staff)
    mine = register(event, by=plain_user, contact_email="member@example.com")
    assert mine.status == S.CONFIRMED

    # Rejected once the address was confirmed: that address keeps its answer.
    with django_capture_on_commit_callbacks(execute=True):
        late = register(event, contact_email="late@example.com", attendees=10)
    assert mail.outbox[-1].to == ["late@example.com"]
    waiting = services.registration_confirm_guest(token=confirm_token(mail.outbox[-1].body))
    assert waiting.status == S.WAITLISTED
    services.registration_reject(registration=late, by=staff)
    with pytest.raises(RegistrationError) as exc:
        register(event, contact_email="late@example.com")
    assert exc.value.code == "duplicate"


# --- expired --------------------------------------------------------------------------------


def test_an_unconfirmed_registration_older_than_the_link_blocks_nothing(
    django_capture_on_commit_callbacks,
):
    event = long_open_event()
    with time_machine.travel(timezone.now() - dt.timedelta(days=8), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            old = register(event, contact_email="late@example.kr")
    token = confirm_token(mail.outbox[-1].body)
    with pytest.raises(RegistrationError) as exc:
        services.registration_confirm_guest(token=token)
    assert (exc.value.code, exc.value.messages) == ("bad_token", [EXPIRED])

    again = register(event, contact_email="late@example.kr")
    assert (again.status, status_of(old)) == (S.UNCONFIRMED, S.CANCELLED)


def test_link_dies_with_the_registrations_age_whatever_its_signing_time(
    django_capture_on_commit_callbacks,
):
    """The link of an unconfirmed registration created more than `GUEST_CONFIRM_MAX_AGE`
    ago is refused even if it was signed later: the purge deletes by that age."""
    event = open_event()
    with django_capture_on_commit_callbacks(execute=True):
        reg = register(event)
    token = confirm_token(mail.outbox[-1].body)
    created = Registration.objects.get(pk=reg.pk).created_at
    just_in_time = created + MAX_AGE - dt.timedelta(seconds=1)
    assert services.registration_from_confirm_token(token=token, now=just_in_time).pk == reg.pk
    with pytest.raises(RegistrationError) as exc:
        services.registration_from_confirm_token(token=token, now=created + MAX_AGE)
    assert (exc.value.code, exc.value.messages) == ("bad_token", [EXPIRED])


# --- the purge command ----------------------------------------------------------------------


def test_purge_deletes_only_the_never_confirmed_older_than_the_link(
    staff, django_capture_on_commit_callbacks
):
    event = long_open_event(capacity=1)
    with time_machine.travel(timezone.now() - dt.timedelta(days=8), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            never = register(event, person_name="확인안한사람", contact_email="never@example.kr")
            confirmed_guest = register(event, contact_email="ok@example.kr")
            waitlisted_guest = register(event, contact_email="wait@example.kr")
            twice_first = register(event, contact_email="twice@example.kr")
            twice_second = register(event, contact_email="twice@example.kr")  # supersedes
            changed_mind = register(event, contact_email="changed@example.kr")
            spam = register(event, contact_email="spam@example.kr")
        tokens = {m.to[0]: confirm_token(m.body) for m in mail.outbox if "/confirm/" in m.body}
        services.registration_confirm_guest(token=tokens["ok@example.kr"])  # the seat
        services.registration_confirm_guest(token=tokens["wait@example.kr"])  # waitlisted
        # confirmed, then cancelled: the address was confirmed (confirmed_at is empty)
        services.registration_cancel(
            registration=waitlisted_guest, by=None, token=waitlisted_guest.token
        )
        services.registration_cancel(registration=changed_mind, by=None, token=changed_mind.token)
        services.registration_reject(registration=spam, by=staff)
        member = register(event, by=UserFactory())  # waitlisted
        staff_entry = register(
            event, by=staff, source=Registration.Source.STAFF, contact_email="walkin@example.kr"
        )
    young = register(event, contact_email="young@example.kr")  # its link still works
    assert (status_of(member), status_of(staff_entry)) == (S.WAITLISTED, S.WAITLISTED)
    assert Registration.objects.get(pk=waitlisted_guest.pk).confirmed_at is None
    purged = {never, twice_first, twice_second, changed_mind, spam}
    kept = {confirmed_guest, waitlisted_guest, member, staff_entry, young}

    out = StringIO()
    call_command("events_purge_unconfirmed", "--dry-run", stdout=out)
    assert out.getvalue() == (
        "5 never confirmed guest registration(s) would be deleted (dry run: nothing deleted).\n"
    )
    assert Registration.objects.count() == 10
    assert not AuditEntry.objects.filter(action="events.registration.purged").exists()

    out = StringIO()
    call_command("events_purge_unconfirmed", stdout=out)
    assert out.getvalue() == "5 never confirmed guest registration(s) deleted.\n"
    assert set(Registration.objects.all()) == kept
    # Seats and the waitlist are as they were: nothing purged held a seat.
    assert selectors.seats_taken(event=event) == 1
    assert (status_of(member), status_of(staff_entry)) == (S.WAITLISTED, S.WAITLISTED)
    # The audit log keeps what happened, not who: the name is out of its entries.
    entries = AuditEntry.objects.filter(target_type="events.registration", target_id=str(never.pk))
    assert [e.target_repr for e in entries] == [f"#{never.pk} · {event.title}"]
    assert not AuditEntry.objects.filter(target_repr__contains="확인안한사람").exists()
    log = AuditEntry.objects.get(action="events.registration.purged")
    assert sorted(log.data["registrations"]) == sorted(r.pk for r in purged)
    assert log.data["count"] == 5

    # Idempotent: nothing more to do, nothing more logged.
    out = StringIO()
    call_command("events_purge_unconfirmed", stdout=out)
    assert out.getvalue() == "0 never confirmed guest registration(s) deleted.\n"
    assert AuditEntry.objects.filter(action="events.registration.purged").count() == 1


def test_purge_starts_when_the_link_has_died():
    event = open_event()
    reg = register(event)
    created = Registration.objects.get(pk=reg.pk).created_at
    assert services.registration_purge_unconfirmed(now=created + MAX_AGE) == 0
    assert (
        services.registration_purge_unconfirmed(
            now=created + MAX_AGE + dt.timedelta(seconds=1), dry_run=True
        )
        == 1
    )
    assert Registration.objects.filter(pk=reg.pk).exists()
    assert (
        services.registration_purge_unconfirmed(now=created + MAX_AGE + dt.timedelta(seconds=1))
        == 1
    )
    assert not Registration.objects.filter(pk=reg.pk).exists()


def test_purge_help_names_the_rule():
    command = load_command_class("hanjari.events", "events_purge_unconfirmed")
    text = " ".join(
        command.create_parser("manage.py", "events_purge_unconfirmed").format_help().split()
    )
    assert "never confirmed" in text
    assert "(7 days)" in text
    assert "--dry-run count what would be deleted, delete nothing" in text


# --- the pages ------------------------------------------------------------------------------


def register_url(event: Event) -> str:
    return reverse("events:register", kwargs={"pk": event.pk})


def flashes(response: Any) -> list[str]:
    """The messages (django.contrib.messages) of the request the test client made."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_guest_form_answers_a_registered_address_like_a_new_one(
    client, django_capture_on_commit_callbacks
):
    """No enumeration: whether the address is registered or not, the guest is sent to
    the event page with "확인 메일을 보냈습니다"; the owner of a registered address gets a
    mail about their registration instead of a confirmation link."""
    event = open_event()
    with django_capture_on_commit_callbacks(execute=True):
        owner = register(event, person_name="김주인", contact_email="victim@example.com")
    services.registration_confirm_guest(token=confirm_token(mail.outbox[-1].body))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        fresh = client.post(register_url(event), form_data(contact_email="new@example.com"))
    with django_capture_on_commit_callbacks(execute=True):
        taken = Client().post(  # another browser
            register_url(event),
            form_data(person_name="낯선사람", contact_email="victim@example.com"),
        )

    for response, email in ((fresh, "new@example.com"), (taken, "victim@example.com")):
        assert response.status_code == 303
        assert response["Location"] == event.get_absolute_url()
        assert flashes(response) == [
            f"신청을 받았습니다. {email} 로 보낸 확인 메일의 링크를 눌러야 접수됩니다."
        ]
        assert owner.token not in response.content.decode()
    assert Registration.objects.filter(contact_email__iexact="victim@example.com").count() == 1
    assert status_of(owner) == S.CONFIRMED

    confirm_mail, owner_mail = mail.outbox
    assert confirm_mail.to == ["new@example.com"]
    assert "/confirm/" in confirm_mail.body
    assert owner_mail.to == ["victim@example.com"]
    assert owner_mail.subject == f"[한자리] 이미 신청한 행사: {event.title}"
    assert owner_mail.body.startswith(
        "김주인님, 이 이메일 주소로 아래 행사에 참가 신청이 다시 들어왔습니다."
    )
    assert "상태: 확정" in owner_mail.body
    assert f"/events/registrations/{owner.token}/" in owner_mail.body
    assert "/confirm/" not in owner_mail.body
    assert "낯선사람" not in owner_mail.body


def test_other_refusals_are_the_same_for_a_registered_address(client):
    """The address is checked last: a refusal for another reason (here more attendees
    than the capacity) reads the same whether or not the address is registered, and
    sends nothing."""
    event = open_event(capacity=2)
    register(event, by=UserFactory(), contact_email="victim@example.com")
    mail.outbox.clear()
    answers = []
    for email in ("victim@example.com", "nobody@example.com"):
        response = Client().post(register_url(event), form_data(contact_email=email, attendees=3))
        answers.append(
            (
                response.status_code,
                "참석 인원이 행사 정원(2명)보다 많습니다." in response.content.decode(),
            )
        )
    assert answers == [(400, True), (400, True)]
    assert mail.outbox == []


def test_confirmation_mail_says_unconfirmed_registrations_are_deleted(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        register(open_event())
    assert (
        "직접 신청하지 않았다면 이 메일을 무시해 주세요. 확인하지 않은 신청은 자리를 차지하지 "
        "않고, 링크의 유효 기간이 지나면 지워집니다."
    ) in mail.outbox[0].body
    assert "링크는 7일 동안 쓸 수 있습니다." in mail.outbox[0].body


def test_member_with_a_registered_address_is_still_told(client, plain_user):
    """Accounts keep the old answer (409 with the reason): the member is signed in."""
    event = open_event()
    register(event, by=UserFactory(), contact_email="taken@example.kr")
    mail.outbox.clear()
    client.force_login(plain_user)
    response = client.post(register_url(event), form_data(contact_email="taken@example.kr"))
    assert response.status_code == 409
    assert "이 이메일로 이미 이 행사에 신청했습니다." in response.content.decode()
    assert mail.outbox == []


def test_strangers_link_page_says_superseded(client, django_capture_on_commit_callbacks):
    event = open_event()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                register_url(event),
                form_data(person_name="낯선사람", contact_email="victim@example.com"),
            )
    stranger_link = confirm_link(mail.outbox[-1].body)
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                register_url(event),
                form_data(person_name="김주인", contact_email="victim@example.com"),
            )
    victim_link = confirm_link(mail.outbox[-1].body)

    for response in (client.get(stranger_link), client.post(stranger_link)):
        assert response.status_code == 400
        html = response.content.decode()
        assert "신청을 확인하지 못했습니다" in html
        assert SUPERSEDED in html
        assert "낯선사람" not in html

    shown = client.get(victim_link)
    assert shown.status_code == 200
    assert "김주인" in shown.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(victim_link)
    assert done.status_code == 303
    victim = Registration.objects.get(person_name="김주인")
    assert done["Location"] == reverse("events:registration", kwargs={"token": victim.token})
    assert victim.status == S.CONFIRMED


def test_expired_link_page_says_so(client, django_capture_on_commit_callbacks):
    event = long_open_event()
    with time_machine.travel(timezone.now() - dt.timedelta(days=8), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            register(event, contact_email="late@example.kr")
    link = confirm_link(mail.outbox[-1].body)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 400
        assert EXPIRED in response.content.decode()


def test_the_message_shows_on_the_cached_event_page(client, settings):
    """The guest lands on the event page, which the anonymous page cache stores: the
    message cookie bypasses the stored copy, and the page with the message is not
    stored for the next visitor."""
    settings.HANJARI_PAGE_CACHE_SECONDS = 60
    event = open_event()
    url = event.get_absolute_url()
    Client().get(url)
    assert Client().get(url)["X-Hanjari-Cache"] == "hit"
    response = client.post(register_url(event), form_data(contact_email="guest@example.kr"))
    page = client.get(response["Location"])
    message = "신청을 받았습니다. guest@example.kr 로 보낸 확인 메일의 링크를 눌러야 접수됩니다."
    assert message in page.content.decode()
    assert message not in Client().get(url).content.decode()


def test_purge_keeps_a_registration_confirmed_after_it_was_chosen(monkeypatch):
    """The purge chooses its rows, then deletes them: a guest who confirms in between
    (the instant the link is still alive) keeps the registration."""
    event = long_open_event()
    old = timezone.now() - dt.timedelta(days=8)
    with time_machine.travel(old, tick=False):
        reg = register(event, contact_email="late@example.kr")
    chosen = [reg.pk]
    # The confirmation lands after the choice (simulated: the row is confirmed now).
    Registration.objects.filter(pk=reg.pk).update(
        status=Registration.Status.CONFIRMED, confirmed_at=timezone.now()
    )
    monkeypatch.setattr(services, "_never_confirmed_before", lambda cutoff: list(chosen))
    assert services.registration_purge_unconfirmed() == 0
    assert Registration.objects.filter(pk=reg.pk).exists()
    assert not AuditEntry.objects.filter(action="events.registration.purged").exists()
