"""The home page shows both open calls and partnerships.

It lives here because `partnerships` is the one app that may read from both `evidence`
and `levelup` (imports flow levelup ← evidence ← partnerships).
"""

from django.conf import settings
from django.views.generic import TemplateView

from evidence.selectors import calls_open
from levelup.selectors import demo_accounts
from partnerships.selectors import partnerships_public


class HomeView(TemplateView):
    # Public page: anyone may read it.
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["open_calls"] = calls_open()
        context["partnerships"] = partnerships_public()[:12]
        if settings.DEBUG:
            context["demo_accounts"] = demo_accounts()
            context["demo_password"] = settings.DEMO_PASSWORD
        return context
