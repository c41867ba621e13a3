"""Press-article extraction for the news desk: Korean news pages as text or HTML.

A page copied or scraped from a Korean news site carries much more than the article:
logo and menu lines, a "today" date widget, text-size and print controls, share
buttons, the byline and timestamps in many shapes, photo captions, the copyright
line, a reporter's sign-off, then teasers, most-read lists and the footer. This
module turns such a page into an :class:`ExtractedArticle` with rules over line
features; it knows no site and no page by name.

Pipeline (:func:`extract_text`):

1. clean the lines (invisible characters, non-breaking spaces);
2. find the headline: the first line that reads like a title — not a control, date,
   logo, menu ("정치 경제 …", or four or more bare words at least half of them
   section names), section label ("사회 | 지역경제", "홈 › 사회적경제"), photo
   credit, or the site's slogan (press words such as 신문/언론/독자, no figures, just
   above another title line); a title may ask or trail off ("…될까?", "…세웠다…").
   A browser title bar "HEADLINE - SITE" (also ``|``, ``::``, ``<``, and
   "HEADLINE < SECTION < 기사본문 - SITE") gives the headline before the site's name,
   and the site's name as a last-resort outlet. With HTML, the metadata's title;
3. read the header zone up to the first body line: byline and timestamps, controls
   (also button labels in words: "글자 크기 변경하기", "SNS 보내기"), a headline
   printed twice, captions, the subtitle (부제):

   - captions: ``▲``/``▶`` lines, a photo credit (``(사진=…)``, ``[사진=…]``,
     ``/OO 제공``, ``… 있다. OO 제공``, ``ⓒOUTLET DB``), a line printed twice, the
     line after an image control ("이미지 확대보기", "[사진]"), caption words
     ("…모습", "…전경"), a noun phrase with a full stop ("…모습."), a short line
     right above a credit line; a credit alone on the next line ("사진=OO 제공",
     "/OO 제공", "ⓒ NAME") is joined to its caption;
   - subtitle: the first run of phrase lines (two words or more, eight characters
     or more; only blank lines between them), at most four lines, each without the
     style's decoration — a leading dash (``-`` ``–`` ``―`` ``ㅡ``), a trailing one,
     or brackets around the whole line (``[…]`` ``<…>`` ``〈…〉`` ``【…】``); a
     bracketed phrase of three words or more alone on its line, or a short phrase
     after a generic tag ("[현장] …"), is a subtitle, not a dateline tag;
   - the body starts at a dateline tag, a sentence ending in a verb and a full
     stop (not one that asks or trails off), a line of 120 characters or more, a
     line of 50 or more that ends in a verb without the full stop, or a broadcast
     script broken inside its sentences. When no line starts it, the page has no
     full stops: the body starts at the first header line that ends in a verb;
   - timestamps: labelled (입력, 등록, 승인, 기사입력, 기사전송, 송고, 게재, 작성일,
     Published/Posted, 수정, 최종수정, 최종편집, 업데이트, Updated/Modified …) in
     many shapes: ``2023.12.11 10:00``, ``2023년 12월 11일 (월) 14:32:10``,
     ``2023/12/11 [14:32]``, ``2023. 12. 11. 오후 2:32``, ISO ``2023-12-11T14:32``,
     two-digit years (``23.12.11 09:40``, only with a time or a label); a label
     right after its date ("… 14:32 송고 | … 15:00 최종수정") is that date's; a date
     followed by a particle ("12월 18일부터") is prose, not a timestamp;
4. read the body up to the first hard stop (copyright, sign-off, chrome vocabulary,
   a news-tip solicitation such as "…여러분의 제보로…", "덧붙이는 글", a teaser that
   opens with the same ``[OUTLET]`` tag): lines broken inside a sentence are joined,
   captions and controls are dropped, a credit line under a caption ("ⓒ NAME",
   "[OO 제공. 재판매 및 DB 금지]") joins that caption and is no copyright, a
   paragraph printed twice is kept once. The body ends at its last line that ends a
   sentence — with terminal punctuation (an end mark such as ``<끝>`` ignored), or
   with a verb ending on a line of several words though the full stop is missing
   ("…고 강조했다"), never a short noun phrase with a full stop (a caption). A
   sign-off at the end of the last paragraph is cut off ("… /군산=NAME 기자",
   "… NAME 기자 e-mail");
5. read what follows the last sentence (an end mark "(끝)" alone is skipped):
   copyright, sign-offs ("NAME 기자 e-mail",
   "NAME e-mail", "/REGION=NAME 기자", an e-mail alone), credits and captions, then
   the first line of site chrome; a copyright line right after that first chrome
   line still counts (a tip line between body and copyright). "REGION/NAME 기자" and
   "REGION=NAME 기자" name a place, not an outlet; "OUTLET NAME 기자의 다른기사 보기"
   names the outlet when nothing else does. The copyright's outlet is read without a
   quoted slogan or the slogan words before the name ("ⓒ경제를 보는 눈, … OUTLET"),
   and a bare domain ("Copyright © NEWS.COM") names no outlet.

:func:`extract_html` gets the main text and the metadata with trafilatura and feeds
the same steps. Nothing here touches the network or the database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = [
    "EXPECTED_KEYS",
    "ExtractedArticle",
    "collapse_ws",
    "extract_html",
    "extract_text",
    "split_sentences",
    "to_json",
]

#: The keys of ``data/news/expected.json``, in its order (for ``news_import --dry-run``).
EXPECTED_KEYS: tuple[str, ...] = (
    "file",
    "site_name",
    "headline",
    "reporter",
    "published_at",
    "updated_at",
    "subtitle",
    "body_first_sentence",
    "body_last_sentence",
    "boilerplate_starts_with",
    "dateline_prefix",
    "photo_caption",
    "byline_trailer",
    "copyright_line",
    "notes",
)

KST = timezone(timedelta(hours=9))


# --------------------------------------------------------------------------- result


@dataclass
class ExtractedArticle:
    """What a press page yields. Timestamps are naive ISO 8601 in Korean local time."""

    headline: str | None = None
    subtitle: str | None = None
    photo_caption: str | None = None
    photo_captions: list[str] = field(default_factory=list)
    reporter: str | None = None
    site_name: str | None = None
    published_at: str | None = None
    updated_at: str | None = None
    dateline_prefix: str | None = None
    body_paragraphs: list[str] = field(default_factory=list)
    body_first_sentence: str | None = None
    body_last_sentence: str | None = None
    copyright_line: str | None = None
    byline_trailer: str | None = None
    boilerplate_starts_with: str | None = None
    rules: list[str] = field(default_factory=list)
    file_name: str = ""

    @property
    def outlet(self) -> str | None:
        """Alias of :attr:`site_name`."""
        return self.site_name

    @property
    def notes(self) -> str:
        """The rules that fired, as one short string."""
        return "; ".join(self.rules)

    @property
    def body(self) -> str:
        """The body paragraphs joined by blank lines."""
        return "\n\n".join(self.body_paragraphs)

    def as_expected_dict(self, file_name: str | None = None) -> dict[str, Any]:
        """The fields under the keys of ``expected.json`` (file, notes and the rest)."""
        values: dict[str, Any] = {
            "file": file_name if file_name is not None else self.file_name,
            "site_name": self.site_name,
            "headline": self.headline,
            "reporter": self.reporter,
            "published_at": self.published_at,
            "updated_at": self.updated_at,
            "subtitle": self.subtitle,
            "body_first_sentence": self.body_first_sentence,
            "body_last_sentence": self.body_last_sentence,
            "boilerplate_starts_with": self.boilerplate_starts_with,
            "dateline_prefix": self.dateline_prefix,
            "photo_caption": self.photo_caption,
            "byline_trailer": self.byline_trailer,
            "copyright_line": self.copyright_line,
            "notes": self.notes,
        }
        return {key: values[key] for key in EXPECTED_KEYS}


# --------------------------------------------------------------------------- text helpers

_WS_RE = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def collapse_ws(text: str) -> str:
    """Collapse every whitespace run to one space and strip the ends."""
    return _WS_RE.sub(" ", text).strip()


def _clean(line: str) -> str:
    line = line.translate(_INVISIBLE).replace("\u00a0", " ").replace("\u3000", " ")
    return collapse_ws(line)


_BULLET_RE = re.compile(r"^[•·∙◦‧・▪◾◽]\s*")


def _core(line: str) -> str:
    """The line without a list bullet in front."""
    return _BULLET_RE.sub("", line).strip()


def _key(line: str) -> str:
    """A lookup key: no spaces, no decoration, lower case."""
    return re.sub(r"[\s>›»<‹«:：|/\[\]()]+", "", line).lower()


_HANGUL = r"가-힣"
_CLOSERS = "\"”’'」』)]>》〉"
_TERMINAL_RE = re.compile(rf"[.!?…。](?:[{re.escape(_CLOSERS)}]*)$")
_VERB_END_RE = re.compile(
    rf"(?:[다요죠까니음함임됨]|[{_HANGUL}]\s*[\"”’'])[.!?…]+[{re.escape(_CLOSERS)}]*$"
)


def _terminal(line: str) -> bool:
    """Does the line end a sentence (terminal punctuation, maybe closing quotes)?"""
    return bool(_TERMINAL_RE.search(line.rstrip()))


def _verb_terminal(line: str) -> bool:
    """Does the line end like a Korean sentence of prose: ``다.`` ``요.`` ``다.”``
    ``다”.`` (a caption such as ``…모습.`` does not)?"""
    return bool(_VERB_END_RE.search(line.rstrip()))


# --------------------------------------------------------------------------- sentences

_OPEN_QUOTES = {"“": "”", "「": "」", "『": "』", "‘": "’"}
_CLOSE_QUOTES = {v: k for k, v in _OPEN_QUOTES.items()}
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "vs", "no", "jr", "sr", "co", "inc", "ltd", "etc"}


def _sentence_ends(text: str, *, mind_quotes: bool) -> list[int]:
    ends: list[int] = []
    stack: list[str] = []
    straight_open = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _OPEN_QUOTES:
            stack.append(_OPEN_QUOTES[ch])
        elif ch in _CLOSE_QUOTES:
            if stack and stack[-1] == ch:
                stack.pop()
        elif ch == '"':
            straight_open = not straight_open
        elif ch in ".!?…。":
            j = i + 1
            while j < n and text[j] in ".!?…。":
                j += 1
            # closing quotes and brackets that belong to the sentence
            depth_ok = True
            while j < n and text[j] in _CLOSERS:
                closer = text[j]
                if closer in _CLOSE_QUOTES and stack and stack[-1] == closer:
                    stack.pop()
                elif closer == '"':
                    straight_open = not straight_open
                j += 1
            if mind_quotes and (stack or straight_open):
                depth_ok = False
            at_break = j >= n or text[j].isspace()
            if depth_ok and at_break and not _is_abbreviation(text, i):
                ends.append(j)
            i = j
            continue
        i += 1
    return ends


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word = re.search(r"([A-Za-z0-9]+)$", text[:dot])
    if not word:
        return False
    token = word.group(1)
    if token.lower() in _ABBREVIATIONS:
        return True
    if len(token) == 1 and token.isalpha() and token.isupper():
        return True  # an initial: "J. Kim"
    # "1. " "2. " list numbers (a short number right at the start or after a space)
    return token.isdigit() and len(token) <= 2 and (dot - len(token) == 0)


def split_sentences(text: str) -> list[str]:
    """Split Korean prose into sentences.

    A sentence ends at ``. ! ? …`` (with any closing quotes or brackets after it)
    followed by whitespace or the end of the text, outside quotation marks; so
    ``“…했다. 또 …했다.”며`` stays one sentence and ``…했다.”며`` does not split.
    Whitespace runs are collapsed. When the quotes do not balance, quotes are ignored.
    """
    text = collapse_ws(text)
    if not text:
        return []
    ends = _sentence_ends(text, mind_quotes=True)
    balanced = _quotes_balance(text)
    if not balanced:
        ends = _sentence_ends(text, mind_quotes=False)
    sentences: list[str] = []
    start = 0
    for end in ends:
        piece = text[start:end].strip()
        if piece:
            sentences.append(piece)
        start = end
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def _quotes_balance(text: str) -> bool:
    stack: list[str] = []
    for ch in text:
        if ch in _OPEN_QUOTES:
            stack.append(_OPEN_QUOTES[ch])
        elif ch in _CLOSE_QUOTES:
            if not stack or stack[-1] != ch:
                return False
            stack.pop()
    return not stack and text.count('"') % 2 == 0


# --------------------------------------------------------------------------- vocabulary

#: Page controls: text size, print, share, counters, buttons (matched on :func:`_key`).
_CONTROL_KEYS = frozenset(
    {
        "-",
        "+",
        "−",
        "＋",
        "가",
        "가가",
        "가-",
        "가+",
        "인쇄",
        "인쇄하기",
        "프린트",
        "print",
        "공유",
        "공유하기",
        "기사공유",
        "기사공유하기",
        "이기사를공유합니다",
        "스크랩",
        "북마크",
        "저장",
        "메일",
        "이메일",
        "기사메일전송",
        "메일보내기",
        "카카오톡",
        "카카오톡공유",
        "카카오스토리",
        "페이스북",
        "트위터",
        "엑스",
        "x",
        "밴드",
        "네이버밴드",
        "url복사",
        "url",
        "링크복사",
        "주소복사",
        "글자크기",
        "글씨크기",
        "글자크기설정",
        "글씨키우기",
        "글씨줄이기",
        "글자키우기",
        "글자줄이기",
        "글자크게",
        "글자작게",
        "기사수정",
        "기사삭제",
        "기사제보",
        "좋아요",
        "싫어요",
        "추천",
        "추천하기",
        "댓글",
        "댓글보기",
        "기사듣기",
        "듣기",
        "음성듣기",
        "번역",
        "닫기",
        "입력",
        "수정",
        "승인",
        "등록",
        "share",
        "facebook",
        "twitter",
        "kakao",
        "kakaotalk",
        "link",
        "copy",
        "menu",
        "전체메뉴",
        "메뉴",
        "검색",
        "로그인",
        "회원가입",
        "구독",
        "구독하기",
        "sns",
        "sns공유",
        "top",
        "맨위로",
        "목록",
        "이전",
        "다음",
        "홈",
        "home",
        "광고",
        "ad",
        "advertisement",
        "기사보내기",
        "기사원문",
        "원문보기",
        "바로가기",
        "로고",
        "기자페이지",
        "기자구독",
        "기자정보",
        "기자명",
        "기자이메일",
        "이메일보내기",
        "이미지확대보기",
        "이미지확대",
        "사진확대보기",
        "사진확대",
        "확대보기",
        "크게보기",
        "사진크게보기",
        "오디오듣기",
        "기사요약",
        "요약",
        "요약봇",
        "본문요약봇",
        "ai요약",
        "ai기사요약",
        "오디오기사",
        "기사를읽어드립니다",
    }
)
_CONTROL_RE = re.compile(
    r"^(?:(?:댓글|좋아요|추천|조회|조회수|공감|공유|읽음|views?|likes?)\s*[:：]?\s*\d[\d,]*"
    r"|\d[\d,]*"
    r"|[-+=*|>·•~_]+"
    r"|(?:이\s*)?기사를?\s*(?:공유|스크랩|인쇄|저장|추천)\S*"
    r"|\S{1,4}\s*(?:공유|공유하기)"
    r"|.{0,6}바로\s*가기"
    r"|(?:본문\s*)?(?:글씨|글자|폰트)\s*(?:크기|키우기|줄이기|크게|작게|확대|축소)\S*"
    r"(?:\s*(?:조절|설정|변경|선택)\S*)?"
    r"|다른\s*공유\s*찾기"
    r"|sns\s*공유\S*"
    r"|기자\s*(?:프로필|페이지|구독|정보)"
    r"|(?:기사\s*)?(?:읽는|읽기)\s*(?:시간|약)?\s*[:：]?\s*약?\s*\d+\s*분\S*"
    r")$",
    re.IGNORECASE,
)

#: Site chrome that ends the article (matched on :func:`_key` by prefix, short lines).
_CHROME_PREFIXES: tuple[str, ...] = (
    "뉴스댓글",
    "최신뉴스",
    "최신기사",
    "최근기사",
    "많이본",
    "가장많이본",
    "인기기사",
    "인기뉴스",
    "photonews",
    "포토뉴스",
    "더보기",
    "관련기사",
    "관련뉴스",
    "이기사와관련된",
    "이기사와함께",
    "추천뉴스",
    "추천기사",
    "주요뉴스",
    "주요기사",
    "이시각주요뉴스",
    "이시각",
    "핫이슈",
    "실시간뉴스",
    "실시간인기",
    "댓글쓰기",
    "댓글작성",
    "댓글목록",
    "소셜댓글",
    "기사댓글",
    "독자댓글",
    "이전기사",
    "다음기사",
    "회사소개",
    "개인정보처리방침",
    "개인정보취급방침",
    "이용약관",
    "청소년보호정책",
    "기사제보",
    "독자의견",
    "오늘의뉴스",
    "랭킹뉴스",
    "당신을위한",
    "맞춤뉴스",
    "섹션별",
    "에디터추천",
    "함께보면좋은",
    "함께볼만한",
    "이슈포토",
    "영상뉴스",
    "뉴스레터",
    "구독신청",
    "모바일버전",
    "pc버전",
    "전체기사",
    "기자의다른기사",
    "기자의최신기사",
    "다른기사보기",
    "태그",
    "키워드",
    "#",
    "덧붙이는글",
)
_CHROME_ANYWHERE = ("taboola", "dable", "기사목록")
_TIP_SOLICIT_RE = re.compile(r"제보를?\s*기다립니다|제보\s*바랍니다|여러분의\s*제보")

_COPYRIGHT_RE = re.compile(
    r"저작권자|무단\s*전재|재\s*배포|copyright|all\s+rights\s+reserved", re.IGNORECASE
)
_WEATHER_RE = re.compile(r"℃|°C|°|미세먼지|초미세|강수확률|맑음|흐림")
_CAPTION_MARK_RE = re.compile(r"^[▲▶]\s*")
_PHOTO_CREDIT_RE = re.compile(
    r"(?:[(\[<〈《]\s*(?:사진|사진제공|사진\s*제공|제공|출처|촬영)\s*[=:/|]"
    r"|[/|]\s*사진\s*[=:]"
    r"|^사진\s*[=:]"
    r"|[(\[<]\s*사진\s*[)\]>]\s*$"
    r"|[(\[]\s*[^()\[\]]{1,20}\s*제공\s*[)\]]\s*$"
    r"|(?:\s|(?<=[.]))[/|]\s*[^/|=\s][^/|=]{0,19}\s*제공\s*$"
    r"|(?<=[.])\s*[^\s.]{1,15}\s*제공\s*$"
    r"|[\[(][^\[\]()]{0,30}(?:제공|자료\s*사진|DB\s*금지|재판매)[^\[\]()]{0,30}[\])]\s*$"
    r"|(?<=\S)\s*[ⓒ©]\s*[^\s,]{1,20}(?:\s+(?:DB|제공))?\s*$)"
)
#: A credit alone on its line, under its caption ("사진=OO 제공", "[사진 제공=OO]").
_CREDIT_LINE_RE = re.compile(
    r"^[\[(<]?\s*(?:사진|사진\s*제공|이미지|그래픽|자료|출처|촬영)\s*[=:：/]\s*\S.{0,40}$"
    r"|^[\[(][^\[\]()]{0,30}(?:제공|자료\s*사진|DB\s*금지|재판매)[^\[\]()]{0,30}[\])]$"
    r"|^[ⓒ©]\s*\S{1,10}$"
    r"|^/?\s*[^\s/]{1,15}\s*제공$"
)
#: Photo-caption vocabulary: a header line ending so is a caption, not a subtitle.
_CAPTION_END_RE = re.compile(r"(?:모습|전경|장면|기념\s*촬영|기념사진)(?:이다)?\.?$")
#: A lead sentence's verbs of reporting (a caption does not report).
_REPORTED_RE = re.compile(r"밝혔다|말했다|전했다|설명했다|강조했다|덧붙였다")
#: Image controls ("이미지 확대보기"): the line after one is the photo's caption.
_IMAGE_CONTROL_KEYS = frozenset(
    {
        "이미지확대보기",
        "이미지확대",
        "사진확대보기",
        "사진확대",
        "확대보기",
        "크게보기",
        "사진크게보기",
        "사진",
        "이미지",
        "포토",
    }
)
#: The line ends a sentence though it has no full stop: a Korean verb ending ``다``/``요``
#: (maybe with a closing quote) on a line of several words ("…고 강조했다").
_BARE_VERB_END_RE = re.compile(r"\S\s+\S+[다요][\"”’']?$")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

_NAME = rf"[{_HANGUL}]{{2,4}}"
_TITLE = (
    r"(?:(?:선임|수석|전문|객원|인턴|수습|사진|영상|취재|시민|명예|학생)?기자|대기자|특파원|통신원"
    r"|논설위원|편집위원|전문위원|칼럼니스트|리포터)"
)
_NAME_TITLE_RE = re.compile(
    rf"(?:^|(?<=[\s/|\[(=·•,:]))(?P<name>{_NAME})\s?(?P<title>{_TITLE})(?![{_HANGUL}])"
)
_NOT_NAMES = frozenset(
    {
        "사진",
        "취재",
        "영상",
        "담당",
        "시민",
        "뉴스",
        "일보",
        "신문",
        "방송",
        "기자",
        "선임",
        "수석",
        "전문",
        "객원",
        "인턴",
        "수습",
        "편집",
        "온라인",
        "디지털",
        "본지",
        "특별",
        "공동",
        "종합",
        "데스크",
        "통신",
        "지역",
        "사회",
        "경제",
        "정치",
        "문화",
        "국제",
        "입력",
        "수정",
        "승인",
        "등록",
        "기사",
        "송고",
        "게재",
        "작성",
        "발행",
        "갱신",
        "제보",
        "구독",
        "기자명",
        "최종",
        "최초",
        "명예",
        "청년",
        "학생",
        "마을",
        "어린이",
        "청소년",
        "조회",
        "조회수",
    }
)
_DESK_WORDS = frozenset(
    {"사회", "경제", "정치", "문화", "국제", "지역", "스포츠", "연예", "생활", "전국", "종합"}
)
_GENERIC_TAGS = frozenset(
    {
        "인터뷰",
        "기고",
        "사설",
        "칼럼",
        "포토",
        "속보",
        "단독",
        "기획",
        "사진",
        "영상",
        "종합",
        "르포",
        "현장",
        "카드뉴스",
        "포토뉴스",
        "독자투고",
        "기자수첩",
        "여론",
        "알림",
        "보도자료",
        "해설",
        "분석",
        "특집",
    }
)
_OUTLET_HINT_RE = re.compile(
    r"뉴스|일보|신문|방송|뉴시스|통신|미디어|타임즈|타임스|투데이|매일|저널|데일리"
    r"|TV|KBS|MBC|SBS|YTN|\d",
    re.IGNORECASE,
)

# --------------------------------------------------------------------------- dates

_DATE_RE = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})\s*(?:년|[-./])|(?<![\d.])(?P<yy>\d{2})\s*[-./])"
    r"\s*(?P<m>\d{1,2})\s*(?:월|[-./])\s*"
    r"(?P<d>\d{1,2})(?!\d)\s*(?:일|\.(?!\d))?"
    r"(?:\s*\(\s*[월화수목금토일](?:요일)?\s*\)|\s*[월화수목금토일]요일"
    r"|\s*\(?(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\)?)?"
    r"(?:(?:\s*|T)[\[(]?\s*(?:(?P<ap>오전|오후|AM|PM)\s*)?(?P<H>\d{1,2})\s*(?::|시)\s*(?P<M>\d{1,2})"
    r"(?:\s*분)?(?:\s*:\s*(?P<S>\d{2})|\s*(?P<S2>\d{1,2})\s*초)?(?:\s*(?P<ap2>AM|PM))?\s*[\])]?)?",
    re.IGNORECASE,
)

#: Labels before a timestamp; the rightmost one before the date decides its kind.
_DATE_LABELS: tuple[tuple[str, str], ...] = (
    ("발행일", "print"),
    ("지면", "print"),
    ("오늘", "today"),
    ("today", "today"),
    ("촬영", "photo"),
    ("사진", "photo"),
    ("최종수정", "updated"),
    ("최종 업데이트", "updated"),
    ("최종 수정", "updated"),
    ("수정일", "updated"),
    ("최종편집", "updated"),
    ("수정", "updated"),
    ("업데이트", "updated"),
    ("updated", "updated"),
    ("modified", "updated"),
    ("갱신", "updated"),
    ("기사승인", "published"),
    ("승인", "published"),
    ("기사입력", "published"),
    ("기사전송", "published"),
    ("최초입력", "published"),
    ("최초 입력", "published"),
    ("최초 등록", "published"),
    ("입력일", "published"),
    ("입력", "published"),
    ("등록일", "published"),
    ("기사등록", "published"),
    ("등록", "published"),
    ("게재일", "published"),
    ("게재", "published"),
    ("송고", "published"),
    ("작성일", "published"),
    ("작성", "published"),
    ("발행", "published"),
    ("published", "published"),
    ("posted", "published"),
)


@dataclass
class _Stamp:
    kind: str  # published / updated / print / today / photo / none
    iso: str
    start: int
    end: int
    label_start: int
    label: str = ""
    twelve_hour: bool = False


def _iso_from_match(m: re.Match[str]) -> str | None:
    try:
        year = int(m["y"]) if m["y"] else 2000 + int(m["yy"])
        month, day = int(m["m"]), int(m["d"])
        datetime(year, month, day)
    except ValueError:
        return None
    date = f"{year:04d}-{month:02d}-{day:02d}"
    if m["H"] is None:
        return date
    hour, minute = int(m["H"]), int(m["M"])
    ampm = (m["ap"] or m["ap2"] or "").upper()
    if ampm in ("오후", "PM") and hour < 12:
        hour += 12
    elif ampm in ("오전", "AM") and hour == 12:
        hour = 0
    second_text = m["S"] or m["S2"]
    if hour > 23 or minute > 59 or (second_text is not None and int(second_text) > 59):
        return date
    if second_text is None:
        return f"{date}T{hour:02d}:{minute:02d}"
    return f"{date}T{hour:02d}:{minute:02d}:{int(second_text):02d}"


def _find_stamps(line: str) -> list[_Stamp]:
    stamps: list[_Stamp] = []
    previous_end = 0
    lower = line.lower()
    for m in _DATE_RE.finditer(line):
        iso = _iso_from_match(m)
        if iso is None:
            continue
        segment = lower[previous_end : m.start()]
        if _prose_date(line, m):
            previous_end = m.end()
            continue  # a date in prose: "12월 18일부터 1월 5일까지 접수"
        if m["yy"] and m["H"] is None and not any(label in segment for label, _ in _DATE_LABELS):
            continue  # a two-digit year counts only with a time or a label: "승인 23.12.11"
        kind, label_start, label_text = "none", m.start(), ""
        best: tuple[int, int] | None = None
        for label, label_kind in _DATE_LABELS:
            pos = segment.rfind(label)
            if pos < 0:
                continue
            rank = (pos + len(label), len(label))
            if best is None or rank > best:
                best = rank
                kind, label_start, label_text = label_kind, previous_end + pos, label
        end = m.end()
        if best is None:
            # a label right after the date ("2023/12/11 14:20 송고 | … 최종수정"): the
            # label is this date's and not the next one's
            rest = lower[m.end() : m.end() + 12]
            after = rest.lstrip(" :：|")
            for label, label_kind in sorted(_DATE_LABELS, key=lambda x: -len(x[0])):
                if after.startswith(label):
                    kind, label_text = label_kind, label
                    end = m.end() + (len(rest) - len(after)) + len(label)
                    break
        twelve_hour = bool(m["ap"] or m["ap2"])
        stamps.append(_Stamp(kind, iso, m.start(), end, label_start, label_text, twelve_hour))
        previous_end = end
    return stamps


_PARTICLE_AFTER_DATE = r"(?:부터|까지|에|에서|의|로|은|는|이|가|께|쯤)"


def _prose_date(line: str, m: re.Match[str]) -> bool:
    """A date followed by a particle ("2024년 1월 1일부터", "18일까지"): prose."""
    return m["H"] is None and bool(re.match(_PARTICLE_AFTER_DATE, line[m.end() :]))


def _has_full_date(line: str) -> bool:
    return any(
        _iso_from_match(m)
        for m in _DATE_RE.finditer(line)
        if not (m["yy"] and m["H"] is None) and not _prose_date(line, m)
    )


def _iso_from_meta(value: str) -> str | None:
    """An ISO 8601 value from HTML metadata, as naive Korean local time."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        m = _DATE_RE.search(value)
        return _iso_from_match(m) if m else None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(KST).replace(tzinfo=None)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return parsed.date().isoformat()
    return parsed.isoformat(timespec="seconds")


