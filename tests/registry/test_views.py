"""Registry pages: what each page shows, filters, htmx partials, exports, edits,
staff import / merge / history, and bad input that must never give a 500."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from hanjari.core.identifiers import brn_check_digit
from hanjari.core.models import AuditEntry
from hanjari.registry import services
from hanjari.registry.models import (
    Designation,
    DesignationKind,
    ImportJob,
    ImportRun,
    MergeCandidate,
    Organization,
    OrganizationMerge,
    SourceRecord,
)
from tests.factories import (
    CouncilFactory,
    CouncilMembershipFactory,
    DesignationFactory,
    OrganizationFactory,
)
from tests.registry.profile_support import edit_data

K = DesignationKind
SS_NAME = "self_sufficiency_enterprises_15091502_2025-12-31.csv"
SS_HEADER = [
    "순번",
    "시도",
    "시군구",
    "자활기업",
    "자활기업구분",
    "대표자명",
    "업종",
    "사업자구분",
    "주소",
]


# ---- helpers -----------------------------------------------------------------------


def export_text(response) -> str:
    """The text of a directory CSV answer (streamed, or whole from the cache)."""
    assert response.status_code == 200
    return response.getvalue().decode("utf-8-sig")


class _Tables(HTMLParser):
    """Rows of cell texts of every <table>, keyed by the table's class attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append((dict(attrs).get("class") or "", []))
        elif tag == "tr" and self.tables:
            self._row = []
            self.tables[-1][1].append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str, css_class: str) -> list[list[str]]:
    parser = _Tables()
    parser.feed(html)
    for classes, rows in parser.tables:
        if css_class in classes.split():
            return rows
    raise AssertionError(f"no table with class {css_class}")


def result_names(response) -> list[str]:
    """Organisation names listed in the directory results, in order."""
    html = response.content.decode()
    start = html.index('id="directory-results"')
    return re.findall(r'<th scope="row"><a href="/organizations/\d+/">([^<]*)</a>', html[start:])


def selected(html: str, select_id: str) -> str:
    """The selected option's value of a <select> ("" when none is marked)."""
    m = re.search(rf'<select id="{select_id}".*?</select>', html, re.S)
    assert m, select_id
    chosen = re.search(r'<option value="([^"]*)" selected>', m.group(0))
    return chosen.group(1) if chosen else ""


def ss_csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(SS_HEADER)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def valid_brn(prefix9: str) -> str:
    return prefix9 + str(brn_check_digit(prefix9))


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (37, 110, 244)).save(buf, format="PNG")
    return buf.getvalue()


def org_with(
    name: str, *kinds: str, sido: str = "전북특별자치도", sigungu: str = "전주시", **fields
):
    org = OrganizationFactory(name=name, sido=sido, sigungu=sigungu, **fields)
    for kind in kinds:
        status = Designation.Status.ACTIVE
        subtype = ""
        if ":" in kind:
            kind, subtype = kind.split(":")
        if kind.endswith("!"):
            kind, status = kind[:-1], Designation.Status.NOT_IN_LATEST
        DesignationFactory(organization=org, kind=kind, subtype=subtype, status=status)
    return org


@pytest.fixture
def sample(db):
    """Nine organisations: six in 전주시, one in 군산시, two in 서울 강남구."""
    return {
        o.name: o
        for o in [
            org_with(
                "햇살마을협동조합",
                f"{K.VILLAGE_ENTERPRISE}:일반식품",
                K.SOCIAL_COOPERATIVE,
                industry="식품 제조업",
            ),
            org_with("콩세상영농조합법인", f"{K.VILLAGE_ENTERPRISE}:관광체험", industry="농업"),
            org_with(
                "전주두부마을",
                f"{K.VILLAGE_ENTERPRISE}:일반식품",
                industry="식품 제조업",
                products="두부, 콩물",
            ),
            org_with("깨끗한자활", K.SELF_SUFFICIENCY_LOCAL, industry="청소"),
            org_with("온누리자활", K.SELF_SUFFICIENCY_LOCAL, industry="집수리"),
            org_with("지난마을기업", f"{K.VILLAGE_ENTERPRISE}!", industry="농업"),
            org_with(
                "군산자활기업", K.SELF_SUFFICIENCY_REGIONAL, sigungu="군산시", industry="청소"
            ),
            org_with(
                "서울사회적기업",
                K.SOCIAL_ENTERPRISE,
                sido="서울특별시",
                sigungu="강남구",
                industry="교육",
            ),
            org_with(
                "서울협동조합", K.COOPERATIVE, sido="서울특별시", sigungu="강남구", industry="교육"
            ),
        ]
    }


CURRENT = {
    "햇살마을협동조합",
    "콩세상영농조합법인",
    "전주두부마을",
    "깨끗한자활",
    "온누리자활",
    "군산자활기업",
    "서울사회적기업",
    "서울협동조합",
}


# ---- home --------------------------------------------------------------------------


def test_home_counts_by_sector_nationally_and_for_the_home_region(client, sample, settings):
    settings.HANJARI_HOME_REGION = "전북 전주시"
    response = client.get(reverse("home"))
    assert response.status_code == 200
    rows = table_rows(response.content.decode(), "hj-counts")
    assert rows[0] == ["분야", "전국", "전북특별자치도 전주시"]
    assert rows[1:] == [
        ["사회적기업", "1", "0"],
        ["마을기업", "3", "3"],
        ["자활기업", "3", "2"],
        ["협동조합", "2", "1"],
        ["합계 (조직 기준)", "8", "5"],
    ]
    html = response.content.decode()
    # Each number links to the directory with the same filter, and that count matches.
    assert 'href="/organizations/?kind=village&amp;sido=' in html
    assert len(result_names(client.get("/organizations/?kind=self_sufficiency&sido=전북"))) == 3
    # Newest organisations are listed with their badges.
    assert "서울협동조합" in html
    assert 'class="krds-badge hj-badge sector-cooperative' in html


def test_home_without_data_says_so(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "아직 등록된 조직이 없습니다" in html
    assert table_rows(html, "hj-counts")[-1] == ["합계 (조직 기준)", "0", "0"]


# ---- directory ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", CURRENT),
        ("all_status=1", CURRENT | {"지난마을기업"}),
        ("kind=village", {"햇살마을협동조합", "콩세상영농조합법인", "전주두부마을"}),
        ("kind=village_enterprise", {"햇살마을협동조합", "콩세상영농조합법인", "전주두부마을"}),
        (
            "kind=village&all_status=on",
            {"햇살마을협동조합", "콩세상영농조합법인", "전주두부마을", "지난마을기업"},
        ),
        ("kind=cooperative", {"햇살마을협동조합", "서울협동조합"}),
        ("kind=self_sufficiency_regional", {"군산자활기업"}),
        ("kind=village&subtype=관광체험", {"콩세상영농조합법인"}),
        ("kind=village&subtype=일반식품", {"햇살마을협동조합", "전주두부마을"}),
        # a 세부 유형 the chosen kind does not use is dropped (the form shows it dropped)
        ("kind=self_sufficiency&subtype=관광체험", {"깨끗한자활", "온누리자활", "군산자활기업"}),
        (
            "sido=전북",
            {"햇살마을협동조합", "콩세상영농조합법인", "전주두부마을", "깨끗한자활", "온누리자활"}
            | {"군산자활기업"},
        ),
        (
            "sido=전라북도&sigungu=전주시",
            {"햇살마을협동조합", "콩세상영농조합법인", "전주두부마을", "깨끗한자활", "온누리자활"},
        ),
        ("sido=전북&sigungu=군산시", {"군산자활기업"}),
        # a 시군구 given with its 구 means the 시
        (
            "sido=전북&sigungu=전주시 덕진구",
            {"햇살마을협동조합", "콩세상영농조합법인", "전주두부마을", "깨끗한자활", "온누리자활"},
        ),
        # a 시군구 without a 시도, or of another 시도, is ignored
        ("sigungu=군산시", CURRENT),
        ("sido=서울&sigungu=군산시", {"서울사회적기업", "서울협동조합"}),
        ("industry=청소", {"깨끗한자활", "군산자활기업"}),
        ("q=두부", {"전주두부마을"}),
        ("q=협동조합", {"햇살마을협동조합", "서울협동조합"}),
        ("q=교육&sido=서울특별시&kind=social_enterprise", {"서울사회적기업"}),
        ("q=없는이름", set()),
    ],
)
def test_directory_filters(client, sample, query, expected):
    response = client.get(f"/organizations/?{query}")
    assert response.status_code == 200
    names = result_names(response)
    assert set(names) == expected
    assert len(names) == len(expected)
    assert f"{len(expected)}개 조직" in response.content.decode()
    if not expected:
        assert "조건에 맞는 조직이 없습니다" in response.content.decode()


