"""The search index (검색 색인): one `SearchDocument` per searchable object.

Each registered kind (`hanjari.search.registry`) turns its objects into documents: the
text shown in results (`title`, `body`, `meta`) and the analysed index terms by weight
— `terms_a` (name, headline), `terms_b` (description, subtitle, kinds), `terms_c`
(everything else) and `grams` (Hangul bigrams of the name). The full-text index over
these columns is backend-specific and made by migration 0002: an external-content
SQLite FTS5 table `search_fts` kept in step by triggers, or on PostgreSQL a generated
weighted `tsvector` column `search_vector` with a GIN index.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """One indexed object (`kind`, `object_id`).

    `date` orders ties (newer first); `visible_from`, when set, hides the document
    until then (scheduled articles): `hidden` is set while that time is ahead and
    cleared by the first search after it (`selectors.reveal_due`). `sido` is the
    canonical 시도 for the region filter ("" for none); `facets` repeats kind, 시도 and
    `hidden` as tokens for the SQLite index. `title_key` is the title as
    `hanjari.core.names.normalize_name` reduces it (for "did you mean").

    On SQLite, the triggers of migration 0002 keep `search_fts` in step with this
    table: a later migration that makes SQLite rebuild the table (most field changes)
    must create them again.
    """

    kind = models.CharField(_("종류"), max_length=30)
    object_id = models.BigIntegerField(_("대상 ID"))
    title = models.CharField(_("제목"), max_length=300)
    title_key = models.CharField(_("비교용 제목"), max_length=300, blank=True)
    url = models.CharField(_("주소"), max_length=500)
    body = models.TextField(_("본문 요약"), blank=True)
    meta = models.JSONField(_("표시 정보"), default=dict, blank=True)
    sido = models.CharField(_("시도"), max_length=20, blank=True)
    date = models.DateTimeField(_("기준 시각"), null=True, blank=True)
    visible_from = models.DateTimeField(_("공개 시각"), null=True, blank=True)
    terms_a = models.TextField(_("이름 색인어"), blank=True)
    terms_b = models.TextField(_("설명 색인어"), blank=True)
    terms_c = models.TextField(_("기타 색인어"), blank=True)
    grams = models.TextField(_("이름 음절쌍"), blank=True)
    facets = models.TextField(_("거르기 색인어"), blank=True)
    hidden = models.BooleanField(_("아직 숨김"), default=False)
    updated_at = models.DateTimeField(_("색인한 때"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("검색 문서")
        verbose_name_plural = _("검색 문서")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchdoc_unique_object")
        ]
        indexes = [
            models.Index(fields=["kind", "sido"], name="searchdoc_kind_sido_idx"),
            # Few rows: only documents waiting for their `visible_from`.
            models.Index(
                fields=["visible_from"], condition=Q(hidden=True), name="searchdoc_hidden_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"


class SearchTerm(models.Model):
    """One word the index has held (검색어 사전): every index term of every indexed
    document and the words of its title as written, for "did you mean" on words
    (`hanjari.search.vocabulary`). Added when documents are indexed
    (`services.index_keys`, `services.reindex`), never removed: a word that no
    document holds any more is never suggested, because a correction is only offered
    when it finds documents."""

    term = models.CharField(_("낱말"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("검색어 사전 낱말")
        verbose_name_plural = _("검색어 사전 낱말")

    def __str__(self) -> str:
        return self.term
