"""Keeping the index in step: documents follow their objects on commit, batch
re-indexing, and the `search_reindex` command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from hanjari.news.models import Article, Tag
from hanjari.registry.models import Designation, DesignationKind
from hanjari.search import registry, selectors, services
from hanjari.search.models import SearchDocument
from tests.factories import DesignationFactory
from tests.search.conftest import make_article, make_org


def doc(obj, kind="organization"):
    return SearchDocument.objects.filter(kind=kind, object_id=obj.pk).first()


def test_documents_follow_organisations_on_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        org = make_org("햇살두부촌", industry="제조업")
        # Nothing is indexed before the commit …
        assert doc(org) is None
    # … and the many changes of the transaction are indexed at once.
    assert callbacks
    document = doc(org)
    assert document.title == "햇살두부촌"
    assert "마을기업" in document.terms_b and "두부" in document.grams
    assert document.meta["kinds"] == [DesignationKind.VILLAGE_ENTERPRISE]

    with django_capture_on_commit_callbacks(execute=True):
        org.name = "햇살콩마을"
        org.save()
    assert doc(org).title == "햇살콩마을"

    # A designation change updates its organisation's document.
    with django_capture_on_commit_callbacks(execute=True):
        DesignationFactory(organization=org, kind=DesignationKind.SOCIAL_COOPERATIVE)
    assert DesignationKind.SOCIAL_COOPERATIVE in doc(org).meta["kinds"]
    with django_capture_on_commit_callbacks(execute=True):
        Designation.objects.get(organization=org, kind=DesignationKind.SOCIAL_COOPERATIVE).delete()
    assert DesignationKind.SOCIAL_COOPERATIVE not in doc(org).meta["kinds"]

    with django_capture_on_commit_callbacks(execute=True):
        org.delete()
    assert doc(org) is None


def test_organisation_kinds_are_indexed_in_korean_whatever_the_language(
    db, django_capture_on_commit_callbacks
):
    """An edit made through the English interface indexed "Village enterprise" in place
    of 마을기업, so 마을기업 no longer found the organisation."""
    from django.utils import translation

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        org = make_org("영어편집마을")
    terms = doc(org).terms_b
    assert "마을기업" in terms
    assert "Village enterprise" not in terms
    page = selectors.search("마을기업 영어편집마을", kind="organization")
    assert [r.title for r in page.results] == ["영어편집마을"]


def test_rolled_back_changes_are_not_indexed(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                make_org("사라질마을")
                raise RuntimeError
        except RuntimeError:
            pass
    assert not SearchDocument.objects.filter(title="사라질마을").exists()


def test_a_search_sees_the_writes_of_its_own_transaction(db):
    make_org("방금만든마을")
    _page, results = selectors.ranked("방금만든마을")
    assert [r.title for r in results] == ["방금만든마을"]


def test_articles_are_indexed_while_published(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article("두레박 공연", status=Article.Status.DRAFT)
    assert doc(article, "article") is None
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.PUBLISHED
        article.published_at = article.created_at
        article.save()
    assert doc(article, "article").title == "두레박 공연"
    # Tags (many-to-many) update the document, from either side.
    with django_capture_on_commit_callbacks(execute=True):
        article.tags.add(Tag.objects.create(name="한마음워크숍"))
    assert "한마음워크숍" in doc(article, "article").terms_b
    with django_capture_on_commit_callbacks(execute=True):
        Tag.objects.filter(name="한마음워크숍").update(name="ignored")  # no signal
        tag = Tag.objects.get(name="ignored")
        tag.name = "나눔장터"
        tag.save()
    assert "나눔장터" in doc(article, "article").terms_b
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.WITHDRAWN
        article.save()
    assert doc(article, "article") is None


def test_reindex_rebuilds_and_removes_stale_documents(db):
    org = make_org("다시색인마을")
    article = make_article("다시 색인한 기사")
    SearchDocument.objects.create(kind="organization", object_id=999_999, title="유령", url="/")
    counts = services.reindex()
    assert counts == {"organization": 1, "article": 1, "event": 0}
    assert not SearchDocument.objects.filter(object_id=999_999).exists()
    assert doc(org).title == "다시색인마을" and doc(article, "article")
    # Idempotent.
    assert services.reindex(batch_size=1) == counts
    assert SearchDocument.objects.count() == 2


def test_reindex_command(db):
    make_org("명령색인마을")
    make_article("명령 색인 기사")
    out = StringIO()
    call_command("search_reindex", stdout=out, stderr=StringIO())
    # Kinds with nothing to index (no events) are not listed.
    assert "search index: organization 1, article 1 documents (" in out.getvalue()
    assert "event" not in out.getvalue()
    out = StringIO()
    call_command("search_reindex", "--kind", "article", stdout=out, stderr=StringIO())
    assert "article 1 documents" in out.getvalue() and "organization" not in out.getvalue()
    out = StringIO()
    call_command("search_reindex", "--if-empty", stdout=out, stderr=StringIO())
    # Kinds with documents are skipped (a kind with no objects, here events, is
    # always "empty" and re-run at no cost).
    assert out.getvalue() == "search index: up to date, nothing to index\n"
    with pytest.raises(CommandError, match="unknown kind"):
        call_command("search_reindex", "--kind", "nope", stdout=StringIO(), stderr=StringIO())


def test_register_rejects_bad_kinds():
    with pytest.raises(ValueError):
        registry.register("Bad-Kind", Article, lambda a: None, label="x")
