"""Registration services (참가 신청): capacity, waitlist promotion, cancellation,
approval, guest confirmation by e-mail, duplicates, the registration window and
eligibility; the audit log and the attendance report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hanjari.core.models import AuditEntry
from hanjari.events import selectors
from hanjari.events.models import Event, Registration
from hanjari.events.services import registrations as services
from hanjari.events.services.registrations import RegistrationError
from hanjari.registry.models import DesignationKind
from tests.events.registration_support import confirm_token, open_event, register
from tests.factories import (
    CouncilFactory,
    CouncilMembershipFactory,
    DesignationFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Registration.Status


def statuses(*regs: Registration) -> list[str]:
    return [Registration.objects.get(pk=r.pk).status for r in regs]


# --- capacity and the waitlist --------------------------------------------------------------


def test_confirmed_until_full_then_waitlisted(staff):
    event = open_event(capacity=3)
    a = register(event, attendees=2, source=Registration.Source.STAFF, by=staff)
    b = register(event, attendees=1, source=Registration.Source.STAFF, by=staff)
    c = register(event, attendees=1, source=Registration.Source.STAFF, by=staff)
    assert statuses(a, b, c) == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]
    assert selectors.seats_taken(event=event) == 3
    assert selectors.seats_left(event=event) == 0
    assert selectors.waitlist_position(registration=c) == 1


def test_party_larger_than_free_seats_is_waitlisted_not_split(member_a):
    event = open_event(capacity=3)
    first = register(event, by=UserFactory(), attendees=2)
    party = register(event, by=member_a, attendees=2)
    assert statuses(first, party) == [S.CONFIRMED, S.WAITLISTED]


def test_more_attendees_than_capacity_refused(plain_user):
    event = open_event(capacity=2)
    with pytest.raises(RegistrationError) as exc:
        register(event, by=plain_user, attendees=3)
    assert exc.value.code == "too_many"
    assert "정원(2명)" in exc.value.messages[0]
    assert not Registration.objects.exists()


def test_no_capacity_means_no_limit(plain_user):
    event = open_event(capacity=None)
    reg = register(event, by=plain_user, attendees=9)
    assert reg.status == S.CONFIRMED
    assert selectors.seats_left(event=event) is None


def test_waitlist_promotion_in_order_fitting_attendees(django_capture_on_commit_callbacks):
    event = open_event(capacity=4)
    users = [UserFactory(email=f"u{i}@example.kr") for i in range(5)]
    a = register(event, by=users[0], attendees=2)
    b = register(event, by=users[1], attendees=2)
    c = register(event, by=users[2], attendees=3)  # first in line, a party of three
    d = register(event, by=users[3], attendees=1)
    e = register(event, by=users[4], attendees=2)
    assert statuses(a, b, c, d, e) == [S.CONFIRMED, S.CONFIRMED] + [S.WAITLISTED] * 3
    assert [selectors.waitlist_position(registration=r) for r in (c, d, e)] == [1, 2, 3]

    # Two seats free: C (3) does not fit and keeps its place, D (1) fits, E (2) no longer.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=a, by=users[0])
    assert statuses(a, c, d, e) == [S.CANCELLED, S.WAITLISTED, S.CONFIRMED, S.WAITLISTED]
    assert selectors.seats_taken(event=event) == 3
    assert [m.to for m in mail.outbox] == [["u3@example.kr"]]
    assert "참가 확정" in mail.outbox[0].subject

    # Two more seats (three free): C, first in line, fits now; E still waits.
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=b, by=users[1])
    assert statuses(c, d, e) == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]
    assert selectors.seats_taken(event=event) == 4
    assert selectors.waitlist_position(registration=e) == 1
    assert AuditEntry.objects.filter(action="events.registration.promoted").count() == 2


def test_promote_after_raising_capacity(staff):
    event = open_event(capacity=1)
    first = register(event, by=UserFactory())
    waiting = [register(event, by=UserFactory()) for _ in range(3)]
    assert statuses(first, *waiting) == [S.CONFIRMED] + [S.WAITLISTED] * 3
    Event.objects.filter(pk=event.pk).update(capacity=3)
    promoted = services.promote_waitlist(event=event, by=staff)
    assert [r.pk for r in promoted] == [waiting[0].pk, waiting[1].pk]
    assert statuses(*waiting) == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]


def test_no_promotion_after_the_event_was_held(staff):
    event = open_event(capacity=1)
    first = register(event, by=UserFactory())
    waiting = register(event, by=UserFactory())
    Event.objects.filter(pk=event.pk).update(status=Event.Status.HELD)
    services.registration_cancel(registration=first, by=staff)
    assert statuses(waiting) == [S.WAITLISTED]


# --- cancellation ---------------------------------------------------------------------------


def test_registrant_cancels_and_cannot_cancel_twice(plain_user):
    event = open_event()
    reg = register(event, by=plain_user)
    now = timezone.now()
    reg = services.registration_cancel(registration=reg, by=plain_user, now=now)
    assert reg.status == S.CANCELLED
    assert reg.cancelled_at == now
    assert AuditEntry.objects.filter(action="events.registration.cancelled").count() == 1
    with pytest.raises(RegistrationError) as exc:
        services.registration_cancel(registration=reg, by=plain_user)
    assert exc.value.code == "state"
    assert "이미 취소된 신청입니다" in exc.value.messages[0]


def test_others_cannot_cancel(plain_user, member_a):
    event = open_event()
    reg = register(event, by=plain_user)
    with pytest.raises(PermissionDenied):
        services.registration_cancel(registration=reg, by=member_a)
    with pytest.raises(PermissionDenied):
        services.registration_cancel(registration=reg, by=None, token=reg.token)
    assert statuses(reg) == [S.CONFIRMED]


def test_guest_cancels_with_the_token_and_staff_may_too(staff, django_capture_on_commit_callbacks):
    event = open_event()
    guest = register(event)
    with pytest.raises(PermissionDenied):
        services.registration_cancel(registration=guest, by=None, token="wrong-token-value-123")
    services.registration_cancel(registration=guest, by=None, token=guest.token)
    assert statuses(guest) == [S.CANCELLED]
    other = register(event, by=UserFactory(email="member@example.kr"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=other, by=staff)
    assert statuses(other) == [S.CANCELLED]
    # Cancelled by staff: the registrant is told.
    assert [m.to for m in mail.outbox] == [["member@example.kr"]]


def test_checked_in_registration_cannot_be_cancelled(plain_user, staff):
    event = open_event()
    reg = register(event, by=plain_user)
    services.registration_check_in(event=event, token=reg.checkin_code, by=staff)
    with pytest.raises(RegistrationError) as exc:
        services.registration_cancel(registration=reg, by=plain_user)
    assert "도착 확인한 신청" in exc.value.messages[0]


def test_registrant_cannot_cancel_after_the_event_was_held(plain_user):
    event = open_event()
    reg = register(event, by=plain_user)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.HELD)
    with pytest.raises(RegistrationError):
        services.registration_cancel(registration=reg, by=plain_user)


# --- approval -------------------------------------------------------------------------------


def test_approval_flow(staff, django_capture_on_commit_callbacks):
    event = open_event(capacity=2, requires_approval=True)
    a = register(event, by=UserFactory(email="a@example.kr"))
    b = register(event, by=UserFactory(email="b@example.kr"))
    c = register(event, by=UserFactory(email="c@example.kr"))
    # Pending registrations hold their seats until staff decide.
    assert statuses(a, b, c) == [S.PENDING, S.PENDING, S.WAITLISTED]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_approve(registration=a, by=staff)
    assert statuses(a) == [S.CONFIRMED]
    assert Registration.objects.get(pk=a.pk).confirmed_at is not None
    assert [m.to for m in mail.outbox] == [["a@example.kr"]]
    assert mail.outbox[0].attachments[0][0] == "checkin-qr.png"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_reject(registration=b, by=staff)
    # B's seat goes to C, who waits for approval in turn.
    assert statuses(b, c) == [S.REJECTED, S.PENDING]
    assert sorted(m.to[0] for m in mail.outbox) == ["b@example.kr", "c@example.kr"]
    assert {e.action for e in AuditEntry.objects.all()} >= {
        "events.registration.approved",
        "events.registration.rejected",
        "events.registration.promoted",
    }


def test_only_staff_decide_and_only_pending_are_approved(staff, plain_user):
    event = open_event(requires_approval=True)
    reg = register(event, by=plain_user)
    with pytest.raises(PermissionDenied):
        services.registration_approve(registration=reg, by=plain_user)
    with pytest.raises(PermissionDenied):
        services.registration_reject(registration=reg, by=None)
    services.registration_approve(registration=reg, by=staff)
    with pytest.raises(RegistrationError) as exc:
        services.registration_approve(registration=reg, by=staff)
    assert "승인 대기 중인 신청만" in exc.value.messages[0]
    with pytest.raises(RegistrationError):
        services.registration_reject(registration=reg, by=staff)


# --- guests ---------------------------------------------------------------------------------


def test_guest_confirms_by_email(django_capture_on_commit_callbacks):
    event = open_event(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        guest = register(event, person_name="김손님", contact_email="Guest@Example.kr")
    assert guest.status == S.UNCONFIRMED
    assert guest.source == Registration.Source.GUEST
    assert selectors.seats_taken(event=event) == 0  # no seat before the confirmation
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Guest@Example.kr"]
    assert event.title in message.subject
    assert "김손님" in message.body
    token = confirm_token(message.body)
    assert guest.token not in token  # the confirmation link is not the registration's token

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.registration_confirm_guest(token=token)
    assert confirmed.status == S.CONFIRMED
    assert confirmed.confirmed_at is not None
    assert selectors.seats_taken(event=event) == 1
    assert len(mail.outbox) == 1
    assert "참가 확정" in mail.outbox[0].subject
    assert f"/events/registrations/{guest.token}/" in mail.outbox[0].body
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert (name, mimetype) == ("checkin-qr.png", "image/png")
    assert content[:8] == b"\x89PNG\r\n\x1a\n"

    # Confirming again changes nothing and sends nothing.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.registration_confirm_guest(token=token)
    assert again.status == S.CONFIRMED
    assert mail.outbox == []


def test_guest_confirmed_when_full_is_waitlisted(django_capture_on_commit_callbacks):
    event = open_event(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        guest = register(event)
    register(event, by=UserFactory())  # takes the only seat before the guest confirms
    token = confirm_token(mail.outbox[0].body)
    assert services.registration_confirm_guest(token=token).status == S.WAITLISTED
    assert guest.pk


def test_guest_needs_an_email_address():
    event = open_event()
    with pytest.raises(ValidationError) as exc:
        register(event, contact_email="")
    assert "contact_email" in exc.value.message_dict


@pytest.mark.parametrize("token", ["", "nonsense", "eyJyIjoxfQ:forged:signature"])
def test_forged_confirmation_link_refused(token):
    event = open_event()
    register(event)
    with pytest.raises(RegistrationError) as exc:
        services.registration_confirm_guest(token=token)
    assert exc.value.code == "bad_token"
    assert "올바른 확인 링크가 아닙니다" in exc.value.messages[0]


def test_expired_confirmation_link_refused(monkeypatch, django_capture_on_commit_callbacks):
    event = open_event()
    with django_capture_on_commit_callbacks(execute=True):
        guest = register(event)
    token = confirm_token(mail.outbox[0].body)
    monkeypatch.setattr(services, "GUEST_CONFIRM_MAX_AGE", -1)
    with pytest.raises(RegistrationError) as exc:
        services.registration_confirm_guest(token=token)
    assert "유효 기간이 지났습니다" in exc.value.messages[0]
    assert statuses(guest) == [S.UNCONFIRMED]


def test_cancelled_guest_cannot_confirm(django_capture_on_commit_callbacks):
    event = open_event()
    with django_capture_on_commit_callbacks(execute=True):
        guest = register(event)
    services.registration_cancel(registration=guest, by=None, token=guest.token)
    with pytest.raises(RegistrationError) as exc:
        services.registration_confirm_guest(token=confirm_token(mail.outbox[0].body))
    assert exc.value.code == "state"


# --- duplicates -----------------------------------------------------------------------------


def test_same_user_twice_refused(plain_user):
    event = open_event()
    register(event, by=plain_user)
    with pytest.raises(RegistrationError) as exc:
        register(event, by=plain_user)
    assert exc.value.code == "duplicate"
    assert "이미 이 행사에 신청했습니다" in exc.value.messages[0]
    assert Registration.objects.count() == 1


def test_same_email_twice_refused_whatever_the_case(plain_user):
    """An e-mail address with a live (not unconfirmed) registration is refused, for a
    member as before (the member is told, 409 on the page) — no mail is sent."""
    event = open_event()
    register(event, by=UserFactory(), contact_email="kim@example.kr")
    mail.outbox.clear()
    with pytest.raises(RegistrationError) as exc:
        register(event, by=plain_user, contact_email="KIM@example.KR")
    assert exc.value.code == "duplicate"
    assert "이 이메일로 이미" in exc.value.messages[0]
    assert Registration.objects.filter(event=event).count() == 1
    assert mail.outbox == []


def test_guest_with_a_registered_email_refused_and_the_address_told(
    django_capture_on_commit_callbacks,
):
    """A guest whose address has a live registration is refused as ``duplicate`` (the
    page answers it like a new registration) and the address gets a mail about its
    existing registration, with that registration's page."""
    event = open_event()
    existing = register(event, by=UserFactory(), contact_email="kim@example.kr")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RegistrationError) as exc:
            register(event, person_name="낯선사람", contact_email="KIM@example.KR")
    assert exc.value.code == "duplicate"
    assert not hasattr(exc.value, "existing")  # the existing one stays inside the service
    assert list(Registration.objects.filter(event=event)) == [existing]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kim@example.kr"]
    assert message.subject == f"[한자리] 이미 신청한 행사: {event.title}"
    assert "이 주소로 이미 신청한 내역이 있어 새 신청은 받지 않았습니다" in message.body
    assert f"/events/registrations/{existing.token}/" in message.body
    assert "낯선사람" not in message.body


