"""View and admin mixins shared by every app."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext_lazy as _
from django.views import View


class ObjectPermissionMixin(AccessMixin, View):
    """Allow a view only when the app's permission predicate says yes.

    Set `permission_predicate` to a function ``(user, obj) -> bool`` (from the app's
    ``permissions.py``). `get_permission_object()` returns the object to check
    (default: ``self.get_object()`` for detail views, else None). Anonymous users who
    are refused are sent to the login page; logged-in users get 403 with a message.
    """

    permission_predicate: Any = None
    permission_denied_message = _("이 작업을 할 권한이 없습니다.")
    raise_exception = False

    def get_permission_object(self) -> Any:
        get_object = getattr(self, "get_object", None)
        return get_object() if callable(get_object) else None

    def has_permission(self) -> bool:
        predicate = type(self).permission_predicate
        if predicate is None:
            raise NotImplementedError("permission_predicate is not set")
        return bool(predicate(self.request.user, self.get_permission_object()))

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.has_permission():
            if request.user.is_authenticated:
                self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class ViewOnlyAdminMixin:
    """A ModelAdmin or inline that lists and shows records but never adds, changes or
    deletes them: those writes belong to the app's services. Staff with the view
    permission still see everything."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
