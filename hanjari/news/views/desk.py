"""The news desk (소식 데스크): writing, photos, the editorial workflow, press imports.

Every write goes through `hanjari.news.services`; these views only validate input,
call a service and turn its errors into 4xx pages with a message:
PermissionDenied → 403, WorkflowError → 409, ValidationError / DuplicateImport → 400.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from hanjari.accounts.actors import acting_user
from hanjari.core.http import is_htmx
from hanjari.core.identifiers import is_object_id
from hanjari.core.mixins import ObjectPermissionMixin
from hanjari.core.models import AuditEntry
from hanjari.registry.models import Organization

from .. import permissions, press, rules, services
from ..forms import (
    ArticleForm,
    ImportArticleForm,
    ImportSourceForm,
    PhotoForm,
    org_label,
    search_organizations,
)
from ..models import Article, Section

logger = logging.getLogger(__name__)
ACTION_LABELS = {
    "news.article.created": gettext_lazy("초안 작성"),
    "news.article.imported": gettext_lazy("언론 보도 가져옴"),
    "news.article.updated": gettext_lazy("고침"),
    "news.article.submitted": gettext_lazy("승인 요청"),
    "news.article.returned": gettext_lazy("작성자에게 돌려보냄"),
    "news.article.approved": gettext_lazy("기사승인"),
    "news.article.published": gettext_lazy("게재"),
    "news.article.withdrawn": gettext_lazy("게재 취소"),
    "news.article.photo_added": gettext_lazy("사진 올림"),
}
KST = ZoneInfo("Asia/Seoul")
S = Article.Status


def _org_options(request: HttpRequest) -> HttpResponse:
    """htmx answer of the organisation search: the ticked organisations (sent back as
    `organizations`) followed by those matching `org_q`."""
    ticked_ids = [int(v) for v in request.GET.getlist("organizations") if is_object_id(v)][:100]
    ticked = list(Organization.objects.filter(pk__in=ticked_ids))
    found = [
        o for o in search_organizations(request.GET.get("org_q", "")) if o.pk not in ticked_ids
    ]
    options = [{"pk": o.pk, "label": org_label(o), "checked": True} for o in ticked]
    options += [{"pk": o.pk, "label": org_label(o), "checked": False} for o in found]
    return render(
        request,
        "news/desk/partials/_org_options.html",
        {
            "name": "organizations",
            "id_prefix": "id_organizations",
            "options": options,
            "query": request.GET.get("org_q", ""),
            "searched": True,
            "found_count": len(found),
        },
    )


def _error_page(
    request: HttpRequest, article: Article | None, message: str, status: int
) -> HttpResponse:
    return render(
        request,
        "news/desk/action_error.html",
        {"article": article, "message": message, "status": status},
        status=status,
    )


def _validation_messages(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _desk_breadcrumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("소식 데스크"), reverse("news:desk")), *items]


class DeskView(ObjectPermissionMixin, View):
    """The desk (소식 데스크): the writer's own articles with their state; for editors
    also the queues of submitted, approved and scheduled articles."""

    permission_predicate = staticmethod(permissions.can_write)

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        base = Article.objects.select_related("section", "reporter", "approved_by")
        ctx: dict[str, Any] = {
            "mine": base.filter(created_by=user.pk).order_by("-updated_at")[:100],
            "is_editor": permissions.is_editor(user),
            "breadcrumbs": [(_("소식 데스크"), None)],
        }
        if ctx["is_editor"]:
            now = timezone.now()
            ctx["submitted"] = base.filter(status=S.SUBMITTED).order_by("submitted_at", "pk")
            ctx["approved"] = base.filter(status=S.APPROVED).order_by("approved_at", "pk")
            ctx["scheduled"] = base.filter(status=S.PUBLISHED, published_at__gt=now).order_by(
                "published_at"
            )
            ctx["recent"] = base.filter(status=S.PUBLISHED, published_at__lte=now).order_by(
                "-published_at"
            )[:20]
        return render(request, "news/desk/desk.html", ctx)


class _ArticleFormView(ObjectPermissionMixin, View):
    """Shared by the create and edit views: the form, the organisation search (htmx
    or the no-JS "찾기" button) and the 400 answer of an invalid form."""

    template_name = "news/desk/article_form.html"
    article: Article | None = None

    def make_form(self, request: HttpRequest, data: Any = None, **kwargs: Any) -> ArticleForm:
        form = ArticleForm(data, press=permissions.is_editor(request.user), **kwargs)
        query = (data or {}).get("org_q", "") if data is not None else ""
        form.setup_picker(search_url=request.path, query=query)
        return form

    def render_form(self, request: HttpRequest, form: ArticleForm, status: int = 200) -> Any:
        title = _("기사 고치기") if self.article else _("새 기사 쓰기")
        crumbs = _desk_breadcrumbs(
            *(
                [(self.article.headline, reverse("news:article-preview", args=[self.article.pk]))]
                if self.article
                else []
            ),
            (title, None),
        )
        return render(
            request,
            self.template_name,
            {"form": form, "article": self.article, "title": title, "breadcrumbs": crumbs},
            status=status,
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if is_htmx(request) and "org_q" in request.GET:
            return _org_options(request)
        initial = ArticleForm.initial_for(self.article) if self.article else None
        if initial is None:
            press_section = Section.objects.filter(slug="press").first()
            initial = {}
            if permissions.is_editor(request.user) and request.GET.get("press") and press_section:
                initial["section"] = press_section.pk
        return self.render_form(request, self.make_form(request, initial=initial))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = self.make_form(request, request.POST)
        if "_org_search" in request.POST:
            return self.render_form(request, _unvalidated(form))
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        try:
            article = self.save(request, form)
        except PermissionDenied as exc:
            return _error_page(request, self.article, str(exc), 403)
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.render_form(request, form, status=400)
        return HttpResponseRedirect(reverse("news:article-preview", args=[article.pk]))

    def save(self, request: HttpRequest, form: ArticleForm) -> Article:
        raise NotImplementedError


def _unvalidated(form: Any) -> Any:
    """A bound form shown again without its errors (after a "찾기" search)."""
    form._errors = ErrorDict()  # shown again with the typed values, not judged
    return form


def _add_errors(form: Any, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form (field errors where the field
    is on the form, the rest as form errors)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ArticleCreateView(_ArticleFormView):
    """Write a new article (새 기사 쓰기): reporters, editors, organisation members."""

    permission_predicate = staticmethod(permissions.can_write)

    def get_permission_object(self) -> Any:
        return None

    def save(self, request: HttpRequest, form: ArticleForm) -> Article:
        article = services.article_create(
            by=acting_user(request.user),
            data=form.article_data(),
            organizations=list(form.cleaned_data["organizations"]),
            tag_names=form.cleaned_data["tags"],
        )
        messages.success(request, _("초안을 저장했습니다."))
        return article


class ArticleEditView(_ArticleFormView):
    """Edit an article: its author while it is a draft, editors always. Edits after
    publication keep the previous text as a revision (수정 이력)."""

    permission_predicate = staticmethod(permissions.can_edit_article)

    def get_permission_object(self) -> Any:
        self.article = get_object_or_404(Article, pk=self.kwargs["pk"])
        return self.article

    def save(self, request: HttpRequest, form: ArticleForm) -> Article:
        assert self.article is not None  # noqa: S101 - set by get_permission_object
        article = services.article_update(
            article=self.article,
            by=acting_user(request.user),
            data=form.article_data(),
            organizations=list(form.cleaned_data["organizations"]),
            tag_names=form.cleaned_data["tags"],
        )
        if article.revised_at:
            messages.success(request, _("고쳤습니다. 이전 글은 수정 이력에 남았습니다."))
        else:
            messages.success(request, _("저장했습니다."))
        return article


class PhotoAddView(ObjectPermissionMixin, View):
    """Add a photo (사진 올리기) with caption, credit and alternative text."""

    permission_predicate = staticmethod(permissions.can_edit_article)

    def get_permission_object(self) -> Any:
        self.article = get_object_or_404(Article, pk=self.kwargs["pk"])
        return self.article

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, PhotoForm(), 200)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = PhotoForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, 400)
        try:
            services.article_add_photo(
                article=self.article,
                by=acting_user(request.user),
                image=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                credit=form.cleaned_data["credit"],
                alt_text=form.cleaned_data["alt_text"],
            )
        except PermissionDenied as exc:
            return _error_page(request, self.article, str(exc), 403)
        except ValidationError as exc:
            _add_errors(form, exc)
            return self._render(request, form, 400)
        messages.success(request, _("사진을 올렸습니다."))
        return HttpResponseRedirect(reverse("news:article-preview", args=[self.article.pk]))

    def _render(self, request: HttpRequest, form: PhotoForm, status: int) -> HttpResponse:
        crumbs = _desk_breadcrumbs(
            (self.article.headline, reverse("news:article-preview", args=[self.article.pk])),
            (_("사진 올리기"), None),
        )
        return render(
            request,
            "news/desk/photo_form.html",
            {
                "form": form,
                "article": self.article,
                "photos": self.article.photos.all(),
                "breadcrumbs": crumbs,
            },
            status=status,
        )


def allowed_actions(user: Any, article: Article) -> dict[str, bool]:
    """What `user` may do with `article` now: edit it, add photos, and each step of the
    workflow table (`rules.ARTICLE_STEPS`, which the services check again on POST)."""
    steps = rules.article_steps(user, article)
    return {
        "edit": permissions.can_edit_article(user, article),
        "photo": permissions.can_edit_article(user, article),
        **{name: name in steps for name in rules.ARTICLE_STEPS},
    }


class ArticlePreviewView(ObjectPermissionMixin, View):
    """The desk's view of an article in any state (미리 보기): the article as readers
    will see it, its state and history, and the actions the user may take."""

    permission_predicate = staticmethod(permissions.can_view_unpublished)

    def get_permission_object(self) -> Any:
        self.article = get_object_or_404(
            Article.objects.select_related("section", "reporter", "approved_by", "created_by"),
            pk=self.kwargs["pk"],
        )
        return self.article

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        article = self.article
        actions = allowed_actions(request.user, article)
        now = timezone.now()
        entries = AuditEntry.objects.filter(
            target_type=Article._meta.label_lower, target_id=str(article.pk)
        ).select_related("user")[:50]
        history = [
            {
                "at": e.created_at,
                "label": ACTION_LABELS.get(e.action, e.action),
                "user": e.user,
                "note": (e.data or {}).get("note") or (e.data or {}).get("reason") or "",
            }
            for e in entries
        ]
        submit_blocked = (
            article.status == S.DRAFT
            and article.created_by_id == request.user.pk
            and not actions["submit"]
        )
        photos = list(article.photos.all())
        ctx = {
            "article": article,
            "actions": actions,
            "any_action": any(actions.values()),
            # what the reader's article partial needs (news/partials/_article_content.html)
            "photos": photos,
            "organizations": list(article.organizations.all()),
            "tags": list(article.tags.all()),
            "related": [],
            "share_url": request.build_absolute_uri(article.get_absolute_url()),
            "captions_only": sum(1 for p in photos if not p.image),
            "revisions": article.revisions.select_related("edited_by")[:20],
            "history": history,
            "scheduled": article.status == S.PUBLISHED
            and article.published_at
            and article.published_at > now,
            "live": article.status == S.PUBLISHED
            and article.published_at
            and article.published_at <= now,
            "submit_blocked": submit_blocked,
            "min_at": timezone.localtime(now, KST).strftime("%Y-%m-%dT%H:%M"),
            "breadcrumbs": _desk_breadcrumbs((article.headline, None)),
        }
        return render(request, "news/desk/preview.html", ctx)


def parse_schedule(value: str, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """A publication time from a datetime-local field (``2025-03-01T09:00``, seconds
    optional), read as Asia/Seoul time. "" → None (publish now). Raises
    ValidationError for an unreadable value or a time more than a minute in the past."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("게재 시각을 읽을 수 없습니다 (예: 2025-03-01T09:00).")) from None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=KST)
    now = now or timezone.now()
    if parsed < now - dt.timedelta(minutes=1):
        raise ValidationError(_("예약 게재 시각은 지금보다 뒤여야 합니다."))
    return parsed


