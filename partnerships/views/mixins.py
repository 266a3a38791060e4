from django.core.paginator import Page, Paginator
from django.shortcuts import get_object_or_404

from levelup.views import PrivatePageMixin
from partnerships.selectors import partnerships_for_user

PAGE_SIZE = 25


def paginate(request, items, *, param: str = "page", per_page: int = PAGE_SIZE) -> Page:
    """One page of `items`, numbered by the `param` query parameter.

    For pages with more than one list (each has its own parameter). A missing or wrong page
    number shows the nearest page, as Paginator.get_page does.
    """
    return Paginator(items, per_page).get_page(request.GET.get(param))


class PartnershipMixin(PrivatePageMixin):
    """A private page of one partnership, found by `slug` in the URL.

    Anonymous people are sent to sign in; a partnership outside the person's selector is a
    404 (so guessing another partnership's URLs reveals nothing); a visible partnership with
    a forbidden action is a 403.
    """

    permission_required = "partnerships.view_partnership_private"
    object_name = "partnership"

    def object_from_selector(self):
        return get_object_or_404(
            partnerships_for_user(user=self.request.user), slug=self.kwargs["slug"]
        )
