"""Membership pages (회원 관리): an organisation's members and invitations, the
invitation link, leaving, council join requests and the staff owner page.

Views are thin: forms validate, `services` write, `rules` decide what is shown. A
refused action answers 4xx with the rule's message (never a 500): 403 for
``forbidden`` and for an invitation meant for another address, 410 for a used,
revoked or expired link, 429 over the rate limit, 400 otherwise.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from hanjari.accounts.actors import acting_user
from hanjari.accounts.models import Membership, User
from hanjari.core.mixins import ObjectPermissionMixin
from hanjari.core.rules import Refusal
from hanjari.registry.models import Organization

from . import permissions, rules, selectors, services
from .forms import DecisionForm, InviteForm, JoinRequestForm, LeaveForm, OwnerChangeForm, RoleForm
from .models import CouncilJoinRequest, Invitation

STATUS_BY_CODE = {
    "forbidden": 403,
    "wrong_email": 403,
    "used": 410,
    "revoked": 410,
    "expired": 410,
    "rate": 429,
}


def refusal_status(refusal: Refusal) -> int:
    """The HTTP status a page answers for `refusal` (400 unless `STATUS_BY_CODE`)."""
    return STATUS_BY_CODE.get(refusal.code, 400)


def _members_url(org: Organization | int) -> str:
    pk = org if isinstance(org, int) else org.pk
    return reverse("membership:members", kwargs={"pk": pk})


def _redirect(url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(url, status=303)


# --- the members page -------------------------------------------------------------------


class OrganizationMixin(ObjectPermissionMixin):
    """The organisation named by the URL's ``pk``, checked with `permission_predicate`."""

    kwargs: dict[str, Any]

    def get_permission_object(self) -> Organization:
        if not hasattr(self, "_organization"):
            self._organization = get_object_or_404(Organization, pk=self.kwargs["pk"])
        return self._organization

    @property
    def organization(self) -> Organization:
        return self.get_permission_object()


def _needs_successor(membership: Membership) -> bool:
    refusal = rules.successor_refusal(membership, None)
    return refusal is not None and refusal.code == "last_owner"


def members_page(
    request: HttpRequest,
    org: Organization,
    *,
    status: int = 200,
    invite_form: InviteForm | None = None,
    role_forms: dict[int, RoleForm] | None = None,
    join_form: JoinRequestForm | None = None,
) -> HttpResponse:
    """Render `org`'s members page for `request.user`, with the bound forms of a POST
    that failed (their errors shown) and `status`."""
    user = request.user
    can_manage = permissions.can_manage_members(user, org)
    members = list(selectors.members_of(org))
    now = timezone.now()
    role_forms = role_forms or {}
    rows = []
    for m in members:
        form = role_forms.get(m.pk) or RoleForm(initial={"role": m.role}, membership=m)
        rows.append(
            {
                "membership": m,
                "is_me": m.user_id == user.pk,
                "role_form": form if can_manage else None,
                # The last owner becoming an editor must name a successor.
                "needs_successor": _needs_successor(m),
                "remove_refusal": rules.member_remove_refusal(actor=user, membership=m)
                if can_manage
                else None,
            }
        )
    mine = next((m for m in members if m.user_id == user.pk), None)
    ctx: dict[str, Any] = {
        "org": org,
        "rows": rows,
        "mine": mine,
        "can_manage": can_manage,
        "is_staff": permissions.is_centre_staff(user),
        "breadcrumbs": [
            (_("조직 찾기"), reverse("registry:directory")),
            (org.name, org.get_absolute_url()),
            (_("회원 관리"), None),
        ],
        "join_requests": list(selectors.join_requests_of(org)[:20]),
        "valid_days": services.INVITATION_VALID_DAYS,
    }
    if can_manage:
        ctx["invite_form"] = invite_form or InviteForm()
        ctx["invitations"] = [
            {"invitation": i, "expired": i.is_expired(now)}
            for i in selectors.pending_invitations(org)
        ]
    if permissions.can_request_council_join(user, org):
        councils = selectors.councils_open_to(org)
        if councils.exists() or join_form is not None:
            ctx["join_form"] = join_form or JoinRequestForm(
                initial={"organization": org.pk},
                organizations=Organization.objects.filter(pk=org.pk),
                councils=councils,
                hidden=("organization",),
            )
    return render(request, "membership/members.html", ctx, status=status)


class MembersView(OrganizationMixin, View):
    """An organisation's members (회원 관리): members see the list; owners and staff
    also invite, change roles, remove members and manage invitations."""

    permission_predicate = staticmethod(permissions.can_view_members)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return members_page(request, self.organization)


