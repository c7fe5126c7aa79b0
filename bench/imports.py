"""Big imports (`python bench/run.py imports`, also part of `make bench`): each measure runs in a
fresh Python process of its own, so that its peak resident memory (ru_maxrss) is its own.

- a 10,000-row school file sent to the admin's import page: the request queues a job, which
  the test settings run at once; the time from upload to « Terminé ». Target: under 60 s.
- a 20 MB school file (the size limit, 90,000 rows of long names and addresses) as the request
  handles it: read in chunks, parsed, counted, turned into the job's rows as they are stored
  (JSON). Target: peak memory under 300 MB."""

import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADERS = ["FASE", "name", "address", "postcode", "city", "PO", "level", "wave"]
PO_COUNT = 100
TIME_TARGET_S, MEMORY_TARGET_MB = 60, 300


def write_school_file(path: Path, rows: int, *, padding: int = 0) -> int:
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADERS)
        for n in range(rows):
            writer.writerow(
                [
                    100000 + n,
                    f"École communale n° {n}" + " des Tilleuls" * padding,
                    f"Rue de la Station {n}" + " bis" * padding,
                    "5000",
                    "Namur",
                    f"Commune importée {n % PO_COUNT}",
                    "primaire",
                    n % 3 + 1,
                ]
            )
    return path.stat().st_size


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_import(path: Path) -> None:
    """In the child: a test database, the POs, then the upload through the admin's page."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import Federation, OrganisingAuthority, School, User
    from core.models import Job

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        federation = Federation.objects.create(code="IMPORT", name="Fédération de l'import")
        for n in range(PO_COUNT):
            OrganisingAuthority.objects.create(name=f"Commune importée {n}", kind="commune").federations.add(
                federation
            )
        admin = User.objects.create_superuser(email="bench-admin@pilotis.example", password=None)
        # Administrators must have a second factor enrolled to reach the admin.
        TOTP.activate(admin, generate_totp_secret())
        client = Client()
        client.force_login(admin)
        client.get("/admin/accounts/school/import/")  # loads every URL and view before the clock
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        start = time.perf_counter()
        response = client.post("/admin/accounts/school/import/", {"format": "0", "import_file": upload})
        elapsed = time.perf_counter() - start
        assert response.status_code == 302, response.status_code
        job = Job.objects.get()
        print(
            json.dumps(
                {
                    "seconds": elapsed,
                    "peak_mb": peak_mb(),
                    "status": job.status,
                    "schools": School.objects.count(),
                }
            )
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def child_read(path: Path) -> None:
    """In the child: what the request does with the file before the job runs it."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.files.uploadedfile import TemporaryUploadedFile

    from core.imports import cell_text, read_table
    from core.uploads import read_upload

    before = peak_mb()
    start = time.perf_counter()
    # As Django hands a large upload to the view: a temporary file on disk.
    upload = TemporaryUploadedFile(path.name, "text/csv", path.stat().st_size, "utf-8")
    with open(path, "rb") as source:
        while chunk := source.read(64 * 1024):
            upload.write(chunk)
    dataset = read_table(upload.name, read_upload(upload))
    params = json.dumps({"rows": [[cell_text(v) for v in row] for row in dataset]})
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - start,
                "peak_mb": peak_mb(),
                "baseline_mb": before,
                "rows": len(dataset),
                "params_mb": len(params) / 1024 / 1024,
            }
        )
    )


def run_child(mode: str, path: Path) -> dict:
    output = subprocess.run(  # noqa: S603 (this file with its own arguments)
        [sys.executable, __file__, mode, str(path)], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def bench_imports() -> None:
    with tempfile.TemporaryDirectory(prefix="pilotis-bench-imports-") as directory:
        small = Path(directory) / "ecoles-10000.csv"
        write_school_file(small, 10_000)
        imported = run_child("import", small)
        print(
            f"import de 10 000 écoles (admin → tâche de fond → {imported['status']}, {imported['schools']} écoles) : "
            f"{imported['seconds']:.1f} s (cible < {TIME_TARGET_S} s), pic mémoire {imported['peak_mb']:.0f} Mo"
        )
        big = Path(directory) / "ecoles-20mo.csv"
        size = write_school_file(big, 90_000, padding=7)
        read = run_child("read", big)
        print(
            f"fichier de {size / 1024 / 1024:.1f} Mo ({read['rows']} lignes) lu, compté et mis en file : "
            f"{read['seconds']:.1f} s, pic mémoire {read['peak_mb']:.0f} Mo (Django chargé : {read['baseline_mb']:.0f} Mo ; "
            f"cible < {MEMORY_TARGET_MB} Mo), lignes de la tâche {read['params_mb']:.1f} Mo"
        )


if __name__ == "__main__":
    if len(sys.argv) == 3:
        {"import": child_import, "read": child_read}[sys.argv[1]](Path(sys.argv[2]))
    else:
        bench_imports()
