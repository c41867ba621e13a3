"""Django admin for the news desk (소식): articles with their photos and revisions,
sections, tags and comments.

Nothing here writes around the services. The workflow state is read-only: state changes
go through the desk. Saving an article (its text, organisations and tags) calls
`services.article_create` / `article_update`, so an edit after publication keeps a
revision and is audited. Photos are shown but added on the desk (`services.
article_add_photo`, where uploads are checked and cleaned). Articles and comments are
not deleted here (a published article is withdrawn on the desk); comments are read-only
and hidden or restored with `services.comment_moderate` (admin actions).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hanjari.accounts.actors import acting_user
from hanjari.core.mixins import ViewOnlyAdminMixin

from . import services
from .models import Article, ArticlePhoto, ArticleRevision, Comment, Section, Tag


class ArticlePhotoInline(ViewOnlyAdminMixin, admin.TabularInline):
    """Photos, read-only: they are added on the desk (see the module docstring)."""

    model = ArticlePhoto
    extra = 0
    fields = ("order", "image", "caption", "credit", "alt_text")
    readonly_fields = fields
    can_delete = False


class ArticleRevisionInline(ViewOnlyAdminMixin, admin.TabularInline):
    """Revisions (수정 이력): written by the service on every edit after publication,
    never edited by hand."""

    model = ArticleRevision
    extra = 0
    fields = ("number", "headline", "edited_by", "edited_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("headline", "status", "section", "byline", "outlet", "published_at")
    list_filter = ("status", "section")
    search_fields = ("headline", "byline_name", "outlet")
    date_hierarchy = "published_at"
    autocomplete_fields = ("organizations",)
    filter_horizontal = ("tags",)
    inlines = (ArticlePhotoInline, ArticleRevisionInline)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = (
        "status",
        "reporter",
        "created_by",
        "submitted_at",
        "approved_at",
        "approved_by",
        "published_at",
        "revised_at",
        "withdrawn_at",
        "withdrawn_reason",
        "view_count",
        "source_hash",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("headline", "subtitle", "body_source", "section", "tags")}),
        (
            _("언론 보도"),
            {
                "fields": (
                    "byline_name",
                    "outlet",
                    "original_url",
                    "original_published_at",
                    "original_updated_at",
                    "dateline_prefix",
                    "copyright_line",
                )
            },
        ),
        (_("관련 조직"), {"fields": ("organizations",)}),
        (_("상태 (소식 데스크에서 바꿈)"), {"fields": readonly_fields}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        data = services.article_data(
            {f: form.cleaned_data[f] for f in services.ARTICLE_FIELDS if f in form.cleaned_data}
        )
        relations = {
            "organizations": list(form.cleaned_data.get("organizations", [])),
            "tags": list(form.cleaned_data.get("tags", [])),
        }
        if change:
            saved = services.article_update(
                article=obj, by=acting_user(request.user), data=data, **relations
            )
        else:
            saved = services.article_create(by=acting_user(request.user), data=data, **relations)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Not the form's many-to-many fields: the service set the organisations and tags.
        The inlines are read-only, so their formsets find nothing to save."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Comment)
class CommentAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "article", "author_name", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("body", "guest_name", "user__username")
    raw_id_fields = ("article", "user")
    readonly_fields = (
        "article",
        "user",
        "guest_name",
        "body",
        "created_at",
        "edited_at",
        "status",
        "moderation_reason",
        "moderated_by",
        "moderated_at",
    )
    actions = ("hide_comments", "restore_comments")

    def _moderate(self, request: HttpRequest, queryset: QuerySet[Comment], hide: bool) -> None:
        reason = str(_("관리자 화면에서 처리"))
        for comment in queryset:
            services.comment_moderate(
                comment=comment, by=acting_user(request.user), hide=hide, reason=reason
            )
        self.message_user(request, _("처리했습니다."), messages.SUCCESS)

    @admin.action(description=_("고른 댓글 숨기기"))
    def hide_comments(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, hide=True)

    @admin.action(description=_("고른 댓글 다시 보이기"))
    def restore_comments(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, hide=False)
