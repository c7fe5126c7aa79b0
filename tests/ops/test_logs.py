"""Each log line says when, how grave, where, for which request and which user: as text, or as
one JSON object a line with LOG_FORMAT=json."""

import io
import json
import logging
import logging.config
import re

import pytest
from django.conf import settings

from config.settings.logs import logging_config
from tests.accounts.factories import UserFactory


@pytest.fixture
def log_output():
    def configure(log_format):
        config = logging_config(log_format=log_format)
        config["handlers"]["console"]["stream"] = stream
        logging.config.dictConfig(config)
        return stream

    stream = io.StringIO()
    yield configure
    logging.config.dictConfig(settings.LOGGING)


@pytest.mark.django_db
def test_a_request_logs_a_json_line_with_its_request_id_and_its_user(client, log_output):
    stream = log_output("json")
    user = UserFactory()
    client.force_login(user)

    response = client.get("/ecoles/")

    assert response.status_code == 200
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    summary = next(line for line in lines if "path=/ecoles/" in line["message"])
    assert summary["request_id"] == response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", summary["request_id"])
    assert summary["user_id"] == user.pk
    assert summary["level"] == "INFO"
    assert summary["logger"] == "log_request_id.middleware"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$", summary["time"])


@pytest.mark.django_db
def test_every_text_line_carries_time_level_logger_request_and_user(client, log_output):
    stream = log_output("text")

    response = client.get("/verifier/")

    line = next(line for line in stream.getvalue().splitlines() if "path=/verifier/" in line)
    assert re.match(
        rf"\d{{4}}-\d\d-\d\dT\S+ INFO log_request_id.middleware request_id={response['X-Request-ID']} user_id=- ",
        line,
    )


def test_outside_a_request_lines_say_so_and_weasyprint_steps_are_silent(log_output):
    stream = log_output("json")

    logging.getLogger("weasyprint").info("Step 5 - Creating layout")
    logging.getLogger("fontTools.subset").info("Glyph names retained")
    logging.getLogger("conventions").warning("Un avertissement")

    (line,) = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert line["message"] == "Un avertissement"
    assert line["request_id"] == "-"
    assert line["user_id"] == "-"
