"""Template filters for the news reader pages (소식).

`{% load news_reader %}`:
- ``{{ when|kst }}`` — a time as the byline shows it, in Korean time (Asia/Seoul),
  ``2023-12-11 17:40:25``; "" for None.
- ``{{ article.body_html|excerpt:120 }}`` — the first characters of an HTML body as
  plain text (to be escaped by the template).
- ``{{ photo.caption|caption_text }}`` — a photo caption without a leading ``▲``
  (the page puts the marker back).
- ``{{ article|image_photo }}`` — the first of the article's (prefetched) photos that
  has an image file, else None.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any
from zoneinfo import ZoneInfo

from django import template
from django.utils.html import strip_tags
from django.utils.text import Truncator

register = template.Library()

SEOUL = ZoneInfo("Asia/Seoul")
_SPACES = re.compile(r"\s+")
_CAPTION_MARK = re.compile(r"^\s*▲\s*")


@register.filter
def kst(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """`value` (an aware datetime) in Asia/Seoul as ``YYYY-MM-DD HH:MM:SS``."""
    if not value:
        return ""
    return value.astimezone(SEOUL).strftime(fmt)


@register.filter
def excerpt(value: str | None, length: int = 120) -> str:
    """Plain text of an HTML fragment, whitespace collapsed, cut at `length` characters."""
    text = _SPACES.sub(" ", html.unescape(strip_tags(value or ""))).strip()
    return Truncator(text).chars(int(length))


@register.filter
def caption_text(value: str | None) -> str:
    """A caption without the ``▲`` marker that imported captions start with."""
    return _CAPTION_MARK.sub("", value or "").strip()


@register.filter
def image_photo(article: Any) -> Any:
    """The first photo of `article` with an image file (uses the prefetched photos)."""
    for photo in article.photos.all():
        if photo.image:
            return photo
    return None