def test_registering_again_after_cancelling_is_allowed(plain_user):
    event = open_event()
    first = register(event, by=plain_user)
    services.registration_cancel(registration=first, by=plain_user)
    again = register(event, by=plain_user)
    assert again.status == S.CONFIRMED


def test_same_person_may_register_for_two_events(plain_user):
    register(open_event(), by=plain_user)
    register(open_event(title="다른 행사"), by=plain_user)
    assert Registration.objects.filter(user=plain_user).count() == 2


# --- the window and the status --------------------------------------------------------------


def test_before_the_window_refused_with_the_dates(plain_user):
    seoul = dt.timezone(dt.timedelta(hours=9))
    opens = dt.datetime(2025, 10, 1, 9, 0, tzinfo=seoul)
    closes = dt.datetime(2025, 10, 20, 18, 0, tzinfo=seoul)
    event = open_event(registration_opens_at=opens, registration_closes_at=closes)
    with pytest.raises(RegistrationError) as exc:
        register(event, by=plain_user, now=opens - dt.timedelta(minutes=1))
    assert exc.value.code == "window"
    assert exc.value.messages == [
        "신청 기간이 아닙니다 (2025-10-01 09:00 부터 2025-10-20 18:00 까지)."
    ]
    with pytest.raises(RegistrationError):
        register(event, by=plain_user, now=closes)
    assert not Registration.objects.exists()
    # Inside the window it works.
    assert register(event, by=plain_user, now=opens).status == S.CONFIRMED


