"""Events (행사) as a search kind: public events are found by their title (particles
and all), programme, venue and organisers; drafts are not; the index follows edits,
programme changes, organiser renames and deletions; the search page and the `search`
command know the kind."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from hanjari.events import services
from hanjari.events.models import Event
from hanjari.search import registry, selectors
from hanjari.search.models import SearchDocument
from tests.events.pages_support import make_event
from tests.factories import CouncilFactory, OrganizationFactory
from tests.search.conftest import make_org

URL = "/search/"


def doc(event: Event) -> SearchDocument | None:
    return SearchDocument.objects.filter(kind="event", object_id=event.pk).first()


def found(text: str, **kw) -> list[tuple[str, str]]:
    """(kind, title) of the ranked results for `text`."""
    _page, results = selectors.ranked(text, **kw)
    return [(r.kind, r.title) for r in results]


def main(html: str) -> str:
    return html[html.index('<main id="main-content"') : html.index("</main>")]


def test_the_event_kind_is_registered_with_its_label():
    doc_type = registry.get("event")
    assert doc_type.model is Event
    assert [t.kind for t in registry.kinds()][:3] == ["organization", "article", "event"]
    with translation.override("ko"):
        assert str(doc_type.label) == "행사"
    with translation.override("en"):
        assert str(doc_type.label) == "Events"


def test_a_public_event_is_found_by_a_particle_bearing_query(db):
    event = make_event(title="한마음 워크숍", venue_name="라한호텔 전주")
    make_org("워크숍없는마을")  # another kind, not matching

    assert ("event", "한마음 워크숍") in found("워크숍에서")
    assert ("event", "한마음 워크숍") in found("한마음 워크숍을")
    page, results = selectors.ranked("워크숍에서", kind="event")
    assert page.counts == {"event": 1}
    assert [(r.object_id, r.url) for r in results] == [(event.pk, f"/events/{event.pk}/")]
    # The venue is searchable too, and the document shows it with the start date.
    assert ("event", "한마음 워크숍") in found("라한호텔에서")
    document = doc(event)
    assert document.meta["region"] == "라한호텔 전주"
    assert document.meta["published"].startswith(event.start_date.isoformat())


def test_programme_organisers_and_region_are_indexed(db, django_capture_on_commit_callbacks):
    council = CouncilFactory(name="완주군 마을기업협의회", sido="전북특별자치도")
    org = OrganizationFactory(name="두레박공방협동조합", sido="전북특별자치도")
    with django_capture_on_commit_callbacks(execute=True):
        event = make_event(
            title="가을 나눔 장터",
            kind=Event.Kind.FAIR,
            description="지역 먹거리와 공예품을 한자리에서 만납니다.",
            venue_address="전라북도 전주시 완산구 서학2길 60",
            organiser_text="전주시",
            organiser_councils=[council],
            participating_organizations=[org],
        )
        services.programme_item_add(
            event=event, data={"title": "청년 농부 특강", "speaker_name": "김보람"}, by=None
        )
    document = doc(event)
    assert document.sido == "전북특별자치도"
    title = ("event", "가을 나눔 장터")
    assert title in found("청년농부 특강은")  # a programme item, spaced differently
    assert title in found("공예품을")  # the description
    assert title in found("마을기업협의회")  # an organising council
    assert title in found("두레박공방협동조합")  # a participating organisation
    assert title in found("박람회")  # its kind (Korean) …
    assert title in found("fair")  # … and English
    assert title in found("장터", kind="event", sido="전북특별자치도")
    assert title not in found("장터", kind="event", sido="서울특별시")


def test_drafts_are_not_found_until_published(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_event(title="비밀기획 워크숍", status=Event.Status.DRAFT)
    assert doc(draft) is None
    assert found("비밀기획") == []
    html = main(client.get(URL, {"q": "비밀기획 워크숍"}).content.decode())
    assert f'href="/events/{draft.pk}/"' not in html
    assert "search-group-event" not in html
    assert "‘비밀기획 워크숍’에 맞는 결과가 없습니다" in html

    with django_capture_on_commit_callbacks(execute=True):
        services.event_set_status(event=draft, status=Event.Status.OPEN, by=None)
    assert doc(draft).title == "비밀기획 워크숍"
    html = main(client.get(URL, {"q": "비밀기획 워크숍"}).content.decode())
    assert f'href="/events/{draft.pk}/"' in html

    # Back to draft: gone again.
    with django_capture_on_commit_callbacks(execute=True):
        services.event_set_status(event=draft, status=Event.Status.DRAFT, by=None)
    assert doc(draft) is None
    assert found("비밀기획") == []


def test_cancelled_events_stay_findable_like_their_public_page(client, db):
    event = make_event(title="취소된 봄 장터", status=Event.Status.CANCELLED)
    assert ("event", "취소된 봄 장터") in found("봄 장터")
    assert client.get(event.get_absolute_url()).status_code == 200


def test_editing_the_title_updates_the_index(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = make_event(title="소나무 워크숍")
    assert found("소나무") == [("event", "소나무 워크숍")]
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(event=event, data={"title": "바람개비 포럼"}, by=None)
    assert doc(event).title == "바람개비 포럼"
    assert "소나무" not in doc(event).terms_a
    assert found("소나무") == []
    assert found("바람개비 포럼에서") == [("event", "바람개비 포럼")]


def test_programme_changes_update_the_index(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = make_event(title="연말 성과공유회")
        item = services.programme_item_add(event=event, data={"title": "탄소중립 특강"}, by=None)
    assert found("탄소중립") == [("event", "연말 성과공유회")]
    with django_capture_on_commit_callbacks(execute=True):
        services.programme_item_update(item=item, data={"title": "자원순환 특강"}, by=None)
    assert found("탄소중립") == []
    assert found("자원순환") == [("event", "연말 성과공유회")]
    with django_capture_on_commit_callbacks(execute=True):
        services.programme_item_delete(item=item, by=None)
    assert found("자원순환") == []
    assert doc(event) is not None


def test_renaming_an_organiser_updates_the_index(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        org = OrganizationFactory(name="하늘빛협동조합")
        event = make_event(title="겨울 나눔 행사", organiser_organizations=[org])
    assert found("하늘빛협동조합", kind="event") == [("event", "겨울 나눔 행사")]
    with django_capture_on_commit_callbacks(execute=True):
        org.name = "바다빛협동조합"
        org.save()
    assert found("하늘빛협동조합", kind="event") == []
    assert found("바다빛협동조합", kind="event") == [("event", "겨울 나눔 행사")]
    # So does renaming a participating council or a speaker's organisation.
    with django_capture_on_commit_callbacks(execute=True):
        council = CouncilFactory(name="들꽃협의회")
        speaker_org = OrganizationFactory(name="별빛공방")
        services.event_update(event=event, data={"participating_councils": [council]}, by=None)
        services.programme_item_add(
            event=event, data={"title": "인사말", "speaker_organization": speaker_org}, by=None
        )
    assert found("들꽃협의회", kind="event") == [("event", "겨울 나눔 행사")]
    assert found("별빛공방", kind="event") == [("event", "겨울 나눔 행사")]
    with django_capture_on_commit_callbacks(execute=True):
        council.name = "솔잎모임"
        council.save()
        speaker_org.name = "해오름상회"
        speaker_org.save()
    assert found("솔잎모임", kind="event") == [("event", "겨울 나눔 행사")]
    assert found("해오름상회", kind="event") == [("event", "겨울 나눔 행사")]
    assert found("들꽃협의회", kind="event") == found("별빛공방", kind="event") == []
    # Removing the organiser (many-to-many) updates it too.
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(event=event, data={"organiser_organizations": []}, by=None)
    assert found("바다빛협동조합", kind="event") == []


def test_deleting_an_event_removes_its_document(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = make_event(title="사라질 워크숍")
        services.programme_item_add(event=event, data={"title": "개회"}, by=None)
    assert doc(event) is not None
    pk = event.pk
    with django_capture_on_commit_callbacks(execute=True):
        event.delete()
    assert not SearchDocument.objects.filter(kind="event", object_id=pk).exists()
    assert found("사라질 워크숍") == []


def test_the_search_page_groups_and_filters_events(client, db):
    event = make_event(
        title="한마음 워크숍",
        start_date=dt.date(2030, 5, 20),
        end_date=dt.date(2030, 5, 20),
    )
    make_org("한마음마을협동조합")

    html = main(client.get(URL, {"q": "한마음"}).content.decode())
    assert re.search(r'<h2 id="search-group-event"[^>]*>행사 <span[^>]*>1건</span>', html)
    assert re.search(r'<h2 id="search-group-organization"[^>]*>조직 <span[^>]*>1건</span>', html)
    assert re.search(r'href="\?q=[^"]*&amp;kind=event">행사 <span[^>]*>1</span>', html)
    assert f'href="/events/{event.pk}/"' in html
    assert '<time datetime="2030-05-20T14:00:00+09:00">2030.05.20</time>' in html
    assert "<span>라한호텔 전주</span>" in html

    filtered = main(client.get(URL, {"q": "한마음", "kind": "event"}).content.decode())
    assert 'aria-current="page">행사 <span class="hj-search-tab-count">1</span>' in filtered
    assert filtered.count('class="hj-search-item"') == 1
    assert f'href="/events/{event.pk}/"' in filtered
    assert "한마음</mark>마을협동조합" not in filtered
    assert '<option value="event" selected>' in filtered

    # (The middleware activates English for the rest of the thread: restore it after.)
    with translation.override(translation.get_language()):
        response = client.get(URL, {"q": "한마음"}, HTTP_ACCEPT_LANGUAGE="en")
    english = main(response.content.decode())
    assert re.search(r'<h2 id="search-group-event"[^>]*>Events <span', english)


def test_the_search_command_takes_the_event_kind(db):
    event = make_event(title="한마음 워크숍")
    make_org("한마음마을협동조합")
    out = StringIO()
    call_command("search", "워크숍에서", "--kind", "event", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["counts"] == {"event": 1}
    assert data["results"] == [
        {
            "kind": "event",
            "id": event.pk,
            "title": "한마음 워크숍",
            "url": f"/events/{event.pk}/",
            "score": data["results"][0]["score"],
        }
    ]
    out = StringIO()
    call_command("search", "한마음", "--kind", "event", "--format", "json", stdout=out)
    assert [r["kind"] for r in json.loads(out.getvalue())["results"]] == ["event"]


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.OPEN])
def test_reindex_keeps_public_events_only(db, status):
    event = make_event(title="다시세기 워크숍", status=status)
    SearchDocument.objects.filter(kind="event").delete()
    out = StringIO()
    call_command("search_reindex", "--kind", "event", stdout=out)
    assert (doc(event) is not None) == (status != Event.Status.DRAFT)
    expected = "event 1 documents" if status != Event.Status.DRAFT else "nothing to index"
    assert expected in out.getvalue()
