"""The API against the page: in a world of 3,000 schools (`generate_scale_data`), the median time
of one page of the API's school list (`/api/schools`, 25 schools, then 100) and of the HTML school
list (`/ecoles/`, 25 schools a page) for the same person, a federation's staff. The calls are
interleaved (page, API, page, API…) so that both see the same machine; medians and min–max.

Called by `bench/run.py` inside its test database (`python bench/run.py api` runs it alone)."""

import statistics
import time

from django.conf import settings
from django.core.management import call_command
from django.test import Client

from accounts import services
from accounts.models import Federation, Membership, Role

FEDERATION = "CECP"
SCHOOLS = 3000
REPEAT = 15


def _timed(call) -> float:
    start = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed


def bench_api(schools: int = SCHOOLS) -> dict:
    call_command("flush", interactive=False, verbosity=0)
    call_command("generate_scale_data", schools=schools, seed=1, verbosity=0)
    settings.API_RATE_LIMIT = "1000000/m"  # the bench measures the API, not its limit
    federation = Federation.objects.get(code=FEDERATION)
    staff = Membership.objects.filter(federation=federation, role=Role.FPO_STAFF).first().user
    _, secret = services.create_api_token(user=staff, name="Mesure")
    page = Client()
    page.force_login(staff)
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    measures = {
        "liste HTML /ecoles/ (25 écoles)": lambda: page.get("/ecoles/"),
        "API /api/schools (25 écoles)": lambda: api.get("/api/schools", {"limit": 25}),
        "API /api/schools (100 écoles)": lambda: api.get("/api/schools", {"limit": 100}),
        "API /api/schools (100, dernière page)": lambda: api.get(
            "/api/schools", {"limit": 100, "offset": visible - 100}
        ),
    }
    visible = api.get("/api/schools", {"limit": 1}).json()["count"]
    timings = {label: [] for label in measures}
    for call in measures.values():
        call()  # warm-up
    for _ in range(REPEAT):
        for label, call in measures.items():
            timings[label].append(_timed(call))
    print(
        f"\nAPI contre page HTML : {schools} écoles (generate_scale_data, graine 1), "
        f"personnel {FEDERATION} qui en voit {visible}, {REPEAT} appels entrelacés"
    )
    print(f"{'mesure':<40} {'médiane':>10} {'min – max':>20}")
    reference = statistics.median(timings["liste HTML /ecoles/ (25 écoles)"])
    for label, values in timings.items():
        median = statistics.median(values)
        print(
            f"{label:<40} {median:>7.1f} ms {min(values):>8.1f} – {max(values):.1f} ms"
            f"  ({median / reference:.2f}× la page)"
        )
    return {label: statistics.median(values) for label, values in timings.items()}