def test_window_open_on_one_side(plain_user):
    seoul = dt.timezone(dt.timedelta(hours=9))
    closes = dt.datetime(2025, 10, 20, 18, 0, tzinfo=seoul)
    event = open_event(registration_opens_at=None, registration_closes_at=closes)
    with pytest.raises(RegistrationError) as exc:
        register(event, by=plain_user, now=closes + dt.timedelta(days=1))
    assert exc.value.messages == ["신청 기간이 아닙니다 (2025-10-20 18:00 까지)."]


@pytest.mark.parametrize(
    "status", [Event.Status.DRAFT, Event.Status.CLOSED, Event.Status.HELD, Event.Status.CANCELLED]
)
def test_event_not_open_refused(plain_user, status):
    event = open_event(status=status)
    with pytest.raises(RegistrationError) as exc:
        register(event, by=plain_user)
    assert exc.value.code == "closed"
    assert "신청을 받지 않는 행사입니다" in exc.value.messages[0]


def test_staff_enters_a_registration_outside_the_window(staff):
    event = open_event(
        status=Event.Status.CLOSED,
        registration_closes_at=timezone.now() - dt.timedelta(days=1),
    )
    reg = register(
        event, by=staff, source=Registration.Source.STAFF, contact_email="walkin@example.kr"
    )
    assert (reg.status, reg.source, reg.user_id) == (S.CONFIRMED, "staff", None)


