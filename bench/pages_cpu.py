"""Python CPU per page of the mixed journey (issue 15 item 7): for each page, the median and the
min–max of `time.process_time()` over 20 requests through an in-process Client, next to the floor
(the login page). Run against a copy of the load world, never the template database itself:

    createdb -h 127.0.0.1 -U postgres -T pilotis_load_world pilotis_perf
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilotis_perf python manage.py migrate  # if behind
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilotis_perf python bench/pages_cpu.py

The people and schools are the first ones bench/load/targets.py hands to the load. Process time
counts this process only (not PostgreSQL's), which is what a gunicorn worker spends."""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.load import targets  # noqa: E402

REPEAT = int(os.environ.get("PAGES_CPU_REPEAT", "20"))
WARM_UP = 3


def _client(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def _pages() -> list[tuple[str, Client, str]]:
    adviser = targets.advisers()[0]
    referent = targets.referents()[0]
    staff = targets.staff()[0]
    adviser_client, referent_client, staff_client = (
        _client(person["email"]) for person in (adviser, referent, staff)
    )
    school_url = reverse("school_detail", kwargs={"fase": adviser["schools"][0]["fase"]})
    po_school_url = reverse("school_detail", kwargs={"fase": referent["checks"][0]["fase"]})
    return [
        ("floor: login page", Client(), reverse("account_login")),
        ("adviser dashboard", adviser_client, reverse("pilotage_adviser_dashboard")),
        ("school page (adviser)", adviser_client, school_url),
        ("PO dashboard", referent_client, reverse("pilotage_po_dashboard")),
        ("school page (référent)", referent_client, po_school_url),
        ("federation dashboard", staff_client, reverse("pilotage_federation_dashboard")),
        ("convention list", staff_client, reverse("convention_list")),
    ]


def _measure(client: Client, url: str) -> tuple[list[float], int]:
    for _ in range(WARM_UP):
        assert client.get(url).status_code == 200, url
    samples = []
    for _ in range(REPEAT):
        start = time.process_time()
        response = client.get(url)
        samples.append((time.process_time() - start) * 1000)
        assert response.status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return samples, len(queries)


def main() -> None:
    print(f"Python CPU per request, ms ({REPEAT} requests after {WARM_UP} warm-up, in-process Client)")
    print(f"{'page':<26} {'median':>7} {'min–max':>15} {'queries':>8}")
    for name, client, url in _pages():
        samples, queries = _measure(client, url)
        spread = f"{min(samples):.1f}–{max(samples):.1f}"
        print(f"{name:<26} {statistics.median(samples):>7.1f} {spread:>15} {queries:>8}")


if __name__ == "__main__":
    main()
