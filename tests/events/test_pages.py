"""Event pages: the list (upcoming / past, kind, pages, htmx), the event page (when,
where, registration box, programme, booth map, participants by council, photos, news,
recognition), the staff pages (event, programme, booths, photos, article links,
attendance) and the links from profiles, councils and articles. Services: validation,
audit, staff only."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hanjari.core.models import AuditEntry
from hanjari.events import services
from hanjari.events.models import Booth, Event, EventPhoto, ProgrammeItem, Registration
from hanjari.events.selectors import today_in_seoul
from tests.events.pages_support import make_event, png_upload
from tests.factories import (
    CouncilFactory,
    CouncilMembershipFactory,
    DesignationFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _titles(html: str) -> list[str]:
    return re.findall(r'class="hj-card-title" href="[^"]+">([^<]+)</a>', html)


# --- list --------------------------------------------------------------------------------


def test_list_upcoming_and_past(client):
    today = today_in_seoul()
    soon = make_event(title="곧 열릴 교육", start_date=today + dt.timedelta(days=2))
    later = make_event(title="나중 박람회", start_date=today + dt.timedelta(days=40))
    today_event = make_event(title="오늘 회의", start_date=today)
    old = make_event(title="지난 워크숍", start_date=today - dt.timedelta(days=10), status="held")
    older = make_event(
        title="더 지난 워크숍", start_date=today - dt.timedelta(days=90), status="held"
    )
    html = _html(client.get(reverse("events:list")))
    assert _titles(html) == [today_event.title, soon.title, later.title]
    html = _html(client.get(reverse("events:list"), {"when": "past"}))
    assert _titles(html) == [old.title, older.title]
    assert 'aria-current="page">지난 행사' in html


def test_list_kind_filter_and_unknown_values(client):
    make_event(title="워크숍 A")
    make_event(title="박람회 B", kind=Event.Kind.FAIR)
    html = _html(client.get(reverse("events:list"), {"kind": "fair"}))
    assert _titles(html) == ["박람회 B"]
    html = _html(client.get(reverse("events:list"), {"kind": "nope", "when": "<x>"}))
    assert set(_titles(html)) == {"워크숍 A", "박람회 B"}


def test_list_hides_drafts_except_from_staff(client, staff):
    make_event(title="공개 행사")
    make_event(title="준비 중 행사", status=Event.Status.DRAFT)
    assert _titles(_html(client.get(reverse("events:list")))) == ["공개 행사"]
    client.force_login(staff)
    html = _html(client.get(reverse("events:list")))
    assert set(_titles(html)) == {"공개 행사", "준비 중 행사"}
    assert reverse("events:event-new") in html


def test_list_pages_and_htmx_partial(client):
    today = today_in_seoul()
    for n in range(23):
        make_event(title=f"행사 {n:02d}", start_date=today + dt.timedelta(days=n + 1))
    html = _html(client.get(reverse("events:list")))
    assert len(_titles(html)) == 20
    assert "행사 23개" in html
    page2 = _html(client.get(reverse("events:list"), {"page": 2}))
    assert _titles(page2) == ["행사 20", "행사 21", "행사 22"]
    partial = client.get(reverse("events:list"), {"page": 2}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="event-results"')
    assert "<html" not in body
    assert "HX-Request" in partial["Vary"]


# --- the event page ----------------------------------------------------------------------


def test_event_page_basics(client):
    event = make_event(
        title="2025 한마음 워크숍",
        start_date=dt.date(2031, 5, 2),
        description="활동을 나눕니다.",
        venue_address="전주시 완산구 기린대로 85",
        capacity=50,
    )
    html = _html(client.get(event.get_absolute_url()))
    assert "2031년 5월 2일 (금) 14:00–17:00" in html
    assert "라한호텔 전주" in html and "기린대로 85" in html
    assert "활동을 나눕니다." in html
    assert "신청 받는 중" in html
    assert reverse("events:ics", args=[event.pk]) in html
    assert ' style="' not in html  # CSP: no inline styles
    assert "<script>" not in html


def test_draft_event_is_404_except_for_staff(client, staff):
    event = make_event(status=Event.Status.DRAFT)
    assert client.get(event.get_absolute_url()).status_code == 404
    client.force_login(staff)
    html = _html(client.get(event.get_absolute_url()))
    assert reverse("events:event-edit", args=[event.pk]) in html
    assert reverse("events:attendance", args=[event.pk]) in html


def test_unknown_event_is_404(client):
    assert client.get(reverse("events:event", args=[99999])).status_code == 404


def test_registration_box_seats_and_waitlist(client):
    from tests.events.registration_support import register

    event = make_event(capacity=2)
    with_window = {
        "registration_opens_at": dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
        "registration_closes_at": dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
    }
    event = services.event_update(event=event, data=with_window, by=None)
    html = _html(client.get(event.get_absolute_url()))
    assert "남은 자리 2석 (정원 2명)" in html
    assert reverse("events:register", args=[event.pk]) in html
    assert "참가 신청하기" in html
    for _n in range(2):
        reg = register(event)
        Registration.objects.filter(pk=reg.pk).update(status=Registration.Status.CONFIRMED)
    html = _html(client.get(event.get_absolute_url()))
    assert "정원 2명이 모두 찼습니다." in html
    assert "대기 신청하기" in html


def test_registration_box_before_and_after_window(client):
    future = make_event(
        registration_opens_at=dt.datetime(2098, 1, 1, 9, 0, tzinfo=dt.UTC),
        start_date=dt.date(2099, 1, 1),
    )
    html = _html(client.get(future.get_absolute_url()))
    assert "신청은 2098-01-01 18:00부터 받습니다." in html  # shown in Asia/Seoul
    assert reverse("events:register", args=[future.pk]) not in html
    closed = make_event(registration_closes_at=dt.datetime(2001, 1, 1, tzinfo=dt.UTC))
    html = _html(client.get(closed.get_absolute_url()))
    assert "신청이 마감되었습니다." in html
    held = make_event(start_date=dt.date(2020, 1, 1), status=Event.Status.HELD)
    assert "지난 행사입니다." in _html(client.get(held.get_absolute_url()))


def test_programme_in_order_with_times_kinds_and_speakers(client):
    event = make_event()
    org = OrganizationFactory(name="전주시사회적경제지원센터")
    for data in (
        {"title": "개회", "kind": "opening", "start_time": dt.time(14, 0), "duration_minutes": 10},
        {
            "title": "기념사",
            "kind": "address",
            "start_time": dt.time(14, 10),
            "speaker_name": "김송일",
            "speaker_role": "전주시협동조합협의회장",
        },
        {"title": "성과 보고", "kind": "report", "speaker_organization": org},
    ):
        services.programme_item_add(event=event, data=data, by=None)
    html = _html(client.get(event.get_absolute_url()))
    shown = re.findall(r'<p class="hj-programme-title">.*?</span> (.*?)</p>', html)
    assert shown == ["개회", "기념사", "성과 보고"]
    assert "<time>14:00</time>" in html and "(10분)" in html
    assert "김송일" in html and "전주시협동조합협의회장" in html and "인사말·축사" in html
    assert org.get_absolute_url() in html


def test_booths_list_and_grid_map_without_inline_styles(client):
    event = make_event()
    a = OrganizationFactory(name="두부마을협동조합")
    b = OrganizationFactory(name="한지공방")
    services.booth_add(
        event=event,
        data={"organization": a, "number": "1", "grid_row": 1, "grid_column": 2, "shows": "두부"},
        by=None,
    )
    services.booth_add(
        event=event,
        data={"organization": b, "number": "2", "grid_row": 2, "grid_column": 3},
        by=None,
    )
    services.booth_add(
        event=event, data={"organization": OrganizationFactory(), "number": "3"}, by=None
    )
    html = _html(client.get(event.get_absolute_url()))
    assert "hj-booth-spot hj-r-1 hj-c-2" in html
    assert "hj-booth-spot hj-r-2 hj-c-3" in html
    assert "hj-booth-cols-3" in html
    assert "두부마을협동조합" in html and a.get_absolute_url() in html
    assert ' style="' not in html


def test_booths_on_a_floor_plan_image(client):
    event = make_event()
    event = services.event_update(
        event=event, data={"booth_map": png_upload("plan.png", width=200, height=100)}, by=None
    )
    services.booth_add(
        event=event,
        data={
            "organization": OrganizationFactory(),
            "number": "A1",
            "map_x": Decimal("25"),
            "map_y": Decimal("50"),
        },
        by=None,
    )
    html = _html(client.get(event.get_absolute_url()))
    assert '<svg viewBox="0 0 200 100"' in html
    assert '<circle cx="50.0" cy="50.0"' in html
    assert ">A1</text>" in html


def test_participants_by_council_from_registrations(client):
    from tests.events.registration_support import register

    event = make_event(capacity=None)
    council = CouncilFactory(name="전주시 마을기업협의회")
    quiet = CouncilFactory(name="전주시 자활기업협의회")
    services.event_update(event=event, data={"participating_councils": [council, quiet]}, by=None)
    org = CouncilMembershipFactory(council=council).organization
    reg = register(event, organization=org, attendees=3, person_name="비공개이름")
    Registration.objects.filter(pk=reg.pk).update(status=Registration.Status.CONFIRMED)
    html = _html(client.get(event.get_absolute_url()))
    section = html[html.index('id="participants-title"') :]
    assert "전주시 마을기업협의회" in section and "3명" in section
    assert "전주시 자활기업협의회" in section
    assert "비공개이름" not in html  # counts only, never names


def test_participating_councils_listed_without_registrations(client):
    event = make_event()
    council = CouncilFactory(name="전주시협동조합협의회")
    services.event_update(event=event, data={"participating_councils": [council]}, by=None)
    html = _html(client.get(event.get_absolute_url()))
    assert reverse("registry:council", args=[council.pk]) in html


def test_photos_and_published_articles_only(client, staff):
    from hanjari.news import services as news

    event = make_event()
    services.event_photo_add(event=event, image=png_upload(), caption="단체 사진", by=None)
    published = news.article_create(
        by=staff, data={"headline": "워크숍 열려", "body_source": "본문"}
    )
    published = news.article_publish(
        article=news.article_approve(
            article=news.article_submit(article=published, by=staff), by=staff
        ),
        by=staff,
    )
    draft = news.article_create(by=staff, data={"headline": "아직 초안", "body_source": "본문"})
    event.articles.add(published, draft)
    html = _html(client.get(event.get_absolute_url()))
    photo = EventPhoto.objects.get(event=event)
    assert "단체 사진" in html and photo.image.url in html
    assert reverse("news:article", args=[published.pk]) in html
    assert "아직 초안" not in html


# --- staff: events ---------------------------------------------------------------------------


def _event_post(**overrides):
    data = {
        "title": "새 구매상담회",
        "kind": "consultation",
        "status": "draft",
        "start_date": "2031-04-01",
        "start_time": "10:00",
        "end_date": "",
        "end_time": "12:00",
        "venue_name": "전주시청",
        "eligibility": "anyone",
        "capacity": "30",
    }
    data.update(overrides)
    return data


def test_staff_creates_an_event(client, staff):
    council = CouncilFactory()
    org = OrganizationFactory(name="참여협동조합")
    client.force_login(staff)
    assert client.get(reverse("events:event-new")).status_code == 200
    response = client.post(
        reverse("events:event-new"),
        _event_post(
            participating_councils=[council.pk],
            participating_organizations=f"참여협동조합\n#{org.pk}",
        ),
    )
    event = Event.objects.get(title="새 구매상담회")
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert (event.status, event.end_date, event.capacity) == ("draft", dt.date(2031, 4, 1), 30)
    assert event.created_by == staff
    assert list(event.participating_councils.all()) == [council]
    assert list(event.participating_organizations.all()) == [org]
    assert AuditEntry.objects.filter(
        action="events.event.created", target_id=str(event.pk)
    ).exists()


def test_create_refuses_bad_dates_and_unknown_organisations(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("events:event-new"),
        _event_post(end_date="2031-03-01", participating_organizations="없는조직"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "없는조직: 이 이름의 조직이 없습니다." in html
    response = client.post(reverse("events:event-new"), _event_post(end_date="2031-03-01"))
    assert response.status_code == 400
    assert "종료일은 시작일보다 빠를 수 없습니다." in response.content.decode()
    response = client.post(reverse("events:event-new"), _event_post(end_time="09:00"))
    assert "종료 시각은 시작 시각보다 늦어야 합니다." in response.content.decode()
    assert not Event.objects.exists()


def test_staff_edits_an_event_and_status(client, staff):
    event = make_event(status=Event.Status.DRAFT)
    client.force_login(staff)
    assert client.get(reverse("events:event-edit", args=[event.pk])).status_code == 200
    data = _event_post(title="고친 이름", status="open", start_date=event.start_date.isoformat())
    response = client.post(reverse("events:event-edit", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.status) == ("고친 이름", "open")
    actions = set(
        AuditEntry.objects.filter(target_id=str(event.pk)).values_list("action", flat=True)
    )
    assert {"events.event.updated", "events.event.status"} <= actions


def test_future_event_cannot_be_marked_held(client, staff):
    event = make_event()
    client.force_login(staff)
    data = _event_post(status="held", start_date=event.start_date.isoformat())
    response = client.post(reverse("events:event-edit", args=[event.pk]), data)
    assert response.status_code == 400
    assert "아직 열리지 않은 행사" in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.OPEN
    assert event.title == "사회적경제 한마음 워크숍"  # nothing saved


def test_staff_adds_photos(client, staff):
    event = make_event()
    client.force_login(staff)
    url = reverse("events:event-edit", args=[event.pk])
    response = client.post(
        url, {"form": "photo", "image": png_upload(), "caption": "현장", "alt_text": "참석자들"}
    )
    assert response.status_code == 302
    photo = EventPhoto.objects.get(event=event)
    assert (photo.caption, photo.alt_text, photo.order) == ("현장", "참석자들", 0)
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = client.post(url, {"form": "photo", "image": fake})
    assert response.status_code == 400
    assert EventPhoto.objects.count() == 1


def test_draft_event_images_are_stored_under_random_names(client, staff, settings):
    """Bug: posters, floor plans and photos kept their uploaded names, so a draft
    event's images could be found by guessing /media/events/<year>/<name>."""
    client.force_login(staff)
    data = _event_post(poster=png_upload("홍길동_포스터.PNG"), booth_map=png_upload("IMG_0001.png"))
    assert client.post(reverse("events:event-new"), data).status_code == 302
    event = Event.objects.get(title="새 구매상담회", status=Event.Status.DRAFT)
    url = reverse("events:event-edit", args=[event.pk])
    data = {"form": "photo", "image": png_upload("IMG_0001.png"), "alt_text": "참석자들"}
    assert client.post(url, data).status_code == 302
    event.refresh_from_db()
    names = [event.poster.name, event.booth_map.name, EventPhoto.objects.get().image.name]
    year = today_in_seoul().year
    for name in names:
        assert re.fullmatch(rf"events/{year}/[0-9a-f]{{32}}\.png", name)
        assert (settings.MEDIA_ROOT / name).is_file()
    assert len(set(names)) == 3
    stored = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    assert stored == sorted(name.rsplit("/", 1)[1] for name in names)
    html = _html(client.get(url))
    assert f'src="/media/{names[2]}"' in html and "IMG_0001" not in html
    assert f'src="/media/{names[0]}"' in _html(client.get(event.get_absolute_url()))


