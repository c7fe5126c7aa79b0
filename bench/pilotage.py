"""Pilotage at scale: `generate_scale_data` builds a world of 300, then 3,000 schools (about every
school of the Fédération Wallonie-Bruxelles), and the median times of the adviser's and the
federation's dashboards, the school list and the yearly report (XLSX and PDF) are printed with
the ratio 3,000 / 300. Targets: at most 1.5× for the (paginated) pages, 12× for the report.

Called by `bench/run.py`, inside its test database, with its `median_ms`; the database is
emptied before each world."""

import statistics
import time

from django.core.management import call_command
from django.db.models import Count
from django.test import Client

from accounts.models import Federation, Membership, Role, User
from core.school_years import current_school_year
from pilotage.dashboards import report, report_files

# The federation measured: the largest one of the world (about 42 % of the schools).
FEDERATION = "CECP"
REPORT_YEAR_BACK = 1  # the last full school year
REPORT_REPEAT = 3
SIZES = (300, 3000)
PAGE_TARGET, REPORT_TARGET = 1.5, 12


def _world(size: int) -> dict:
    call_command("flush", interactive=False, verbosity=0)
    start = time.perf_counter()
    call_command("generate_scale_data", schools=size, seed=1, verbosity=0)
    built = time.perf_counter() - start
    federation = Federation.objects.get(code=FEDERATION)
    staff = Membership.objects.get(federation=federation, role=Role.FPO_STAFF).user
    # A typical adviser: the one whose number of schools is the median of the federation's.
    advisers = list(
        Membership.objects.filter(federation=federation, role=Role.FPO_ADVISER)
        .annotate(schools=Count("user__adviser_assignments"))
        .order_by("schools", "user_id")
        .values_list("user", "schools")
    )
    adviser_id, adviser_schools = advisers[len(advisers) // 2]
    schools = federation.schools.count()
    return {
        "built": built,
        "federation": federation,
        "staff": staff,
        "adviser": adviser_id,
        "adviser_schools": adviser_schools,
        "schools": schools,
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _report_ms(federation, year: int, fmt: str) -> float:
    timings = []
    for _ in range(REPORT_REPEAT):
        start = time.perf_counter()
        report_files.render(report.build(federation, year), fmt)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def bench_pilotage(median_ms) -> None:
    figures, worlds = {}, {}
    for size in SIZES:
        world = _world(size)
        worlds[size] = world
        staff = _client(world["staff"])
        adviser = _client(User.objects.get(pk=world["adviser"]))
        year = current_school_year() - REPORT_YEAR_BACK
        figures[size] = {
            "tableau de bord conseiller": median_ms(adviser, "/pilotage/conseiller/"),
            "tableau de bord fédération": median_ms(staff, "/pilotage/federation/"),
            "liste des écoles (fédération)": median_ms(staff, "/ecoles/"),
            "rapport annuel XLSX": _report_ms(world["federation"], year, "xlsx"),
            "rapport annuel PDF": _report_ms(world["federation"], year, "pdf"),
        }

    print(f"\nPilotage : mondes de {SIZES[0]} et {SIZES[1]} écoles (generate_scale_data, graine 1)")
    for size in SIZES:
        world = worlds[size]
        print(
            f"  {size:>5} écoles : construit en {world['built']:.1f} s ; {FEDERATION} : {world['schools']} écoles, "
            f"conseiller mesuré : {world['adviser_schools']} écoles"
        )
    print(f"{'mesure':<32} {'300 écoles':>12} {'3 000 écoles':>14} {'rapport':>9}  objectif")
    for label in figures[SIZES[0]]:
        small, large = figures[SIZES[0]][label], figures[SIZES[1]][label]
        target = REPORT_TARGET if label.startswith("rapport") else PAGE_TARGET
        verdict = "ok" if large / small <= target else "DÉPASSÉ"
        print(
            f"{label:<32} {small:>9.1f} ms {large:>11.1f} ms {large / small:>8.2f}×  ≤ {target:g}× {verdict}"
        )
