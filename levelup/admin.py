from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .jobs import job_retry
from .models import AuditEntry, Body, Job, Organisation, OutboundEmail, Place, RoleGrant, User
from .services import role_grant, role_revoke


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "name", "password"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})
    ]
    filter_horizontal = []
    list_filter = ["is_active", "is_staff"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "local_authority", "region", "ons_code"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "local_authority"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "size", "place"]
    list_filter = ["type", "size"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    list_select_related = ["place"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Grants go through the services, so each grant and revoke is audited."""

    list_display = ["user", "role", "content_type", "object_id", "created_at", "revoked_at"]
    list_filter = ["role", "revoked_at"]
    list_select_related = ["user", "content_type"]
    search_fields = ["user__email", "user__name"]
    fields = ["user", "role", "content_type", "object_id"]
    raw_id_fields = ["user"]
    actions = ["revoke_selected"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        target = None
        if obj.content_type_id:
            target = obj.content_type.get_object_for_this_type(pk=obj.object_id)
        saved = role_grant(actor=request.user, user=obj.user, role=obj.role, target=target)
        obj.pk = saved.pk

    @admin.action(description=_("Revoke the selected grants"))
    def revoke_selected(self, request, queryset) -> None:
        for grant in queryset.filter(revoked_at__isnull=True):
            try:
                role_revoke(actor=request.user, grant=grant)
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "object_repr"]
    list_filter = ["action"]
    list_select_related = ["actor"]
    search_fields = ["action", "object_repr", "actor__email"]
    date_hierarchy = "created_at"


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    """Each email's state: queued, sent, failed (will retry) or abandoned."""

    list_display = ["created_at", "subject", "recipients", "status", "attempts", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["subject", "to"]
    readonly_fields = [
        "created_at",
        "template",
        "to",
        "subject",
        "body_text",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
    ]

    @admin.display(description=_("to"))
    def recipients(self, obj: OutboundEmail) -> str:
        return ", ".join(obj.to)


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    """Background work and its state; failed jobs can be tried again."""

    list_display = ["created_at", "kind", "status", "attempts", "progress", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["kind", "error"]
    readonly_fields = [
        "kind",
        "content_type",
        "object_id",
        "params",
        "status",
        "attempts",
        "max_attempts",
        "queued_at",
        "started_at",
        "heartbeat_at",
        "finished_at",
        "progress_done",
        "progress_total",
        "error",
        "result",
        "created_by",
        "created_at",
    ]
    actions = ["retry"]

    @admin.display(description=_("progress"))
    def progress(self, obj: Job) -> str:
        return f"{obj.progress_done} / {obj.progress_total}" if obj.progress_total else ""

    @admin.action(description=_("Try the selected failed jobs again"))
    def retry(self, request, queryset):
        for job in queryset:
            try:
                job_retry(actor=request.user, job=job)
            except ValidationError as exc:
                self.message_user(request, f"{job}: {'; '.join(exc.messages)}", messages.ERROR)