# --------------------------------------------------------------------------- line rules


_SPEAKER_LABEL_RE = re.compile(
    r"^[\[<(]\s*(?:앵커|앵커\s*멘트|리포트|기자|기자\s*멘트|인터뷰|녹취|현장음|싱크|자막|CG"
    r"|스탠드업|브릿지|인서트|인터뷰\s*녹취)\s*[\]>)]$",
    re.IGNORECASE,
)


_BUTTON_RE = re.compile(
    r"^(?:[^\s.,]+\s){0,4}[^\s.,]*(?:사용|변경|복사|공유|인쇄|저장|이동|선택|설정|구독|스크랩|신고"
    r"|추천|확대|축소|요약|조절)하기$"
    r"|^(?:[^\s.,]+\s){0,4}(?:보기|보내기|바로가기|듣기|닫기|열기)$"
)


def _is_control(line: str) -> bool:
    """A page control: a button or counter in words or signs, a menu, a breadcrumb, a
    broadcast speaker label, or a short button label: a UI verb with ``하기``
    ("텍스트 음성 변환 서비스 사용하기", "글자 크기 변경하기"), or ``보기``/``듣기``
    /``닫기`` as its own word ("기사 원문 보기")."""
    core = _core(line)
    if not core:
        return True
    if len(core) <= 25 and _BUTTON_RE.match(core):
        return True
    if _key(core) in _CONTROL_KEYS or _CONTROL_RE.match(core) or _is_menu(core):
        return True
    if _SPEAKER_LABEL_RE.match(core):
        return True  # "[앵커]", "[리포트]": who speaks in a broadcast script
    # breadcrumbs: "홈 > 사회 > 지역"
    return bool(core.count(">") + core.count("›") >= 2 and len(core) <= 60)


