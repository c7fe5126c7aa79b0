"""Benchmarks: prints figures and ratios measured in the same run (`make bench`).

The school list is paginated, so its time should barely move when the number of schools
grows tenfold: the figure printed is the ratio of the 3,000-school median to the 300 one.
`python bench/run.py api` runs only the API's measure (bench/api.py), `python bench/run.py imports`
only the big imports' (bench/imports.py, each in a process of its own), `python bench/run.py scale`
only the federation-scale one (bench/scale.py: 300 against 10,000 schools on PostgreSQL, in
databases of its own, kept between runs)."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from accounts.models import Federation, Membership, OrganisingAuthority, Role, School, User  # noqa: E402

REPEAT = 15


def build_world(schools: int) -> User:
    federation, _ = Federation.objects.get_or_create(code="BENCH", defaults={"name": "Fédération de mesure"})
    already = School.objects.count()
    pos = []
    for n in range(len(OrganisingAuthority.objects.all()), max(1, schools // 25)):
        po = OrganisingAuthority.objects.create(name=f"Commune de mesure {n}", kind="commune")
        po.federations.add(federation)
        pos.append(po)
    pos = list(OrganisingAuthority.objects.all())
    School.objects.bulk_create(
        School(
            fase=100000 + n,
            name=f"École de mesure {n}",
            organising_authority=pos[n % len(pos)],
            federation=federation,
            level="primaire",
            wave=n % 3 + 1,
            postcode="1000",
            city="Bruxelles",
        )
        for n in range(already, schools)
    )
    user, created = User.objects.get_or_create(email="bench@pilotis.example")
    if created:
        Membership.objects.create(user=user, role=Role.FPO_ADVISER, federation=federation)
    return user


def median_ms(client: Client, url: str) -> float:
    client.get(url)  # warm-up
    timings = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(timings)


def use_a_fresh_signing_key(directory: Path) -> None:
    """The demo signs its conventions: a sealing key of the run's own, as `make run` makes."""
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command

    p12 = directory / "pilotis-sealing.p12"
    call_command(
        "create_signing_certificate",
        output=str(p12),
        passphrase=settings.SIGNING_P12_PASSPHRASE,
        stdout=StringIO(),
    )
    settings.SIGNING_P12_PATH = str(p12)
    # Each signature is made with a one-time certificate in the signatory's name, as in production.
    settings.SIGNING_CA_P12_PATH = str(directory / "pilotis-ca.p12")
    settings.SIGNING_TRUST_ROOTS = [str(directory / "pilotis-ca.pem")]


def main() -> None:
    if sys.argv[1:] == ["imports"]:
        from bench.imports import bench_imports

        bench_imports()
        return
    if sys.argv[1:2] == ["scale"]:
        from bench.scale import bench_scale

        bench_scale(rebuild="--rebuild" in sys.argv)
        return
    setup_test_environment()
    use_a_fresh_signing_key(Path(tempfile.mkdtemp(prefix="pilotis-bench-")))
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        if sys.argv[1:] == ["api"]:
            from bench.api import bench_api

            bench_api()
            return
        if sys.argv[1:] == ["pdf"]:
            from bench.conventions import bench_convention_pdf

            bench_convention_pdf()
            return
        figures = {}
        for size in (300, 3000):
            client = Client()
            client.force_login(build_world(size))
            figures[size] = {
                "liste des écoles (page 1)": median_ms(client, "/ecoles/"),
                "recherche d'écoles": median_ms(client, "/ecoles/?q=mesure+12"),
                "accueil": median_ms(client, "/"),
            }
        print(f"{'mesure':<30} {'300 écoles':>12} {'3 000 écoles':>14} {'rapport':>9}")
        for label in figures[300]:
            small, large = figures[300][label], figures[3000][label]
            print(f"{label:<30} {small:>9.1f} ms {large:>11.1f} ms {large / small:>8.2f}×")
        from bench.conventions import bench_convention_pdf

        bench_convention_pdf()
        from bench.pilotage import bench_pilotage

        bench_pilotage(median_ms)
        from bench.api import bench_api

        bench_api()
        from bench.imports import bench_imports

        bench_imports()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    if sys.argv[1:] not in (["api"], ["pdf"]):
        from bench.scale import bench_scale

        bench_scale()


if __name__ == "__main__":
    main()
