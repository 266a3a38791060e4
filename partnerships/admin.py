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


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "place", "stage"]
    list_filter = ["stage"]
    list_select_related = ["place"]
    prepopulated_fields = {"slug": ["name"]}
    exclude = ["private_notes", "exit_plan"]


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