def _is_chrome(line: str) -> bool:
    core = _core(line).lstrip("◎○●◆◇■□★☆※▷▶ ")
    if not core or len(core) > 60 or (len(core) > 40 and not _TIP_SOLICIT_RE.search(core)):
        return False
    key = _key(core)
    if any(key.startswith(prefix) for prefix in _CHROME_PREFIXES):
        return True
    lowered = core.lower()
    if _TIP_SOLICIT_RE.search(core) and len(core) <= 60:
        return True  # "공감언론 OO가 독자 여러분의 소중한 제보를 기다립니다."
    return any(word in lowered for word in _CHROME_ANYWHERE)


def _is_copyright(line: str) -> bool:
    if len(line) > 160 or (_verb_terminal(line) and len(line) > 60):
        return False
    return bool(_COPYRIGHT_RE.search(line)) or bool(
        len(line) <= 60 and re.match(r"^[<\[(]?\s*[ⓒ©]", line)
    )


def _is_marked_caption(line: str) -> bool:
    """▲/▶ captions; "▲일시: …" list items and lines with several ▲ are not captions."""
    if not _CAPTION_MARK_RE.match(line):
        return False
    if line.count("▲") + line.count("▶") >= 2:
        return False
    if _is_chrome(_CAPTION_MARK_RE.sub("", line)):
        return False  # "▶ 관련기사" heads a list
    return not re.match(r"^[▲▶]\s*[^\s:：]{1,8}\s*[:：]", line)


