"""NUL characters are stripped at the edge: no 500, nothing else typed is lost."""

import pytest
from django.urls import reverse

from evidence.enums import QuestionKind
from levelup.middleware import StripNulMiddleware
from tests.factories import (
    CallForEvidenceFactory,
    PartnershipFactory,
    QuestionFactory,
    SectionFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db


def test_nul_in_an_answer_is_stripped_and_the_rest_kept(client):
    call = CallForEvidenceFactory(open=True)
    section = SectionFactory(call=call, title="Evidence")
    text = QuestionFactory(section=section, kind=QuestionKind.LONG_TEXT, position=0)
    where = QuestionFactory(section=section, kind=QuestionKind.SHORT_TEXT, position=1)
    draft = SubmissionFactory(call=call, user=None)
    session = client.session
    session["evidence_responses"] = [str(draft.public_id)]
    session.save()
    page = reverse("evidence:response-section", kwargs={"public_id": draft.public_id, "number": 1})

    response = client.post(
        page,
        {f"q{text.pk}": "a\x00b", f"q{where.pk}": "Fleet\x00wood", "action": "save"},
    )

    assert response.status_code == 302
    answers = {answer.question_id: answer.text for answer in draft.answers.all()}
    assert answers == {text.pk: "ab", where.pk: "Fleetwood"}


def test_nul_in_a_query_string_filter_is_stripped(client):
    PartnershipFactory(name="Morecambe Bay Partnership")

    response = client.get(reverse("partnerships:partnership-list") + "?place=%00")

    assert response.status_code == 200
    assert "Morecambe Bay Partnership" in response.content.decode()


def test_middleware_strips_nul_from_keys_and_every_value(rf):
    seen = {}

    def view(request):
        seen["GET"] = request.GET.lists()
        seen["POST"] = request.POST.lists()

    request = rf.post("/?q=a%00b&q=c", {"na\x00me": ["x\x00", "y"]})

    StripNulMiddleware(view)(request)

    assert list(seen["GET"]) == [("q", ["ab", "c"])]
    assert list(seen["POST"]) == [("name", ["x", "y"])]
