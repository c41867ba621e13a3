"""An organisation's contact details and opening hours (연락처·여는 시간): the rules
that check and format them, shared by the model, the form and the public pages.

- Phone numbers (전화번호) are checked against the Korean numbering plan
  (전기통신번호관리세칙, 과학기술정보통신부 고시): area codes 02 and 031–064, mobile
  010–019, internet phones 070, personal numbers 050X, free calls 080 and nationwide
  representative numbers 15XX/16XX/18XX. `phone_format` stores them hyphenated.
- Social links (소셜 링크): `SOCIAL_LINKS` lists the kinds an organisation may show,
  each with its model field, its switch and the web hosts its address may be on.
- Opening hours (여는 시간): a list of ``{"day": "mon", "opens": "09:00", "closes":
  "18:00"}`` items, at most one per weekday (`WEEKDAYS`); a day not listed is a day off.
- Employee count (직원 수): one of the ranges of `EmployeeRange`.

Nothing here imports the models, so the models can use the validators.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# ---- phone numbers ------------------------------------------------------------------

# Area codes (지역번호) besides Seoul's 02: 3 digits each.
AREA_CODES = frozenset(
    {"031", "032", "033", "041", "042", "043", "044", "051", "052", "053", "054", "055"}
    | {"061", "062", "063", "064"}
)
MOBILE_PREFIXES = ("010", "011", "016", "017", "018", "019")
# Nationwide representative numbers (전국대표번호): 8 digits, 15XX, 16XX, 18XX.
_REPRESENTATIVE = re.compile(r"^1[568]\d{6}$")
# What people put between digits: spaces, hyphens, dots, brackets.
_PHONE_SEPARATORS = re.compile(r"[\s\-.()]")
PHONE_MAX_LENGTH = 30


def _split_local(digits: str, head: int) -> str:
    """`digits` as ``head-middle-last``: the last four digits, the middle the rest."""
    return f"{digits[:head]}-{digits[head:-4]}-{digits[-4:]}"


def phone_format(text: str) -> str | None:
    """`text` as a Korean phone number, hyphenated (``063-123-4567``, ``02-1234-5678``,
    ``010-1234-5678``, ``1588-0000``), or None when it is not one.

    Accepts digits with spaces, hyphens, dots or brackets between them and an
    international ``+82`` prefix (``+82 63-123-4567`` is ``063-123-4567``). Accepted
    shapes (전기통신번호관리세칙): 02 + 7–8 digits; an area code 031–064 + 7–8 digits;
    010 + 8 digits; 011, 016–019 + 7–8 digits; 070 + 8 digits; 050X + 7–8 digits;
    080 + 7–8 digits; 15XX/16XX/18XX + 4 digits. Never raises.
    """
    compact = _PHONE_SEPARATORS.sub("", text or "")
    if compact.startswith("+82"):
        compact = "0" + compact[3:].removeprefix("0")
    if not compact.isascii() or not compact.isdigit():
        return None
    n = len(compact)
    if _REPRESENTATIVE.match(compact):
        return f"{compact[:4]}-{compact[4:]}"
    if compact.startswith("02") and n in (9, 10):
        return _split_local(compact, 2)
    if compact.startswith("050") and n in (11, 12):
        return _split_local(compact, 4)
    head = compact[:3]
    if head == "010" or head == "070":
        return _split_local(compact, 3) if n == 11 else None
    if (head in AREA_CODES or head in MOBILE_PREFIXES or head == "080") and n in (10, 11):
        return _split_local(compact, 3)
    return None


def is_mobile_number(text: str) -> bool:
    """Whether `text` is a mobile number (휴대전화: 010, 011, 016–019, also written
    with +82): a person's, so personal information (개인정보 보호법 §2 1호)."""
    compact = _PHONE_SEPARATORS.sub("", text or "")
    if compact.startswith("+82"):
        compact = "0" + compact[3:].removeprefix("0")
    return compact.startswith(MOBILE_PREFIXES)