def _prose(line: str) -> str:
    """The line without a photo credit that trails a sentence ("…밝혔다. (사진=OO 제공)")."""
    m = _PHOTO_CREDIT_RE.search(line)
    if m is None:
        return line
    before = line[: m.start()].rstrip()
    return before if _terminal(before) else line


def _is_photo_credit(line: str) -> bool:
    """An unmarked caption: a short line with a photo credit such as "(사진=OO시)".
    A sentence of prose that merely ends with a credit is not one."""
    m = _PHOTO_CREDIT_RE.search(line)
    if m is None or len(line) > 200 or _verb_terminal(line):
        return False
    if _COPYRIGHT_RE.search(line) or re.match(r"^[<\[(]?\s*[ⓒ©]", line):
        return False
    before = line[: m.start()].rstrip()
    if re.search(r"고\s*있다\.$", before) or _CAPTION_END_RE.search(before):
        return True  # "…하고 있다. (사진=OO 제공)": the present tense of captions
    return not (len(before) >= 40 and _verb_terminal(before))


_SECTION_WORDS = frozenset(
    {
        "전체기사",
        "정치",
        "경제",
        "사회",
        "문화",
        "지역",
        "오피니언",
        "스포츠",
        "연예",
        "국제",
        "생활",
        "교육",
        "포토",
        "영상",
        "피플",
        "인물",
        "칼럼",
        "사설",
        "뉴스",
        "전국",
        "자치",
        "행정",
        "의회",
        "라이프",
        "건강",
        "여행",
        "산업",
        "종합",
        "이슈",
        "기고",
        "정책",
        "과학",
        "부동산",
        "금융",
        "날씨",
        "게시판",
        "공지사항",
        "구독신청",
        "광고문의",
        "마이페이지",
        "로그아웃",
        "회원가입",
        "로그인",
        "검색",
        "전체메뉴",
    }
)


def _is_menu(line: str) -> bool:
    """A navigation line: section names and buttons only ("로그인 회원가입", "정치 경제 …"),
    with separators such as ``|`` ignored; or four or more bare words, at least half of
    them section names ("지역 행정 의회 교육 사회적경제 문화 기획연재": a menu with the
    site's own sections); or a section label of short words split by ``|``, ``>`` or
    ``/`` ("사회 | 지역경제")."""
    tokens = [key for key in (_key(token) for token in line.split()) if key]
    if len(tokens) < 2:
        return False
    known = sum(1 for t in tokens if t in _SECTION_WORDS or t in _CONTROL_KEYS)
    if known == len(tokens) or (len(tokens) >= 4 and known / len(tokens) >= 0.8):
        return True
    bare = not re.search(r"[\d,.'\"‘’“”…·()\[\]!?~%]|<(?!\s)|(?<!\s)>", line)
    if bare and len(tokens) >= 4 and known * 2 >= len(tokens):
        return True
    parts = [part.strip() for part in re.split(r"\s[|>›/]\s", line)]
    return (
        len(parts) >= 2
        and bare
        and all(0 < len(part) <= 6 and " " not in part for part in parts)
        and any(_key(part) in _SECTION_WORDS or _key(part) in _CONTROL_KEYS for part in parts)
    )


_CO_NAMES_RE = re.compile(rf"(?:({_NAME})\s*[·ㆍ,]\s*)+$")


def _names(m: re.Match[str]) -> str:
    """The name of a NAME-title match, with co-authors listed before it
    ("김철수·이영희 기자" → "김철수, 이영희")."""
    before = _CO_NAMES_RE.search(m.string[: m.start("name")])
    if before is None:
        return m["name"]
    others = [n for n in re.findall(_NAME, before.group(0)) if _valid_name(n)]
    return ", ".join([*others, m["name"]])


def _valid_name(name: str) -> bool:
    """A 2–4 syllable personal name, not a desk, a label or an outlet."""
    if name in _NOT_NAMES or name.endswith(("부", "팀")):
        return False
    return not _OUTLET_HINT_RE.search(name)


def _name_title(text: str) -> re.Match[str] | None:
    for m in _NAME_TITLE_RE.finditer(text):
        if _valid_name(m["name"]):
            return m
    return None


_PAGE_REF_RE = re.compile(r"(?<![\w])(?:[A-Z]?\d{1,3}\s*[면판]|지면)(?![\w])")


def _without_stamps(line: str) -> str:
    out = line
    for stamp in reversed(_find_stamps(line)):
        out = out[: stamp.label_start] + " " + out[stamp.end :]
    return _PAGE_REF_RE.sub(" ", out)


_COUNTER_RE = re.compile(
    r"(?:댓글|좋아요|추천|조회|조회수|공감|공유|읽음|views?|hits?)\s*[:：]?\s*\d[\d,]*",
    re.IGNORECASE,
)
_WRITER_RE = re.compile(
    rf"^(?:작성자|글쓴이|글|취재|기자|by|reporter)\s*[:：]?\s*(?P<name>[{_HANGUL}]{{2,6}})(?:\s+[A-Za-z0-9_.]+)?$",
    re.I,
)


def _strip_meta(line: str) -> str:
    """The line without timestamps, their labels, page numbers, e-mails, separators and
    page-control words."""
    out = _EMAIL_RE.sub(" ", _without_stamps(line))
    out = _COUNTER_RE.sub(" ", out)
    out = " ".join(
        word
        for word in out.split()
        if _key(word) not in _CONTROL_KEYS
        and _key(word) not in {label.replace(" ", "") for label, _ in _DATE_LABELS}
        and not _CONTROL_RE.match(word)
    )
    out = re.sub(r"[|/·•:：,\[\]()]+", " ", out)
    out = re.sub(r"(?:^|\s)[lI](?=\s|$)", " ", out)  # "l" and "I" as separators
    return collapse_ws(out)


@dataclass
class _Byline:
    reporter: str | None = None
    outlet: str | None = None
    stamps: list[_Stamp] = field(default_factory=list)


def _byline(line: str) -> _Byline | None:
    """Parse a byline or timestamp line; None when the line is neither."""
    core = _core(line)
    if not core or len(core) > 120 or _verb_terminal(core) or _is_subhead(core):
        return None
    stamps = _find_stamps(core)
    labelled = [s for s in stamps if s.kind != "none"]
    rest = _strip_meta(core)
    w = _WRITER_RE.match(rest)
    if w is not None:
        # "작성자 NAME" (a board's writer): a person, or a desk such as "편집부"
        name = w["name"]
        person = re.fullmatch(_NAME, name) is not None and _valid_name(name)
        return _Byline(name if person else None, None, stamps)
    m = _name_title(core)
    if m is not None and re.match(r"\s*\d", core[m.end() :]):
        return None  # "청년 기자 20명": a count, not a byline
    if m is not None:
        # a byline is the name and title with little else (an outlet, a desk);
        # "NAME 기자, NAME 기자" names two
        around = _strip_meta(core).replace(m.group(0), " ")
        names = [_names(m)]
        for other in _NAME_TITLE_RE.finditer(core, m.end()):
            between = core[m.end() : other.start()]
            if _valid_name(other["name"]) and re.fullmatch(r"[\s,·ㆍ/]*", between):
                names.append(other["name"])
                around = around.replace(other.group(0), " ")
        around = collapse_ws(around)
        if len(around) <= 20:
            outlet = around or None
            return _Byline(", ".join(names), outlet, stamps)
        return None
    if labelled:
        # "입력 2014년10월15일 09시38분 홍길동" — a name left after the timestamp
        reporter = rest if re.fullmatch(_NAME, rest or "") and _valid_name(rest) else None
        outlet = None
        if reporter is None and rest and len(rest.split()) <= 3 and "@" not in rest:
            outlet = rest
        return _Byline(reporter, outlet, stamps)
    if stamps:
        # a bare date with at most a name or a short outlet/section label (status bar)
        if not rest:
            return _Byline(None, None, stamps)
        bracketed = re.search(r"[\[(【]", _without_stamps(core)) is not None
        if re.fullmatch(_NAME, rest) and _valid_name(rest) and not bracketed:
            return _Byline(rest, None, stamps)
        if len(rest) <= 20 and len(rest.split()) <= 3:
            return _Byline(None, None if bracketed else rest, stamps)
        return None
    if _EMAIL_RE.search(core) and len(rest) <= 20 and len(rest.split()) <= 3:
        # "OUTLET / e-mail": the byline is the outlet
        return _Byline(None, rest or None, stamps)
    return None


