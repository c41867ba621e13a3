"""Tests for hanjari.core.uploads: uploads are stored under unguessable names that keep
nothing of the uploaded name but a safe, lowercased extension."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db.migrations.writer import MigrationWriter
from django.utils import timezone
from django.utils.module_loading import import_string

from hanjari.core.uploads import RandomName, safe_extension
from hanjari.events.models import Event, EventPhoto
from hanjari.news.models import ArticlePhoto
from hanjari.registry.models import Organization
from tests.factories import OrganizationFactory

SEOUL = ZoneInfo("Asia/Seoul")
RANDOM = r"[0-9a-f]{32}"


def this_year() -> int:
    return timezone.localdate().year


# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uploaded", "extension"),
    [
        ("IMG_0001.jpg", "jpg"),
        ("행사.JPG", "jpg"),
        ("홍길동.JPG", "jpg"),
        ("홍길동_주민등록증.jpeg", "jpeg"),
        ("Logo.Final.WebP", "webp"),
        ("../../etc/passwd.jpg", "jpg"),
        ("..\\..\\Users\\홍길동\\사진.png", "png"),
        ("/etc/passwd.png", "png"),
    ],
)
def test_name_keeps_only_the_lowercased_extension(uploaded, extension):
    name = RandomName("news")(None, uploaded)
    assert re.fullmatch(rf"news/{this_year()}/{RANDOM}\.{extension}", name)
    # Nothing but folder, year, 32 hex digits and the extension: no part of the name.
    assert ".." not in name and "\\" not in name and "passwd" not in name


@pytest.mark.parametrize(
    "uploaded",
    [
        "noextension",
        "홍길동",
        "photo.",
        "photo.jp g",
        "photo.사진",
        "photo.verylongext",
        "photo.jpg/",
        "photo.php%00",
        "",
    ],
)
def test_unsafe_or_missing_extension_is_dropped(uploaded):
    name = RandomName("logos")(None, uploaded)
    assert re.fullmatch(rf"logos/{this_year()}/{RANDOM}", name)


@pytest.mark.parametrize(
    ("uploaded", "extension"),
    [("a.JPG", "jpg"), ("a.tar.gz", "gz"), ("a", ""), ("../x.Png", "png"), ("x.p_g", "")],
)
def test_safe_extension(uploaded, extension):
    assert safe_extension(uploaded) == extension


def test_two_uploads_of_the_same_name_get_different_names():
    upload_to = RandomName("events")
    names = {upload_to(None, "IMG_0001.jpg") for _ in range(50)}
    assert len(names) == 50


def test_year_is_the_year_of_the_upload_in_seoul():
    # 2025-12-31 15:30 UTC is already 2026-01-01 in Seoul.
    with time_machine.travel(dt.datetime(2025, 12, 31, 15, 30, tzinfo=dt.UTC), tick=False):
        assert RandomName("news")(None, "a.png").startswith("news/2026/")
    with time_machine.travel(dt.datetime(2025, 12, 31, 23, 59, tzinfo=SEOUL), tick=False):
        assert RandomName("news")(None, "a.png").startswith("news/2025/")


@pytest.mark.parametrize("folder", ["", "/news", "news/", "../news", "news/../x", "News", "a b"])
def test_folder_must_be_a_plain_relative_path(folder):
    with pytest.raises(ValueError, match="folder"):
        RandomName(folder)


# --- migrations ----------------------------------------------------------------------------


def test_deconstruct_round_trips():
    upload_to = RandomName("logos")
    path, args, kwargs = upload_to.deconstruct()
    assert (path, args, kwargs) == ("hanjari.core.uploads.RandomName", ("logos",), {})
    rebuilt = import_string(path)(*args, **kwargs)
    assert rebuilt == upload_to and rebuilt != RandomName("news")
    assert hash(rebuilt) == hash(upload_to)
    assert re.fullmatch(rf"logos/{this_year()}/{RANDOM}\.png", rebuilt(None, "x.PNG"))


def test_migration_writer_serialises_it():
    source, imports = MigrationWriter.serialize(RandomName("news"))
    assert source == "hanjari.core.uploads.RandomName('news')"
    assert imports == {"import hanjari.core.uploads"}


@pytest.mark.parametrize(
    ("field", "folder"),
    [
        (ArticlePhoto._meta.get_field("image"), "news"),
        (Event._meta.get_field("poster"), "events"),
        (Event._meta.get_field("booth_map"), "events"),
        (EventPhoto._meta.get_field("image"), "events"),
        (Organization._meta.get_field("logo"), "logos"),
    ],
    ids=["article-photo", "event-poster", "event-booth-map", "event-photo", "logo"],
)
def test_every_upload_field_uses_a_random_name(field, folder):
    assert field.upload_to == RandomName(folder)
    _name, _path, _args, kwargs = field.deconstruct()
    assert kwargs["upload_to"] == RandomName(folder)


@pytest.mark.django_db
def test_stored_file_is_under_the_random_name(settings):
    """Through the storage (MEDIA_ROOT is a temporary folder, tests/conftest.py)."""
    org = OrganizationFactory()
    org.logo.save("홍길동_주민등록증.PNG", ContentFile(b"x"), save=True)
    org.refresh_from_db()
    assert re.fullmatch(rf"logos/{this_year()}/{RANDOM}\.png", org.logo.name)
    assert (settings.MEDIA_ROOT / org.logo.name).is_file()
    stored = [p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert stored == [org.logo.name.rsplit("/", 1)[1]]
    assert org.logo.url == f"/media/{org.logo.name}"