def test_only_staff_use_the_staff_source(plain_user):
    with pytest.raises(PermissionDenied):
        register(open_event(), by=plain_user, source=Registration.Source.STAFF)


# --- eligibility ----------------------------------------------------------------------------


@pytest.fixture
def council_event(db):
    council = CouncilFactory(name="전주시 마을기업협의회")
    event = open_event(eligibility=Event.Eligibility.COUNCILS)
    event.eligible_councils.add(council)
    return event, council


def test_council_members_may_register(council_event):
    event, council = council_event
    member_org = CouncilMembershipFactory(council=council).organization
    user = MembershipFactory(organization=member_org).user
    reg = register(event, by=user, organization=member_org)
    assert reg.status == S.CONFIRMED
    assert reg.affiliation == member_org.name


def test_non_members_and_guests_refused_from_council_events(council_event):
    event, _council = council_event
    outsider = OrganizationFactory()
    user = MembershipFactory(organization=outsider).user
    with pytest.raises(RegistrationError) as exc:
        register(event, by=user, organization=outsider)
    assert exc.value.code == "ineligible"
    assert "전주시 마을기업협의회 회원사만" in exc.value.messages[0]
    with pytest.raises(RegistrationError):
        register(event, by=user)  # a typed organisation cannot be checked
    with pytest.raises(RegistrationError):
        register(event)  # a guest


