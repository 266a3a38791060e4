from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
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


def form_error_from(form, exc) -> None:
    """Put a service's ValidationError onto the form: on its fields where it names them."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def service_with_message(request, service, *, success: str, **kwargs) -> None:
    """Call a write service as `request.user` from a form-less POST; tell the person how it went.

    The service's ValidationError becomes an error message; otherwise `success` is shown.
    """
    try:
        service(actor=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
