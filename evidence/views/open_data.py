"""Open data: a published call's evidence, findings and recommendations as CSV and JSON.

Public pages: anyone may download what the report has published, under the Open Government
Licence; nothing is offered before the report is published (404).
"""

import csv
import io
import json

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from evidence.selectors import calls_for_user
from evidence.selectors.followup import call_has_tracker
from evidence.selectors.open_data import (
    COLUMNS,
    DATASETS,
    LICENCE_NAME,
    LICENCE_URL,
    open_data_rows,
)
from evidence.services.exports import cell_safe


class PublishedCallMixin:
    def published_call(self):
        call = get_object_or_404(
            calls_for_user(user=self.request.user).select_related("body"),
            slug=self.kwargs["slug"],
        )
        if not call_has_tracker(call=call):
            raise Http404
        return call


class OpenDataIndexView(PublishedCallMixin, TemplateView):
    # Public page: the list of a published call's open data files and their licence.
    template_name = "evidence/open_data/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = self.published_call()
        context["call"] = call
        context["datasets"] = [
            {
                "name": name,
                "csv": reverse(
                    "evidence:open-data", kwargs={"slug": call.slug, "dataset": name, "fmt": "csv"}
                ),
                "json": reverse(
                    "evidence:open-data", kwargs={"slug": call.slug, "dataset": name, "fmt": "json"}
                ),
            }
            for name in DATASETS
        ]
        context["licence_name"] = LICENCE_NAME
        context["licence_url"] = LICENCE_URL
        return context


class OpenDataFileView(PublishedCallMixin, View):
    # Public download: one dataset of a published call as CSV or JSON.
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        dataset, fmt = self.kwargs["dataset"], self.kwargs["fmt"]
        if dataset not in DATASETS or fmt not in ("csv", "json"):
            raise Http404
        call = self.published_call()
        rows = open_data_rows(call=call, dataset=dataset)
        filename = f"{call.slug}-{dataset}.{fmt}"
        if fmt == "json":
            body = json.dumps(
                {
                    "call": call.title,
                    "body": call.body.name,
                    "dataset": dataset,
                    "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
                    "rows": rows,
                },
                ensure_ascii=False,
                indent=2,
            )
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
        else:
            out = io.StringIO()
            out.write("\ufeff")
            writer = csv.writer(out)
            writer.writerow(COLUMNS[dataset])
            for row in rows:
                writer.writerow(
                    [
                        cell_safe("; ".join(map(str, v)) if isinstance(v, list) else v)
                        for v in (row[column] for column in COLUMNS[dataset])
                    ]
                )
            response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Link"] = f'<{LICENCE_URL}>; rel="license"'
        return response
