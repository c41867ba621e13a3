"""The anonymous directory CSV (조직 목록 내려받기): streamed row by row, kept per filter
set for the current content generation, and limited per client address (429)."""

from __future__ import annotations

import csv
import io

import pytest

from hanjari.core import pagecache
from hanjari.registry import views
from hanjari.registry.models import DesignationKind
from tests.factories import DesignationFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/organizations/export.csv"


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


@pytest.fixture
def villages(db):
    """Three village enterprises in 전주시 and one cooperative in 군산시."""
    for n in range(3):
        DesignationFactory(organization=OrganizationFactory(name=f"내려받기마을{n}"))
    DesignationFactory(
        organization=OrganizationFactory(name="군산조합", sigungu="군산시"),
        kind=DesignationKind.COOPERATIVE,
    )


def test_export_is_streamed_in_pieces_of_rows(client, villages, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_ROWS_PER_CHUNK", 2)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="hanjari-organizations.csv"'
    chunks = list(response.streaming_content)
    # BOM + header, then 2 rows, then the last 2 rows.
    assert len(chunks) == 3
    assert chunks[0].startswith(b"\xef\xbb\xbf")
    assert [len(c.decode().splitlines()) for c in chunks] == [1, 2, 2]
    names = [r[0] for r in csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig")))]
    assert names == ["이름", "군산조합", "내려받기마을0", "내려받기마을1", "내려받기마을2"]


def test_export_is_kept_per_filter_set_until_content_changes(client, villages, settings):
    settings.HANJARI_EXPORT_CACHE_SECONDS = 600
    first = client.get(URL + "?sigungu=전주시&sido=전북특별자치도")
    assert first["X-Hanjari-Cache"] == "miss"
    first_rows = rows_of(first)
    assert [r[0] for r in first_rows[1:]] == ["내려받기마을0", "내려받기마을1", "내려받기마을2"]

    # The same filters, written in another order: served from the cache, same bytes.
    again = client.get(URL + "?sido=전북특별자치도&sigungu=전주시")
    assert again["X-Hanjari-Cache"] == "hit"
    assert not again.streaming
    assert rows_of(again) == first_rows

    # Other filters are another entry.
    other = client.get(URL + "?kind=cooperative")
    assert other["X-Hanjari-Cache"] == "miss"
    assert [r[0] for r in rows_of(other)[1:]] == ["군산조합"]

    # A content change starts a new generation: the next export is made anew.
    DesignationFactory(organization=OrganizationFactory(name="내려받기마을9"))
    pagecache.bump()
    fresh = client.get(URL + "?sido=전북특별자치도&sigungu=전주시")
    assert fresh["X-Hanjari-Cache"] == "miss"
    assert [r[0] for r in rows_of(fresh)[1:]][-1] == "내려받기마을9"


def test_an_abandoned_export_is_not_kept(client, villages, settings, monkeypatch):
    settings.HANJARI_EXPORT_CACHE_SECONDS = 600
    monkeypatch.setattr(views, "EXPORT_ROWS_PER_CHUNK", 1)
    response = client.get(URL)
    pieces = iter(response.streaming_content)
    next(pieces)
    response.close()  # the client went away after the header
    assert client.get(URL)["X-Hanjari-Cache"] == "miss"


def test_export_is_limited_per_client_address(client, villages, settings):
    settings.HANJARI_EXPORT_RATE_LIMIT = 2
    settings.HANJARI_EXPORT_RATE_WINDOW = 600
    assert client.get(URL).status_code == 200
    assert client.get(URL + "?kind=village").status_code == 200
    refused = client.get(URL)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "600"
    html = refused.content.decode()
    assert "<h1>잠시 뒤에 다시 시도해 주세요</h1>" in html
    assert "10분 뒤에 다시 시도해 주세요 (10분에 2번까지)" in html
    # Another address has its own count.
    assert client.get(URL, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_staff_exports_are_not_limited(client, villages, settings):
    settings.HANJARI_EXPORT_RATE_LIMIT = 1
    client.force_login(UserFactory(username="export_staff", is_staff=True))
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 200]
