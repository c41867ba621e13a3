"""A merge moves the absorbed organisation's links in the apps above the registry
(booths, registrations, events, articles, recognition) to the kept one, and an undo
gives them back (services.organization_merge / organization_merge_undo); undoing an
earlier merge of a chain from the history page (views.MergeUndoView)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, models
from django.urls import reverse

from hanjari.events.models import Booth, Event, ProgrammeItem, Registration
from hanjari.news.models import Article
from hanjari.recognition.models import Commendation, Donation, Plaque
from hanjari.registry import services
from hanjari.registry.models import MergeCandidate, Organization, OrganizationMerge
from hanjari.registry.services import (
    MergeError,
    merge_candidate_decide,
    merge_undo_refusal,
    organization_merge,
    organization_merge_undo,
)
from tests.events.registration_support import open_event
from tests.factories import OrganizationFactory, UserFactory

DAY = dt.date(2025, 11, 20)

# (model, field to the organisation) of every link the merge must move.
FOREIGN_KEYS = [
    (Booth, "organization"),
    (Registration, "organization"),
    (ProgrammeItem, "speaker_organization"),
    (Commendation, "recipient_organization"),
    (Plaque, "recipient_organization"),
    (Donation, "donor_organization"),
    (Donation, "recipient_organization"),
]
MANY_TO_MANY = [
    (Event, "participating_organizations"),
    (Event, "organiser_organizations"),
    (Event, "invited_organizations"),
    (Article, "organizations"),
]


@pytest.fixture
def staff():
    return UserFactory(username="staff", is_staff=True)


def links() -> dict[str, list[tuple]]:
    """Every link to an organisation of the apps above the registry, as rows: the
    models' ids with the organisation's, and the many-to-many rows (id, object,
    organisation) — the full state an undo must bring back."""
    state: dict[str, list[tuple]] = {}
    for model, name in FOREIGN_KEYS:
        state[f"{model.__name__}.{name}"] = sorted(model.objects.values_list("pk", f"{name}_id"))
    for model, name in MANY_TO_MANY:
        through = model._meta.get_field(name).remote_field.through
        state[f"{model.__name__}.{name}"] = sorted(through.objects.values_list())
    return state


def counts() -> dict[str, int]:
    models_ = {m for m, _ in FOREIGN_KEYS} | {m for m, _ in MANY_TO_MANY}
    return {m.__name__: m.objects.count() for m in models_}


def linked_everywhere(org: Organization, event: Event, article: Article) -> None:
    """`org` in every kind of link: a booth, a registration, a talk, the three lists of
    `event`, `article`, a commendation, a plaque and a donation both ways."""
    Booth.objects.create(event=event, organization=org, number=f"A-{org.pk}")
    Registration.objects.create(
        event=event,
        organization=org,
        person_name="김한솔",
        status=Registration.Status.CONFIRMED,
        source=Registration.Source.STAFF,
    )
    ProgrammeItem.objects.create(
        event=event, order=org.pk, title="사례 발표", speaker_organization=org
    )
    event.participating_organizations.add(org)
    event.organiser_organizations.add(org)
    event.invited_organizations.add(org)
    article.organizations.add(org)
    Commendation.objects.create(title="유공 표창", recipient_organization=org, date=DAY)
    Plaque.objects.create(recipient_organization=org, date=DAY)
    Donation.objects.create(donor_organization=org, amount_krw=1_000_000, date=DAY)
    Donation.objects.create(recipient_organization=org, recipient_text="나눔", date=DAY)


def pointing_at(org_pk: int) -> dict[str, list[int]]:
    """Which rows link `org_pk`, by link (ids of the rows or of the linked objects)."""
    result = {}
    for model, name in FOREIGN_KEYS:
        result[f"{model.__name__}.{name}"] = sorted(
            model.objects.filter(**{f"{name}_id": org_pk}).values_list("pk", flat=True)
        )
    for model, name in MANY_TO_MANY:
        result[f"{model.__name__}.{name}"] = sorted(
            model.objects.filter(**{name: org_pk}).values_list("pk", flat=True)
        )
    return result


@pytest.mark.django_db
def test_merge_moves_every_link_and_undo_gives_it_back(staff):
    """Review finding: the merge deleted the booth, nulled the plaque's organisation and
    dropped the event and article links of the absorbed record; undo did not return
    them."""
    event, article = open_event(), Article.objects.create(headline="한마음 장터 열려")
    x, y = OrganizationFactory(name="한솔두부마을"), OrganizationFactory(name="한솔협동조합")
    linked_everywhere(x, event, article)
    x_pk = x.pk
    before, before_counts, x_links = links(), counts(), pointing_at(x_pk)
    assert all(x_links.values())

    organization_merge(keep=y, drop=x, by=staff)

    assert counts() == before_counts  # nothing deleted
    assert pointing_at(y.pk) == x_links  # all on the kept one now (rows keep their ids)
    assert not any(pointing_at(x_pk).values())
    assert not Plaque.objects.filter(recipient_organization=None).exists()
    record = OrganizationMerge.objects.get()
    assert record.moved["links"]["events.booth.organization"] == x_links["Booth.organization"]
    assert record.moved["dropped_links"] == {}

    organization_merge_undo(merge=record, by=staff)

    assert links() == before
    assert counts() == before_counts
    assert pointing_at(x_pk) == x_links


@pytest.mark.django_db
def test_links_both_had_are_kept_once_and_undo_makes_the_absorbed_ones_again(staff):
    event, article = open_event(), Article.objects.create(headline="한마음 장터 열려")
    other = open_event(title="사회적경제 박람회")
    x, y = OrganizationFactory(name="가"), OrganizationFactory(name="나")
    for org in (x, y):
        event.participating_organizations.add(org)
        event.organiser_organizations.add(org)
        article.organizations.add(org)
    other.participating_organizations.add(x)  # only x: moves
    before = links()

    organization_merge(keep=y, drop=x, by=staff)

    assert list(event.participating_organizations.all()) == [y]
    assert list(event.organiser_organizations.all()) == [y]
    assert list(article.organizations.all()) == [y]
    assert list(other.participating_organizations.all()) == [y]
    record = OrganizationMerge.objects.get()
    dropped = record.moved["dropped_links"]
    assert [r["to"] for r in dropped["news.article_organizations.organization"]] == [article.pk]
    assert [r["to"] for r in dropped["events.event_participating_organizations.organization"]] == [
        event.pk
    ]

    organization_merge_undo(merge=record, by=staff)

    assert links() == before  # the same rows, with their ids


@pytest.mark.django_db
@pytest.mark.parametrize("undo_first", ["earlier", "later"])
def test_chained_merges_give_back_links_in_either_undo_order(staff, undo_first):
    """p's event link moves to q; q is then absorbed by r, which is in the event itself
    (q's row is dropped). Either undo order ends with the links as at the start."""
    event = open_event()
    p, q, r = (OrganizationFactory(name=n) for n in ("가", "나", "다"))
    event.participating_organizations.add(p, r)
    Booth.objects.create(event=event, organization=p, number="1")
    before, ids = links(), (p.pk, q.pk, r.pk)
    organization_merge(keep=q, drop=p, by=staff)
    q.refresh_from_db()
    organization_merge(keep=r, drop=q, by=staff)
    assert list(event.participating_organizations.all()) == [r]
    earlier, later = OrganizationMerge.objects.order_by("pk")

    if undo_first == "earlier":
        organization_merge_undo(merge=earlier, by=staff)
        assert set(event.participating_organizations.values_list("pk", flat=True)) == {
            ids[0],
            ids[2],
        }
        later.refresh_from_db()
        organization_merge_undo(merge=later, by=staff)
    else:
        organization_merge_undo(merge=later, by=staff)
        earlier.refresh_from_db()
        organization_merge_undo(merge=earlier, by=staff)

    assert links() == before


@pytest.mark.django_db
def test_a_link_allowed_once_that_both_have_refuses_the_merge(staff, monkeypatch):
    """A link a unique constraint allows only once per organisation cannot be moved to
    an organisation that has one: the merge is refused, naming it, and nothing changes."""
    constraint = models.UniqueConstraint(fields=["event", "organization"], name="one_booth")
    monkeypatch.setattr(Booth._meta, "total_unique_constraints", [constraint])
    event = open_event()
    x, y = OrganizationFactory(name="가"), OrganizationFactory(name="나")
    Booth.objects.create(event=event, organization=x, number="1")
    Booth.objects.create(event=event, organization=y, number="2")
    before = links()

    with pytest.raises(MergeError, match="홍보부스"):
        organization_merge(keep=y, drop=x, by=staff)

    assert links() == before
    assert Organization.objects.filter(pk=x.pk).exists()
    assert not OrganizationMerge.objects.exists()


def _candidate(left, right):
    return MergeCandidate.objects.create(
        left=left, right=right, left_name=left.name, right_name=right.name, score=90, reason="비슷"
    )


@pytest.mark.django_db(transaction=True)
def test_undoing_the_earlier_merge_of_a_chain_from_the_page(client, staff):
    """Review finding: p merged into q (from a candidate), then q into r; undoing the
    first merge answered 500 (FOREIGN KEY constraint failed at COMMIT: the restored
    candidate named q, deleted since). It now works; the candidate asks about r."""
    p, q, r = (OrganizationFactory(name=n) for n in ("가", "나", "다"))
    first_pair = _candidate(q, p)
    merge_candidate_decide(candidate=first_pair, decision="keep_left", by=staff)
    q.refresh_from_db()
    merge_candidate_decide(candidate=_candidate(r, q), decision="keep_left", by=staff)
    earlier, later = OrganizationMerge.objects.order_by("pk")
    earlier.refresh_from_db()
    assert merge_undo_refusal(earlier) is None
    client.force_login(staff)

    response = client.post(reverse("registry:merge-undo", args=[earlier.pk]))

    assert response.status_code == 303
    assert response["Location"] == reverse("registry:organization-history", args=[p.pk])
    earlier.refresh_from_db()
    assert earlier.status == OrganizationMerge.Status.UNDONE
    first_pair.refresh_from_db()
    assert (first_pair.left_id, first_pair.left_name, first_pair.right_id, first_pair.status) == (
        r.pk,
        "다",
        p.pk,
        MergeCandidate.Status.PENDING,
    )
    # The later merge can be undone too, and gives q back.
    response = client.post(reverse("registry:merge-undo", args=[later.pk]))
    assert response["Location"] == reverse("registry:organization-history", args=[q.pk])
    assert set(Organization.objects.values_list("pk", flat=True)) == {p.pk, q.pk, r.pk}


@pytest.mark.django_db
def test_a_database_refusal_of_an_undo_is_a_message_not_a_500(client, staff, monkeypatch):
    keep, drop = OrganizationFactory(name="가"), OrganizationFactory(name="나")
    organization_merge(keep=keep, drop=drop, by=staff)
    record = OrganizationMerge.objects.get()

    def refused(**kwargs):
        raise IntegrityError("FOREIGN KEY constraint failed")

    monkeypatch.setattr(services, "organization_merge_undo", refused)
    client.force_login(staff)
    response = client.post(reverse("registry:merge-undo", args=[record.pk]))

    assert response.status_code == 303
    assert response["Location"] == reverse("registry:organization-history", args=[keep.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "이 병합은 지금 되돌릴 수 없습니다. 그 뒤에 바뀐 기록과 맞지 않습니다."
    ]


@pytest.mark.django_db
def test_moved_list_entries_reach_the_search_index(staff, monkeypatch):
    """The list rows move by an update; the merge tells `m2m_changed` receivers, so the
    article and the event naming the organisation are indexed again."""
    from hanjari.search import registry

    marked: list[tuple[str, list[int]]] = []
    monkeypatch.setattr(
        registry, "mark_dirty", lambda kind, ids, using="default": marked.append((kind, ids))
    )
    event, article = open_event(), Article.objects.create(headline="한마음 장터 열려")
    x, y = OrganizationFactory(name="가"), OrganizationFactory(name="나")
    event.participating_organizations.add(x)
    article.organizations.add(x)
    marked.clear()

    organization_merge(keep=y, drop=x, by=staff)

    assert ("article", [article.pk]) in marked
    assert ("event", [event.pk]) in marked
