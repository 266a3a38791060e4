import io
import logging
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from .audit import audit_record
from .auth import client_ip, sign_in_paused_for_address
from .forms import AccountPasswordResetForm, AccountSetPasswordForm, SignInForm, TwoFactorCodeForm
from .selectors import roles_for_user
from .two_factor import SESSION_KEY as TWO_FACTOR_SESSION_KEY
from .two_factor import (
    recovery_codes_left,
    recovery_codes_replace,
    totp_device_confirm,
    totp_device_start,
    totp_secret,
    two_factor_disable,
    two_factor_enabled,
    two_factor_offered,
    two_factor_required,
    two_factor_verify,
)

logger = logging.getLogger(__name__)


@method_decorator(never_cache, name="dispatch")
class HealthView(View):
    """For load balancers and container health checks: "ok" once the database answers.

    Public: no sign-in, and the answer reveals nothing about the site.
    """

    http_method_names = ["get", "head"]

    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError as exc:
            logger.warning("healthz: the database is unavailable: %s", exc)
            return HttpResponse("unavailable", status=503, content_type="text/plain; charset=utf-8")
        return HttpResponse("ok", content_type="text/plain; charset=utf-8")


class NoStoreMixin:
    """For pages with personal data: no browser, proxy or back button keeps a copy.

    Sends `Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private`. Put it
    first among a view's bases, so that it wraps every other mixin's dispatch (refusals too).
    """

    @method_decorator(never_cache)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Before any password is checked: an address spraying many accounts is paused.
        if sign_in_paused_for_address(request):
            audit_record(
                actor=None,
                action="levelup.account.address_paused",
                changes={"ip_address": client_ip(request)},
            )
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
        return super().post(request, *args, **kwargs)

    def get_success_url(self):
        # Straight on to the second factor, then wherever the person was going.
        url = super().get_success_url()
        owed = self.request.session.get(TWO_FACTOR_SESSION_KEY)
        if owed:
            target = reverse("two-factor-verify" if owed == "verify" else "two-factor-setup")
            return f"{target}?{urlencode({'next': url})}"
        return url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # LoginView sets `site_name` to the request's host name; the header wants ours.
        context["site_name"] = settings.SITE_NAME
        return context


class SignOutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = AccountPasswordResetForm
    success_url = reverse_lazy("password-reset-sent")


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = AccountSetPasswordForm
    success_url = reverse_lazy("password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class AccountView(NoStoreMixin, PermissionRequiredMixin, TemplateView):
    """The person's details and every role they hold, with the object it is held on."""

    template_name = "accounts/account.html"
    permission_required = "levelup.view_account"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["roles"] = roles_for_user(user=user)
        context["two_factor"] = {
            "offered": two_factor_offered(user),
            "required": two_factor_required(user),
            "enabled": two_factor_enabled(user),
            "codes_left": recovery_codes_left(user),
        }
        return context


# Shared by the apps' views: who may open a private page.
class PrivatePageMixin(PermissionRequiredMixin):
    """A page for signed-in people with a permission, often about one object.

    Anonymous people are sent to sign in. When the page is about one object (`object_name`
    names it, e.g. "call"), `object_from_selector()` finds it among what the person may see
    and raises Http404 when it is outside (so guessing URLs reveals nothing); the object is
    then `self.<object_name>` and in the template context. A person without
    `permission_required` (checked on that object) gets a 403.
    """

    raise_exception = True
    object_name = ""

    def object_from_selector(self):
        """The page's object, from a selector; Http404 when the person may not see it."""
        raise NotImplementedError(f"{type(self).__name__} names an object but cannot find it")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if self.object_name:
            setattr(self, self.object_name, self.object_from_selector())
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        if self.object_name:
            return getattr(self, self.object_name)
        return super().get_permission_object()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object_name:
            context[self.object_name] = getattr(self, self.object_name)
        return context


# Shared by the apps' views: how a service's ValidationError reaches the person. A form's
# errors go onto the form (`form_error_from`); a form-less POST says it in a message
# (`service_with_message`, or `error_message_from` when the view needs the exception).
def form_error_from(form, exc: ValidationError) -> None:
    """Put a service's ValidationError onto the form: on its fields where it names them."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def error_message_from(request, exc: ValidationError) -> None:
    """Tell the person, in an error message, what a service refused."""
    messages.error(request, " ".join(exc.messages))


def service_with_message(request, service, *, success: str, **kwargs) -> bool:
    """Call a write service as `request.user` from a form-less POST; tell the person how it went.

    The service's ValidationError becomes an error message; otherwise `success` is shown.
    Returns whether the service succeeded.
    """
    try:
        service(actor=request.user, **kwargs)
    except ValidationError as exc:
        error_message_from(request, exc)
        return False
    messages.success(request, success)
    return True


def _refuse_before_verify(request):
    """Someone with only the password of an account that has two-factor sign-in must not
    replace its authenticator: they are sent to give the code first."""
    if request.session.get(TWO_FACTOR_SESSION_KEY) == "verify":
        return redirect("two-factor-verify")
    return None


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class TwoFactorVerifyView(NoStoreMixin, LoginRequiredMixin, FormView):
    """After the password: the code from the app, or a recovery code."""

    template_name = "accounts/two_factor_verify.html"
    form_class = TwoFactorCodeForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_safe_next(self.request), **kwargs)

    def form_valid(self, form):
        try:
            two_factor_verify(
                actor=self.request.user, request=self.request, token=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        return redirect(_safe_next(self.request))


class TwoFactorSetupView(NoStoreMixin, LoginRequiredMixin, FormView):
    """Set up an authenticator app: scan the QR code (or type the key), enter a code.

    Signed-in people only; anyone may set it up for their own account.
    """

    template_name = "accounts/two_factor_setup.html"
    form_class = TwoFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        return _refuse_before_verify(request) or super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "recovery": False}

    def get_context_data(self, **kwargs):
        device = totp_device_start(actor=self.request.user)
        return super().get_context_data(
            secret=totp_secret(device),
            # Sent here at sign-in because the role needs it (not moving to a new phone).
            required=self.request.session.get(TWO_FACTOR_SESSION_KEY) == "setup",
            next=_safe_next(self.request),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            codes = totp_device_confirm(
                actor=self.request.user, request=self.request, token=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        return render(
            self.request,
            "accounts/two_factor_recovery_codes.html",
            {"codes": codes, "next": _safe_next(self.request), "new": True},
        )


class TwoFactorQrView(NoStoreMixin, LoginRequiredMixin, View):
    """The QR code of the authenticator being set up, drawn as SVG on the server."""

    http_method_names = ["get"]

    def dispatch(self, request, *args, **kwargs):
        return _refuse_before_verify(request) or super().dispatch(request, *args, **kwargs)

    def get(self, request):
        device = totp_device_start(actor=request.user)
        out = io.BytesIO()
        segno.make(device.config_url, error="m").save(
            out, kind="svg", scale=5, border=4, light="#fff", xmldecl=False
        )
        return HttpResponse(out.getvalue(), content_type="image/svg+xml")


class RecoveryCodesView(NoStoreMixin, LoginRequiredMixin, View):
    """New recovery codes (the old ones stop working), shown once. POST only."""

    http_method_names = ["post"]

    def post(self, request):
        try:
            codes = recovery_codes_replace(actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("account")
        return render(
            request,
            "accounts/two_factor_recovery_codes.html",
            {"codes": codes, "next": resolve_url("account"), "new": False},
        )


class TwoFactorDisableView(NoStoreMixin, LoginRequiredMixin, View):
    """Turn two-factor sign-in off, where the person's roles do not need it. POST only."""

    http_method_names = ["post"]

    def post(self, request):
        service_with_message(
            request, two_factor_disable, success=_("Two-factor sign-in is now off.")
        )
        return redirect("account")
