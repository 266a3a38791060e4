from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from partnerships.views.home import HomeView

from . import views

account_patterns = [
    path("", views.AccountView.as_view(), name="account"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("two-factor/", views.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
    path("two-factor/set-up/", views.TwoFactorSetupView.as_view(), name="two-factor-setup"),
    path("two-factor/set-up/qr.svg", views.TwoFactorQrView.as_view(), name="two-factor-qr"),
    path(
        "two-factor/recovery-codes/",
        views.RecoveryCodesView.as_view(),
        name="two-factor-recovery-codes",
    ),
    path("two-factor/turn-off/", views.TwoFactorDisableView.as_view(), name="two-factor-disable"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/", include(account_patterns)),
    path("", include("evidence.urls")),
    path("partnerships/", include("partnerships.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.HealthView.as_view(), name="healthz"),
]

admin.site.site_header = admin.site.site_title = settings.SITE_NAME
