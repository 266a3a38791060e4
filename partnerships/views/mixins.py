from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.shortcuts import get_object_or_404
from rules.contrib.views import PermissionRequiredMixin

from partnerships.selectors import partnerships_for_user

PAGE_SIZE = 25


def paginate(request, items, *, param: str = "page", per_page: int = PAGE_SIZE) -> Page:
    """One page of `items`, numbered by the `param` query parameter.

    For pages with more than one list (each has its own parameter). A missing or wrong page
    number shows the nearest page, as Paginator.get_page does.
    """
    return Paginator(items, per_page).get_page(request.GET.get(param))


class PartnershipMixin(PermissionRequiredMixin):
    """A private page of one partnership, found by `slug` in the URL.

    Anonymous people are sent to sign in; a partnership outside the person's selector is a
    404 (so guessing another partnership's URLs reveals nothing); a visible partnership with
    a forbidden action is a 403.
    """

    permission_required = "partnerships.view_partnership_private"
    raise_exception = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.partnership = get_object_or_404(
            partnerships_for_user(user=request.user), slug=kwargs["slug"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.partnership

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["partnership"] = self.partnership
        return context
