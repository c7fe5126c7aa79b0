"""One world of bench/scale.py: reads a JSON request per line, answers a JSON line.

`{"do": "facts"}`: who is measured and the world's figures; `{"do": "get", "who", "url"}`: one
request through Django's test client, timed to its first bytes and to its last; with
`"count": true`, the same request counted (queries, rows, peak of Python memory) and not timed."""

import json
import logging
import os
import sys
import time
import tracemalloc
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()
# One line per request on stderr would drown the figures.
logging.disable(logging.WARNING)

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from accounts.models import Federation, Membership, Role, User  # noqa: E402
from conventions.models import Convention  # noqa: E402
from pilotage.models import AdviserAssignment  # noqa: E402


def facts(federation_code: str) -> dict:
    federation = Federation.objects.get(code=federation_code)
    staff = Membership.objects.filter(federation=federation, role=Role.FPO_STAFF).order_by("pk").first().user
    # A typical adviser: the one whose number of schools is the median of the federation's.
    advisers = list(
        Membership.objects.filter(federation=federation, role=Role.FPO_ADVISER)
        .annotate(schools=Count("user__adviser_assignments"))
        .order_by("schools", "user_id")
        .values_list("user", "schools")
    )
    adviser_id, adviser_schools = advisers[len(advisers) // 2]
    school = (
        AdviserAssignment.objects.filter(adviser_id=adviser_id)
        .select_related("accompaniment__school")
        .order_by("accompaniment__school__fase")
        .first()
        .accompaniment.school
    )
    CLIENTS["staff"].force_login(staff)
    CLIENTS["adviser"].force_login(User.objects.get(pk=adviser_id))
    return {
        "schools": federation.schools.count(),
        "conventions": Convention.objects.filter(federation=federation).count(),
        "adviser_schools": adviser_schools,
        "fase": school.fase,
        # A word of a school's name, found in a few schools of any world ("Athénée de Namur").
        "search": school.city,
    }


def _rows(response, body: bytes) -> int:
    if response["Content-Type"].startswith("text/csv"):
        return body.count(b"\n") - 1
    if "spreadsheetml" in response["Content-Type"]:
        return load_workbook(BytesIO(body), read_only=True).active.max_row - 1
    return 0


def get(who: str, url: str, count: bool) -> dict:
    client = CLIENTS[who]
    if count:
        tracemalloc.start()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert response.status_code == 200, (url, response.status_code)
        return {"queries": len(queries), "rows": _rows(response, body), "peak_kb": peak // 1024}
    start = time.perf_counter()
    response = client.get(url)
    if response.streaming:
        chunks = iter(response.streaming_content)
        next(chunks, b"")
        first = time.perf_counter()
        for _ in chunks:
            pass
    else:
        first = time.perf_counter()
    end = time.perf_counter()
    assert response.status_code == 200, (url, response.status_code)
    return {"ms": (end - start) * 1000, "first_ms": (first - start) * 1000}


CLIENTS = {"staff": Client(), "adviser": Client()}


def main() -> None:
    for line in sys.stdin:
        message = json.loads(line)
        try:
            if message["do"] == "facts":
                answer = facts(message["federation"])
            else:
                answer = get(message["who"], message["url"], message.get("count", False))
        except Exception as error:  # noqa: BLE001 - reported to the parent, which stops
            answer = {"error": repr(error)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