def validate_phone(value: str) -> None:
    """Validator: `value` is empty or a phone number `phone_format` reads. Raises
    `ValidationError` (code ``phone``) otherwise."""
    if value and phone_format(value) is None:
        raise ValidationError(
            _(
                "전화번호 형식이 아닙니다. 지역번호부터 숫자로 적어 주세요 "
                "(예: 063-123-4567, 02-123-4567, 1588-0000)."
            ),
            code="phone",
        )


# ---- web addresses and social links ----------------------------------------------------

WEB_ADDRESS_MESSAGE = _(
    "http:// 또는 https:// 로 시작하는 웹 주소만 쓸 수 있습니다 (예: https://www.hanjari.kr)."
)
_WEB_VALIDATOR = URLValidator(schemes=["http", "https"], message=WEB_ADDRESS_MESSAGE)


def validate_web_address(value: str) -> None:
    """Validator: `value` is an ``http(s)://`` web address (not ``javascript:``,
    ``ftp:`` or ``mailto:``). Raises `ValidationError` (code ``invalid``)."""
    _WEB_VALIDATOR(value)


def host_of(url: str) -> str:
    """The host name of `url`, lowercased, without ``www.`` and port ("" if none)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def on_hosts(url: str, hosts: tuple[str, ...]) -> bool:
    """Whether `url`'s host is one of `hosts` or a subdomain of one (``m.facebook.com``
    is on ``facebook.com``). An empty `hosts` allows any host."""
    if not hosts:
        return True
    host = host_of(url)
    return any(host == h or host.endswith("." + h) for h in hosts)


@dataclass(frozen=True)
class SocialLink:
    """One kind of social link: `key` (``instagram``), its model fields (`field`, the
    address; `public_field`, its 공개 switch), its `label`, the `hosts` its address must
    be on (empty: any web address) and an `example` address for the form's hint."""

    key: str
    label: StrOrPromise
    hosts: tuple[str, ...]
    example: str

    @property
    def field(self) -> str:
        return f"{self.key}_url"

    @property
    def public_field(self) -> str:
        return f"{self.key}_public"


SOCIAL_LINKS: tuple[SocialLink, ...] = (
    SocialLink("blog", _("블로그"), (), "https://blog.naver.com/hanjari"),
    SocialLink(
        "instagram", _("인스타그램"), ("instagram.com",), "https://www.instagram.com/hanjari"
    ),
    SocialLink(
        "facebook",
        _("페이스북"),
        ("facebook.com", "fb.com", "fb.me"),
        "https://www.facebook.com/hanjari",
    ),
    SocialLink(
        "youtube", _("유튜브"), ("youtube.com", "youtu.be"), "https://www.youtube.com/@hanjari"
    ),
    SocialLink(
        "kakao_channel", _("카카오톡 채널"), ("pf.kakao.com",), "https://pf.kakao.com/_abcd"
    ),
)
SOCIAL_BY_KEY = {link.key: link for link in SOCIAL_LINKS}


# ---- employee count -----------------------------------------------------------------------


class EmployeeRange(models.TextChoices):
    """Number of people working for the organisation (직원 수), as a range: `bounds`
    gives (least, most); most is None for the open range."""

    FROM_1 = "1-4", _("1~4명")
    FROM_5 = "5-9", _("5~9명")
    FROM_10 = "10-29", _("10~29명")
    FROM_30 = "30-49", _("30~49명")
    FROM_50 = "50-99", _("50~99명")
    FROM_100 = "100+", _("100명 이상")

    @classmethod
    def bounds(cls, value: str) -> tuple[int, int | None] | None:
        """(least, most) people of the range `value` (``"100+"`` → (100, None)); None
        when `value` is not one of the ranges."""
        if value not in cls.values:
            return None
        if value.endswith("+"):
            return int(value[:-1]), None
        least, most = value.split("-")
        return int(least), int(most)


# ---- opening hours -------------------------------------------------------------------


@dataclass(frozen=True)
class Weekday:
    """A day of the week: `key` as stored (``mon``), `label` (월요일), `short` (월) and
    the schema.org `schema` name (``Monday``)."""

    key: str
    label: StrOrPromise
    short: StrOrPromise
    schema: str