def test_photo_service_checks_size_and_format():
    event = make_event()
    big = png_upload()
    big.size = 5 * 1024 * 1024 + 1
    with pytest.raises(ValidationError, match="5 MB"):
        services.event_photo_add(event=event, image=big, by=None)
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    gif = SimpleUploadedFile("x.png", buffer.getvalue(), content_type="image/png")
    with pytest.raises(ValidationError, match="PNG, JPG, WebP"):
        services.event_photo_add(event=event, image=gif, by=None)
    assert not EventPhoto.objects.exists()


def test_staff_links_and_unlinks_articles(client, staff):
    from hanjari.news import services as news

    article = news.article_create(by=staff, data={"headline": "연결할 기사", "body_source": "본문"})
    article = news.article_publish(
        article=news.article_approve(
            article=news.article_submit(article=article, by=staff), by=staff
        ),
        by=staff,
    )
    event = make_event()
    client.force_login(staff)
    url = reverse("events:event-edit", args=[event.pk])
    assert (
        client.post(url, {"form": "link", "article": f"http://x/news/{article.pk}/"}).status_code
        == 302
    )
    assert list(event.articles.all()) == [article]
    assert client.post(url, {"form": "link", "article": "999999"}).status_code == 400
    assert client.post(url, {"form": "unlink", "article": str(article.pk)}).status_code == 302
    assert not event.articles.exists()