class InviteView(OrganizationMixin, View):
    """POST: invite an e-mail address with a role (owners, staff)."""

    permission_predicate = staticmethod(permissions.can_manage_members)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.organization
        form = InviteForm(request.POST)
        if not form.is_valid():
            return members_page(request, org, status=400, invite_form=form)
        try:
            issued = services.invitation_create(
                organization=org,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=acting_user(request.user),
            )
        except services.MembershipError as exc:
            form.add_error("email", exc.refusal.message)
            return members_page(request, org, status=refusal_status(exc.refusal), invite_form=form)
        messages.success(
            request,
            _("%(email)s 주소로 초대를 보냈습니다.") % {"email": issued.invitation.email},
        )
        return _redirect(_members_url(org))


class MembershipMixin(OrganizationMixin):
    """A membership of the URL's organisation (``membership_pk``); 404 otherwise."""

    def get_membership(self) -> Membership:
        return get_object_or_404(
            Membership.objects.select_related("user", "organization"),
            pk=self.kwargs["membership_pk"],
            organization=self.organization,
        )


def _successor(form: RoleForm | LeaveForm) -> Membership | None:
    value = form.cleaned_data.get("successor")
    return value if isinstance(value, Membership) else None


class MemberRoleView(MembershipMixin, View):
    """POST: change a member's role (owners, staff); the last owner's own change names
    a successor."""

    permission_predicate = staticmethod(permissions.can_manage_members)

    def post(self, request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
        membership = self.get_membership()
        form = RoleForm(request.POST, membership=membership)
        if not form.is_valid():
            return members_page(
                request, self.organization, status=400, role_forms={membership.pk: form}
            )
        try:
            services.membership_change_role(
                membership=membership,
                role=form.cleaned_data["role"],
                successor=_successor(form),
                by=acting_user(request.user),
            )
        except services.MembershipError as exc:
            form.add_error(None, exc.refusal.message)
            return members_page(
                request,
                self.organization,
                status=refusal_status(exc.refusal),
                role_forms={membership.pk: form},
            )
        messages.success(
            request,
            _("%(name)s 님의 역할을 %(role)s(으)로 정했습니다.")
            % {"name": membership.user, "role": Membership.Role(form.cleaned_data["role"]).label},
        )
        return _redirect(_members_url(self.organization))


class MemberRemoveView(MembershipMixin, View):
    """POST: remove another member (owners, staff)."""

    permission_predicate = staticmethod(permissions.can_manage_members)

    def post(self, request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
        membership = self.get_membership()
        try:
            services.membership_remove(membership=membership, by=acting_user(request.user))
        except services.MembershipError as exc:
            messages.error(request, exc.refusal.message)
            return members_page(request, self.organization, status=refusal_status(exc.refusal))
        messages.success(request, _("%(name)s 님을 회원에서 뺐습니다.") % {"name": membership.user})
        return _redirect(_members_url(self.organization))


def _is_member(user: Any, org: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and org is not None
        and Membership.objects.filter(user=user, organization=org).exists()
    )


class LeaveView(OrganizationMixin, View):
    """Leave an organisation (조직에서 나가기): GET asks to confirm (and, for the last
    owner, for a successor); POST leaves. Members only."""

    permission_predicate = staticmethod(_is_member)

    def _membership(self) -> Membership:
        return Membership.objects.select_related("organization").get(
            user=acting_user(self.request.user), organization=self.organization
        )

    def _page(self, form: LeaveForm, status: int = 200) -> HttpResponse:
        membership = self._membership()
        refusal = rules.successor_refusal(membership, None)
        no_successor = refusal is not None and refusal.code == "no_successor"
        ctx = {
            "org": self.organization,
            "membership": membership,
            "form": form,
            "needs_successor": _needs_successor(membership),
            "cannot_leave": refusal if no_successor else None,
            "breadcrumbs": [
                (self.organization.name, self.organization.get_absolute_url()),
                (_("회원 관리"), _members_url(self.organization)),
                (_("조직에서 나가기"), None),
            ],
        }
        return render(self.request, "membership/leave.html", ctx, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._page(LeaveForm(membership=self._membership()))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        membership = self._membership()
        form = LeaveForm(request.POST, membership=membership)
        if not form.is_valid():
            return self._page(form, status=400)
        try:
            services.membership_leave(
                membership=membership, successor=_successor(form), by=acting_user(request.user)
            )
        except services.MembershipError as exc:
            form.add_error("successor", exc.refusal.message)
            return self._page(form, status=refusal_status(exc.refusal))
        messages.success(request, _("%(name)s에서 나왔습니다.") % {"name": self.organization.name})
        return _redirect(reverse("my-organizations"))


# --- invitations ------------------------------------------------------------------------


class InvitationChangeView(ObjectPermissionMixin, View):
    """POST: resend (`action` ``resend``) or revoke (``revoke``) a pending invitation
    (owners, staff)."""

    permission_predicate = staticmethod(permissions.can_manage_invitation)
    action = ""

    def get_permission_object(self) -> Invitation:
        return get_object_or_404(
            Invitation.objects.select_related("organization"), pk=self.kwargs["pk"]
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        invitation = self.get_permission_object()
        by = acting_user(request.user)
        try:
            if self.action == "resend":
                services.invitation_resend(invitation=invitation, by=by)
                messages.success(
                    request,
                    _("%(email)s 주소로 초대를 다시 보냈습니다.") % {"email": invitation.email},
                )
            else:
                services.invitation_revoke(invitation=invitation, by=by)
                messages.success(
                    request,
                    _("%(email)s 주소로 보낸 초대를 취소했습니다.") % {"email": invitation.email},
                )
        except services.MembershipError as exc:
            messages.error(request, exc.refusal.message)
            return members_page(
                request, invitation.organization, status=refusal_status(exc.refusal)
            )
        return _redirect(_members_url(invitation.organization_id))


def _invitation_page(
    request: HttpRequest,
    invitation: Invitation | None,
    *,
    refusal: Refusal | None = None,
    status: int = 200,
) -> HttpResponse:
    ctx = {
        "invitation": invitation,
        "refusal": refusal,
        "masked_email": rules.mask_email(invitation.email) if invitation else "",
        "title_code": refusal.code if refusal else "",
    }
    response = render(request, "membership/invitation.html", ctx, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


def _accept(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    user = acting_user(request.user)
    if user is None:
        return redirect_to_login(request.get_full_path())
    try:
        membership = services.invitation_accept(invitation=invitation, by=user)
    except services.MembershipError as exc:
        return _invitation_page(
            request, invitation, refusal=exc.refusal, status=refusal_status(exc.refusal)
        )
    messages.success(
        request,
        _("%(name)s의 %(role)s(으)로 함께하게 되었습니다.")
        % {"name": membership.organization.name, "role": membership.get_role_display()},
    )
    return _redirect(_members_url(membership.organization))


class InvitationView(View):
    """The invitation link (초대 링크): GET shows the invitation and, for the invited
    account, the accept button (anyone else: why not, and how to sign in); POST
    accepts. A token that matches nothing is a 404 page, a used, revoked or expired
    one a 410 page, another account's invitation a 403 page."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation = selectors.invitation_by_token(token)
        if invitation is None:
            return _invalid_link(request)
        now = timezone.now()
        if refusal := rules.invitation_state_refusal(invitation, now=now):
            return _invitation_page(request, invitation, refusal=refusal, status=410)
        if not request.user.is_authenticated:
            return _invitation_page(request, invitation)
        refusal = rules.invitation_accept_refusal(invitation, user=request.user, now=now)
        status = refusal_status(refusal) if refusal else 200
        return _invitation_page(request, invitation, refusal=refusal, status=status)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        invitation = selectors.invitation_by_token(token)
        if invitation is None:
            return _invalid_link(request)
        return _accept(request, invitation)


def _invalid_link(request: HttpRequest) -> HttpResponse:
    refusal = Refusal(
        "invalid",
        _(
            "초대 링크가 올바르지 않습니다. 메일에 있는 링크 전체를 열었는지 확인하고, "
            "그래도 안 되면 초대한 분께 다시 보내 달라고 요청해 주세요."
        ),
    )
    return _invitation_page(request, None, refusal=refusal, status=404)


class InvitationAcceptView(View):
    """POST: accept an invitation addressed to the signed-in account (from the
    dashboard, where the link's token is not known). The same rule as the link:
    only the account that owns the invited address (anyone else: 404, as if there were
    no such invitation)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        invitation = get_object_or_404(Invitation.objects.select_related("organization"), pk=pk)
        if not rules.email_matches(request.user, invitation.email):
            # Ids can be guessed, tokens cannot: someone else's invitation is not there.
            raise Http404(_("초대를 찾을 수 없습니다."))
        return _accept(request, invitation)


# --- council join requests ----------------------------------------------------------------


class JoinRequestView(ObjectPermissionMixin, View):
    """Ask a council to take one of one's organisations in (협의회 가입 신청). GET
    shows the form (``?council=`` and ``?organization=`` preselect); POST sends it.
    For owners of at least one organisation."""

    permission_predicate = staticmethod(permissions.owns_any_organization)

    def _form(self, data: Any = None, initial: dict[str, Any] | None = None) -> JoinRequestForm:
        owned = Organization.objects.filter(
            memberships__user=acting_user(self.request.user),
            memberships__role=Membership.Role.OWNER,
        ).order_by("name")
        return JoinRequestForm(data, initial=initial, organizations=owned)

    def _page(self, form: JoinRequestForm, status: int = 200) -> HttpResponse:
        ctx = {
            "form": form,
            "breadcrumbs": [(_("협의회"), reverse("registry:councils")), (_("가입 신청"), None)],
        }
        return render(self.request, "membership/join_request.html", ctx, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {
            key: request.GET[key]
            for key in ("council", "organization")
            if request.GET.get(key, "").isdigit() and len(request.GET[key]) < 19
        }
        return self._page(self._form(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if not form.is_valid():
            return self._page(form, status=400)
        org, council = form.cleaned_data["organization"], form.cleaned_data["council"]
        try:
            services.join_request_create(
                organization=org,
                council=council,
                message=form.cleaned_data["message"],
                by=acting_user(request.user),
            )
        except services.MembershipError as exc:
            form.add_error(None, exc.refusal.message)
            return self._page(form, status=refusal_status(exc.refusal))
        messages.success(
            request,
            _(
                "%(council)s에 %(organization)s의 가입을 신청했습니다. "
                "협의회 관리자가 결정하면 알려 드립니다."
            )
            % {"council": council.name, "organization": org.name},
        )
        return _redirect(_members_url(org))


class JoinDecisionView(ObjectPermissionMixin, View):
    """POST: the council's administrator (or staff) approves or rejects a join
    request (``decision`` = approve / reject, optional ``reason``)."""

    permission_predicate = staticmethod(permissions.can_decide_join_request)

    def get_permission_object(self) -> CouncilJoinRequest:
        return get_object_or_404(
            CouncilJoinRequest.objects.select_related("council", "organization"),
            pk=self.kwargs["pk"],
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        req = self.get_permission_object()
        council_url = reverse("registry:council", kwargs={"pk": req.council_id})
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("승인 또는 거절을 고르고, 사유는 1,000자 안으로 써 주세요."))
            return _refused_page(council_url, 400, request)
        by = acting_user(request.user)
        names = {"organization": req.organization.name}
        try:
            if form.cleaned_data["decision"] == "approve":
                services.join_request_approve(join_request=req, by=by)
                messages.success(request, _("%(organization)s의 가입을 승인했습니다.") % names)
            else:
                services.join_request_reject(
                    join_request=req, by=by, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("%(organization)s의 가입 신청을 거절했습니다.") % names)
        except services.MembershipError as exc:
            messages.error(request, exc.refusal.message)
            return _refused_page(council_url, refusal_status(exc.refusal), request)
        return _redirect(council_url)


def _refused_page(url: str, status: int, request: HttpRequest) -> HttpResponse:
    """A short page with `status` that says what went wrong (the queued message) and
    links back to `url`."""
    return render(
        request, "membership/refused.html", {"back_url": url, "status": status}, status=status
    )


# --- staff: owners -------------------------------------------------------------------------


class OwnersView(OrganizationMixin, View):
    """Centre staff change an organisation's owners (대표 관리자 변경)."""

    permission_predicate = staticmethod(permissions.is_centre_staff)

    def _page(self, form: OwnerChangeForm, status: int = 200) -> HttpResponse:
        org = self.organization
        ctx = {
            "org": org,
            "form": form,
            "owners": [m for m in selectors.members_of(org) if m.role == Membership.Role.OWNER],
            "breadcrumbs": [
                (org.name, org.get_absolute_url()),
                (_("회원 관리"), _members_url(org)),
                (_("대표 관리자 변경"), None),
            ],
        }
        return render(self.request, "membership/owners.html", ctx, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._page(OwnerChangeForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = OwnerChangeForm(request.POST)
        if not form.is_valid():
            return self._page(form, status=400)
        new_owner: User = form.cleaned_data["account"]
        services.organization_owner_change(
            organization=self.organization,
            new_owner=new_owner,
            previous=cast(services.PreviousOwners, form.cleaned_data["previous"]),
            by=acting_user(request.user),
        )
        messages.success(
            request,
            _("%(name)s 님을 %(organization)s의 대표 관리자로 정했습니다.")
            % {"name": new_owner, "organization": self.organization.name},
        )
        return _redirect(_members_url(self.organization))
