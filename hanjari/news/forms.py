"""News desk forms (소식 데스크): they validate input; services save.

- `ArticleForm`: write or edit an article (headline, subtitle, Markdown body, section,
  comma-separated tags, linked organisations; for editors also the press fields).
- `PhotoForm`: one photo upload, checked with Pillow (PNG, JPEG or WebP, ≤ 5 MB,
  ≤ 40 million pixels, extension matching the format: `hanjari.core.images`) and
  cleaned to the copy that is stored (no metadata, at most 2,560 pixels a side).
- `ImportSourceForm`: the page text pasted or a .txt/.html file (≤ 2 MB, UTF-8 or
  CP949), step 1 of a press import; `ImportArticleForm`: the extracted fields as the
  editor corrects them, step 2.
- `CommentForm` (a comment; for a guest also a name and a signed check question),
  `CommentEditForm`, `CommentReportForm`, `CommentModerateForm`: the reader's comment
  actions.
- `OrganizationPicker`: a checkbox list that renders only the chosen and suggested
  organisations (never all of them) with a search box (htmx suggestions).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hanjari.core.forms import BoundedDateTimeField, IdChoiceField, IdMultipleChoiceField
from hanjari.core.identifiers import is_object_id
from hanjari.core.images import clean_photo
from hanjari.core.names import normalize_name
from hanjari.core.text import no_control_characters, replace_controls
from hanjari.registry.models import Organization

from .models import Article, ArticlePhoto, Section
from .services import MAX_TAGS, ArticleData, article_data, clean_tag_names

IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_EXTENSIONS = (".txt", ".html", ".htm")
ORG_SEARCH_LIMIT = 20
DATETIME_LOCAL = "%Y-%m-%dT%H:%M:%S"


def _text(**kwargs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "krds-input", **kwargs})


def _area(rows: int, **kwargs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "krds-input", "rows": rows, **kwargs})


def _datetime_local() -> forms.DateTimeInput:
    return forms.DateTimeInput(
        attrs={"class": "krds-input", "type": "datetime-local", "step": "1"},
        format=DATETIME_LOCAL,
    )


def org_label(org: Organization) -> str:
    """An organisation as listed in the picker: name and 시군구 (to tell namesakes apart)."""
    place = " ".join(p for p in (org.sido, org.sigungu) if p)
    return f"{org.name} ({place})" if place else org.name


def search_organizations(query: str, *, limit: int = ORG_SEARCH_LIMIT) -> list[Organization]:
    """Organisations whose name or normalised name contains `query` (at least two
    characters), shortest names first; [] for a shorter query. Control characters are
    dropped first (PostgreSQL refuses a NUL in a query: a 500 found by the form fuzz)."""
    query = replace_controls(query).strip()
    if len(query) < 2:
        return []
    key = normalize_name(query)
    cond = Q(name__icontains=query)
    if len(key) >= 2:
        cond |= Q(name_normalized__contains=key)
    qs = Organization.objects.filter(cond).only("pk", "name", "sido", "sigungu")
    return sorted(qs[:200], key=lambda o: (len(o.name), o.name))[:limit]


class SectionChoiceField(IdChoiceField):
    """A choice of news section (분류), each shown by `Section.label` (translated
    when it is a standard section)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class OrganizationPicker(forms.CheckboxSelectMultiple):
    """Checkboxes for the chosen organisations plus `suggestions`, and a search box.

    The field's queryset holds every organisation (thousands), so the widget never
    iterates it: it renders the selected values and `suggestions` only. The search box
    asks `search_url` (htmx, ``?org_q=…``) for more checkboxes; without JavaScript the
    "찾기" button re-submits the form, which adds the matches as suggestions.
    """

    template_name = "news/desk/widgets/org_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.suggestions: list[Organization] = []
        self.search_url = ""
        self.query = ""

    def options_for(self, value: list[Any]) -> list[dict[str, Any]]:
        """The checkboxes to render: chosen organisations (ticked) in the given order,
        then the suggestions not chosen."""
        ids = [int(v) for v in value or [] if is_object_id(v)]
        chosen = Organization.objects.filter(pk__in=ids).only("pk", "name", "sido", "sigungu")
        by_id = {o.pk: o for o in chosen}
        options = [
            {"pk": pk, "label": org_label(by_id[pk]), "checked": True}
            for pk in dict.fromkeys(ids)
            if pk in by_id
        ]
        seen = set(by_id)
        for org in self.suggestions:
            if org.pk not in seen:
                seen.add(org.pk)
                options.append({"pk": org.pk, "label": org_label(org), "checked": False})
        return options

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # Not super(): ChoiceWidget.get_context would walk the whole queryset.
        # The field's initial value holds model instances: format their primary keys
        # (ChoiceWidget.format_value turns each value into a string).
        if isinstance(value, list | tuple):
            value = [getattr(v, "pk", v) for v in value]
        context = forms.Widget.get_context(self, name, getattr(value, "pk", value), attrs)
        widget = context["widget"]
        options = self.options_for(widget["value"])
        widget.update(
            options=options,
            found_count=sum(1 for o in options if not o["checked"]),
            search_url=self.search_url,
            query=self.query,
            id_prefix=widget["attrs"].get("id", f"id_{name}"),
        )
        return context