class ArticleTransitionView(LoginRequiredMixin, View):
    """POST one workflow action: submit, return, approve, publish (optional `at`, a
    datetime-local in Asia/Seoul, schedules it) or withdraw (`reason` required)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        if action not in rules.ARTICLE_STEPS:
            raise Http404
        article = get_object_or_404(Article, pk=pk)
        user = acting_user(request.user)
        try:
            if action == "submit":
                article = services.article_submit(article=article, by=user)
                done = _("승인을 요청했습니다.")
            elif action == "return":
                note = request.POST.get("note", "").strip()[:500]
                article = services.article_return(article=article, by=user, note=note)
                done = _("기사를 작성자에게 돌려보냈습니다.")
            elif action == "approve":
                article = services.article_approve(article=article, by=user)
                done = _("기사를 승인했습니다.")
            elif action == "publish":
                # Who may publish is decided before the time is read (a reporter gets
                # 403, not a message about the time).
                refusal = rules.step_refusal("publish", user, article)
                if refusal is not None and refusal.code == "forbidden":
                    raise PermissionDenied(refusal.message)
                at = parse_schedule(request.POST.get("at", ""))
                article = services.article_publish(article=article, by=user, at=at)
                if at and at > timezone.now():
                    local = timezone.localtime(at, KST).strftime("%Y-%m-%d %H:%M")
                    done = _("%(at)s에 게재되도록 예약했습니다.") % {"at": local}
                else:
                    done = _("기사를 게재했습니다.")
            else:
                article = services.article_withdraw(
                    article=article, by=user, reason=request.POST.get("reason", "")
                )
                done = _("게재를 취소했습니다.")
        except PermissionDenied as exc:
            return _error_page(
                request, article, str(exc) or _("이 작업을 할 권한이 없습니다."), 403
            )
        except services.WorkflowError as exc:
            return _error_page(request, article, str(exc), 409)
        except ValidationError as exc:
            return _error_page(request, article, _validation_messages(exc), 400)
        messages.success(request, done)
        return HttpResponseRedirect(reverse("news:article-preview", args=[article.pk]))


class ArticleImportView(ObjectPermissionMixin, View):
    """Import a press article (언론 보도 가져오기), editors only.

    Step 1: paste the page text or upload a .txt/.html file. Step 2: the extracted
    fields beside the source text, with registry organisations named in the text
    ticked; the editor corrects them and saves a draft (`services.article_import`).
    """

    permission_predicate = staticmethod(permissions.is_editor)
    template_name = "news/desk/import.html"

    def get_permission_object(self) -> Any:
        return None

    def get(self, request: HttpRequest) -> HttpResponse:
        if is_htmx(request) and "org_q" in request.GET:
            return _org_options(request)
        return self._render(request, {"source_form": ImportSourceForm()}, 200)

    def post(self, request: HttpRequest) -> HttpResponse:
        if request.POST.get("step") == "save":
            return self._save(request)
        return self._extract(request)

    def _render(self, request: HttpRequest, ctx: dict[str, Any], status: int) -> HttpResponse:
        ctx.setdefault("breadcrumbs", _desk_breadcrumbs((_("언론 보도 가져오기"), None)))
        return render(request, self.template_name, ctx, status=status)

    def _extract(self, request: HttpRequest) -> HttpResponse:
        source_form = ImportSourceForm(request.POST, request.FILES)
        if not source_form.is_valid():
            return self._render(request, {"source_form": source_form}, 400)
        page = source_form.cleaned_data["page"]
        file_name = source_form.cleaned_data["file_name"]
        url = source_form.cleaned_data["original_url"]
        try:
            found = press.extract_page(page, file_name=file_name, url=url)
        except Exception:  # the extractor must never turn a bad page into a 500
            logger.exception("news import: extraction failed for %r", file_name or "pasted text")
            source_form.add_error(
                None, _("이 글에서 기사를 찾지 못했습니다. 기사 부분만 붙여 넣어 보세요.")
            )
            return self._render(request, {"source_form": source_form}, 400)
        fields = press.press_fields(found, url=url)
        suggested = press.suggest_organizations(
            fields.data["headline"], fields.data["subtitle"], " ".join(found.body_paragraphs or [])
        )
        press_section = Section.objects.filter(slug="press").first()
        initial = {
            **fields.initial(),
            "source_text": page,
            "file_name": file_name,
            "section": press_section.pk if press_section else None,
            "organizations": [o.pk for o in suggested],
        }
        form = ImportArticleForm(initial=initial)
        form.setup_picker(search_url=request.path, extra=suggested)
        duplicate = services.imported_duplicate(
            source_hash=services.source_hash(page),
            headline=fields.data["headline"],
            outlet=fields.data["outlet"],
        )
        ctx = {
            "form": form,
            "source": press.display_text(page, file_name=file_name),
            "file_name": file_name,
            "notes": fields.notes,
            "suggested": suggested,
            "duplicate": duplicate,
            "found": found,
        }
        return self._render(request, ctx, 200)

    def _save(self, request: HttpRequest) -> HttpResponse:
        form = ImportArticleForm(request.POST)
        form.setup_picker(search_url=request.path, query=request.POST.get("org_q", ""))
        file_name = request.POST.get("file_name", "")
        source = press.display_text(request.POST.get("source_text", ""), file_name=file_name)
        ctx = {"form": form, "source": source, "file_name": file_name}
        if "_org_search" in request.POST:
            return self._render(request, {**ctx, "form": _unvalidated(form)}, 200)
        if not form.is_valid():
            return self._render(request, ctx, 400)
        try:
            article = services.article_import(
                by=acting_user(request.user),
                data=form.article_data(),
                photo_captions=form.cleaned_data["photo_captions"],
                source_hash=services.source_hash(form.cleaned_data["source_text"]),
                organizations=list(form.cleaned_data["organizations"]),
                tag_names=form.cleaned_data["tags"],
            )
        except services.DuplicateImport as exc:
            form.add_error(None, str(exc))
            return self._render(request, {**ctx, "duplicate": exc.article}, 400)
        except PermissionDenied as exc:
            return _error_page(request, None, str(exc), 403)
        except ValidationError as exc:
            _add_errors(form, exc)
            return self._render(request, ctx, 400)
        messages.success(
            request, _("언론 보도를 초안으로 저장했습니다. 확인한 뒤 승인을 요청하세요.")
        )
        return HttpResponseRedirect(reverse("news:article-preview", args=[article.pk]))
