from django.contrib import admin

from .models import Partnership


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "place", "stage"]
    list_filter = ["stage"]
    list_select_related = ["place"]
    prepopulated_fields = {"slug": ["name"]}
