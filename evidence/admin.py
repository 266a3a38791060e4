from django.contrib import admin

from .models import (
    Answer,
    Attachment,
    CallForEvidence,
    OralEvidence,
    Question,
    Section,
    Submission,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Seen in the admin, changed only through the site's pages (services audit every write)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CallForEvidence)
class CallForEvidenceAdmin(admin.ModelAdmin):
    list_display = ["title", "body", "status", "opens_at", "closes_at"]
    list_filter = ["status", "body"]
    list_select_related = ["body"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title"]


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = ["position", "text", "kind", "required"]


@admin.register(Section)
class SectionAdmin(ReadOnlyAdmin):
    list_display = ["title", "call", "position"]
    list_select_related = ["call"]
    inlines = [QuestionInline]


class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ["question", "text", "values"]


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    # The file itself is private: no URL, read through the permission-checked view only.
    fields = ["original_name", "kind", "size_bytes", "status", "flag_reason"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["reference", "call", "status", "respondent_name", "channel", "submitted_at"]
    list_filter = ["status", "channel", "call"]
    list_select_related = ["call"]
    search_fields = ["reference", "respondent_name", "organisation_name"]
    exclude = ["continue_token_hash"]
    inlines = [AnswerInline, AttachmentInline]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "submission", "kind", "size_bytes", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["submission"]
    exclude = ["file", "extracted_text"]


@admin.register(OralEvidence)
class OralEvidenceAdmin(admin.ModelAdmin):
    """Roundtables and hearings, published beside the written evidence of a call."""

    list_display = ["title", "call", "kind", "held_on", "is_published"]
    list_filter = ["kind", "is_published"]
    raw_id_fields = ["informed"]

    def save_model(self, request, obj, form, change):
        from evidence.services.calls import background_clean

        # The note is published as rich text: sanitised here as in the secretariat's pages.
        obj.note = background_clean(obj.note)
        super().save_model(request, obj, form, change)
