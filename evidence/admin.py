from django.contrib import admin

from .models import CallForEvidence


@admin.register(CallForEvidence)
class CallForEvidenceAdmin(admin.ModelAdmin):
    list_display = ["title", "body", "status", "opens_at", "closes_at"]
    list_filter = ["status", "body"]
    list_select_related = ["body"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title"]
