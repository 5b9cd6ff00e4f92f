"""Logs: a request id per request, JSON lines, and the id carried to the worker's lines."""

import json
import logging

import pytest
from django.urls import reverse

from campaign.lib.logs import JsonFormatter, RequestIdFilter, request_id_bound
from petitions.models import PendingConfirmationEmail
from tests.factories import make_petition, sign_payload


def test_every_response_carries_its_request_id(client, db):
    first = client.get("/healthz?check=database")
    second = client.get("/healthz?check=database")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_proxys_request_id_is_kept_when_it_is_sane(client, db):
    kept = client.get("/healthz?check=database", HTTP_X_REQUEST_ID="caddy-0b1c2d3e-4f")
    assert kept["X-Request-ID"] == "caddy-0b1c2d3e-4f"
    odd = client.get("/healthz?check=database", HTTP_X_REQUEST_ID="<script>\nx")
    assert odd["X-Request-ID"] != "<script>\nx"


def test_a_json_line_has_time_level_logger_message_request_id_and_fields():
    record = logging.makeLogRecord(
        {"name": "campaign.request", "levelname": "INFO", "msg": "GET %s", "args": ("/",)}
    )
    record.status = 200
    with request_id_bound("abc12345"):
        RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /"
    assert line["request_id"] == "abc12345"
    assert line["status"] == 200
    assert line["level"] == "INFO"
    assert "time" in line


@pytest.mark.django_db
def test_the_signing_requests_id_is_stored_with_its_confirmation_email(client, settings):
    settings.PETITION_MIN_FILL_SECONDS = 0
    petition = make_petition()
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    response = client.post(url, sign_payload(), HTTP_X_REQUEST_ID="request-from-caddy-1")
    assert response.status_code == 302
    assert PendingConfirmationEmail.objects.get().request_id == "request-from-caddy-1"
