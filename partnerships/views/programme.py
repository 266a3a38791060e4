"""The programme view: a body's partnerships across places, one row each.

Who may: the secretariat of a body (its own programme's partnerships) and site
administrators (every partnership). Counts only: the secretariat does not see the
partnerships' private pages.
"""

from django.views.generic import ListView

from levelup.views import PrivatePageMixin
from partnerships.selectors import programme_table


class ProgrammeView(PrivatePageMixin, ListView):
    template_name = "partnerships/programme/list.html"
    permission_required = "partnerships.view_programme"
    context_object_name = "partnerships"

    def get_queryset(self):
        return programme_table(user=self.request.user)
