"""The four official list layouts (공공데이터포털 datasets 15080745, 15091502, 15090110,
15155661; docs/data.md "Datasets and layouts") and how a row maps to fields.

Each `Layout` names its 공공데이터포털 dataset, publisher and columns. A column is
known by one or more header spellings (compared without whitespace); `required`
columns must all be present. Recognition counts how many of a layout's headers a row
carries, so a file with one header missing is still recognised and reported as
"missing header" rather than "unknown file".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .reading import header_key


@dataclass(frozen=True)
class Layout:
    """One official file layout.

    `columns` maps a field name to the header spellings that carry it; `required`
    lists fields whose column must exist; `name_field` is the organisation-name
    field (a row without it is an error).
    """

    key: str
    dataset_id: str
    title: str
    publisher: str
    url: str
    columns: dict[str, tuple[str, ...]]
    required: frozenset[str]
    name_field: str = "name"
    date_fields: frozenset[str] = field(default_factory=frozenset)

    def match(self, headers: list[str]) -> dict[str, int]:
        """Map each field to its column index in `headers` (only fields found)."""
        keys = [header_key(h) for h in headers]
        found: dict[str, int] = {}
        for field_name, spellings in self.columns.items():
            for spelling in spellings:
                k = header_key(spelling)
                if k in keys:
                    found[field_name] = keys.index(k)
                    break
        return found

    def missing(self, headers: list[str]) -> list[str]:
        """The first spelling of each required column absent from `headers`."""
        found = self.match(headers)
        return [self.columns[f][0] for f in sorted(self.required) if f not in found]

    def score(self, headers: list[str]) -> float:
        """Share (0–1) of this layout's required columns present in `headers`."""
        found = self.match(headers)
        return sum(1 for f in self.required if f in found) / len(self.required)


VILLAGE = Layout(
    key="village",
    dataset_id="15080745",
    title="전국 마을기업 현황",
    publisher="행정안전부",
    url="https://www.data.go.kr/data/15080745/fileData.do",
    columns={
        "seq": ("연번",),
        "sido": ("시도",),
        "sigungu": ("시군구",),
        "address": ("소재지",),
        "name": ("마을기업명",),
        "subtype": ("유형",),
        "industry": ("주 업종",),
        "products": ("주 생산품 또는 서비스명",),
        "description": ("사업내용",),
        "brn": ("사업자등록번호 (-포함 작성)", "사업자등록번호"),
    },
    required=frozenset({"sido", "sigungu", "address", "name", "subtype"}),
)

SELF_SUFFICIENCY = Layout(
    key="self_sufficiency",
    dataset_id="15091502",
    title="전국자활기업현황",
    publisher="한국자활복지개발원",
    url="https://www.data.go.kr/data/15091502/fileData.do",
    columns={
        "seq": ("순번",),
        "sido": ("시도",),
        "sigungu": ("시군구",),
        "name": ("자활기업", "자활기업명"),
        "tier": ("자활기업구분",),
        "representative": ("대표자명",),
        "industry": ("업종",),
        "business_type": ("사업자구분",),
        "address": ("주소",),
    },
    required=frozenset({"sido", "sigungu", "name", "tier", "address"}),
)

SOCIAL_ENTERPRISE = Layout(
    key="social_enterprise",
    dataset_id="15090110",
    title="고용노동부 사회적기업 목록",
    publisher="고용노동부",
    url="https://www.data.go.kr/data/15090110/fileData.do",
    columns={
        "seq": ("연번",),
        "sido": ("지역",),
        "number": ("인증번호",),
        "name": ("기관명", "업체명"),
        "description": ("사업내용",),
        "subtype": ("사회적목적실현유형",),
        "industry": ("사회서비스분야", "업종"),
        "brn": ("사업자등록번호",),
        "representative": ("대표자",),
        "phone": ("대표전화번호",),
        "address": ("소재지",),
        "website": ("홈페이지",),
        "start_date": ("인증일자",),
        "round": ("인증회차",),
    },
    required=frozenset({"sido", "number", "name", "subtype", "address"}),
    date_fields=frozenset({"start_date"}),
)

# The cooperative standard data (15155661) layout was not found verbatim (a gap noted in
# docs/data.md); these columns follow the 공공데이터 표준데이터 conventions (an inference).
COOPERATIVE = Layout(
    key="cooperative",
    dataset_id="15155661",
    title="전국협동조합표준데이터",
    publisher="기획예산처",
    url="https://www.data.go.kr/data/15155661/standard.do",
    columns={
        "name": ("협동조합명", "조합명"),
        "coop_type": ("협동조합유형", "조합유형", "협동조합구분"),
        "address": ("소재지도로명주소", "도로명주소"),
        "address_lot": ("소재지지번주소", "지번주소"),
        "latitude": ("위도",),
        "longitude": ("경도",),
        "phone": ("전화번호",),
        "representative": ("대표자명",),
        "description": ("주요사업내용", "사업내용"),
        "start_date": ("설립일자", "설립신고일자"),
        "crn": ("법인등록번호",),
        "brn": ("사업자등록번호",),
        "reference_date": ("데이터기준일자",),
        "provider_code": ("제공기관코드",),
        "provider": ("제공기관명",),
    },
    required=frozenset({"name", "coop_type", "address"}),
    date_fields=frozenset({"start_date", "reference_date"}),
)

LAYOUTS: dict[str, Layout] = {
    layout.key: layout for layout in (VILLAGE, SELF_SUFFICIENCY, SOCIAL_ENTERPRISE, COOPERATIVE)
}


def best_layout(headers: list[str], only: str | None = None) -> Layout | None:
    """The layout whose required headers `headers` carries best, or None.

    A row counts as a header of a layout when it carries at least 60% of that
    layout's required columns (so one missing column is reported as such, not as an
    unknown file). With `only` set, only that layout is considered (``--dataset``).
    """
    candidates = [LAYOUTS[only]] if only else list(LAYOUTS.values())
    best: tuple[float, Layout] | None = None
    for layout in candidates:
        score = layout.score(headers)
        if score >= 0.6 and (best is None or score > best[0]):
            best = (score, layout)
    return best[1] if best else None