_CREDIT_RE = re.compile(
    r"^(?:촬영기자|촬영편집|영상편집|영상취재|촬영|영상|편집|그래픽|디자인|구성|제작|취재|글|진행)"
    r"\s*[|:：=]\s*\S"
)
_BROADCAST_SIGNOFF_RE = re.compile(rf"^(?P<pre>.{{0,20}}?)\s*(?P<name>{_NAME})입니다\.?$")


_NAME_EMAIL_RE = re.compile(rf"{_NAME}\s+[(<\[]?\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*[)>\]]?")


def _is_signoff(line: str) -> bool:
    """A reporter's sign-off, an e-mail alone or production credits."""
    core = _core(line).lstrip("/").strip()
    if not core or len(core) > 100:
        return False
    bm = _BROADCAST_SIGNOFF_RE.match(core)
    if bm and _valid_name(bm["name"]) and _OUTLET_HINT_RE.search(bm["pre"] or ""):
        return True  # "OO 뉴스 NAME입니다."
    if _verb_terminal(core) and "@" not in core:
        return False
    if _EMAIL_RE.fullmatch(core.strip("()<>[] ")):
        return True
    if _NAME_EMAIL_RE.fullmatch(core) and _valid_name(core.split()[0]):
        return True  # "NAME e-mail" without a title
    if _CREDIT_RE.match(core):
        return True
    m = _name_title(core)
    if m is None:
        return False
    rest = collapse_ws(_EMAIL_RE.sub(" ", core.replace(m.group(0), " ")))
    rest = re.sub(r"[()<>\[\]/|=,]", " ", rest).strip()
    if re.search(r"보기|기사|구독|프로필|페이지|가기|응원|팔로우|more", rest, re.IGNORECASE):
        return False  # "NAME 기자 다른기사 보기" is a link, not a sign-off
    return len(rest.split()) <= 3 and not _has_full_date(core)


def _signoff_reporter(line: str) -> str | None:
    core = _core(line)
    m = _name_title(core)
    if m:
        return _names(m)
    bm = _BROADCAST_SIGNOFF_RE.match(core.lstrip("/ "))
    if bm and _valid_name(bm["name"]):
        return bm["name"]
    core = core.lstrip("/ ")
    if _NAME_EMAIL_RE.fullmatch(core) and _valid_name(core.split()[0]):
        return core.split()[0]
    return None


def _signoff_outlet(line: str) -> str | None:
    core = _core(line).lstrip("/ ")
    m = _name_title(core)
    if m is None:
        return None
    if re.search(r"[/=]\s*$", core[: m.start()]):
        return None  # "전주/NAME 기자", "전주=NAME 기자": a place, not an outlet
    before = core[: m.start()].strip(" /|,")
    words = before.split()
    if words and not _EMAIL_RE.search(words[0]):
        return words[0]
    return None


_TAG_RE = re.compile(
    r"^(?P<tag>\[[^\[\]]{1,40}\]|【[^【】]{1,40}】|\([^()]{1,20}=[^()]{1,20}\))"
    rf"(?P<after>\s*(?:{_NAME}\s?{_TITLE}\s*=(?!=))?)"
)


def _dateline(line: str) -> tuple[str, str, str] | None:
    """(prefix, tag, after) when the line opens with a dateline tag."""
    m = _TAG_RE.match(line)
    if not m:
        return None
    inner = m["tag"][1:-1].strip()
    if re.match(r"(?:사진|사진\s*제공|제공|출처|자료|그래픽|촬영|이미지)\s*[=:/]", inner):
        return None  # "[사진=정읍시] …" is a photo credit
    if m.end() >= len(line.rstrip()) and len(inner.split()) >= 3:
        return None  # "[판로 지원·공유 주방 확대… 청년 기업 20곳]" alone: a subtitle
    prefix = (m["tag"] + m["after"]).strip()
    return prefix, m["tag"], m["after"].strip()


def _tag_parts(tag: str, after: str) -> tuple[str | None, str | None]:
    """(outlet, reporter) from an opening tag and the ``NAME 기자 =`` after it."""
    inner = tag[1:-1].strip()
    reporter: str | None = None
    outlet: str | None = None
    after_m = _name_title(after) if after else None
    if after_m:
        reporter = _names(after_m)
    if "=" in inner:
        left, right = (part.strip() for part in inner.split("=", 1))
        right_m = _name_title(right)
        if right_m:
            return left or None, _names(right_m)
        right_is_name = (
            re.fullmatch(_NAME, right) is not None
            and _valid_name(right)
            and not _OUTLET_HINT_RE.search(right)
        )
        if right_is_name and reporter is None and not tag.startswith("("):
            return left or None, right
        return right or None, reporter
    if "/" in inner:
        left, right = (part.strip() for part in inner.split("/", 1))
        right_m = _name_title(right)
        if right_m:
            return left or None, _names(right_m)
        return left or None, reporter
    m = _name_title(inner)
    if m:
        outlet = inner[: m.start()].strip() or None
        return outlet, _names(m)
    words = inner.split()
    if not words or inner in _GENERIC_TAGS:
        return None, reporter
    if len(words) >= 2 and words[-1] in _DESK_WORDS:
        words = words[:-1]
    return " ".join(words), reporter


def _copyright_outlet(line: str) -> str | None:
    text = re.sub(r"(?i)copyright|저작권자|all\s+rights\s+reserved", " ", line)
    text = re.sub(r"[\[\]ⓒ©]|\(c\)|\(C\)", " ", text)
    text = re.sub(r"무단\s*전재.*$|재\s*배포.*$", " ", text)
    text = re.sub(r"(?:19|20)\d{2}", " ", text)
    text = re.sub(r"[‘“'\"][^’”'\"]*[’”'\"]", " ", text)  # a quoted slogan
    if re.search(r"[A-Za-z0-9-]+\.(?:com|co\.kr|kr|net|org)\b", text, re.IGNORECASE):
        if not re.search(rf"[{_HANGUL}]", re.sub(r"www\.\S+|https?://\S+", " ", text)):
            return None  # only a domain ("Copyright © NEWSJB.COM"): no outlet name
    text = re.sub(r"www\.\S+|https?://\S+", " ", text)
    text = collapse_ws(text.strip(" .,:-|<>&"))
    text = text.split(".")[0].strip(" ,<>")
    if "," in text or len(text.split()) > 3:
        text = text.replace(",", " ").split()[-1]  # "경제를 보는 눈, … 아시아경제"
    if not text or len(text) > 30:
        return None
    return text


# --------------------------------------------------------------------------- extraction


@dataclass
class _Hints:
    """What a caller (the HTML path) already knows about the page."""

    title: str | None = None
    author: str | None = None
    published_at: str | None = None
    updated_at: str | None = None
    site_name: str | None = None


def extract_text(text: str, *, file_name: str = "") -> ExtractedArticle:
    """Extract the article from a news page given as plain text."""
    return _extract(text, file_name=file_name, hints=_Hints())


class _Notes:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, note: str) -> None:
        if note not in self.items:
            self.items.append(note)


def _headline_like(line: str) -> bool:
    core = _core(line)
    if len(core) < 6 or " " not in core:
        return False
    if _is_control(core) or _is_chrome(core) or _is_copyright(core):
        return False
    if _is_marked_caption(core) or _has_full_date(core) or _WEATHER_RE.search(core):
        return False
    if _is_photo_credit(core) or _CREDIT_LINE_RE.match(core):
        return False
    if _is_menu(core) or _byline(core) is not None or _EMAIL_RE.search(core):
        return False
    # Korean headlines do not end with a full stop after a verb ("…했다."), but may ask
    # or exclaim ("…될까?")
    return not _body_like(core) and not (_verb_terminal(core) and not _asks(core))


def _asks(line: str) -> bool:
    """A short line that ends with ``?`` or ``!``, or any line that trails off with an
    ellipsis ("…세웠다…"): a headline or subtitle may, a sentence of prose does not."""
    end = line.rstrip().rstrip(_CLOSERS)
    return end.endswith(("…", "..")) or (len(line) < 40 and end.endswith(("?", "!")))


def _kicker(line: str) -> bool:
    """A short phrase after a generic tag ("[현장] 전주 평화동 협동조합 3년"): a subtitle or
    kicker, not a dateline that opens the body."""
    found = _dateline(line)
    if found is None or found[1][1:-1].strip() not in _GENERIC_TAGS or found[2]:
        return False
    return len(line) < 60 and not _ends_sentence(line)


def _agency_dateline(line: str) -> bool:
    """An opening tag that only a body has: ``(전북=뉴스1) NAME 기자 =``, ``[OUTLET=NAME]``…"""
    found = _dateline(line)
    if found is None:
        return False
    _prefix, tag, after = found
    return "=" in tag or bool(after) or _name_title(tag) is not None


def _body_like(line: str) -> bool:
    """A line that only a body has (it ends the search for a headline)."""
    return _agency_dateline(line) or (len(line) > 50 and _verb_terminal(_prose(line)))


def _same(a: str, b: str) -> bool:
    return collapse_ws(a) == collapse_ws(b)


def _find_headline(lines: Sequence[str], hints: _Hints, notes: _Notes) -> tuple[str | None, int]:
    """The headline and its line index (-1 when it comes from the metadata)."""
    limit = min(len(lines), 40)
    if hints.title:
        title = collapse_ws(hints.title)
        for i in range(limit):
            if lines[i] and (_same(lines[i], title) or _same(_core(lines[i]), title)):
                return _core(lines[i]), i
        notes.add("headline from metadata")
        return title, -1
    for i in range(limit):
        if lines[i] and _body_like(_core(lines[i])):
            notes.add("no headline before the body")
            break
        if _headline_like(lines[i]):
            j = _next_nonblank(lines, i)
            if _SLOGAN_RE.search(lines[i]) and j is not None and _headline_like(lines[j]):
                notes.add("the site's slogan above the headline skipped")
                continue
            skipped = [j for j in range(i) if lines[j]]
            if skipped:
                notes.add(f"headline after {len(skipped)} chrome line(s)")
            return _core(lines[i]), i
    return None, -1