class OrganizationField(IdMultipleChoiceField):
    widget = OrganizationPicker

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Organization.objects.all())
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("관련 조직"))
        kwargs.setdefault(
            "help_text",
            _(
                "기사에 나오는 조직을 이름으로 찾아 고릅니다. "
                "기업 회원은 자기 조직 기사만 승인 요청할 수 있습니다."
            ),
        )
        super().__init__(**kwargs)


class TagsField(forms.CharField):
    """Comma-separated tag names → a cleaned list (created by the service as needed)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("태그"))
        kwargs.setdefault("help_text", _("쉼표로 나눕니다. 없는 태그는 새로 만듭니다."))
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault("widget", _text())
        super().__init__(**kwargs)

    # override: returns tag names, not the text the parent CharField cleans to.
    def clean(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().clean(value)
        names = clean_tag_names(text or "")
        raw = [n for n in (text or "").split(",") if n.strip()]
        if len(raw) > MAX_TAGS:
            raise forms.ValidationError(_("태그는 %(n)d개까지 붙일 수 있습니다.") % {"n": MAX_TAGS})
        return names


class PickerFormMixin:
    """Wires `OrganizationPicker` of the `organizations` field to a search URL and
    suggestions (the organisations matching `org_q` in the submitted data)."""

    def setup_picker(
        self, *, search_url: str, query: str = "", extra: Iterable[Organization] = ()
    ) -> None:
        widget = cast(forms.BaseForm, self).fields["organizations"].widget
        widget.search_url = search_url
        widget.query = query
        widget.suggestions = [*extra, *search_organizations(query)]


class ArticleForm(PickerFormMixin, forms.Form):
    """An article as its writer edits it. Press fields are for editors only."""

    PRESS_FIELDS = (
        "byline_name",
        "outlet",
        "original_url",
        "original_published_at",
        "copyright_line",
        "dateline_prefix",
    )

    headline = forms.CharField(
        label=_("제목"), max_length=300, widget=_text(), validators=[no_control_characters]
    )
    subtitle = forms.CharField(
        label=_("부제"),
        required=False,
        widget=_area(2),
        help_text=_("두 줄까지 씁니다. 없으면 비워 둡니다."),
    )
    body_source = forms.CharField(
        label=_("본문"),
        required=False,
        widget=_area(18),
        help_text=_(
            "마크다운으로 씁니다: 빈 줄로 문단을 나누고, **굵게**, [링크](https://…), ## 소제목."
        ),
    )
    section = SectionChoiceField(
        label=_("분류"),
        queryset=Section.objects.all(),
        required=False,
        empty_label=_("(없음)"),
        widget=forms.Select(attrs={"class": "krds-form-select"}),
    )
    tags = TagsField()
    organizations = OrganizationField()
    byline_name = forms.CharField(
        label=_("기자 이름 (다른 매체 기사)"),
        max_length=100,
        required=False,
        widget=_text(),
        help_text=_("비워 두면 쓴 사람의 계정 이름이 기자로 나옵니다."),
    )
    outlet = forms.CharField(label=_("매체"), max_length=100, required=False, widget=_text())
    original_url = forms.URLField(
        label=_("원문 주소"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "krds-input"}),
    )
    original_published_at = BoundedDateTimeField(
        label=_("원문 기사 시각"),
        required=False,
        widget=_datetime_local(),
        help_text=_("원래 매체가 밝힌 기사승인·등록 시각 (한국 시간)."),
    )
    copyright_line = forms.CharField(
        label=_("저작권 표시"), max_length=300, required=False, widget=_text()
    )
    dateline_prefix = forms.CharField(
        label=_("머리 표시"),
        max_length=100,
        required=False,
        widget=_text(),
        help_text=_("예: [뉴스스텝]"),
    )

    def __init__(self, *args: Any, press: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.press = press
        if not press:
            for name in self.PRESS_FIELDS:
                del self.fields[name]

    @classmethod
    def initial_for(cls, article: Article) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(article, name)
            for name in ("headline", "subtitle", "body_source", *cls.PRESS_FIELDS)
        }
        initial["section"] = article.section_id
        initial["tags"] = ", ".join(t.name for t in article.tags.all())
        initial["organizations"] = [o.pk for o in article.organizations.all()]
        return initial

    def clean_subtitle(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["subtitle"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > 2:
            raise forms.ValidationError(_("부제는 두 줄까지 쓸 수 있습니다."))
        return "\n".join(lines)

    def article_data(self) -> ArticleData:
        """The cleaned values as `services.ArticleData`."""
        names: tuple[str, ...] = ("headline", "subtitle", "body_source", "section")
        if self.press:
            names += self.PRESS_FIELDS
        return article_data({name: self.cleaned_data[name] for name in names})


class PhotoForm(forms.Form):
    """One photo for an article: the image (checked with Pillow), caption, credit and
    the alternative text read out by screen readers (required)."""

    image = forms.FileField(
        label=_("사진 (PNG, JPG, WebP, 5 MB까지)"),
        widget=forms.ClearableFileInput(
            attrs={"class": "krds-input", "accept": "image/png,image/jpeg,image/webp"}
        ),
    )
    caption = forms.CharField(
        label=ArticlePhoto._meta.get_field("caption").verbose_name,
        max_length=500,
        required=False,
        widget=_text(),
    )
    credit = forms.CharField(
        label=ArticlePhoto._meta.get_field("credit").verbose_name,
        max_length=200,
        required=False,
        widget=_text(),
        help_text=_("예: 전주시 제공"),
    )
    alt_text = forms.CharField(
        label=ArticlePhoto._meta.get_field("alt_text").verbose_name,
        max_length=300,
        widget=_text(),
        help_text=_("사진을 볼 수 없는 사람에게 읽어 줄 설명입니다."),
    )

    def clean_image(self) -> UploadedFile:
        """The photo to store (`hanjari.core.images.clean_photo`), if the upload is a
        PNG, JPEG (also a camera's multi-picture JPEG) or WebP picture of at most 5 MB
        and 40 million pixels whose name ends in its format's extension: not the upload
        itself but a copy of the same name and format, turned upright, without EXIF/GPS
        or other metadata, at most 2,560 pixels a side. Raises ValidationError with the
        reason otherwise."""
        return clean_photo(self.cleaned_data["image"])


def decode_page(data: bytes) -> str:
    """Text of an uploaded page: UTF-8 (with or without BOM), else CP949 (EUC-KR's
    superset, used by older Korean sites). Raises ValidationError for anything else,
    or for binary content (NUL bytes)."""
    if b"\x00" in data:
        raise forms.ValidationError(_("글자 파일이 아닙니다."))
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise forms.ValidationError(_("UTF-8이나 CP949(EUC-KR)로 읽을 수 없는 파일입니다."))


def looks_like_html(text: str, file_name: str = "") -> bool:
    """Whether a page is HTML: an .html/.htm name, or text that starts with a tag and
    has an <html>, <body>, <article> or <p> element."""
    if file_name.lower().endswith((".html", ".htm")):
        return True
    head = text.lstrip()[:2000].lower()
    return head.startswith("<") and any(
        tag in head for tag in ("<html", "<body", "<article", "<p>", "<p ", "<!doctype")
    )


class ImportSourceForm(forms.Form):
    """Step 1 of a press import: the page as pasted text or an uploaded file."""

    text = forms.CharField(
        label=_("기사 페이지 글 붙여 넣기"),
        required=False,
        widget=_area(14, spellcheck="false"),
        help_text=_("기사 페이지를 모두 골라 복사한 글을 그대로 붙여 넣습니다."),
        max_length=IMPORT_MAX_BYTES,
    )
    file = forms.FileField(
        label=_("또는 파일 올리기 (.txt, .html, 2 MB까지)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"class": "krds-input", "accept": ".txt,.html,.htm,text/plain,text/html"}
        ),
    )
    original_url = forms.URLField(
        label=_("원문 주소"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "krds-input"}),
    )

    def clean_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if not (upload.name or "").lower().endswith(IMPORT_EXTENSIONS):
            raise forms.ValidationError(_(".txt 또는 .html 파일만 올릴 수 있습니다."))
        if upload.size is None or upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("파일이 너무 큽니다 (최대 2 MB)."))
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload, text = cleaned.get("file"), (cleaned.get("text") or "").strip()
        if self.errors:
            return cleaned
        if upload and text:
            raise forms.ValidationError(_("글을 붙여 넣거나 파일을 올리거나, 한 가지만 해 주세요."))
        if upload:
            try:
                cleaned["page"] = decode_page(upload.read())
            except forms.ValidationError as exc:
                self.add_error("file", exc)
                return cleaned
            cleaned["file_name"] = upload.name
        elif text:
            cleaned["page"] = cleaned["text"]
            cleaned["file_name"] = ""
        else:
            raise forms.ValidationError(_("기사 페이지의 글을 붙여 넣거나 파일을 올려 주세요."))
        if not cleaned["page"].strip():
            raise forms.ValidationError(_("빈 파일입니다."))
        return cleaned


class ImportArticleForm(PickerFormMixin, forms.Form):
    """Step 2 of a press import: the extracted fields, corrected by the editor."""

    headline = forms.CharField(
        label=_("제목"), max_length=300, widget=_text(), validators=[no_control_characters]
    )
    subtitle = forms.CharField(
        label=_("부제"), required=False, widget=_area(2), help_text=_("두 줄까지.")
    )
    byline_name = forms.CharField(
        label=_("기자 이름"),
        max_length=100,
        required=False,
        widget=_text(),
        help_text=_("사람 이름만 씁니다 (예: 최선경). ‘기자’는 붙이지 않습니다."),
    )
    outlet = forms.CharField(label=_("매체"), max_length=100, widget=_text())
    original_published_at = BoundedDateTimeField(
        label=_("기사 시각 (한국 시간)"),
        required=False,
        widget=_datetime_local(),
        help_text=_("원래 매체의 기사승인·등록 시각입니다."),
    )
    original_updated_at = BoundedDateTimeField(
        label=_("수정 시각 (한국 시간)"), required=False, widget=_datetime_local()
    )
    dateline_prefix = forms.CharField(
        label=_("머리 표시"),
        max_length=100,
        required=False,
        widget=_text(),
        help_text=_("예: [뉴스스텝]. 본문 첫 문장에도 그대로 남습니다."),
    )
    body_source = forms.CharField(
        label=_("본문"),
        widget=_area(16),
        help_text=_("문단은 빈 줄로 나눕니다 (마크다운)."),
    )
    photo_captions = forms.CharField(
        label=_("사진 설명"),
        required=False,
        widget=_area(3),
        help_text=_(
            "한 줄에 하나씩. 사진 파일 없이 설명만 저장되며, 사진은 나중에 올릴 수 있습니다."
        ),
    )
    copyright_line = forms.CharField(
        label=_("저작권 표시"), max_length=300, required=False, widget=_text()
    )
    original_url = forms.URLField(
        label=_("원문 주소"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "krds-input"}),
    )
    section = SectionChoiceField(
        label=_("분류"),
        queryset=Section.objects.all(),
        required=False,
        empty_label=_("(없음)"),
        widget=forms.Select(attrs={"class": "krds-form-select"}),
    )
    tags = TagsField()
    organizations = OrganizationField(
        help_text=_("본문에 이름이 나오는 조직을 미리 골라 두었습니다. 아닌 것은 선택을 풉니다.")
    )
    source_text = forms.CharField(widget=forms.HiddenInput, max_length=IMPORT_MAX_BYTES)
    file_name = forms.CharField(widget=forms.HiddenInput, required=False, max_length=255)

    def clean_subtitle(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["subtitle"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > 2:
            raise forms.ValidationError(_("부제는 두 줄까지 쓸 수 있습니다."))
        return "\n".join(lines)

    def clean_photo_captions(self) -> list[str]:
        lines = self.cleaned_data["photo_captions"].splitlines()
        captions = [" ".join(line.split()) for line in lines if line.strip()]
        if any(len(c) > 500 for c in captions):
            raise forms.ValidationError(_("사진 설명은 한 줄에 500자까지 쓸 수 있습니다."))
        return captions

    def clean_original_published_at(self) -> dt.datetime | None:
        value = self.cleaned_data["original_published_at"]
        if value and value > timezone.now() + dt.timedelta(days=1):
            raise forms.ValidationError(_("기사 시각이 미래입니다. 다시 확인해 주세요."))
        return value

    def article_data(self) -> ArticleData:
        """The cleaned values as `services.ArticleData`."""
        names = (
            "headline",
            "subtitle",
            "byline_name",
            "outlet",
            "original_published_at",
            "original_updated_at",
            "dateline_prefix",
            "body_source",
            "copyright_line",
            "original_url",
            "section",
        )
        return article_data({name: self.cleaned_data[name] for name in names})


# --- comments (댓글) ----------------------------------------------------------------------

GUEST_CHECK_SALT = "hanjari.news.guest-check"
GUEST_CHECK_MAX_AGE = 60 * 60  # seconds a guest has to answer the check question


class CommentForm(forms.Form):
    """A comment: the text, and for a guest (when allowed) a name and a check answer."""

    body = forms.CharField(
        label=_("댓글"),
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "krds-input", "rows": 4, "maxlength": 2000}),
    )

    def __init__(self, *args: Any, guest: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guest = guest
        if guest:
            self.fields["guest_name"] = forms.CharField(
                label=_("이름"),
                max_length=50,
                widget=forms.TextInput(attrs={"class": "krds-input", "autocomplete": "name"}),
            )
            self.fields["check_token"] = forms.CharField(widget=forms.HiddenInput)
            self.fields["check_answer"] = forms.IntegerField(
                label=_("확인 질문"),
                widget=forms.TextInput(attrs={"class": "krds-input", "inputmode": "numeric"}),
            )
            a, b = guest_check_numbers()
            self.check_question = gettext("%(a)d 더하기 %(b)d는 얼마입니까?") % {"a": a, "b": b}
            self.fields["check_answer"].help_text = self.check_question
            self.initial.setdefault(
                "check_token", signing.dumps({"a": a, "b": b}, salt=GUEST_CHECK_SALT)
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.guest and "check_answer" in data:
            try:
                nums = signing.loads(
                    data.get("check_token", ""), salt=GUEST_CHECK_SALT, max_age=GUEST_CHECK_MAX_AGE
                )
                ok = int(nums["a"]) + int(nums["b"]) == data["check_answer"]
            except (signing.BadSignature, KeyError, TypeError, ValueError):
                ok = False
            if not ok:
                self.add_error("check_answer", gettext("확인 질문의 답이 맞지 않습니다."))
        return data


def guest_check_numbers() -> tuple[int, int]:
    """Two small numbers for the guest check question (not a secret: it keeps simple
    scripts out, the rate limit does the rest)."""
    return 1 + secrets.randbelow(9), 1 + secrets.randbelow(9)


class CommentEditForm(forms.Form):
    body = forms.CharField(label=_("댓글"), max_length=2000)


class CommentReportForm(forms.Form):
    reason = forms.CharField(label=_("신고 이유"), max_length=300, required=False)


class CommentModerateForm(forms.Form):
    action = forms.ChoiceField(choices=[("hide", "hide"), ("restore", "restore")])
    reason = forms.CharField(label=_("이유"), max_length=300)
