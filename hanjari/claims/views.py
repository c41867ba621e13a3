"""Claim pages: the claim form ("우리 조직입니다"), the proposal form, the claimant's
list and claim page ("내 신청"), the evidence download, the council's endorsement
requests, and the staff review queue (신청 검토).

Views are thin: forms validate, `hanjari.claims.services` write, `rules` decide what
is offered. A claim, its history and its files are shown to staff and the claimant
only; anyone else gets 404, as if there were no such claim. Submissions and replies are
rate limited per person and per address in the shared cache
(`hanjari.core.http.rate_allows`): 429 with a message.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from hanjari.accounts.actors import acting_user
from hanjari.core.http import client_ip, rate_allows
from hanjari.core.mixins import ObjectPermissionMixin
from hanjari.registry.models import Organization

from . import permissions, rules, selectors, services
from .forms import (
    ClaimForm,
    DecisionForm,
    DesignationFormSet,
    DesignationRows,
    EndorsementForm,
    ProposalForm,
    ReplyForm,
)
from .models import Claim, Evidence

# ClaimError codes answered with 409 Conflict (the request was fine, the state is not).
_CONFLICT_CODES = frozenset({"owner", "open", "state", "duplicate", "too_many", "gone"})


def _status_of(error: services.ClaimError) -> int:
    if error.code == "permission":
        return 403
    return 409 if error.code in _CONFLICT_CODES else 400


def rate_limit() -> tuple[int, int]:
    """(submissions, seconds): how many claims, proposals and replies one person — and,
    times three, one address — may send per window (settings
    ``HANJARI_CLAIM_RATE_LIMIT`` and ``HANJARI_CLAIM_RATE_WINDOW``; 10 an hour)."""
    return (
        int(getattr(settings, "HANJARI_CLAIM_RATE_LIMIT", 10)),
        int(getattr(settings, "HANJARI_CLAIM_RATE_WINDOW", 3600)),
    )


def submission_allowed(request: HttpRequest) -> bool:
    """Count one submission (claim, proposal, reply) of the signed-in person and of the
    client's address in the cache all server processes share; False once either is
    over its limit (`rate_limit`)."""
    limit, window = rate_limit()
    by_user = rate_allows(f"claims:submit:user:{request.user.pk}", limit=limit, window=window)
    by_address = rate_allows(
        f"claims:submit:ip:{client_ip(request)}", limit=limit * 3, window=window
    )
    return by_user and by_address


def _too_many(request: HttpRequest, render_page: Any) -> HttpResponse:
    response: HttpResponse = render_page(429)
    response["Retry-After"] = str(rate_limit()[1])
    return response


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- claiming an organisation -------------------------------------------------------------


class ClaimCreateView(LoginRequiredMixin, View):
    """ "우리 조직입니다" on organisation `pk`: GET shows the form (or why there is none:
    already an owner, a claim under review); POST submits the claim and redirects
    (303) to its page. Refusals: 400 (invalid input), 409 (`rules.claim_refusal`), 429
    (too many submissions)."""

    template_name = "claims/claim_form.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = get_object_or_404(Organization, pk=pk)
        return self._render(request, org, ClaimForm(organization=org), 200)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = get_object_or_404(Organization, pk=pk)
        form = ClaimForm(request.POST, request.FILES, organization=org)
        refusal = rules.claim_refusal(request.user, org)
        if refusal is not None:
            return self._render(request, org, form, 409)
        if not submission_allowed(request):
            form.add_error(None, _("신청이 너무 잦습니다. 한 시간 뒤에 다시 해 주세요."))
            return _too_many(request, lambda status: self._render(request, org, form, status))
        if not form.is_valid():
            return self._render(request, org, form, 400)
        data = form.cleaned_data
        try:
            claim = services.claim_submit(
                organization=org,
                by=request.user,  # type: ignore[arg-type]  # signed in (LoginRequiredMixin)
                brn=data["brn"],
                role=data["role"],
                role_other=data.get("role_other", ""),
                evidence=data["evidence"],
                council=data.get("council"),
                message=data.get("message", ""),
            )
        except services.ClaimError as exc:
            form.add_error(None, exc.message)
            return self._render(request, org, form, _status_of(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
            return self._render(request, org, form, 400)
        messages.success(
            request,
            _("신청을 받았습니다. 센터가 확인한 뒤 결과를 이메일로 알려 드립니다."),
        )
        return HttpResponseRedirect(claim.get_absolute_url(), status=303)

    def _render(
        self, request: HttpRequest, org: Organization, form: ClaimForm, status: int
    ) -> HttpResponse:
        context = {
            "org": org,
            "form": form,
            "refusal": rules.claim_refusal(request.user, org),
            "offer": selectors.claim_offer(user=request.user, organization=org),
            "breadcrumbs": [
                (_("조직 찾기"), reverse("registry:directory")),
                (org.name, org.get_absolute_url()),
                (_("우리 조직입니다"), None),
            ],
        }
        return render(request, self.template_name, context, status=status)


class ProposalCreateView(LoginRequiredMixin, View):
    """A new organisation that is on no official list (새 조직 등록 신청). GET shows the
    form; POST submits the proposal and redirects (303) to its page. Refusals: 400, 409
    (`rules.proposal_refusal`, a registered namesake), 429."""

    template_name = "claims/proposal_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, ProposalForm(), DesignationFormSet(prefix="designations"), 200)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ProposalForm(request.POST, request.FILES)
        formset = DesignationFormSet(request.POST, prefix="designations")
        if rules.proposal_refusal(request.user) is not None:
            return self._render(request, form, formset, 409)
        if not submission_allowed(request):
            form.add_error(None, _("신청이 너무 잦습니다. 한 시간 뒤에 다시 해 주세요."))
            return _too_many(request, lambda status: self._render(request, form, formset, status))
        form_ok = form.is_valid()
        if not (formset.is_valid() and form_ok):
            return self._render(request, form, formset, 400)
        data = form.cleaned_data
        try:
            claim = services.proposal_submit(
                by=request.user,  # type: ignore[arg-type]  # signed in (LoginRequiredMixin)
                name=data["name"],
                legal_form=data.get("legal_form", ""),
                sido=data["sido"],
                sigungu=data.get("sigungu", ""),
                address=data.get("address", ""),
                brn=data["brn"],
                role=data["role"],
                role_other=data.get("role_other", ""),
                designations=cast(DesignationRows, formset).designations(),
                evidence=data["evidence"],
                council=data.get("council"),
                message=data.get("message", ""),
            )
        except services.ClaimError as exc:
            form.add_error(None, exc.message)
            return self._render(request, form, formset, _status_of(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
            return self._render(request, form, formset, 400)
        messages.success(
            request,
            _(
                "등록 신청을 받았습니다. 센터가 확인해 승인하면 조직 찾기에 나오고, "
                "결과를 이메일로 알려 드립니다."
            ),
        )
        return HttpResponseRedirect(claim.get_absolute_url(), status=303)

    def _render(
        self, request: HttpRequest, form: ProposalForm, formset: Any, status: int
    ) -> HttpResponse:
        namesake = None
        if form.is_bound and not form.errors.get("name") and hasattr(form, "cleaned_data"):
            data = form.cleaned_data
            if data.get("name") and data.get("sido"):
                namesake = services.registered_namesake(
                    name=data["name"], sido=data["sido"], sigungu=data.get("sigungu", "")
                )
        context = {
            "form": form,
            "formset": formset,
            "refusal": rules.proposal_refusal(request.user),
            "namesake": namesake,
            "breadcrumbs": [(_("내 신청"), reverse("claims:mine")), (_("새 조직 등록"), None)],
        }
        return render(request, self.template_name, context, status=status)


# --- the claimant's pages -----------------------------------------------------------------


class MyClaimsView(LoginRequiredMixin, View):
    """ "내 신청": the signed-in person's claims and proposals with their states."""

    def get(self, request: HttpRequest) -> HttpResponse:
        page = Paginator(selectors.claims_of(request.user), 20).get_page(request.GET.get("page"))
        return render(
            request,
            "claims/mine.html",
            {
                "page_obj": page,
                "claims": page.object_list,
                "querystring": "",
                "council_admin": permissions.is_council_admin(request.user),
            },
        )


