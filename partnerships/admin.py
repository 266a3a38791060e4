from django.contrib import admin

from levelup.admin import ReadOnlyAdmin

from .models import (
    AgreementVersion,
    Engagement,
    Invitation,
    Partnership,
    PartnershipMember,
    Representative,
)
from .services import partnership_delete, partnership_save


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "place", "stage", "programme_body"]
    list_filter = ["stage", "programme_body"]
    list_select_related = ["place", "programme_body"]
    prepopulated_fields = {"slug": ["name"]}
    exclude = ["private_notes", "exit_plan"]

    # Through the services, so that creating, changing and deleting a partnership is audited.
    def save_model(self, request, obj, form, change) -> None:
        before = None
        if change:
            before = {
                obj._meta.get_field(name).attname: form.initial.get(name)
                for name in form.changed_data
            }
        partnership_save(actor=request.user, partnership=obj, before=before)

    def delete_model(self, request, obj) -> None:
        partnership_delete(actor=request.user, partnership=obj)

    def delete_queryset(self, request, queryset) -> None:
        for partnership in queryset:
            partnership_delete(actor=request.user, partnership=partnership)


# The rest is read-only here: changes go through the site's pages (and so the services),
# which keep the member role grants in step and audit every change.


@admin.register(PartnershipMember)
class PartnershipMemberAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "partnership", "role", "joined_on", "left_on"]
    list_filter = ["role", "partnership"]
    list_select_related = ["organisation", "partnership"]


@admin.register(Representative)
class RepresentativeAdmin(ReadOnlyAdmin):
    list_display = ["user", "member", "joined_at", "left_at"]
    list_select_related = ["user", "member__organisation"]
    search_fields = ["user__email", "user__name"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "organisation", "partnership", "expires_at", "accepted_at"]
    list_select_related = ["organisation", "partnership"]
    exclude = ["token_hash"]
    search_fields = ["email", "name"]


@admin.register(Engagement)
class EngagementAdmin(ReadOnlyAdmin):
    list_display = ["occurred_on", "title", "kind", "partnership"]
    list_filter = ["kind", "partnership"]
    list_select_related = ["partnership"]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ReadOnlyAdmin):
    list_display = ["partnership", "kind", "number", "agreed_at"]
    list_filter = ["kind", "partnership"]
    list_select_related = ["partnership"]