# --- staff: programme --------------------------------------------------------------------


def _formset(rows, prefix="rows", initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def _prog_row(title, kind="other", **extra):
    row = {
        "title": title,
        "kind": kind,
        "position": "",
        "item_id": "",
        "start_time": "",
        "duration_minutes": "",
        "speaker_name": "",
        "speaker_role": "",
        "speaker_organization": "",
        "location": "",
    }
    row.update(extra)
    return row


def test_programme_add_reorder_and_delete(client, staff):
    event = make_event()
    client.force_login(staff)
    url = reverse("events:programme-edit", args=[event.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        _formset(
            [_prog_row("개회", "opening"), _prog_row("축사", "address", speaker_name="우범기")]
        ),
    )
    assert response.status_code == 302
    items = list(ProgrammeItem.objects.filter(event=event).order_by("order"))
    assert [(i.order, i.title) for i in items] == [(1, "개회"), (2, "축사")]
    opening, speech = items
    # Swap them, fill a time, add a third at the start.
    rows = [
        _prog_row("개회", "opening", item_id=opening.pk, position="3", start_time="14:05"),
        _prog_row("축사", "address", item_id=speech.pk, position="2", speaker_name="우범기"),
        _prog_row("안내", "other", position="1"),
    ]
    assert client.post(url, _formset(rows, initial=2)).status_code == 302
    items = list(ProgrammeItem.objects.filter(event=event).order_by("order"))
    assert [(i.order, i.title) for i in items] == [(1, "안내"), (2, "축사"), (3, "개회")]
    assert items[2].start_time == dt.time(14, 5)
    # Delete the middle one: the rest close up.
    rows = [
        _prog_row("안내", item_id=items[0].pk, position="1"),
        _prog_row("축사", "address", item_id=items[1].pk, position="2", DELETE="on"),
        _prog_row("개회", "opening", item_id=items[2].pk, position="3"),
    ]
    assert client.post(url, _formset(rows, initial=3)).status_code == 302
    assert [
        (i.order, i.title) for i in ProgrammeItem.objects.filter(event=event).order_by("order")
    ] == [
        (1, "안내"),
        (2, "개회"),
    ]
    actions = list(
        AuditEntry.objects.filter(action__startswith="events.programme").values_list(
            "action", flat=True
        )
    )
    assert {
        "events.programme.added",
        "events.programme.reordered",
        "events.programme.deleted",
    } <= set(actions)


def test_programme_row_without_title_is_refused(client, staff):
    event = make_event()
    client.force_login(staff)
    url = reverse("events:programme-edit", args=[event.pk])
    response = client.post(url, _formset([_prog_row("", "opening", start_time="10:00")]))
    assert response.status_code == 400
    assert not ProgrammeItem.objects.exists()


def test_programme_reorder_service_needs_every_item():
    event = make_event()
    a = services.programme_item_add(event=event, data={"title": "가"}, by=None)
    services.programme_item_add(event=event, data={"title": "나"}, by=None)
    with pytest.raises(ValidationError):
        services.programme_reorder(event=event, ids=[a.pk], by=None)


# --- staff: booths ---------------------------------------------------------------------------


def _booth_row(org_text, number, **extra):
    row = {
        "item_id": "",
        "organization": org_text,
        "number": number,
        "place": "",
        "shows": "",
        "category": "",
        "grid_row": "",
        "grid_column": "",
        "map_x": "",
        "map_y": "",
    }
    row.update(extra)
    return row


def test_booths_add_update_delete(client, staff):
    event = make_event()
    a = OrganizationFactory(name="두부마을협동조합")
    b = OrganizationFactory(name="한지공방")
    client.force_login(staff)
    url = reverse("events:booths-edit", args=[event.pk])
    assert client.get(url).status_code == 200
    rows = [
        _booth_row("두부마을협동조합", "1", grid_row="1", grid_column="1"),
        _booth_row(f"#{b.pk}", "2", grid_row="1", grid_column="2"),
    ]
    assert client.post(url, _formset(rows)).status_code == 302
    booths = {x.number: x for x in Booth.objects.filter(event=event)}
    assert (booths["1"].organization, booths["2"].organization) == (a, b)
    rows = [
        _booth_row(f"#{a.pk} 두부마을협동조합", "1", item_id=booths["1"].pk, shows="두부, 콩물"),
        _booth_row(f"#{b.pk}", "2", item_id=booths["2"].pk, DELETE="on"),
    ]
    assert client.post(url, _formset(rows, initial=2)).status_code == 302
    assert list(Booth.objects.filter(event=event).values_list("number", "shows")) == [
        ("1", "두부, 콩물")
    ]


def test_booth_errors_are_shown_and_nothing_saved(client, staff):
    event = make_event()
    OrganizationFactory(name="같은이름")
    OrganizationFactory(name="같은이름")
    ok = OrganizationFactory(name="하나뿐")
    client.force_login(staff)
    url = reverse("events:booths-edit", args=[event.pk])
    response = client.post(url, _formset([_booth_row("같은이름", "1")]))
    assert response.status_code == 400
    assert "같은 이름의 조직이 여럿입니다" in response.content.decode()
    rows = [
        _booth_row("하나뿐", "1", grid_row="1", grid_column="1"),
        _booth_row(f"#{ok.pk}", "2", grid_row="1", grid_column="1"),
    ]
    response = client.post(url, _formset(rows))
    assert response.status_code == 400
    assert "그 칸에는 이미 다른 부스가 있습니다." in response.content.decode()
    assert not Booth.objects.exists()
    response = client.post(
        url, _formset([_booth_row("하나뿐", "1", grid_row="13", grid_column="1")])
    )
    assert response.status_code == 400
    assert "배치도 칸은 1부터 12까지입니다." in response.content.decode()


# --- staff: attendance --------------------------------------------------------------------


def test_attendance_report_by_council_kind_and_source(client, staff):
    from tests.events.registration_support import register

    event = make_event(capacity=None)
    council = CouncilFactory(name="전주시 마을기업협의회")
    village = CouncilMembershipFactory(council=council).organization
    DesignationFactory(organization=village)  # 마을기업
    r1 = register(event, organization=village, attendees=2)
    r2 = register(event, organization_name="직접 적은 곳")
    Registration.objects.filter(pk__in=[r1.pk, r2.pk]).update(status=Registration.Status.CONFIRMED)
    Registration.objects.filter(pk=r1.pk).update(
        checked_in_at=dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    )
    client.force_login(staff)
    html = _html(client.get(reverse("events:attendance", args=[event.pk])))
    by_council = html[html.index('id="by-council-title"') : html.index('id="by-sector-title"')]
    assert "전주시 마을기업협의회" in by_council and "협의회 없음" in by_council
    by_sector = html[html.index('id="by-sector-title"') : html.index('id="by-source-title"')]
    assert "마을기업" in by_sector and "소속 조직 없음" in by_sector
    by_source = html[html.index('id="by-source-title"') : html.index('id="status-title"')]
    assert "누리집 (비회원)" in by_source
    assert re.search(r"<dt>확정 인원</dt><dd>3</dd>", html)
    assert re.search(r"<dt>도착 인원</dt><dd>2</dd>", html)


# --- services ------------------------------------------------------------------------------


def test_services_refuse_non_staff(plain_user):
    event = make_event()
    with pytest.raises(PermissionDenied):
        services.event_create(data={"title": "x", "start_date": dt.date(2031, 1, 1)}, by=plain_user)
    with pytest.raises(PermissionDenied):
        services.event_set_status(event=event, status="closed", by=plain_user)
    with pytest.raises(PermissionDenied):
        services.programme_item_add(event=event, data={"title": "x"}, by=plain_user)
    with pytest.raises(PermissionDenied):
        services.booth_add(event=event, data={}, by=plain_user)


def test_services_refuse_unknown_fields_and_status():
    """A key that is not an event field is a programming error (`apply_fields`:
    TypeError, not a message for a person); the status has its own service."""
    event = make_event()
    with pytest.raises(TypeError, match="fields not allowed here: status"):
        services.event_update(event=event, data={"status": "held"}, by=None)
    assert Event.objects.get(pk=event.pk).status == event.status
    with pytest.raises(ValidationError):
        services.event_set_status(event=event, status="bogus", by=None)


def test_end_time_needs_a_start_time():
    with pytest.raises(ValidationError) as exc:
        make_event(start_time=None, end_time=dt.time(12, 0))
    assert "end_time" in exc.value.message_dict


# --- links from other pages ---------------------------------------------------------------------


def test_organisation_profile_lists_its_events(client):
    org = OrganizationFactory(name="참여조직")
    a = make_event(title="참여한 워크숍")
    services.event_update(event=a, data={"participating_organizations": [org]}, by=None)
    b = make_event(title="부스 낸 박람회")
    services.booth_add(event=b, data={"organization": org, "number": "1"}, by=None)
    c = make_event(title="신청한 교육", capacity=None)
    from tests.events.registration_support import register

    reg = register(c, organization=org)
    Registration.objects.filter(pk=reg.pk).update(status=Registration.Status.CONFIRMED)
    d = make_event(title="대기만 한 회의")
    reg = register(d, organization=org)
    Registration.objects.filter(pk=reg.pk).update(status=Registration.Status.WAITLISTED)
    hidden = make_event(title="초안 행사", status=Event.Status.DRAFT)
    services.event_update(event=hidden, data={"participating_organizations": [org]}, by=None)
    html = _html(client.get(org.get_absolute_url()))
    section = html[html.index('id="org-events-title"') :]
    for e in (a, b, c):
        assert e.title in section
    assert d.title not in section and hidden.title not in section


def test_council_page_lists_its_events(client):
    council = CouncilFactory(name="전주시 자활기업협의회")
    event = make_event(title="협의회 워크숍")
    services.event_update(event=event, data={"participating_councils": [council]}, by=None)
    html = _html(client.get(reverse("registry:council", args=[council.pk])))
    assert event.get_absolute_url() in html


# --- regression: forged formsets naming one item twice ------------------------------------


@pytest.mark.parametrize("delete_first", [True, False])
def test_programme_same_item_twice_is_400(client, staff, delete_first):
    event = make_event()
    item = services.programme_item_add(event=event, data={"title": "개회"}, by=None)
    client.force_login(staff)
    url = reverse("events:programme-edit", args=[event.pk])
    edit = _prog_row("개회 (고침)", item_id=item.pk, position="1")
    delete = _prog_row("개회", item_id=item.pk, position="2", DELETE="on")
    rows = [delete, edit] if delete_first else [edit, delete]
    response = client.post(url, _formset(rows, initial=1))
    assert response.status_code == 400
    assert "같은 항목이 두 줄에 있습니다" in response.content.decode()
    assert list(ProgrammeItem.objects.filter(event=event).values_list("title", flat=True)) == [
        "개회"
    ]


def test_programme_save_service_refuses_the_same_item_twice():
    event = make_event()
    item = services.programme_item_add(event=event, data={"title": "개회"}, by=None)
    rows = [
        services.ProgrammeRow(item=item, position=1, data={"title": "가"}),
        services.ProgrammeRow(item=item, position=2, data={}, delete=True),
    ]
    with pytest.raises(ValidationError):
        services.programme_save(event=event, rows=rows, by=None)
    assert ProgrammeItem.objects.get(pk=item.pk).title == "개회"


@pytest.mark.parametrize("delete_first", [True, False])
def test_booth_same_item_twice_is_400_and_not_recreated(client, staff, delete_first):
    event = make_event()
    org = OrganizationFactory(name="두부마을협동조합")
    booth = services.booth_add(event=event, data={"organization": org, "number": "1"}, by=None)
    client.force_login(staff)
    url = reverse("events:booths-edit", args=[event.pk])
    edit = _booth_row(f"#{org.pk}", "1", item_id=booth.pk, shows="두부")
    delete = _booth_row(f"#{org.pk}", "1", item_id=booth.pk, DELETE="on")
    rows = [delete, edit] if delete_first else [edit, delete]
    response = client.post(url, _formset(rows, initial=1))
    assert response.status_code == 400
    assert "같은 항목이 두 줄에 있습니다" in response.content.decode()
    assert list(Booth.objects.filter(event=event).values_list("pk", "shows")) == [(booth.pk, "")]


# --- regression: a huge rows-TOTAL_FORMS built absolute_max (1,100) forms, ~28 s -----------


@pytest.mark.parametrize(
    ("name", "row", "most"),
    [
        ("events:programme-edit", _prog_row("개회", "opening"), 100),
        ("events:booths-edit", _booth_row("두부마을협동조합", "1"), 300),
    ],
)
@pytest.mark.parametrize("total", ["100000", "max+1"])
def test_too_many_rows_is_a_400_that_says_why_and_builds_no_row(
    client, staff, name, row, most, total
):
    event = make_event()
    OrganizationFactory(name="두부마을협동조합")
    client.force_login(staff)
    url = reverse(name, args=[event.pk])
    data = _formset([row])
    data["rows-TOTAL_FORMS"] = str(most + 1) if total == "max+1" else total
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"한 번에 {most}줄까지 저장할 수 있습니다. 줄 수를 줄여 다시 저장해 주세요." in html
    assert 'class="hj-row-fieldset"' not in html  # no row form was built
    assert not ProgrammeItem.objects.exists() and not Booth.objects.exists()
    assert client.post(url, _formset([row])).status_code == 302
    assert ProgrammeItem.objects.count() + Booth.objects.count() == 1


def test_duplicate_booth_number_message_in_korean(client, staff):
    event = make_event()
    org = OrganizationFactory(name="한지공방")
    services.booth_add(event=event, data={"organization": org, "number": "7"}, by=None)
    with pytest.raises(ValidationError) as exc:
        services.booth_add(event=event, data={"organization": org, "number": "7"}, by=None)
    assert "이 행사에 같은 부스 번호가 이미 있습니다." in exc.value.messages
    client.force_login(staff)
    url = reverse("events:booths-edit", args=[event.pk])
    response = client.post(url, _formset([_booth_row(f"#{org.pk}", "7")]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "이 행사에 같은 부스 번호가 이미 있습니다." in html
    assert "또한" not in html


def test_programme_duration_at_most_a_day():
    event = make_event()
    with pytest.raises(ValidationError):
        services.programme_item_add(
            event=event, data={"title": "긴 순서", "duration_minutes": 24 * 60 + 1}, by=None
        )
    item = services.programme_item_add(
        event=event, data={"title": "하루", "duration_minutes": 24 * 60}, by=None
    )
    assert item.duration_minutes == 1440


@pytest.mark.parametrize("field", ["title", "venue_name", "venue_address", "organiser_text"])
@pytest.mark.parametrize("bad", ["워크숍\r\nBcc: x@example.kr", "워크숍\n안내", "탭\t문자"])
def test_control_characters_refused_in_one_line_fields(field, bad):
    with pytest.raises(ValidationError) as exc:
        make_event(**{field: bad})
    assert field in exc.value.message_dict