def _visible_claim(request: HttpRequest, pk: int) -> Claim:
    """Claim `pk` for its claimant or staff; 404 for anyone else (as if there were
    none)."""
    try:
        claim = selectors.claim_detail(pk=pk)
    except Claim.DoesNotExist:
        raise Http404(_("신청을 찾을 수 없습니다.")) from None
    if not permissions.can_view_claim(request.user, claim):
        raise Http404(_("신청을 찾을 수 없습니다."))
    return claim


def _own_claim(request: HttpRequest, pk: int) -> Claim:
    """Claim `pk` for its claimant only; 404 for anyone else."""
    claim = _visible_claim(request, pk)
    if claim.user_id != request.user.pk:
        raise Http404(_("신청을 찾을 수 없습니다."))
    return claim


def _claim_page(
    request: HttpRequest, claim: Claim, *, reply_form: ReplyForm | None = None, status: int = 200
) -> HttpResponse:
    actor = acting_user(request.user)
    is_claimant = claim.user_id == request.user.pk
    context = {
        "claim": claim,
        "is_claimant": is_claimant,
        "reply_form": reply_form or ReplyForm(),
        "can_reply": is_claimant and claim.is_open,
        "can_withdraw": "withdraw" in rules.steps_for(actor, claim),
        "breadcrumbs": [(_("내 신청"), reverse("claims:mine")), (claim.organization_name, None)],
    }
    return render(request, "claims/detail.html", context, status=status)


