"""Development: `make run`."""

from .base import *  # noqa: F403 -- settings modules extend base by design
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Development mail is printed unless an SMTP server (e.g. mailpit) is configured.
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if env.str("EMAIL_HOST", default="")
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
# Demo accounts sign in with their password alone, so a newcomer can try every role.
# A development setting only: production refuses to start with it.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=False)