#: A site's slogan ("도민과 함께, 내일을 여는 신문"): press words, no figures, no quotes.
_SLOGAN_RE = re.compile(r"^(?=[^\d‘’“”'\"]*$).*(?:신문|언론|정론|독자)")
_TITLE_BAR_RE = re.compile(r"^(?P<title>.{6,}?\S)\s+(?:[-|:<–—]|::)\s+(?P<site>[^-|:<–—]{2,20})$")


def _next_nonblank(lines: Sequence[str], i: int) -> int | None:
    for j in range(i + 1, len(lines)):
        if lines[j]:
            return j
    return None


def _lead_before_agency_tag(lines: Sequence[str], i: int) -> int | None:
    """When one or two short summary lines precede an agency-style dateline paragraph
    (``(전주=연합뉴스) NAME 기자 = …``), the index of that paragraph."""
    if _dateline(_core(lines[i])):
        return None
    seen = 0
    for k in range(i, len(lines)):
        core = _core(lines[k])
        if not core:
            continue
        if _agency_dateline(core):
            return k if seen else None
        seen += 1
        if seen > 2 or len(core) >= 100:
            return None
    return None


def _broken_sentence_run(lines: Sequence[str], i: int) -> bool:
    """Short lines, no blank between them, that only together end a sentence: a
    broadcast script broken inside its sentences (a subtitle stands alone)."""
    run: list[str] = []
    for k in range(i, min(len(lines), i + 6)):
        line = lines[k]
        if not line or _BULLET_RE.match(line) or len(line) >= 45:
            return False
        if _is_marked_caption(line) or _is_control(line) or _byline(line) is not None:
            return False
        if _is_photo_credit(line) or _CREDIT_LINE_RE.match(line) or line in run:
            return False  # a caption, or a line printed twice: not a script
        run.append(line)
        if _terminal(line):
            return len(run) >= 2 and _verb_terminal(line)
    return False


_SUBTITLE_MARK_RE = re.compile(r"^(?:[-–—―ㅡㆍ]+\s*)(?=\S)")
_SUBTITLE_END_MARK_RE = re.compile(r"\s+[-–—―ㅡ]+$")
_ENCLOSING = {"[": "]", "<": ">", "〈": "〉", "《": "》", "【": "】", "(": ")", "「": "」"}


def _subtitle_text(line: str) -> str:
    """A subtitle line without the decoration the site's style adds: a leading dash
    (``- `` ``ㅡ `` ``―``) and a trailing one, or brackets around the whole line
    (``[…]`` ``<…>`` ``〈…〉`` ``【…】``)."""
    text = _SUBTITLE_END_MARK_RE.sub("", _SUBTITLE_MARK_RE.sub("", line)).strip()
    if len(text) > 2 and _ENCLOSING.get(text[0]) == text[-1]:
        inner = text[1:-1]
        if text[0] not in inner and text[-1] not in inner:
            text = inner.strip()
    return text


def _noun_caption(line: str) -> bool:
    """A short noun phrase with a full stop ("지난 8일 열린 협동조합 설명회."): a
    photo caption, not a sentence (a Korean sentence ends in a verb)."""
    line = line.rstrip()
    return (
        len(line) < 40
        and line.endswith(".")
        and not _verb_terminal(line)
        and not line.endswith("..")
        and re.search(rf"[{_HANGUL}]\.$", line) is not None
    )


def _ends_sentence(line: str) -> bool:
    """A line that ends a sentence: terminal punctuation (an end mark such as ``<끝>``
    ignored), or a Korean verb ending on a line of several words though the full
    stop is missing ("…고 강조했다")."""
    line = _END_MARK_RE.sub("", line)
    return _terminal(line) or bool(_BARE_VERB_END_RE.search(line))


def _subtitle_like(line: str) -> bool:
    """A subtitle (부제) candidate in the header: a phrase of two words or more, eight
    characters or more, not an e-mail and not only section names."""
    text = _subtitle_text(line)
    if len(text) < 8 or len(text.split()) < 2 or _EMAIL_RE.search(text):
        return False
    return not all(_key(word) in _SECTION_WORDS for word in text.split())


def _is_subhead(line: str) -> bool:
    """A sub-heading or list item: a paragraph of its own even without a full stop."""
    return bool(re.match(r"^(?:[◇◆■□●○◎★☆※【<〈▲△▶▷ㅇ\-–]|\d{1,2}[.)]\s)", line))


def _assemble(chunks: Iterable[str | None], notes: _Notes) -> list[str]:
    """Paragraphs from body lines (None marks a break): a line that does not end a
    sentence is joined to the next line (broadcast scripts break inside sentences)."""
    paragraphs: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            if len(buffer) > 1:
                notes.add("lines broken inside sentences joined")
            paragraphs.append(collapse_ws(" ".join(buffer)))
            buffer.clear()

    for chunk in chunks:
        if chunk is None:
            flush()
            continue
        if buffer and _is_subhead(chunk):
            flush()
        buffer.append(chunk)
        if _ends_sentence(chunk) or _is_subhead(chunk):
            flush()
    flush()
    return paragraphs


_TIP_RE = re.compile(r"^[▶☞※]?\s*(?:기사\s*)?(?:제보|보도자료)\s*(?:는|하기|및|:|：|안내)")
_END_MARK_RE = re.compile(r"\s*(?:\(끝\)|<끝>|/끝/|\[끝\])\s*$")
_TRAILING_SIGNOFF_RE = re.compile(
    rf"(?<=[.!?”\"’])\s*/?\s*(?P<signoff>(?:\S+\s){{0,2}}?{_NAME}\s?{_TITLE}\s*\(?"
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+\)?)\s*$"
)
#: "…계획이다. /군산=NAME 기자" — a sign-off after a slash, without an e-mail.
_TRAILING_SLASH_SIGNOFF_RE = re.compile(
    rf"(?<=[.!?”\"’])\s*/\s*(?P<signoff>(?:[{_HANGUL}]{{1,8}}\s?[=/]\s?)?{_NAME}\s?{_TITLE})\s*$"
)
_REPORTER_LINK_RE = re.compile(
    rf"^(?P<outlet>\S{{2,15}})\s+{_NAME}\s?{_TITLE}의?\s*(?:다른|최신|더\s*많은)\s*기사"
)
_TRAILING_BROADCAST_RE = re.compile(
    rf"(?<=[.!?])\s+(?P<signoff>(?P<pre>[^\s.]{{1,12}}(?:\s[^\s.]{{1,12}})?)\s?{_NAME}입니다\.)$"
)


def _extract(text: str, *, file_name: str, hints: _Hints) -> ExtractedArticle:
    reader = _Reader(text, hints)
    reader.read_above_headline()
    reader.read_header()
    reader.read_body()
    reader.read_tail()
    return reader.article(file_name)


