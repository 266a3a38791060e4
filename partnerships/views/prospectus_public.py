"""The published place prospectus: public page and PDF."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView

from partnerships.selectors import partnerships_public, prospectus_content, prospectus_public


def _published(slug: str):
    partnership = get_object_or_404(partnerships_public(), slug=slug)
    prospectus = prospectus_public(partnership=partnership)
    if prospectus is None:
        raise Http404
    return partnership, prospectus


class ProspectusPublicView(TemplateView):
    # Public page: only the published version, never a draft, comments or sign-off details.
    template_name = "partnerships/prospectus/public.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partnership, prospectus = _published(self.kwargs["slug"])
        version = prospectus.published_version
        context.update(
            partnership=partnership,
            prospectus=prospectus,
            version=version,
            content=prospectus_content(version=version),
            can_open_draft=self.request.user.has_perm(
                "partnerships.view_partnership_private", partnership
            ),
        )
        return context


class ProspectusPdfView(View):
    # Public download: the PDF of the published version, once it has been rendered.
    def get(self, request, slug):
        _partnership, prospectus = _published(slug)
        if not prospectus.has_current_pdf:
            raise Http404
        filename = f"{slugify(prospectus.title) or 'prospectus'}.pdf"
        return FileResponse(
            prospectus.pdf.open("rb"),
            content_type="application/pdf",
            as_attachment=False,
            filename=filename,
        )
