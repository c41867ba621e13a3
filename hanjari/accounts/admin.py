from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from hanjari.core.mixins import ViewOnlyAdminMixin

from .models import Consent, CouncilRole, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


class CouncilRoleInline(admin.TabularInline):
    model = CouncilRole
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Hanjari", {"fields": ("display_name", "withdrawn_at")}),
    )
    inlines = [MembershipInline, CouncilRoleInline]
    list_display = ("username", "display_name", "email", "is_staff", "is_active", "withdrawn_at")
    readonly_fields = ("withdrawn_at",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "created_at")
    list_filter = ("role",)
    autocomplete_fields = ["user", "organization"]
    search_fields = ("user__username", "organization__name")


@admin.register(CouncilRole)
class CouncilRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "council", "role")
    autocomplete_fields = ["user"]


@admin.register(Consent)
class ConsentAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Consents are given and withdrawn by the person (hanjari.accounts.services);
    staff only look."""

    list_display = ("user", "purpose", "version", "required", "agreed_at", "withdrawn_at")
    list_filter = ("purpose", "required")
    search_fields = ("user__username",)