class _Reader:
    """One pass over a page's lines, zone by zone: above the headline, the header (up to
    the first body line), the body (up to its last sentence), the tail."""

    def __init__(self, text: str, hints: _Hints) -> None:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.lines = [_clean(line) for line in text.split("\n")]
        self.hints = hints
        self.notes = _Notes()
        self.headline, self.h_index = _find_headline(self.lines, hints, self.notes)
        self.title_bar_outlet: str | None = None
        self._title_bar()
        self.published: list[str] = []
        self.unlabelled: list[str] = []
        self.updated: list[str] = []
        self.reporter_above: str | None = None
        self.reporter_header: str | None = None
        self.outlet_header: str | None = None
        self.subtitles: list[tuple[int, str]] = []  # (line index, text)
        self.captions: list[str] = []
        self.body_start: int | None = None
        self.first_tag: tuple[str, str, str] | None = None
        self.paragraphs: list[str] = []
        self.tail_start = len(self.lines)
        self.trailer_lines: list[str] = []
        self.copyright_line: str | None = None
        self.boilerplate: str | None = None
        self.footer_outlet: str | None = None
        self.link_outlet: str | None = None
        self.byline_outlet: str | None = None  # "OUTLET NAME 기자 | 입력 …"

    def _title_bar(self) -> None:
        """A browser title bar "HEADLINE - SITE" (or ``|``, ``:``, ``<``) taken as the
        headline: the headline is the part before the site's name, and the line where
        the page prints it alone (within ten lines) is where the header starts."""
        if self.headline is None or self.h_index < 0:
            return
        m = _TITLE_BAR_RE.match(self.headline)
        if m is None:
            return
        # "HEADLINE < SECTION < 기사본문 - SITE": the headline is before the first "<"
        title, site = re.split(r"\s+<\s+", m["title"])[0].strip(), m["site"].strip()
        # "HEADLINE | SECTION | SITE": the headline is one of the parts before the site
        cuts = [cut.start() for cut in re.finditer(r"\s+(?:[-|:<–—]|::)\s+", title)]
        prefixes = [title] + [title[:cut] for cut in reversed(cuts)]
        for k in range(self.h_index + 1, min(len(self.lines), self.h_index + 11)):
            if not self.lines[k]:
                continue
            found = next(
                (p for p in prefixes if len(p) >= 6 and _same(_core(self.lines[k]), p)), None
            )
            if found is not None:
                self.headline, self.h_index, self.title_bar_outlet = found, k, site
                self.notes.add("title bar 'HEADLINE - SITE' above the headline")
                return
        if " " not in site and _OUTLET_HINT_RE.search(re.sub(r"\d", "", site)):
            self.headline, self.title_bar_outlet = title, site
            self.notes.add("site name cut from the headline")

    # -- timestamps

    def take_stamps(self, stamps: Iterable[_Stamp], *, allow_unlabelled: bool) -> None:
        notes = self.notes
        for stamp in stamps:
            if stamp.twelve_hour and stamp.kind in ("published", "updated", "none"):
                notes.add("12-hour time (오전/오후) read")
            if stamp.kind == "published":
                self.published.append(stamp.iso)
                notes.add(f"'{stamp.label}' taken as publish time")
            elif stamp.kind == "updated":
                self.updated.append(stamp.iso)
                notes.add(f"'{stamp.label}' taken as update time")
            elif stamp.kind == "print":
                notes.add("발행일 (print edition) ignored")
            elif stamp.kind == "today":
                notes.add("today widget ignored")
            elif stamp.kind == "none" and allow_unlabelled:
                self.unlabelled.append(stamp.iso)

    # -- zones

    def read_above_headline(self) -> None:
        """Labelled timestamps above the headline (status bars) count, and so does a
        byline there; a bare date there is a "today" widget."""
        for line in self.lines[: max(self.h_index, 0)]:
            if line and _is_photo_credit(_core(line)):
                self.captions.append(_core(line))
                self.notes.add("photo caption above the headline")
                continue
            b = _byline(line) if line else None
            if b is not None and b.reporter and self.reporter_above is None:
                self.reporter_above = b.reporter
                self.notes.add("byline above the headline")
            if line and _has_full_date(line):
                if b is not None and any(s.kind != "none" for s in b.stamps):
                    self.take_stamps(b.stamps, allow_unlabelled=False)
                else:
                    self.notes.add("date above the headline ignored (today widget)")

    def read_header(self) -> None:
        """From the headline to the first body line: bylines and timestamps, controls,
        the headline printed again, captions and the subtitle.

        Captions here: ``▲``/``▶`` lines, lines with a photo credit, a line printed
        twice, the line after an image control ("이미지 확대보기"), a line in caption
        words ("…모습", "…전경") or ending in a full stop after a noun ("…모습."); a
        credit alone on its line ("사진=OO 제공") is joined to the caption line above."""
        lines, notes = self.lines, self.notes
        image_next = False
        previous: tuple[int, str] | None = None  # (index, kind) of the last line read
        for i in range(self.h_index + 1, len(lines)):
            line = lines[i]
            core = _core(line)
            if not line:
                continue
            after_image, image_next = image_next, False
            kind = "other"
            if self.headline and _same(core, self.headline):
                notes.add("headline printed twice")
            elif _is_marked_caption(core):
                self.captions.append(line)
                kind = "caption"
            elif _key(core) in _IMAGE_CONTROL_KEYS:
                image_next = True
                notes.add("image control: the next line is its caption")
            elif _is_photo_credit(core) or _CREDIT_LINE_RE.match(core):
                if previous is not None and _CREDIT_LINE_RE.match(core):
                    index, previous_kind = previous
                    if previous_kind == "subtitle" and self.subtitles[-1][0] == index:
                        self.subtitles.pop()
                        self.captions.append(f"{_core(lines[index])} {core}")
                        notes.add("caption line and its credit line joined")
                        previous = (i, "other")
                        continue
                    if previous_kind == "caption" and self.captions:
                        self.captions[-1] = f"{self.captions[-1]} {core}"
                        notes.add("caption line and its credit line joined")
                        previous = (i, "other")
                        continue
                self.captions.append(core)
                notes.add("caption by photo credit")
            elif (b := _byline(line)) is not None:
                if b.reporter and self.reporter_header is None:
                    self.reporter_header = b.reporter
                    notes.add("byline in header")
                if b.outlet and self.outlet_header is None and not b.reporter:
                    self.outlet_header = b.outlet
                    notes.add("byline is the outlet")
                if b.outlet and b.reporter and _OUTLET_HINT_RE.search(b.outlet):
                    self.byline_outlet = self.byline_outlet or b.outlet.split()[0]
                self.take_stamps(b.stamps, allow_unlabelled=True)
            elif _is_control(line) or _is_chrome(line):
                notes.add("page controls skipped")
            elif (
                (j := _next_nonblank(lines, i)) is not None
                and _CREDIT_LINE_RE.match(_core(lines[j]))
                and len(core) < 80
                and not _dateline(core)
                and not _REPORTED_RE.search(core)
            ):
                self.captions.append(core)
                kind = "caption"
                notes.add("caption line above its credit line")
            elif (
                after_image
                and len(core) < 80
                and not _dateline(core)
                and not _REPORTED_RE.search(core)
            ):
                self.captions.append(core)
                kind = "caption"
                notes.add("line after an image control taken as caption")
            elif (
                (_dateline(core) and not _kicker(core))
                or (_verb_terminal(_prose(core)) and not _asks(core))
                or len(core) >= 120
                or (len(core) >= 50 and _BARE_VERB_END_RE.search(core))
                or _broken_sentence_run(lines, i)
            ):
                self.body_start = i
                lead = _lead_before_agency_tag(lines, i)
                if lead is not None:
                    self.subtitles.extend((k, _core(lines[k])) for k in range(i, lead) if lines[k])
                    notes.add("summary lines before the agency dateline taken as subtitle")
                    self.body_start = lead
                return
            elif (j := _next_nonblank(lines, i)) is not None and _same(lines[j], line):
                self.captions.append(core)
                kind = "caption"
                notes.add("line printed twice taken as caption")
            elif _CAPTION_END_RE.search(core) or (core.endswith(".") and not _verb_terminal(core)):
                self.captions.append(core)
                kind = "caption"
                notes.add("unmarked caption in the header")
            elif _subtitle_like(core):
                self.subtitles.append((i, core))
                kind = "subtitle"
            previous = (i, kind)
        self._body_without_full_stops()

    def _body_without_full_stops(self) -> None:
        """No line read as the body's first: a page whose sentences have no full stops.
        The body starts at the first "subtitle" line that ends in a verb ("…시작했다")."""
        first = next((k for k, text in self.subtitles if _BARE_VERB_END_RE.search(text)), None)
        if first is None:
            return
        self.subtitles = [(k, text) for k, text in self.subtitles if k < first]
        self.body_start = first
        self.notes.add("sentences without full stops: the body starts at the first verb")

    def subtitle_run(self) -> list[str]:
        """The subtitle: the first run of subtitle lines (only blank lines between them),
        at most four, each without its dash or enclosing brackets."""
        run: list[str] = []
        last = -1
        for index, text in self.subtitles:
            if run and any(self.lines[k] for k in range(last + 1, index)):
                break
            run.append(_subtitle_text(text))
            last = index
        return run[:4]

    def _hard_stop(self, start: int) -> int:
        """The first line after the body's first line that the body cannot go past:
        copyright, chrome vocabulary, a sign-off, a teaser with the same opening tag."""
        lines = self.lines
        for k in range(start + 1, len(lines)):
            core = _core(lines[k])
            if not core:
                continue
            if _is_copyright(core) and self._credit_under_caption(k):
                continue  # "▲ caption" then "ⓒ NAME": the photo's credit
            if _is_copyright(core) or _is_chrome(core) or _is_signoff(core):
                return k
            tag = _dateline(core)
            if (
                self.first_tag is not None
                and tag is not None
                and tag[1] == self.first_tag[1]
                and not _same(core, lines[start])
            ):
                self.notes.add("teasers with the same opening tag cut")
                return k
        return len(lines)

    def _credit_under_caption(self, k: int) -> bool:
        """Is line ``k`` a short credit line ("ⓒ NAME", "[OO 제공. 재판매 및 DB 금지]")
        right under a caption line?"""
        core = _core(self.lines[k])
        if not _CREDIT_LINE_RE.match(core):
            return False
        above = next((x for x in reversed(self.lines[:k]) if x), "")
        return _is_marked_caption(_core(above)) or not _ends_sentence(above)

    def read_body(self) -> None:
        """From the first body line to the last line that ends a sentence before the hard
        stop; captions and controls out, broken lines joined, duplicates dropped."""
        if self.body_start is None:
            return
        lines, notes, start = self.lines, self.notes, self.body_start
        self.first_tag = _dateline(_core(lines[start]))
        stop = self._hard_stop(start)
        last = start
        for k in range(start, stop):
            core = _core(lines[k])
            if not core or _is_marked_caption(core) or _is_photo_credit(core):
                continue
            if _is_control(core):
                continue
            prose = _prose(_TRAILING_SLASH_SIGNOFF_RE.sub("", core))
            if _ends_sentence(prose) and not _noun_caption(prose):
                last = k
        # an unmarked caption printed twice in a row (a sentence printed twice is a
        # duplicated paragraph instead, kept once below)
        twice: set[int] = set()
        for k in range(start, last + 1):
            j = _next_nonblank(lines, k) if lines[k] else None
            if j is not None and j <= last and _same(lines[j], lines[k]):
                if not _terminal(lines[k]) and len(lines[k]) < 100 and not _is_subhead(lines[k]):
                    twice.update((k, j))
        chunks: list[str | None] = []
        for k in range(start, last + 1):
            line = lines[k]
            core = _core(line)
            if not line:
                chunks.append(None)
            elif k > start and _CREDIT_LINE_RE.match(core) and self._credit_under_caption(k):
                # a credit line under its caption: "▲ caption" / "ⓒ NAME", or an
                # unmarked caption line / "[OO 제공. 재판매 및 DB 금지]"
                above = max(a for a in range(start, k) if lines[a])
                previous = chunks[above - start]  # one chunk per line
                if previous is not None and not _ends_sentence(previous):
                    chunks[above - start] = None
                    self.captions.append(f"{_core(previous)} {core}")
                elif self.captions:
                    self.captions[-1] = f"{self.captions[-1]} {core}"
                else:
                    self.captions.append(core)
                notes.add("credit line under a caption")
                chunks.append(None)
            elif k in twice:
                self.captions.append(core)
                notes.add("line printed twice inside the body taken as caption")
                chunks.append(None)
            elif _is_marked_caption(core) or _is_photo_credit(core):
                self.captions.append(line if _is_marked_caption(core) else core)
                notes.add("caption inside the body")
                chunks.append(None)
            elif _is_control(core):
                chunks.append(None)
            else:
                prose = _prose(line)
                if prose != line:
                    notes.add("photo credit cut from a paragraph")
                chunks.append(prose)
        self.tail_start = last + 1
        seen: set[str] = set()
        for paragraph in _assemble(chunks, notes):
            key = collapse_ws(paragraph)
            if key in seen:
                notes.add("paragraph printed twice kept once")
                continue
            seen.add(key)
            self.paragraphs.append(paragraph)
        if self.paragraphs:
            self._split_trailing_signoff()

    def _split_trailing_signoff(self) -> None:
        last_paragraph = _END_MARK_RE.sub("", self.paragraphs[-1])
        m = _TRAILING_SIGNOFF_RE.search(last_paragraph) or _TRAILING_SLASH_SIGNOFF_RE.search(
            last_paragraph
        )
        if m is None:
            m = _TRAILING_BROADCAST_RE.search(last_paragraph)
            if m is not None and not _OUTLET_HINT_RE.search(m["pre"]):
                m = None
        if m and m.start() > 0:
            self.trailer_lines.append(m["signoff"].strip())
            last_paragraph = last_paragraph[: m.start()].rstrip()
            self.notes.add("sign-off at the end of the last paragraph")
        self.paragraphs[-1] = last_paragraph

    def read_tail(self) -> None:
        """After the body: copyright, sign-offs and credits, tip lines, then the first
        line of site chrome."""
        lines = self.lines
        for k in range(self.tail_start, len(lines)):
            line = lines[k]
            core = _core(line)
            if not line:
                continue
            if not _END_MARK_RE.sub("", core):
                continue  # "(끝)" alone: the end of the article
            if _is_copyright(core):
                self.copyright_line = self.copyright_line or line
                continue
            if _is_signoff(core):
                self.trailer_lines.append(core)
                continue
            if _is_marked_caption(core):
                self.captions.append(line)
                continue
            if _is_photo_credit(core) or _noun_caption(core):
                self.captions.append(core)
                self.notes.add("caption after the body")
                continue
            if _TIP_RE.match(core):
                self.notes.add("news-tip line skipped")
                continue
            b = _byline(core)
            if b is not None and any(s.kind != "none" for s in b.stamps) and not b.outlet:
                self.take_stamps(b.stamps, allow_unlabelled=False)
                continue
            self.boilerplate = line
            self.notes.add(f"chrome from {line[:20]!r}")
            if self.copyright_line is None:
                # a news-tip or promotion line between the body and the copyright
                near = next((x for x in lines[k + 1 :] if x), "")
                self.copyright_line = near if near and _is_copyright(_core(near)) else None
            self.footer_outlet = next(
                (o for o in (_copyright_outlet(x) for x in lines[k:] if _is_copyright(x)) if o),
                None,
            )
            # "OUTLET NAME 기자의 다른기사 보기": the reporter's link names the outlet
            links = (_REPORTER_LINK_RE.match(_core(x)) for x in lines[k : k + 6] if x)
            self.link_outlet = next(
                (m["outlet"] for m in links if m and _OUTLET_HINT_RE.search(m["outlet"])), None
            )
            return

    # -- result

    def article(self, file_name: str) -> ExtractedArticle:
        notes, hints = self.notes, self.hints
        art = ExtractedArticle(file_name=file_name, headline=self.headline)
        art.body_paragraphs = self.paragraphs
        if self.paragraphs:
            first = split_sentences(self.paragraphs[0])
            last = split_sentences(self.paragraphs[-1])
            art.body_first_sentence = first[0] if first else None
            art.body_last_sentence = last[-1] if last else None
        art.copyright_line = self.copyright_line
        art.boilerplate_starts_with = self.boilerplate

        reporter_tag = outlet_tag = None
        if self.first_tag is not None:
            art.dateline_prefix = self.first_tag[0]
            outlet_tag, reporter_tag = _tag_parts(self.first_tag[1], self.first_tag[2])
            notes.add("dateline tag")

        captions = list(dict.fromkeys(self.captions))
        if len(captions) < len(self.captions):
            notes.add("caption printed twice")
        art.photo_captions = captions
        art.photo_caption = captions[0] if captions else None

        subtitles = self.subtitle_run()
        if subtitles:
            art.subtitle = "\n".join(subtitles)
            notes.add(f"subtitle {len(subtitles)} line(s)")

        trailers = self.trailer_lines
        if trailers:
            art.byline_trailer = "\n".join(trailers)
            notes.add("sign-off after the body")
        reporter_trailer = next((r for r in map(_signoff_reporter, trailers) if r), None)
        outlet_trailer = next((o for o in map(_signoff_outlet, trailers) if o), None)

        art.reporter = (
            self.reporter_header or reporter_tag or reporter_trailer or self.reporter_above
        )
        if art.reporter is None and hints.author:
            m = _name_title(hints.author)
            name = m["name"] if m else collapse_ws(re.split(r"[;,/|]", hints.author)[0])
            if re.fullmatch(_NAME, name) and _valid_name(name):
                art.reporter = name
                notes.add("reporter from metadata")
        if art.reporter is None:
            notes.add("no reporter (outlet byline or none)")

        copyright_outlet = _copyright_outlet(self.copyright_line) if self.copyright_line else None
        candidates = (
            hints.site_name,
            copyright_outlet,
            self.outlet_header,
            outlet_trailer,
            outlet_tag,
            self.byline_outlet,
            self.footer_outlet,
            self.title_bar_outlet,
            self.link_outlet,
        )
        art.site_name = next((collapse_ws(c) for c in candidates if c), None)

        if self.published:
            art.published_at = self.published[0]
        elif self.unlabelled:
            art.published_at = self.unlabelled[0]
            notes.add("bare date taken as publish time")
        elif hints.published_at:
            art.published_at = hints.published_at
            notes.add("publish time from metadata")
        else:
            notes.add("no timestamp")
        if self.updated:
            art.updated_at = self.updated[0]
        elif hints.updated_at and hints.updated_at != art.published_at:
            art.updated_at = hints.updated_at
        if art.boilerplate_starts_with is None:
            notes.add("text ends before any chrome")
        art.rules = notes.items
        return art