def test_invited_organizations_only(plain_user):
    invited = OrganizationFactory(name="초청받은협동조합")
    event = open_event(eligibility=Event.Eligibility.INVITED)
    event.invited_organizations.add(invited)
    guest_of_honour = MembershipFactory(organization=invited).user
    assert register(event, by=guest_of_honour, organization=invited).status == S.CONFIRMED
    other = OrganizationFactory()
    with pytest.raises(RegistrationError) as exc:
        register(event, by=MembershipFactory(organization=other).user, organization=other)
    assert "초청받은 조직만" in exc.value.messages[0]


def test_member_cannot_register_for_someone_elses_organization(member_a, org_b):
    with pytest.raises(PermissionDenied):
        register(open_event(), by=member_a, organization=org_b)


def test_staff_entry_skips_eligibility(staff, council_event):
    event, _council = council_event
    reg = register(event, by=staff, source=Registration.Source.STAFF, contact_email="x@example.kr")
    assert reg.status == S.CONFIRMED


# --- audit and reports ----------------------------------------------------------------------


def test_every_write_is_audited(staff, plain_user):
    event = open_event(requires_approval=True)
    reg = register(event, by=plain_user)
    services.registration_approve(registration=reg, by=staff)
    services.registration_check_in(event=event, token=reg.checkin_code, by=staff)
    actions = list(
        AuditEntry.objects.filter(target_id=str(reg.pk))
        .order_by("id")
        .values_list("action", "user__username")
    )
    assert actions == [
        ("events.registration.created", plain_user.username),
        ("events.registration.approved", "staff"),
        ("events.registration.checked_in", "staff"),
    ]
    # Contact data stays out of the audit log.
    assert all("@" not in str(e.data) for e in AuditEntry.objects.all())


def test_attendance_report_by_council_sector_and_source(staff):
    event = open_event(capacity=None)
    village_council = CouncilFactory(name="가 마을기업협의회", sector="village")
    coop_council = CouncilFactory(name="나 협동조합협의회", sector="cooperative")
    village = OrganizationFactory(name="마을기업A")
    DesignationFactory(organization=village, kind=DesignationKind.VILLAGE_ENTERPRISE)
    CouncilMembershipFactory(council=village_council, organization=village)
    both = OrganizationFactory(name="두협의회조합")
    DesignationFactory(organization=both, kind=DesignationKind.SOCIAL_COOPERATIVE)
    DesignationFactory(organization=both, kind=DesignationKind.SOCIAL_ENTERPRISE)
    CouncilMembershipFactory(council=village_council, organization=both)
    CouncilMembershipFactory(council=coop_council, organization=both)
    plain_org = OrganizationFactory(name="인증없는조직")

    r1 = register(event, by=MembershipFactory(organization=village).user, organization=village)
    r2 = register(
        event, by=MembershipFactory(organization=both).user, organization=both, attendees=3
    )
    r3 = register(event, by=MembershipFactory(organization=plain_org).user, organization=plain_org)
    register(event, by=staff, source=Registration.Source.STAFF, contact_email="s@example.kr")
    waiting = register(event, by=UserFactory())
    services.registration_cancel(registration=waiting, by=staff)  # not counted
    for reg in (r1, r2):
        services.registration_check_in(event=event, token=reg.checkin_code, by=staff)
    assert r3.pk

    report = selectors.attendance_report(event=event)
    assert (report.total.registered, report.total.registered_people) == (4, 6)
    assert (report.total.arrived, report.total.arrived_people) == (2, 4)
    council_rows = {r.label: (r.registered_people, r.arrived_people) for r in report.by_council}
    assert council_rows == {
        "가 마을기업협의회": (4, 4),
        "나 협동조합협의회": (3, 3),
        "협의회 없음": (2, 0),
    }
    assert [r.label for r in report.by_council][-1] == "협의회 없음"
    sector_rows = {r.key: r.registered_people for r in report.by_sector}
    assert sector_rows == {
        "social_enterprise": 3,
        "village": 1,
        "cooperative": 3,
        "none": 1,
        "no_organization": 1,
    }
    source_rows = {r.key: r.registered for r in report.by_source}
    assert source_rows == {"web": 3, "staff": 1}


