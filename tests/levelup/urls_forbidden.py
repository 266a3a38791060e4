"""The site's URLs plus one page that refuses everyone, to show the 403 page to anonymous
people (the site's own pages send them to sign in instead)."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from levelup.urls import urlpatterns as site_urlpatterns


def refuse(request):
    raise PermissionDenied("No one may use this page.")


urlpatterns = [*site_urlpatterns, path("test-forbidden/", refuse)]