class ClaimDetailView(LoginRequiredMixin, View):
    """One claim for its claimant (and staff): state, what was sent, the files, the
    history with staff's messages, and — while it is open — the reply form and the
    withdraw button."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _claim_page(request, _visible_claim(request, pk))


class ClaimReplyView(LoginRequiredMixin, View):
    """POST: the claimant's answer or another file (`services.claim_reply`), then back
    to the claim (303). 400 with the page for invalid input, 409 for a closed claim,
    429 when too frequent."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        claim = _own_claim(request, pk)
        form = ReplyForm(request.POST, request.FILES)
        if not submission_allowed(request):
            form.add_error(None, _("신청이 너무 잦습니다. 한 시간 뒤에 다시 해 주세요."))
            return _too_many(
                request, lambda status: _claim_page(request, claim, reply_form=form, status=status)
            )
        if not form.is_valid():
            return _claim_page(request, claim, reply_form=form, status=400)
        try:
            services.claim_reply(
                claim=claim,
                by=acting_user(request.user),
                message=form.cleaned_data.get("message", ""),
                evidence=form.cleaned_data.get("evidence") or None,
            )
        except services.ClaimError as exc:
            form.add_error(None, exc.message)
            return _claim_page(request, claim, reply_form=form, status=_status_of(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
            return _claim_page(request, claim, reply_form=form, status=400)
        messages.success(request, _("보완 내용을 보냈습니다."))
        return HttpResponseRedirect(claim.get_absolute_url(), status=303)


class ClaimWithdrawView(LoginRequiredMixin, View):
    """POST: the claimant withdraws an open claim (신청 취소), then back to it (303)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        claim = _own_claim(request, pk)
        try:
            services.claim_withdraw(claim=claim, by=acting_user(request.user))
        except services.ClaimError as exc:
            messages.error(request, exc.message)
            return _claim_page(request, claim, status=_status_of(exc))
        messages.success(request, _("신청을 취소했습니다."))
        return HttpResponseRedirect(claim.get_absolute_url(), status=303)


class EvidenceView(LoginRequiredMixin, View):
    """An evidence file, to centre staff and the claimant only (404 for anyone else),
    as a download with the content type its check found, never cached, never sniffed,
    sandboxed if a browser opens it anyway."""

    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        evidence = get_object_or_404(Evidence.objects.select_related("claim"), pk=pk)
        if not permissions.can_view_evidence(request.user, evidence):
            raise Http404(_("파일을 찾을 수 없습니다."))
        try:
            handle = evidence.file.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404(_("파일을 찾을 수 없습니다.")) from None
        extension = evidence.file.name.rpartition(".")[2]
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=f"evidence-{evidence.pk}.{extension}",
            content_type=evidence.content_type,
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response


# --- council endorsement --------------------------------------------------------------------


class EndorsementListView(LoginRequiredMixin, View):
    """The endorsement requests sent to the councils the signed-in person administers
    (협의회 확인 요청), with a form to answer each. 403 for anyone who administers no
    council."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not permissions.is_council_admin(request.user):
            raise PermissionDenied(_("협의회 관리자만 볼 수 있는 화면입니다. 권한이 없습니다."))
        return render(
            request,
            "claims/endorsements.html",
            {"claims": selectors.endorsement_requests_for(request.user)[:100]},
        )


class EndorseView(LoginRequiredMixin, View):
    """POST ``decision=endorse|decline``: a council admin answers an endorsement
    request, then back to the list (303), where an answer no longer possible (already
    answered, claim closed) is reported. 403 for anyone but the council's admins."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        claim = get_object_or_404(Claim, pk=pk)
        refusal = rules.endorsement_refusal(request.user, claim)
        if refusal is not None and refusal.code == "permission":
            raise PermissionDenied(refusal.message)
        form = EndorsementForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("확인 여부를 골라 주세요."))
            return HttpResponseRedirect(reverse("claims:endorsements"), status=303)
        try:
            services.claim_endorse(
                claim=claim,
                by=acting_user(request.user),
                endorse=form.cleaned_data["decision"] == "endorse",
            )
        except services.ClaimError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("claims:endorsements"), status=303)
        messages.success(request, _("협의회의 답을 센터에 전했습니다."))
        return HttpResponseRedirect(reverse("claims:endorsements"), status=303)


# --- staff review ---------------------------------------------------------------------------


class StaffQueueView(ObjectPermissionMixin, View):
    """Staff review queue (신청 검토): claims and proposals waiting for staff
    (``show=pending``, the default), waiting for the claimant (``more_info``) or
    decided (``decided``), optionally of one kind (``kind=claim|proposal``)."""

    permission_predicate = staticmethod(permissions.can_review_claims)

    def get(self, request: HttpRequest) -> HttpResponse:
        show = request.GET.get("show", "pending")
        show = show if show in selectors.QUEUE_FILTERS else "pending"
        kind = request.GET.get("kind", "")
        kind = kind if kind in Claim.Kind.values else ""
        page = Paginator(selectors.review_queue(show=show, kind=kind), 30).get_page(
            request.GET.get("page")
        )
        labels = {
            "pending": _("검토 대기"),
            "more_info": _("보완 요청 중"),
            "decided": _("처리 완료"),
        }
        tabs = [
            {
                "label": labels[key],
                "url": "?" + urlencode({"show": key, **({"kind": kind} if kind else {})}),
                "active": key == show,
            }
            for key in selectors.QUEUE_FILTERS
        ]
        kinds = [
            {
                "label": label,
                "url": "?" + urlencode({"show": show, **({"kind": value} if value else {})}),
                "active": value == kind,
            }
            for value, label in [("", _("모두")), *Claim.Kind.choices]
        ]
        query = urlencode({"show": show, **({"kind": kind} if kind else {})})
        return render(
            request,
            "claims/staff/queue.html",
            {
                "page_obj": page,
                "claims": page.object_list,
                "tabs": tabs,
                "kinds": kinds,
                "show": show,
                "querystring": query,
            },
        )


# The steps the staff page offers (the claimant's own steps are on their page).
DECISION_STEPS = ("approve", "reject", "request_info")


def _staff_page(
    request: HttpRequest, claim: Claim, *, form: DecisionForm | None = None, status: int = 200
) -> HttpResponse:
    actor = acting_user(request.user)
    context = {
        "claim": claim,
        "facts": selectors.review_facts(claim),
        "form": form or DecisionForm(),
        "steps": [s for s in rules.steps_for(actor, claim) if s in DECISION_STEPS],
        "own_claim": claim.user_id == request.user.pk,
        "breadcrumbs": [(_("신청 검토"), reverse("claims:staff-queue")), (str(claim), None)],
    }
    return render(request, "claims/staff/detail.html", context, status=status)


class StaffDetailView(ObjectPermissionMixin, View):
    """One claim for review: what was sent, the 사업자등록번호 check, the endorsement, the
    files, the organisation's owners, look-alikes, the history, and the decision form."""

    permission_predicate = staticmethod(permissions.can_review_claims)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            claim = selectors.claim_detail(pk=pk)
        except Claim.DoesNotExist:
            raise Http404(_("신청을 찾을 수 없습니다.")) from None
        return _staff_page(request, claim)


class StaffDecideView(ObjectPermissionMixin, View):
    """POST ``action=approve|reject|request_info`` with ``message`` (required to reject
    or to ask for more): the decision, then back to the queue (303). 400 for invalid
    input, 403 on one's own claim, 409 when the state does not allow it."""

    permission_predicate = staticmethod(permissions.can_review_claims)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            claim = selectors.claim_detail(pk=pk)
        except Claim.DoesNotExist:
            raise Http404(_("신청을 찾을 수 없습니다.")) from None
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return _staff_page(request, claim, form=form, status=400)
        action, message = form.cleaned_data["action"], form.cleaned_data.get("message", "")
        by = acting_user(request.user)
        try:
            if action == "approve":
                services.claim_approve(claim=claim, by=by, message=message)
                done = _("승인했습니다. 신청한 사람이 조직의 대표 관리자가 되었습니다.")
            elif action == "reject":
                services.claim_reject(claim=claim, by=by, reason=message)
                done = _("반려했습니다. 신청한 사람에게 사유를 이메일로 보냈습니다.")
            else:
                services.claim_request_info(claim=claim, by=by, message=message)
                done = _("보완을 요청했습니다. 신청한 사람에게 이메일로 알렸습니다.")
        except services.ClaimError as exc:
            form.add_error(None, exc.message)
            return _staff_page(request, claim, form=form, status=_status_of(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
            return _staff_page(request, claim, form=form, status=400)
        messages.success(request, done)
        return HttpResponseRedirect(reverse("claims:staff-queue"), status=303)