@pytest.mark.parametrize(
    ("kind", "expected", "shown"),
    [
        # The sector keys social_enterprise and cooperative are also the values of
        # 인증 사회적기업 and 일반협동조합: the bare value is the sector, exact: the kind.
        ("social_enterprise", {"서울사회적기업", "예비사회적기업하나"}, "social_enterprise"),
        ("exact:social_enterprise", {"서울사회적기업"}, "exact:social_enterprise"),
        ("cooperative", {"햇살마을협동조합", "서울협동조합"}, "cooperative"),
        ("exact:cooperative", {"서울협동조합"}, "exact:cooperative"),
        ("exact:social_cooperative", {"햇살마을협동조합"}, "exact:social_cooperative"),
        # an older link with a bare kind value that is no sector key
        ("self_sufficiency_regional", {"군산자활기업"}, "exact:self_sufficiency_regional"),
        ("exact:nonsense", CURRENT | {"예비사회적기업하나"}, ""),
    ],
)
def test_directory_tells_a_sector_from_its_kind_of_the_same_name(
    client, sample, kind, expected, shown
):
    org_with("예비사회적기업하나", K.PRE_SOCIAL_ENTERPRISE_REGIONAL)
    response = client.get("/organizations/", {"kind": kind})
    assert set(result_names(response)) == expected
    html = response.content.decode()
    assert selected(html, "id_kind") == shown
    kind_select = re.search(r'<select id="id_kind".*?</select>', html, re.S).group(0)
    assert kind_select.count(" selected>") == (1 if shown else 0)
    assert re.search(
        r'<option value="exact:cooperative"( selected)?>일반협동조합</option>', kind_select
    )
    assert re.search(r'<option value="cooperative"( selected)?>협동조합</option>', kind_select)


def test_directory_sorts(client, sample):
    by_name = result_names(client.get("/organizations/"))
    assert by_name == sorted(CURRENT)
    newest = result_names(client.get("/organizations/?sort=-created"))
    assert newest[:2] == ["서울협동조합", "서울사회적기업"]
    by_region = result_names(client.get("/organizations/?sort=region"))
    assert by_region[:2] == ["서울사회적기업", "서울협동조합"]  # 서울특별시 before 전북
    assert by_region[-1] == "햇살마을협동조합"


def test_directory_leads_to_proposing_a_missing_organisation(client, db):
    html = client.get("/organizations/").content.decode()
    assert '<a href="/claims/propose/">새 조직 등록을 신청하세요</a>' in html


def test_directory_is_bookmarkable_and_the_form_shows_the_filters(client, sample):
    response = client.get(
        "/organizations/?sido=전북&sigungu=전주시&kind=village&subtype=일반식품&q=두부"
        "&industry=식품&sort=region&all_status=1"
    )
    html = response.content.decode()
    assert result_names(response) == ["전주두부마을"]
    assert selected(html, "id_sido") == "전북특별자치도"  # the alias resolved
    assert selected(html, "id_sigungu") == "전주시"
    assert selected(html, "id_kind") == "village"
    assert selected(html, "id_subtype") == "일반식품"
    assert selected(html, "id_sort") == "region"
    assert 'id="id_q" name="q" class="krds-input" value="두부"' in html
    assert 'value="식품"' in html
    assert re.search(r'id="id_all_status"[^>]*checked', html)
    # the 시군구 options are those of the chosen 시도
    sigungu_select = re.search(r'<select id="id_sigungu".*?</select>', html, re.S).group(0)
    assert ">군산시</option>" in sigungu_select
    assert "강남구" not in sigungu_select


