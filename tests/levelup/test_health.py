import pytest
from csp.utils import build_policy
from django.db import OperationalError, connections
from django.urls import reverse

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_healthz_url_is_fixed():
    assert reverse("healthz") == "/healthz"


def test_healthz_answers_ok_when_the_database_answers(client, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert captured.captured_queries[0]["sql"] == "SELECT 1"


def test_healthz_carries_the_site_security_headers(client):
    response = client.get("/healthz")

    assert response["Content-Security-Policy"] == build_policy()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_healthz_needs_no_sign_in_and_sets_no_cookie(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert dict(response.cookies) == {}


def test_healthz_answers_head(client):
    response = client.head("/healthz")

    assert response.status_code == 200
    assert response.content == b""


def test_healthz_refuses_post(client):
    response = client.post("/healthz")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(type(connections["default"]), "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"unavailable"
    assert response["Content-Security-Policy"] == build_policy()