# --------------------------------------------------------------------------- HTML

_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)


def _page_lines(root: Any) -> list[str]:
    """The visible text of a parsed page, one block per line."""
    from lxml import etree

    parts: list[str] = []

    def text(value: str | None) -> None:
        if value:
            parts.append(_WS_RE.sub(" ", value))  # source line breaks are not blocks

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.lower() in {"script", "style", "noscript", "template", "head", "svg"}:
            text(element.tail)
            return
        block = tag.lower() in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if not isinstance(element, etree._Comment):
            text(element.text)
        for child in element:
            walk(child)
        if block:
            parts.append("\n")
        text(element.tail)

    walk(root)
    return [line for line in (_clean(x) for x in "".join(parts).split("\n")) if line]


def _meta_content(root: Any, *names: str) -> str | None:
    for name in names:
        for attribute in ("property", "name", "itemprop"):
            found = root.xpath(f"//meta[@{attribute}=$n]/@content", n=name)
            if found and str(found[0]).strip():
                return str(found[0]).strip()
    return None


def extract_html(html: str, *, url: str = "", file_name: str = "") -> ExtractedArticle:
    """Extract the article from a news page given as HTML.

    trafilatura finds the main text and the metadata (title, author, date, site name);
    the byline and timestamps that it leaves out are read from the page's own lines
    between the headline and the first body line. Then the text goes through the same
    rules as :func:`extract_text`. Nothing is downloaded.
    """
    import lxml.etree
    import lxml.html
    import trafilatura
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "10")
    config.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")
    document = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        config=config,
    )
    main_text = ""
    title = author = date = site_name = None
    if document is not None:
        data = document if isinstance(document, dict) else document.as_dict()
        main_text = str(data.get("text") or "")
        title = data.get("title")
        author = data.get("author")
        date = data.get("date")
        site_name = data.get("sitename")

    root: Any = None
    if html.strip():
        try:
            root = lxml.html.fromstring(html)
        except ValueError:  # a str with an XML encoding declaration
            root = lxml.html.fromstring(html.encode("utf-8"))
        except lxml.etree.ParserError:
            root = None
    published_meta = updated_meta = None
    if root is not None:
        published_meta = _meta_content(
            root, "article:published_time", "datePublished", "pubdate", "publishdate"
        )
        updated_meta = _meta_content(root, "article:modified_time", "dateModified")
        site_name = _meta_content(root, "og:site_name") or site_name
        title = _meta_content(root, "og:title") or title
        h1 = root.xpath("//h1")
        if h1:
            h1_text = collapse_ws(h1[0].text_content())
            if h1_text:
                title = h1_text
    if title and site_name:
        title = re.sub(rf"\s*[-|:·–—]\s*{re.escape(site_name)}\s*$", "", title)

    main_lines = [line for line in (_clean(x) for x in main_text.split("\n")) if line]
    fallback = not main_lines and root is not None
    if fallback:
        main_lines = _page_lines(root)  # no main text found: the rules read the whole page
    header: list[str] = []
    if root is not None and title:
        page = _page_lines(root)
        body_lines = [x for x in main_lines if not _same(x, title)]
        try:
            top = next(k for k, x in enumerate(page) if _same(x, title))
        except StopIteration:
            top = -1
        if top >= 0 and body_lines:
            first = body_lines[0]
            end = next((k for k in range(top + 1, len(page)) if _same(page[k], first)), -1)
            if end > top:
                header = page[top + 1 : end]
        main_lines = body_lines
    composed = "\n".join(([title] if title else []) + header + main_lines)

    hints = _Hints(
        title=title,
        author=str(author) if author else None,
        published_at=_iso_from_meta(published_meta or "") or (str(date) if date else None),
        updated_at=_iso_from_meta(updated_meta or ""),
        site_name=str(site_name) if site_name else None,
    )
    article = _extract(composed, file_name=file_name, hints=hints)
    article.rules.insert(0, "whole page text" if fallback else "trafilatura main text")
    return article


def to_json(article: ExtractedArticle, file_name: str | None = None) -> str:
    """The expected-dict of an article as pretty JSON (for ``--format json``)."""
    return json.dumps(article.as_expected_dict(file_name), ensure_ascii=False, indent=1)