def test_directory_prints_the_filters_applied(client, sample):
    """A print-only line above the results names the filters set (only those)."""
    html = client.get(
        reverse("registry:directory"), {"kind": "village", "sido": "전북", "q": "두부"}
    ).content.decode()
    line = re.search(r'<p class="hj-print-only hj-print-filters">([^<]*)</p>', html)
    assert line is not None
    assert line.group(1) == "조건: 유형 마을기업 · 시도 전북특별자치도 · 검색어 두부"
    assert html.index("hj-print-filters") < html.index('class="hj-count"')

    html = client.get(
        reverse("registry:directory"),
        {"kind": "village", "subtype": "일반식품", "sido": "전북특별자치도", "sigungu": "전주시"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "조건: 유형 마을기업 · 세부 유형 일반식품 · 시도 전북특별자치도 · 시군구 전주시<" in html

    html = client.get(reverse("registry:directory")).content.decode()
    assert "hj-print-filters" not in html
    assert "조건:" not in html


def test_directory_htmx_returns_only_the_results_and_option_swaps(client, sample):
    response = client.get("/organizations/?sido=전북&kind=village", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "<header" not in html
    assert html.lstrip().startswith('<div id="directory-results"')
    assert set(result_names(response)) == {"햇살마을협동조합", "콩세상영농조합법인", "전주두부마을"}
    # The two dependent selects are replaced whole (not only their options: a browser
    # then kept the last moved option selected, e.g. 진안군 after choosing 전북).
    sigungu = re.search(
        r'<select id="id_sigungu" name="sigungu" class="krds-form-select" hx-swap-oob="true">'
        r"(.*?)</select>",
        html,
        re.S,
    )
    assert sigungu
    assert re.findall(r'<option value="([^"]*)"', sigungu.group(1)) == ["", "군산시", "전주시"]
    assert " selected" not in sigungu.group(1)
    subtype = re.search(
        r'<select id="id_subtype" name="subtype" class="krds-form-select" hx-swap-oob="true">'
        r"(.*?)</select>",
        html,
        re.S,
    )
    assert subtype
    assert re.findall(r'<option value="([^"]*)"', subtype.group(1)) == ["", "관광체험", "일반식품"]
    chosen = client.get(
        "/organizations/?sido=전북&sigungu=군산시&kind=village", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert '<option value="군산시" selected>' in chosen
    assert '<span hx-swap-oob="innerHTML:#directory-status">검색 결과: 3개 조직</span>' in html
    # the full page has no out-of-band swaps
    full = client.get("/organizations/?sido=전북&kind=village").content.decode()
    assert "hx-swap-oob" not in full
    assert "<html" in full


def test_directory_pagination_keeps_filters(client, db):
    for n in range(55):
        org_with(f"페이지테스트{n:02d}", K.VILLAGE_ENTERPRISE)
    org_with("다른조직", K.SELF_SUFFICIENCY_LOCAL)
    response = client.get("/organizations/?q=페이지테스트&kind=village&sort=name")
    assert len(result_names(response)) == 50
    html = response.content.decode()
    assert "55개 조직" in html
    next_link = re.search(r'<a class="page-navi next" href="([^"]+)"', html).group(1)
    query = parse_qs(urlsplit(next_link.replace("&amp;", "&")).query)
    assert query == {"q": ["페이지테스트"], "kind": ["village"], "page": ["2"]}
    page2 = client.get("/organizations/" + next_link.replace("&amp;", "&"))
    assert result_names(page2) == [f"페이지테스트{n}" for n in range(50, 55)]
    assert 'aria-current="page"><span class="sr-only">현재 페이지 </span>2</a>' in (
        page2.content.decode()
    )
    # the CSV link carries the same filters
    export = re.search(r'href="(/organizations/export\.csv[^"]*)"', html).group(1)
    rows = list(csv.reader(io.StringIO(export_text(client.get(export.replace("&amp;", "&"))))))
    assert len(rows) == 1 + 55


# ---- CSV export --------------------------------------------------------------------


def test_csv_export_is_formula_safe_with_bom(client, db):
    for name in ['=HYPERLINK("x")', "+1", "-1", "@SUM(A1)", "평범한조합"]:
        org_with(name, K.COOPERATIVE, industry="=1+1")
    response = client.get("/organizations/export.csv?kind=cooperative")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    data = response.getvalue()  # a streamed answer can be read once
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["이름", "인증·지정", "세부 유형"]
    names = {r[0] for r in rows[1:]}
    assert names == {'\'=HYPERLINK("x")', "'+1", "'-1", "'@SUM(A1)", "평범한조합"}
    assert {r[6] for r in rows[1:]} == {"'=1+1"}
    assert all(r[1] == "일반협동조합" for r in rows[1:])
    assert all(r[10].startswith("http://testserver/organizations/") for r in rows[1:])


def test_csv_export_applies_the_filters_the_page_shows(client, sample):
    # 군산시 is not a 시군구 of 서울: the page and the export both ignore it.
    page = result_names(client.get("/organizations/?sido=서울&sigungu=군산시"))
    text = export_text(client.get("/organizations/export.csv?sido=서울&sigungu=군산시"))
    exported = [r[0] for r in list(csv.reader(io.StringIO(text)))[1:]]
    assert exported == page == ["서울사회적기업", "서울협동조합"]


# ---- profile -----------------------------------------------------------------------


@pytest.fixture
def imported_org(db):
    """An organisation from a (small) official self-sufficiency list."""
    report = services.registry_import(
        data=ss_csv(
            [
                [
                    "1",
                    "전북특별자치도",
                    "전주시",
                    "좋은일자활",
                    "지역",
                    "홍길동",
                    "청소",
                    "",
                    "전북 전주시 완산구 1",
                ]
            ]
        ),
        file_name=SS_NAME,
    )
    assert report.ok, report.errors
    return Organization.objects.get(name="좋은일자활")


def test_profile_shows_designation_source(client, imported_org):
    response = client.get(imported_org.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="hj-page-title">좋은일자활</h1>' in html
    assert "자활기업(지역)" in html
    assert "15091502" in html
    assert "한국자활복지개발원" in html
    assert "「전국자활기업현황」" in html
    assert "<dt>기준일</dt>\n        <dd>2025-12-31</dd>" in html
    assert f"{SS_NAME} 2행" in html
    # breadcrumbs back to the directory
    assert 'aria-current="page">좋은일자활</span>' in html


def test_profile_never_shows_the_representative(client, imported_org):
    assert imported_org.representative == "홍길동"
    response = client.get(imported_org.get_absolute_url())
    assert "홍길동" not in response.content.decode()


@pytest.mark.parametrize("middle", ["01", "45", "79", "90", "99"])
def test_profile_hides_a_sole_traders_brn(client, db, middle):
    brn = valid_brn(f"123{middle}6789")
    org = org_with("개인사업자마을", K.VILLAGE_ENTERPRISE, brn=brn)
    html = client.get(org.get_absolute_url()).content.decode()
    assert "사업자등록번호</th>" not in html
    assert brn not in html
    assert f"{brn[:3]}-{brn[3:5]}-{brn[5:]}" not in html
    assert "taxID" not in html


def test_profile_shows_a_corporate_brn_formatted(client, db):
    org = org_with("법인마을", K.VILLAGE_ENTERPRISE, brn="1248100998")
    html = client.get(org.get_absolute_url()).content.decode()
    assert '<th scope="row">사업자등록번호</th><td>124-81-00998</td>' in html
    assert '"taxID": "124-81-00998"' in html


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("063-123-4567", True),
        ("1588-0000", True),
        ("010-1234-5678", False),
        ("011 234 5678", False),
    ],
)
def test_profile_and_export_hide_mobile_numbers(client, db, phone, shown):
    """Bug: a mobile number (a person's, 개인정보 보호법 §2 1호) was shown as 대표 전화.
    A number from an official list starts public only when it is an office number (the
    importer's rule, `listed_phone_public`)."""
    from hanjari.registry.public import listed_phone_public

    org = org_with(
        "전화마을", K.VILLAGE_ENTERPRISE, phone=phone, phone_public=listed_phone_public(phone)
    )
    html = client.get(org.get_absolute_url()).content.decode()
    assert (phone in html) is shown
    assert ("대표 전화" in html) is shown
    assert ('"telephone"' in html) is shown
    text = export_text(client.get("/organizations/export.csv"))
    [row] = list(csv.reader(io.StringIO(text)))[1:]
    assert row[9] == (phone if shown else "")


@pytest.mark.parametrize(
    ("website", "href"),
    [
        ("https://hanjari.kr/", "https://hanjari.kr/"),
        ("www.hanjari.kr", "https://www.hanjari.kr"),  # bug: was a link relative to the page
        ("javascript:alert(1)", None),  # bug: was a clickable script link
        ("홈페이지 준비 중", None),
    ],
)
def test_profile_website_links_only_to_the_web(client, db, website, href):
    org = org_with("누리집마을", K.VILLAGE_ENTERPRISE)
    # As an older import stored it, switched public.
    Organization.objects.filter(pk=org.pk).update(website=website, website_public=True)
    html = client.get(org.get_absolute_url()).content.decode()
    assert 'href="javascript:' not in html
    if href:
        assert f'<a href="{href}" rel="nofollow noopener" class="hj-external">{website}</a>' in html
        assert _jsonld(html)["sameAs"] == [href]
    else:
        # Not a web address: not shown at all (it was shown as text before the switch).
        assert website not in html
        assert "sameAs" not in _jsonld(html)


def test_profile_with_a_short_unverified_brn_does_not_fail(client, db):
    """Bug: a 9-digit number kept from an official list gave a 500 (brn_display raised)."""
    org = org_with("짧은번호마을", K.VILLAGE_ENTERPRISE)
    Organization.objects.filter(pk=org.pk).update(brn="124810099")
    response = client.get(org.get_absolute_url())
    assert response.status_code == 200
    assert "124810099" not in response.content.decode()


def _jsonld(html: str) -> dict:
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert m
    return json.loads(m.group(1))


def test_profile_jsonld(client, imported_org):
    data = _jsonld(client.get(imported_org.get_absolute_url()).content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["name"] == "좋은일자활"
    assert data["url"] == f"http://testserver{imported_org.get_absolute_url()}"
    assert data["address"]["addressRegion"] == "전북특별자치도"
    [cert] = data["hasCertification"]
    assert cert["@type"] == "Certification"
    assert cert["name"] == "자활기업(지역)"
    assert cert["certificationStatus"] == "https://schema.org/CertificationActive"
    assert "홍길동" not in json.dumps(data, ensure_ascii=False)


def test_profile_jsonld_escapes_script_end(client, db):
    name = '악성</script><script>alert("x")</script>'
    org = org_with(name, K.VILLAGE_ENTERPRISE)
    html = client.get(org.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert _jsonld(html)["name"] == name


def test_profile_links_to_councils_and_council_pages_list_members(client, sample):
    org = sample["콩세상영농조합법인"]
    council = CouncilFactory(name="전주시 마을기업협의회", description="전주 마을기업 모임")
    CouncilMembershipFactory(council=council, organization=org)
    CouncilMembershipFactory(council=council, organization=sample["전주두부마을"])
    html = client.get(org.get_absolute_url()).content.decode()
    assert f'<a href="/councils/{council.pk}/">전주시 마을기업협의회</a>' in html

    listing = client.get(reverse("registry:councils")).content.decode()
    assert "전주시 마을기업협의회" in listing
    assert "회원 2곳" in listing
    page = client.get(reverse("registry:council", args=[council.pk])).content.decode()
    assert "전주 마을기업 모임" in page
    assert page.index("전주두부마을") < page.index("콩세상영농조합법인")


def test_english_pages_name_regions_in_english_and_keep_korean_values(client, sample, settings):
    """With English active, 시도 and 시군구 are shown by their English names (directory
    dropdowns and printed filters, home table header and links, councils list);
    the values in URLs and forms stay the Korean names."""
    settings.HANJARI_HOME_REGION = "전북 전주시"
    CouncilFactory(name="전주시 마을기업협의회", sido="전북특별자치도", sigungu="전주시")
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}

    html = client.get(
        reverse("registry:directory"), {"sido": "전북특별자치도", "sigungu": "전주시"}, **en
    ).content.decode()
    assert '<option value="전북특별자치도" selected>Jeonbuk State</option>' in html
    assert '<option value="서울특별시">Seoul</option>' in html
    assert '<option value="전주시" selected>Jeonju-si</option>' in html
    assert '<option value="군산시">Gunsan-si</option>' in html
    line = re.search(r'<p class="hj-print-only hj-print-filters">([^<]*)</p>', html)
    assert line is not None
    assert "Jeonbuk State" in line.group(1) and "Jeonju-si" in line.group(1)
    assert "전북특별자치도" not in line.group(1)
    # The 시군구 options that htmx swaps in after a 시도 is chosen are English too.
    swapped = client.get(
        reverse("registry:directory"), {"sido": "서울특별시"}, HTTP_HX_REQUEST="true", **en
    ).content.decode()
    assert '<option value="강남구">Gangnam-gu</option>' in swapped

    home = client.get(reverse("home"), **en).content.decode()
    assert table_rows(home, "hj-counts")[0][2] == "Jeonju-si, Jeonbuk State"
    caption = re.search(r'<caption class="sr-only">([^<]*)</caption>', home)
    assert caption is not None and caption.group(1).endswith("Jeonju-si, Jeonbuk State")
    assert "Jeonju-si, Jeonbuk State" in home.split('id="links-title"', 1)[1]

    councils = client.get(reverse("registry:councils"), **en).content.decode()
    assert "Jeonju-si, Jeonbuk State · " in councils

    # In Korean the same places keep their Korean names.
    korean = client.get(reverse("registry:councils")).content.decode()
    assert "전북특별자치도 전주시 · " in korean
    home_ko = client.get(reverse("home")).content.decode()
    assert table_rows(home_ko, "hj-counts")[0][2] == "전북특별자치도 전주시"
    assert ">전북 전주시 조직</a>" in home_ko


def test_profile_edit_links_only_for_editors(client, org_a, member_a, plain_user, staff):
    url = org_a.get_absolute_url()
    assert "정보 고치기" not in client.get(url).content.decode()
    client.force_login(plain_user)
    assert "정보 고치기" not in client.get(url).content.decode()
    client.force_login(member_a)
    html = client.get(url).content.decode()
    assert f'href="/organizations/{org_a.pk}/edit/"' in html
    assert "변경 이력" not in html
    client.force_login(staff)
    assert f'href="/organizations/{org_a.pk}/history/"' in client.get(url).content.decode()


# ---- edit --------------------------------------------------------------------------


def test_member_saves_a_valid_change(client, org_a, member_a):
    client.force_login(member_a)
    url = reverse("registry:organization-edit", args=[org_a.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="industry"' in form.content.decode()
    assert 'name="representative"' not in form.content.decode()

    response = client.post(
        url, edit_data(org_a, industry="카페", address="전주시 완산구 1", website="hanjari.kr")
    )
    assert response.status_code == 302
    assert response["Location"] == org_a.get_absolute_url()
    org_a.refresh_from_db()
    assert org_a.industry == "카페"
    assert org_a.address == "전주시 완산구 1"
    assert org_a.website == "https://hanjari.kr"
    latest = org_a.history.latest()
    assert latest.history_user == member_a
    assert latest.industry == "카페"
    entry = AuditEntry.objects.get(action="registry.organization.updated")
    assert entry.user == member_a
    assert entry.target_id == str(org_a.pk)
    assert set(entry.data["fields"]) == {"industry", "address", "website"}
    assert "조직 정보를 저장했습니다" in client.get(org_a.get_absolute_url()).content.decode()


def test_council_admin_cannot_edit_a_member_profile(client, org_a, council_admin_a):
    """Council admins manage the member list, not the members' profiles."""
    client.force_login(council_admin_a)
    url = reverse("registry:organization-edit", args=[org_a.pk])
    assert client.post(url, edit_data(org_a, phone="063-123-4567")).status_code == 403
    org_a.refresh_from_db()
    assert org_a.phone != "063-123-4567"


def test_invalid_brn_is_refused_with_a_korean_message(client, org_a, staff):
    client.force_login(staff)
    history_before = org_a.history.count()
    response = client.post(
        reverse("registry:organization-edit", args=[org_a.pk]),
        edit_data(org_a, brn="124-81-00999", industry="카페"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "올바른 사업자등록번호가 아닙니다" in html
    assert 'class="form-group is-error"' in html
    org_a.refresh_from_db()
    assert (org_a.brn, org_a.industry) == ("", "서비스업")
    assert org_a.history.count() == history_before
    assert not AuditEntry.objects.exists()
    # The field says it is invalid and points at its hint and its error.
    field = re.search(r'<input[^>]*name="brn"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_brn_help id_brn_error"' in field
    assert 'class="krds-input"' in field
    assert 'id="id_brn_error"' in html


def test_invalid_edit_has_an_error_summary_linking_to_the_fields(client, org_a, staff):
    client.force_login(staff)
    url = reverse("registry:organization-edit", args=[org_a.pk])
    assert "data-hj-error-summary" not in client.get(url).content.decode()
    response = client.post(url, edit_data(org_a, brn="124-81-00999", founded_on="not-a-date"))
    assert response.status_code == 400
    html = response.content.decode()
    summary = html.split("data-hj-error-summary", 1)[1].split("</div>", 1)[0]
    assert "입력한 내용을 확인해 주세요" in summary
    links = re.findall(r'<a href="(#[^"]+)">([^<]+)</a>', summary)
    assert [href for href, _text in links] == ["#id_brn", "#id_founded_on"]
    assert "올바른 사업자등록번호가 아닙니다" in links[0][1]
    assert links[0][1].startswith("사업자등록번호: ")
    assert "<title>오류: " in html


def test_unverified_brn_from_a_list_does_not_block_other_changes(client, org_a, member_a):
    """Bug: an unverified number kept by the importer made every later edit fail."""
    Organization.objects.filter(pk=org_a.pk).update(brn="1248100999")
    org_a.refresh_from_db()
    client.force_login(member_a)
    response = client.post(
        reverse("registry:organization-edit", args=[org_a.pk]), edit_data(org_a, industry="카페")
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert (org_a.industry, org_a.brn, org_a.brn_verified) == ("카페", "1248100999", False)


def test_logo_that_is_not_an_image_is_refused(client, org_a, member_a, settings):
    client.force_login(member_a)
    data = edit_data(org_a, industry="카페")
    data["logo"] = SimpleUploadedFile("logo.png", b"just text, not a picture", "image/png")
    response = client.post(reverse("registry:organization-edit", args=[org_a.pk]), data)
    assert response.status_code == 400
    assert "이미지" in response.content.decode()
    org_a.refresh_from_db()
    assert not org_a.logo
    assert org_a.industry == "서비스업"
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_logo_png_is_accepted_and_shown(client, org_a, member_a, settings):
    client.force_login(member_a)
    data = edit_data(org_a)
    data["logo"] = SimpleUploadedFile("logo.png", png_bytes(), "image/png")
    response = client.post(reverse("registry:organization-edit", args=[org_a.pk]), data)
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.logo.name.startswith("logos/")
    assert (settings.MEDIA_ROOT / org_a.logo.name).is_file()
    html = client.get(org_a.get_absolute_url()).content.decode()
    assert f'<img src="/media/{org_a.logo.name}" alt="가나다협동조합 로고"' in html


def test_logo_is_stored_under_a_random_name(client, org_a, member_a, settings):
    """Bug: a logo kept its uploaded name (which can carry personal data) and could be
    found by guessing /media/logos/<year>/<name>; a new upload gets a new name."""
    client.force_login(member_a)
    url = reverse("registry:organization-edit", args=[org_a.pk])
    names = []
    for _ in range(2):
        data = edit_data(org_a)
        data["logo"] = SimpleUploadedFile("홍길동_로고.JPG", image_bytes("JPEG"), "image/jpeg")
        assert client.post(url, data).status_code == 302
        org_a.refresh_from_db()
        names.append(org_a.logo.name)
    year = timezone.localdate().year
    for name in names:
        assert re.fullmatch(rf"logos/{year}/[0-9a-f]{{32}}\.jpg", name)
        assert (settings.MEDIA_ROOT / name).is_file()
    assert names[0] != names[1]
    assert org_a.history.first().logo == names[1]
    html = client.get(org_a.get_absolute_url()).content.decode()
    assert f'<img src="/media/{names[1]}" alt="가나다협동조합 로고"' in html


def image_bytes(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (37, 110, 244)).save(buf, format=fmt)
    return buf.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
NOT_AN_IMAGE = "올바른 이미지를 업로드하세요"  # Django's own (Korean) message
NOT_ALLOWED = "로고는 PNG, JPG, WebP 그림만 올릴 수 있습니다."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # what Pillow cannot open at all (already refused by Django's ImageField)
        ("logo.svg", SVG, NOT_AN_IMAGE),
        ("logo.png", SVG, NOT_AN_IMAGE),
        ("logo.png", b"<!doctype html><script>alert(1)</script>", NOT_AN_IMAGE),
        # bug: pictures Pillow reads in another format were stored under the name given
        ("logo.png", image_bytes("GIF"), NOT_ALLOWED),
        ("logo.png", image_bytes("BMP"), NOT_ALLOWED),
        ("logo.webp", image_bytes("TIFF"), NOT_ALLOWED),
        ("logo.gif", image_bytes("GIF"), NOT_ALLOWED),
        (
            "logo.jpg",
            image_bytes("PNG"),
            "로고 파일 이름의 확장자(.jpg)가 그림 형식(PNG)과 다릅니다.",
        ),
        (
            "logo.png",
            image_bytes("JPEG"),
            "로고 파일 이름의 확장자(.png)가 그림 형식(JPEG)과 다릅니다.",
        ),
        (
            "logo.webp",
            image_bytes("PNG"),
            "로고 파일 이름의 확장자(.webp)가 그림 형식(PNG)과 다릅니다.",
        ),
    ],
)
def test_logo_whose_real_format_is_not_allowed_or_not_its_name_is_refused(
    client, org_a, member_a, settings, name, content, message
):
    client.force_login(member_a)
    data = edit_data(org_a, industry="카페")
    data["logo"] = SimpleUploadedFile(name, content, "image/png")
    response = client.post(reverse("registry:organization-edit", args=[org_a.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'id="id_logo_error"' in html
    org_a.refresh_from_db()
    assert not org_a.logo
    assert org_a.industry == "서비스업"
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("logo.jpg", "JPEG"), ("LOGO.JPEG", "JPEG"), ("logo.webp", "WEBP"), ("logo.PNG", "PNG")],
)
def test_logo_formats_that_are_accepted(client, org_a, member_a, name, fmt):
    client.force_login(member_a)
    data = edit_data(org_a)
    data["logo"] = SimpleUploadedFile(name, image_bytes(fmt), "application/octet-stream")
    response = client.post(reverse("registry:organization-edit", args=[org_a.pk]), data)
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.logo.name.startswith("logos/")


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.hanjari.kr/",
        "mailto:info@hanjari.kr",
        "http://javascript:alert(1)",
    ],
)
def test_profile_edit_refuses_a_homepage_that_is_not_a_web_address(
    client, org_a, member_a, website
):
    """Bug: ftp:// addresses were accepted and "javascript:alert(1)" was refused only
    with Django's generic "올바른 URL을 입력하세요."; the 누리집 must be an http(s)
    address, with a message that says so."""
    Organization.objects.filter(pk=org_a.pk).update(
        website="https://hanjari.kr/", website_public=True
    )
    org_a.refresh_from_db()
    client.force_login(member_a)
    response = client.post(
        reverse("registry:organization-edit", args=[org_a.pk]),
        edit_data(org_a, website=website, industry="카페"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "누리집은 http:// 또는 https:// 로 시작하는 웹 주소만 쓸 수 있습니다" in html
    assert 'id="id_website_error"' in html
    org_a.refresh_from_db()
    assert (org_a.website, org_a.industry) == ("https://hanjari.kr/", "서비스업")
    page = client.get(org_a.get_absolute_url()).content.decode()
    assert 'href="https://hanjari.kr/"' in page
    assert 'href="javascript:' not in page and 'href="http://javascript:' not in page


@pytest.mark.parametrize(
    ("website", "stored"),
    [
        ("www.hanjari.kr", "https://www.hanjari.kr"),
        ("http://hanjari.kr/about", "http://hanjari.kr/about"),
        ("", ""),
    ],
)
def test_profile_edit_keeps_web_addresses(client, org_a, member_a, website, stored):
    client.force_login(member_a)
    response = client.post(
        reverse("registry:organization-edit", args=[org_a.pk]), edit_data(org_a, website=website)
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.website == stored


def test_edit_refuses_a_sigungu_of_another_sido_silently_normalised(client, org_a, staff):
    client.force_login(staff)
    response = client.post(
        reverse("registry:organization-edit", args=[org_a.pk]),
        edit_data(org_a, sido="전북특별자치도", sigungu="전주시 완산구"),
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.sigungu == "전주시"


# ---- staff: import -----------------------------------------------------------------

BAD_ROWS = [
    ["1", "전북특별자치도", "전주시", "좋은일자활", "지역", "홍길동", "청소", "", "전북 전주시 1"],
    ["2", "전북특별자치도", "전주시", "", "지역", "김철수", "청소", "", "전북 전주시 2"],
]
GOOD_ROWS = [
    ["1", "전북특별자치도", "전주시", "좋은일자활", "지역", "홍길동", "청소", "", "전북 전주시 1"],
    ["2", "전북", "군산시", "나래자활", "광역", "김철수", "청소", "", "전북 군산시 2"],
]


@pytest.fixture
def _upload(django_capture_on_commit_callbacks):
    """Post an upload; the background import (the immediate task backend in tests) runs
    when the request's transaction commits, as it would in the worker."""

    def upload(client, rows, **extra):
        data = {"file": SimpleUploadedFile(SS_NAME, ss_csv(rows), "text/csv"), "dataset": "auto"}
        data.update(extra)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("registry:import"), data)

    return upload


def _job_page(client, response):
    """The job page the upload redirected to (303), as text."""
    assert response.status_code == 303
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("registry:import-job", args=[job.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


def test_import_page_lists_the_form_and_runs(client, staff):
    client.force_login(staff)
    html = client.get(reverse("registry:import")).content.decode()
    assert 'type="file" name="file"' in html
    assert '<select name="dataset" class="krds-form-select"' in html
    assert re.search(r'<input type="date" name="reference_date" class="krds-input"', html)
    assert "15091502" in html  # dataset choices name the official ids
    assert "기록이 없습니다" in html
    assert "올린 파일이 없습니다" in html


def test_import_with_a_bad_row_imports_nothing_and_reports_the_row(client, staff, _upload):
    client.force_login(staff)
    html = _job_page(client, _upload(client, BAD_ROWS))
    assert '<h2 id="job-status-title">오류로 가져오지 않음</h2>' in html
    assert "오류 1건이 있어 아무것도 가져오지 않았습니다" in html
    rows = table_rows(html, "hj-report")
    assert rows[0] == ["행", "열", "값", "이유"]
    assert rows[1] == ["3", "자활기업", "-", "이름이 없습니다."]
    assert Organization.objects.count() == 0
    assert SourceRecord.objects.count() == 0
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert ImportJob.objects.get().run == run
    assert f'href="/staff/imports/{run.pk}/report.csv"' in html


def test_import_good_file_shows_the_report_and_links_the_run(client, staff, _upload):
    client.force_login(staff)
    html = _job_page(client, _upload(client, GOOD_ROWS))
    run = ImportRun.objects.get()
    assert "가져오기를 마쳤습니다" in html
    assert "데이터: 전국자활기업현황 (공공데이터포털 15091502, 한국자활복지개발원)" in html
    assert f'href="/staff/imports/{run.pk}/"' in html
    summary = dict(
        re.findall(r"<dt>([^<]+)</dt><dd>([^<]*)</dd>", html.split('class="hj-summary"')[1])
    )
    assert summary["행 수"] == "2"
    assert summary["새 인증·지정"] == "2"
    assert summary["새 조직"] == "2"
    assert Organization.objects.count() == 2
    page = client.get(reverse("registry:import-run", args=[run.pk])).content.decode()
    assert SS_NAME in page
    assert run.sha256 in page
    assert "15091502 전국자활기업현황 (한국자활복지개발원)" in page
    # the import page lists the job and the run, by whom
    listing = client.get(reverse("registry:import")).content.decode()
    job = ImportJob.objects.get()
    assert f'<a href="/staff/imports/jobs/{job.pk}/">{SS_NAME}</a>' in listing
    assert f'<a href="/staff/imports/{run.pk}/">{SS_NAME}</a>' in listing
    assert "staff" in listing


def test_import_report_csv(client, staff, _upload):
    client.force_login(staff)
    _upload(client, BAD_ROWS)
    run = ImportRun.objects.get()
    response = client.get(reverse("registry:import-run-csv", args=[run.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"import-{run.pk}-report.csv" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["level", "row", "column", "value", "reason"],
        ["error", "3", "자활기업", "", "이름이 없습니다."],
    ]


def test_import_dry_run_shows_counts_and_writes_nothing(client, staff, _upload):
    client.force_login(staff)
    html = _job_page(client, _upload(client, GOOD_ROWS, dry_run="on"))
    assert "시험 실행 결과입니다. 아무것도 저장하지 않았습니다." in html
    summary = dict(
        re.findall(r"<dt>([^<]+)</dt><dd>([^<]*)</dd>", html.split('class="hj-summary"')[1])
    )
    assert summary["행 수"] == "2"
    assert summary["새 인증·지정"] == "2"
    assert summary["기준일"] == "2025-12-31"
    assert "데이터: 전국자활기업현황 (공공데이터포털 15091502, 한국자활복지개발원)" in html
    assert Organization.objects.count() == 0
    assert SourceRecord.objects.count() == 0
    assert ImportRun.objects.count() == 0
    assert ImportJob.objects.get().status == ImportJob.Status.SUCCEEDED


def test_import_refuses_other_file_types(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("registry:import"),
        {"file": SimpleUploadedFile("list.pdf", b"%PDF-1.4", "application/pdf"), "dataset": "auto"},
    )
    assert response.status_code == 400
    assert "XLSX 또는 CSV 파일만 올릴 수 있습니다" in response.content.decode()
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.xlsx", b"PK\x03\x04 not really a zip"),
        ("binary.csv", bytes(range(256)) * 4),
        ("noheader.csv", "가,나,다\r\n1,2,3\r\n".encode()),
    ],
)
def test_import_of_an_unreadable_file_is_a_report_not_a_500(
    client, staff, name, content, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registry:import"),
            {
                "file": SimpleUploadedFile(name, content, "application/octet-stream"),
                "dataset": "auto",
            },
        )
    html = _job_page(client, response)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED
    assert job.report["errors"]
    assert "아무것도 가져오지 않았습니다" in html
    assert Organization.objects.count() == 0


def test_an_empty_upload_is_refused_by_the_form(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("registry:import"),
        {"file": SimpleUploadedFile("empty.csv", b"", "text/csv"), "dataset": "auto"},
    )
    assert response.status_code == 400
    assert ImportJob.objects.count() == 0


# ---- staff: merge queue ------------------------------------------------------------


@pytest.fixture
def candidate(db):
    left = org_with("한마음마을협동조합", K.VILLAGE_ENTERPRISE, brn="1248100998")
    right = org_with("한마음 마을협동조합", K.SELF_SUFFICIENCY_LOCAL)
    return MergeCandidate.objects.create(
        left=left,
        right=right,
        left_name=left.name,
        right_name=right.name,
        score=96.0,
        reason="같은 시군구에 이름이 매우 비슷한 조직이 있습니다.",
    )


def test_merge_queue_shows_both_sides(client, staff, candidate):
    client.force_login(staff)
    html = client.get(reverse("registry:merge-queue")).content.decode()
    assert "한마음마을협동조합 ↔ 한마음 마을협동조합" in html
    assert "같은 시군구에 이름이 매우 비슷한 조직이 있습니다." in html
    assert html.count('class="hj-merge-side"') == 2
    assert "마을기업" in html and "자활기업(지역)" in html
    assert f'action="/staff/merge/{candidate.pk}/"' in html


def test_merge_asks_for_confirmation_then_merges(client, staff, candidate):
    client.force_login(staff)
    url = reverse("registry:merge-decide", args=[candidate.pk])
    left_pk, right_pk = candidate.left_id, candidate.right_id
    queue = client.get(reverse("registry:merge-queue")).content.decode()
    assert f'href="{url}?decision=keep_left"' in queue
    # A merge posted without the confirmation page's answer only leads to that page.
    response = client.post(url, {"decision": "keep_left"})
    assert response.status_code == 303
    assert response["Location"] == f"{url}?decision=keep_left"
    assert Organization.objects.filter(pk=right_pk).exists()
    # The confirmation page: both records side by side, the chosen side preselected.
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert '<h1 class="hj-page-title">병합 확인</h1>' in html
    assert html.count('class="hj-merge-side"') == 2
    assert 'name="decision" value="keep_left" checked' in html
    assert 'name="decision" value="keep_right">' in html
    assert '<input type="hidden" name="confirm" value="yes">' in html
    assert "한마음마을협동조합을(를) 남기고 한마음 마을협동조합을(를) 합칩니다" in html
    assert "변경 이력 화면에서 되돌릴 수 있습니다" in html
    page = client.get(f"{url}?decision=keep_right").content.decode()
    assert 'name="decision" value="keep_right" checked' in page

    response = client.post(url, {"decision": "keep_left", "confirm": "yes"})
    assert response.status_code == 303
    assert response["Location"] == reverse("registry:merge-queue")
    kept = Organization.objects.get(pk=left_pk)
    assert not Organization.objects.filter(pk=right_pk).exists()
    assert {d.kind for d in kept.designations.all()} == {
        K.VILLAGE_ENTERPRISE,
        K.SELF_SUFFICIENCY_LOCAL,
    }
    candidate.refresh_from_db()
    assert candidate.status == MergeCandidate.Status.MERGED
    assert candidate.decided_by == staff
    page = client.get(response["Location"]).content.decode()
    assert "한마음마을협동조합(으)로 합쳤습니다." in page
    assert "검토할 병합 후보가 없습니다" in page

    again = client.post(url, {"decision": "keep_right", "confirm": "yes"}, follow=True)
    assert again.status_code == 200
    assert "이미 결정한 병합 후보입니다." in again.content.decode()
    assert Organization.objects.filter(pk=left_pk).exists()
    # The decided candidate's page says so and offers no merge.
    decided = client.get(url).content.decode()
    assert "이미 결정한 병합 후보입니다 (병합함)." in decided
    assert 'name="confirm"' not in decided


def test_merge_keeps_both_addresses_and_undo_from_the_history(client, staff, candidate):
    client.force_login(staff)
    left, right = candidate.left, candidate.right
    Organization.objects.filter(pk=right.pk).update(address="전북특별자치도 전주시 덕진구 2")
    counts = (Organization.objects.count(), Designation.objects.count())
    url = reverse("registry:merge-decide", args=[candidate.pk])
    client.post(url, {"decision": "keep_left", "confirm": "yes"})
    # The profile shows the absorbed record's address as another address.
    profile = client.get(left.get_absolute_url()).content.decode()
    assert '<h2 id="other-addresses-title">다른 주소</h2>' in profile
    assert "전북특별자치도 전주시 덕진구 2" in profile
    assert "합쳐진 기록 ‘한마음 마을협동조합’의 주소" in profile
    # The history lists the merge with its undo button.
    history_url = reverse("registry:organization-history", args=[left.pk])
    history = client.get(history_url).content.decode()
    merge = OrganizationMerge.objects.get()
    rows = table_rows(history, "hj-merges")
    assert rows[0] == ["때", "합쳐진 조직", "주소", "한 사람", "상태"]
    assert rows[1][1:4] == ["한마음 마을협동조합", "전북특별자치도 전주시 덕진구 2", "staff"]
    undo_url = reverse("registry:merge-undo", args=[merge.pk])
    assert f'action="{undo_url}"' in history
    assert "한마음 마을협동조합 병합 되돌리기" in history

    response = client.post(undo_url)
    assert response.status_code == 303
    assert response["Location"] == reverse("registry:organization-history", args=[right.pk])
    assert (Organization.objects.count(), Designation.objects.count()) == counts
    restored = Organization.objects.get(pk=right.pk)
    assert restored.address == "전북특별자치도 전주시 덕진구 2"
    assert restored.designations.get().kind == K.SELF_SUFFICIENCY_LOCAL
    page = client.get(response["Location"]).content.decode()
    assert "병합을 되돌렸습니다: 한마음 마을협동조합을(를) 다시 따로 두었습니다." in page
    # Gone from the kept profile; the history says it was undone, with no button.
    assert "다른 주소" not in client.get(left.get_absolute_url()).content.decode()
    history = client.get(history_url).content.decode()
    assert f'action="{undo_url}"' not in history
    assert "되돌림 (" in table_rows(history, "hj-merges")[1][4]
    # The pair is back in the queue.
    candidate.refresh_from_db()
    assert candidate.status == MergeCandidate.Status.PENDING
    # A second undo is refused with the message, not a 500.
    again = client.post(undo_url, follow=True)
    assert again.status_code == 200
    assert "이미 되돌린 병합입니다." in again.content.decode()


def test_staff_propose_a_pair_from_a_profile_by_search(client, staff, org_a):
    other = org_with("가나다 협동조합 본점", K.COOPERATIVE, address="전주시 어딘가 9")
    org_with("전혀다른조합", K.COOPERATIVE)
    client.force_login(staff)
    profile = client.get(org_a.get_absolute_url()).content.decode()
    propose_url = reverse("registry:merge-propose", args=[org_a.pk])
    assert '<h2 id="merge-propose-title">병합 후보 올리기 (센터 관리자)</h2>' in profile
    assert f'hx-get="{propose_url}"' in profile
    # Search (htmx: the results fragment only), not an id to type.
    fragment = client.get(propose_url, {"q": "가나다"}, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="merge-propose-results"')
    assert "가나다 협동조합 본점" in fragment
    assert "전혀다른조합" not in fragment
    assert f'href="{org_a.get_absolute_url()}"' not in fragment  # not itself
    assert f'<input type="hidden" name="other" value="{other.pk}">' in fragment
    # Without JavaScript the same search is a page.
    page = client.get(propose_url, {"q": "가나다"}).content.decode()
    assert "<h1" in page and "가나다 협동조합 본점" in page

    response = client.post(propose_url, {"other": other.pk})
    assert response.status_code == 303
    assert response["Location"] == reverse("registry:merge-queue")
    candidate = MergeCandidate.objects.get()
    assert (candidate.left, candidate.right, candidate.status) == (
        org_a,
        other,
        MergeCandidate.Status.PENDING,
    )
    assert candidate.reason == "staff 님이 조직 정보 화면에서 올린 쌍입니다."
    assert 0 < candidate.score < 100
    assert AuditEntry.objects.filter(action="registry.merge_candidate.proposed").count() == 1
    queue = client.get(response["Location"]).content.decode()
    assert "가나다협동조합 ↔ 가나다 협동조합 본점 쌍을 병합 검토 대기열에 올렸습니다." in queue
    # Searching again shows the queued pair as waiting, without a button (newcomer:
    # the button was offered and answered 409).
    again_found = client.get(propose_url, {"q": "가나다"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'<input type="hidden" name="other" value="{other.pk}">' in again_found
    assert "이미 병합 검토 대기열에 있습니다" in again_found
    assert "가나다 협동조합 본점과(와) 병합 후보로 올리기" not in again_found
    # The same pair again (either order): refused with a message.
    again = client.post(reverse("registry:merge-propose", args=[other.pk]), {"other": org_a.pk})
    assert again.status_code == 409
    assert "이미 병합 검토를 기다리는 쌍입니다." in again.content.decode()
    # Itself, or no organisation chosen: 4xx with a message.
    assert client.post(propose_url, {"other": org_a.pk}).status_code == 409
    bad = client.post(propose_url, {"other": "abc"})
    assert bad.status_code == 400
    assert "병합할 조직을 검색해서 골라 주세요." in bad.content.decode()
    assert client.post(propose_url, {"other": "999999"}).status_code == 404
    assert MergeCandidate.objects.count() == 1


def test_a_pair_decided_different_can_be_proposed_again(client, staff, candidate):
    client.force_login(staff)
    url = reverse("registry:merge-decide", args=[candidate.pk])
    client.post(url, {"decision": "distinct"})
    response = client.post(
        reverse("registry:merge-propose", args=[candidate.right_id]), {"other": candidate.left_id}
    )
    assert response.status_code == 303
    candidate.refresh_from_db()
    assert (candidate.status, candidate.decided_by) == (MergeCandidate.Status.PENDING, None)
    assert MergeCandidate.objects.count() == 1


def test_the_proposal_form_is_for_staff_only(client, org_a, member_a):
    assert "merge-propose" not in client.get(org_a.get_absolute_url()).content.decode()
    client.force_login(member_a)
    assert "merge-propose" not in client.get(org_a.get_absolute_url()).content.decode()


def test_merge_distinct_and_bad_decision(client, staff, candidate):
    client.force_login(staff)
    url = reverse("registry:merge-decide", args=[candidate.pk])
    assert client.post(url, {"decision": "explode"}).status_code == 400
    assert client.post(url, {}).status_code == 400
    response = client.post(url, {"decision": "distinct"}, follow=True)
    assert "다른 조직으로 표시했습니다." in response.content.decode()
    assert Organization.objects.filter(pk__in=[candidate.left_id, candidate.right_id]).count() == 2
    candidate.refresh_from_db()
    assert candidate.status == MergeCandidate.Status.DISTINCT
    assert client.post(reverse("registry:merge-decide", args=[999999])).status_code == 404


def test_merge_candidate_whose_side_is_gone(client, staff, candidate):
    """Another merge deleted one side (SET_NULL): the queue still shows it, and merging
    answers with a message, not a 500."""
    Organization.objects.filter(pk=candidate.right_id).delete()
    client.force_login(staff)
    html = client.get(reverse("registry:merge-queue")).content.decode()
    assert "오른쪽: (없음)" in html
    url = reverse("registry:merge-decide", args=[candidate.pk])
    assert "한쪽 조직이 이미 없습니다." in client.get(url).content.decode()
    response = client.post(url, {"decision": "keep_left", "confirm": "yes"}, follow=True)
    assert response.status_code == 200
    assert "한쪽 조직이 이미 없습니다." in response.content.decode()
    response = client.post(url, {"decision": "distinct"}, follow=True)
    assert "다른 조직으로 표시했습니다." in response.content.decode()


# ---- staff: history ----------------------------------------------------------------


def test_history_lists_a_change_with_its_author(client, org_a, member_a, staff):
    client.force_login(member_a)
    client.post(
        reverse("registry:organization-edit", args=[org_a.pk]), edit_data(org_a, industry="카페")
    )
    client.force_login(staff)
    response = client.get(reverse("registry:organization-history", args=[org_a.pk]))
    assert response.status_code == 200
    rows = table_rows(response.content.decode(), "hj-table")
    assert rows[0] == ["때", "대상", "종류", "한 사람", "바뀐 내용"]
    changed = [r for r in rows[1:] if "업종" in r[4]]
    assert len(changed) == 1
    # Korean labels: what kind of change (the group of fields it changed) and the
    # field's verbose name, not "Changed industry".
    assert changed[0][1:4] == ["가나다협동조합", "기본 정보 변경", "member_a"]
    assert changed[0][4] == "업종: 서비스업 → 카페"
    assert rows[-1][1:4] == ["가나다협동조합", "만듦", "시스템(가져오기)"]


# ---- bad input never gives a 500 ---------------------------------------------------

LONG_Q = "가" * 10_000


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/organizations/?page=abc", 200),
        ("/organizations/?page=99999", 200),
        ("/organizations/?page=-1", 200),
        ("/organizations/?page=1e9", 200),
        ("/organizations/?sort=;drop", 200),
        ("/organizations/?sort=-name';--", 200),
        ("/organizations/?kind=bogus", 200),
        ("/organizations/?kind=village&subtype=" + "x" * 500, 200),
        ("/organizations/?sido=아무데나&sigungu=어딘가", 200),
        (f"/organizations/?q={LONG_Q}", 200),
        (f"/organizations/?industry={LONG_Q}", 200),
        ("/organizations/?q=%00", 200),
        ("/organizations/?q=a%00b&industry=%00&sido=%00&sigungu=%00", 200),
        ("/organizations/?kind=village&subtype=%00", 200),
        ("/organizations/?q=%ED%95", 200),  # a broken UTF-8 sequence
        ("/organizations/?q=%25%5F", 200),  # LIKE wildcards are text
        ("/organizations/?all_status=maybe", 200),
        ("/organizations/export.csv?q=%00&page=abc", 200),
        (f"/organizations/export.csv?q={LONG_Q}", 200),
        ("/organizations/999999/", 404),
        ("/organizations/99999999999999999999/", 404),
        ("/organizations/999999/edit/", 404),
        ("/organizations/0/", 404),
        ("/councils/999999/", 404),
        ("/councils/99999999999999999999/", 404),
        ("/nowhere/", 404),
    ],
)
def test_bad_input_never_500(client, sample, url, status):
    response = client.get(url, HTTP_HX_REQUEST="true" if "export" not in url else None)
    assert response.status_code == status
    response = client.get(url)
    assert response.status_code == status
    if status == 404:
        assert "페이지를 찾을 수 없습니다" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/staff/imports/999999/",
        "/staff/imports/999999/report.csv",
        "/organizations/999999/history/",
        "/staff/imports/99999999999999999999/",
        "/staff/merge/?page=abc",
    ],
)
def test_bad_staff_input_never_500(client, staff, url):
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == (200 if "page=" in url else 404)


def test_long_query_is_cut_and_not_echoed_in_links(client, sample):
    """Bug: result links repeated the raw 10,000-character query (pages of 500 kB)."""
    response = client.get(f"/organizations/?q={LONG_Q}&sido=전북")
    html = response.content.decode()
    main = html[html.index('<main id="main-content"') : html.index("</main>")]
    assert len(main) < 30_000
    assert "가" * 201 not in main


def test_links_use_the_canonical_filters(client, sample):
    html = client.get("/organizations/?sido=전북&kind=village&page=1&junk=1").content.decode()
    export = re.search(r'href="(/organizations/export\.csv[^"]*)"', html).group(1)
    query = parse_qs(urlsplit(export.replace("&amp;", "&")).query)
    assert query == {"kind": ["village"], "sido": ["전북특별자치도"]}


def test_edit_with_garbage_never_500(client, org_a, member_a):
    client.force_login(member_a)
    url = reverse("registry:organization-edit", args=[org_a.pk])
    for changes in (
        {"founded_on": "2025-02-30"},
        {"sido": "아틀란티스"},
        {"status": "gone"},
        {"website": "javascript:alert(1)"},
        {"name": ""},
        {"name": "가" * 500},
        {"crn": "1301110006247"},
        {"brn": "1" * 30},
        {"legal_form": "<script>"},
    ):
        response = client.post(url, edit_data(org_a, **changes))
        assert response.status_code == 400, changes
    org_a.refresh_from_db()
    assert org_a.name == "가나다협동조합"


def test_council_admin_manages_their_council_members(client, council_admin_a, org_a, org_b):
    """A council admin (협의회 관리자) finds an organisation, adds it and removes it; the
    audit log records both; another council's admin cannot."""
    from hanjari.core.models import AuditEntry
    from hanjari.registry.models import CouncilMembership

    council = CouncilMembership.objects.get(organization=org_a).council
    client.force_login(council_admin_a)
    page = client.get(reverse("registry:council", args=[council.pk]), {"org_q": "라마바"})
    html = page.content.decode()
    assert "회원 조직 넣기" in html and org_b.name in html

    url = reverse("registry:council-members", args=[council.pk])
    response = client.post(url, {"action": "add", "organization": org_b.pk})
    assert response.status_code == 303
    assert set(council.members.values_list("name", flat=True)) == {org_a.name, org_b.name}
    response = client.post(url, {"action": "remove", "organization": org_a.pk})
    assert response.status_code == 303
    assert list(council.members.values_list("name", flat=True)) == [org_b.name]
    actions = list(
        AuditEntry.objects.filter(target_id=str(council.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["registry.council.member_added", "registry.council.member_removed"]

    assert client.post(url, {"action": "explode", "organization": org_b.pk}).status_code == 400
    assert client.post(url, {"action": "add", "organization": "x"}).status_code == 400
    assert client.post(url, {"action": "add", "organization": 999999}).status_code == 404


def test_council_page_hides_member_management_from_the_public(client, council_admin_a, org_a):
    from hanjari.registry.models import CouncilMembership

    council = CouncilMembership.objects.get(organization=org_a).council
    html = client.get(reverse("registry:council", args=[council.pk])).content.decode()
    assert "회원 조직 넣기" not in html
    assert "회원에서 빼기" not in html


def test_council_admin_cannot_take_over_an_organisation_by_adding_it(
    client, council_admin_a, org_a, org_b
):
    """Regression: a council admin added another organisation to their council and then
    edited its profile. Adding is allowed; editing stays with its members and staff."""
    from hanjari.registry.models import CouncilMembership

    council = CouncilMembership.objects.get(organization=org_a).council
    client.force_login(council_admin_a)
    add = client.post(
        reverse("registry:council-members", args=[council.pk]),
        {"action": "add", "organization": org_b.pk},
    )
    assert add.status_code == 303
    edit_url = reverse("registry:organization-edit", args=[org_b.pk])
    assert client.get(edit_url).status_code == 403
    response = client.post(edit_url, {"name": "HIJACKED", "status": "closed"})
    assert response.status_code == 403
    org_b.refresh_from_db()
    assert org_b.name == "라마바영농조합법인"


def test_council_member_id_must_be_ascii_digits(client, staff, org_a):
    """Regression: "²" passed str.isdigit() and crashed int() with a 500."""
    from hanjari.registry.models import CouncilMembership
    from tests.factories import CouncilFactory

    council = CouncilFactory()
    client.force_login(staff)
    url = reverse("registry:council-members", args=[council.pk])
    for bad in ("²", "9" * 30):
        assert client.post(url, {"action": "add", "organization": bad}).status_code == 400
    assert not CouncilMembership.objects.filter(council=council).exists()


@pytest.mark.parametrize("field", ["brn", "crn"])
def test_non_digit_identifier_is_refused_not_erased(client, org_a, staff, field):
    """Regression: crn=abc was accepted and silently erased the stored number."""
    org_a.crn = "1301110006246"
    org_a.brn = "1248100998"
    org_a.save()
    client.force_login(staff)
    response = client.post(
        reverse("registry:organization-edit", args=[org_a.pk]), edit_data(org_a, **{field: "abc"})
    )
    assert response.status_code == 400
    assert "숫자로 적어 주세요" in response.content.decode()
    org_a.refresh_from_db()
    assert (org_a.brn, org_a.crn) == ("1248100998", "1301110006246")


@pytest.mark.parametrize(
    ("stored", "link"),
    [
        # Values older imports stored before the importer checked schemes and hosts.
        ("http://javascript:alert(1)", ""),
        ("http://-", ""),
        ("http://없음", ""),
        ("http://a.b:alert(1)", ""),
        ("javascript:alert(1)", ""),
        ("https://www.hanjari.kr/a?b=1", "https://www.hanjari.kr/a?b=1"),
        ("http://한자리.한국/소개", "http://한자리.한국/소개"),
        ("http://192.0.2.7:8080/", "http://192.0.2.7:8080/"),
        ("www.hanjari.kr", "https://www.hanjari.kr"),
    ],
)
def test_public_website_links_only_real_web_addresses(stored, link):
    from hanjari.registry.public import public_website

    assert public_website(stored) == link


def test_history_shows_merged_names_and_moved_designations_readably(client, staff, candidate):
    """Newcomer bug: after a merge the history read "다른 이름: ∅ → ['…']" (a Python list)
    and "조직: 1705 → 1725" (bare ids)."""
    client.force_login(staff)
    left, right = candidate.left, candidate.right
    client.post(
        reverse("registry:merge-decide", args=[candidate.pk]),
        {"decision": "keep_left", "confirm": "yes"},
    )
    history = client.get(reverse("registry:organization-history", args=[left.pk])).content
    text = history.decode()
    assert "['" not in text
    assert "한마음 마을협동조합" in text
    assert f"한마음마을협동조합 (#{left.pk})" in text
    # The moved designation's row: the absorbed record no longer exists, so its number.
    assert f"#{right.pk} → 한마음마을협동조합 (#{left.pk})" in text