WEEKDAYS: tuple[Weekday, ...] = (
    Weekday("mon", _("월요일"), _("월"), "Monday"),
    Weekday("tue", _("화요일"), _("화"), "Tuesday"),
    Weekday("wed", _("수요일"), _("수"), "Wednesday"),
    Weekday("thu", _("목요일"), _("목"), "Thursday"),
    Weekday("fri", _("금요일"), _("금"), "Friday"),
    Weekday("sat", _("토요일"), _("토"), "Saturday"),
    Weekday("sun", _("일요일"), _("일"), "Sunday"),
)
WEEKDAY_KEYS = tuple(day.key for day in WEEKDAYS)
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def hhmm(value: dt.time) -> str:
    """`value` as ``HH:MM`` (seconds dropped)."""
    return f"{value.hour:02d}:{value.minute:02d}"


def validate_opening_hours(value: Any) -> None:
    """Validator of `Organization.opening_hours`: a list of at most one item per weekday,
    each ``{"day": <WEEKDAY_KEYS>, "opens": "HH:MM", "closes": "HH:MM"}`` with `closes`
    later than `opens` (24-hour clock, Asia/Seoul). Raises `ValidationError` (code
    ``opening_hours``) naming what is wrong."""
    invalid = ValidationError(
        _("여는 시간은 요일마다 여는 시각과 닫는 시각(00:00~23:59)으로 적어야 합니다."),
        code="opening_hours",
    )
    if not isinstance(value, list):
        raise invalid
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, dict) or set(item) != {"day", "opens", "closes"}:
            raise invalid
        day, opens, closes = item["day"], item["opens"], item["closes"]
        if day not in WEEKDAY_KEYS or day in seen:
            raise invalid
        if not all(isinstance(t, str) and _HHMM.match(t) for t in (opens, closes)):
            raise invalid
        if closes <= opens:
            raise ValidationError(
                _("닫는 시각은 여는 시각보다 늦어야 합니다."), code="opening_hours"
            )
        seen.add(day)


def sorted_hours(value: Any) -> list[dict[str, str]]:
    """The valid items of an opening-hours list in weekday order (Monday first); items
    that are not ``{"day", "opens", "closes"}`` are left out. Never raises."""
    if not isinstance(value, list):
        return []
    by_day = {
        item.get("day"): item
        for item in value
        if isinstance(item, dict) and item.get("day") in WEEKDAY_KEYS
    }
    return [
        {
            "day": key,
            "opens": str(by_day[key].get("opens", "")),
            "closes": str(by_day[key].get("closes", "")),
        }
        for key in WEEKDAY_KEYS
        if key in by_day
    ]


@dataclass(frozen=True)
class HoursLine:
    """One line of the opening hours as a page shows them: `days` (``월~금``, ``토``)
    and `hours` (``09:00~18:00``) or "" for days off (`closed`)."""

    days: str
    hours: str

    @property
    def closed(self) -> bool:
        return not self.hours


def opening_hours_lines(value: Any) -> list[HoursLine]:
    """The opening hours grouped for reading: consecutive weekdays with the same hours
    share a line (``월~금 09:00~18:00``), days not listed are days off (``일 쉬는 날`` is
    a line with empty `hours`). Empty when no day is listed. Never raises."""
    hours = {item["day"]: f"{item['opens']}~{item['closes']}" for item in sorted_hours(value)}
    if not hours:
        return []
    lines: list[HoursLine] = []
    start = 0
    for i in range(1, len(WEEKDAYS) + 1):
        if i < len(WEEKDAYS) and hours.get(WEEKDAYS[i].key) == hours.get(WEEKDAYS[start].key):
            continue
        first, last = WEEKDAYS[start], WEEKDAYS[i - 1]
        days = str(first.short) if first is last else f"{first.short}~{last.short}"
        lines.append(HoursLine(days, hours.get(first.key, "")))
        start = i
    return lines


def opening_hours_text(value: Any) -> str:
    """The opening hours on one line (``월~금 09:00~18:00, 토 10:00~14:00, 일 쉬는
    날``), as the change history shows them; "" when none."""
    closed = str(_("쉬는 날"))
    return ", ".join(f"{line.days} {line.hours or closed}" for line in opening_hours_lines(value))