def test_counts_by_status():
    event = open_event(capacity=1)
    register(event, by=UserFactory(), attendees=1)
    register(event, by=UserFactory(), attendees=1)
    register(event)  # unconfirmed guest
    counts = {
        c.status: (c.registrations, c.people) for c in selectors.registration_counts(event=event)
    }
    assert counts["confirmed"] == (1, 1)
    assert counts["waitlisted"] == (1, 1)
    assert counts["unconfirmed"] == (1, 1)
    assert counts["cancelled"] == (0, 0)


def test_capacity_raised_without_promotion_serves_the_waitlist_first():
    event = open_event(capacity=1)
    register(event, by=UserFactory())
    waiting = register(event, by=UserFactory())
    Event.objects.filter(pk=event.pk).update(capacity=2)  # an edit that did not promote
    newcomer = register(event, by=UserFactory())
    assert statuses(waiting, newcomer) == [S.CONFIRMED, S.WAITLISTED]


# --- regression: raising the capacity in an edit promotes the waitlist ------------------------


def test_event_update_raising_capacity_promotes_the_waitlist(
    staff, django_capture_on_commit_callbacks
):
    from hanjari.events.services import events as event_services

    event = open_event(capacity=1)
    first = register(event, by=UserFactory())
    waiting = [register(event, by=UserFactory(email=f"w{i}@example.kr")) for i in range(3)]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event_services.event_update(event=event, data={"capacity": 3}, by=staff)
    assert statuses(first, *waiting) == [S.CONFIRMED, S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]
    assert sorted(m.to[0] for m in mail.outbox) == ["w0@example.kr", "w1@example.kr"]
    # Lowering it promotes nobody; removing the limit promotes the rest.
    event_services.event_update(event=event, data={"capacity": 2}, by=staff)
    assert statuses(waiting[2]) == [S.WAITLISTED]
    event_services.event_update(event=event, data={"capacity": None}, by=staff)
    assert statuses(waiting[2]) == [S.CONFIRMED]


def test_email_subject_stays_one_line_with_a_broken_title(
    plain_user, django_capture_on_commit_callbacks
):
    event = open_event()
    Event.objects.filter(pk=event.pk).update(title="워크숍\r\nBcc: evil@example.kr")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        register(event, by=plain_user, contact_email="me@example.kr")
    (message,) = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "워크숍 Bcc: evil@example.kr" in message.subject


def test_registration_closes_when_the_event_starts_without_an_explicit_deadline():
    """An open event with no registration window that has already started (or, time
    unknown, whose day has passed) refuses registration with the window message."""
    import datetime as dt

    from django.utils import timezone

    from hanjari.events.services.registrations import RegistrationError
    from tests.events.registration_support import open_event, register

    past = (timezone.now() - dt.timedelta(days=3)).date()
    over = open_event(
        start_date=past,
        end_date=past,
        start_time=None,
        end_time=None,
        registration_opens_at=None,
        registration_closes_at=None,
    )
    with pytest.raises(RegistrationError, match="신청 기간이 아닙니다"):
        register(over, person_name="늦은 사람", contact_email="late@example.kr")

    upcoming = open_event(registration_opens_at=None, registration_closes_at=None)
    assert register(upcoming, person_name="제때 온 사람", contact_email="ok@example.kr").pk
