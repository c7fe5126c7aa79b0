"""Federation scale: the main pages and exports of a 300-school and a 10,000-school world.

`python bench/run.py scale` (part of `make bench`) builds both worlds with `generate_scale_data`
(seed 1) in two PostgreSQL databases of their own, `pilotis_bench_scale_300` and
`pilotis_bench_scale_10000` (kept between runs: a world already built is reused, `--rebuild`
builds them again; the 10,000 one takes a few minutes). Each world is served by a process of
its own; the measures alternate A, B, A, B… so that a change in the machine's load hits both.
Printed per page: median, min–max, the ratio 10,000 / 300 against the target (2×), and the
number of queries in each world. Exports also print the time to their first bytes and the
peak of memory allocated in Python while the whole file is read.

PostgreSQL is the one of DATABASE_URL (without its database name), 127.0.0.1 by default."""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (300, 10_000)
REPEAT = 5
PAGE_TARGET = 2.0
FEDERATION = "CECP"
SERVER = "postgres://postgres@127.0.0.1:5432/pilotis"

# (label, who, url). Who: the federation's staff or its median adviser. `{fase}`, `{search}` are
# filled in by each world (a school the adviser follows, a word of a school's name).
PAGES = [
    ("tableau de bord fédération", "staff", "/pilotage/federation/"),
    ("recherche d'écoles (personnel)", "staff", "/ecoles/?q={search}"),
    ("liste des conventions", "staff", "/conventions/"),
    ("liste des écoles", "staff", "/ecoles/"),
    ("page d'une école", "adviser", "/ecoles/{fase}/"),
    ("tableau de bord conseiller", "adviser", "/pilotage/conseiller/"),
    ("journal des modifications", "staff", "/journal/"),
]
EXPORTS = [
    ("export conventions CSV", "staff", "/conventions/?format=csv"),
    ("export conventions XLSX", "staff", "/conventions/?format=xlsx"),
    ("export écoles fédération CSV", "staff", "/pilotage/federation/?export=ecoles&format=csv"),
    ("export journal CSV", "staff", "/journal/?format=csv"),
]


def database_url(size: int) -> str:
    server = os.environ.get("DATABASE_URL", SERVER)
    if not server.startswith("postgres"):
        server = SERVER
    return f"{server.rsplit('/', 1)[0]}/pilotis_bench_scale_{size}"


def _environment(size: int) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url(size),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": str(ROOT),
    }


def _run(args: list[str], **options) -> subprocess.CompletedProcess:
    # Our own commands (psql, manage.py) with arguments of this file only.
    return subprocess.run(args, check=True, **options)  # noqa: S603


def _psql(size: int, sql: str) -> str:
    server = database_url(size).rsplit("/", 1)[0]
    return _run(["psql", f"{server}/postgres", "-qAtc", sql], capture_output=True, text=True).stdout.strip()  # noqa: S607


def _manage(size: int, *args: str) -> None:
    _run([sys.executable, str(ROOT / "manage.py"), *args], env=_environment(size))


def build(size: int, *, rebuild: bool) -> float | None:
    """Builds the world in its database unless it is there; the seconds it took, or None."""
    name = database_url(size).rsplit("/", 1)[1]
    exists = _psql(size, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")  # noqa: S608 - our own name
    if exists and not rebuild:
        # Migrations of the branch (an index, say) reach a world already built.
        _manage(size, "migrate", "--noinput", "-v0")
        return None
    _psql(size, f'DROP DATABASE IF EXISTS "{name}"')
    _psql(size, f'CREATE DATABASE "{name}"')
    start = time.perf_counter()
    _manage(size, "migrate", "--noinput", "-v0")
    _manage(size, "generate_scale_data", f"--schools={size}", "--seed=1", "-v0")
    return time.perf_counter() - start


class World:
    """A process serving one world: it answers one measure per line asked."""

    def __init__(self, size: int):
        self.size = size
        self.process = subprocess.Popen(  # noqa: S603 - this bench's own worker
            [sys.executable, "-m", "bench.scale_worker"],
            env=_environment(size),
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.facts = self.ask({"do": "facts", "federation": FEDERATION})

    def ask(self, message: dict) -> dict:
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if "error" in answer:
            raise RuntimeError(f"{self.size} écoles, {message}: {answer['error']}")
        return answer

    def url(self, template: str) -> str:
        return template.format(**self.facts)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def _row(label, figures, key="ms") -> str:
    small, large = (figures[size] for size in SIZES)
    times = [sorted(f[key] for f in world) for world in (small, large)]
    medians = [statistics.median(t) for t in times]
    ratio = medians[1] / medians[0]
    verdict = "ok" if ratio <= PAGE_TARGET else "DÉPASSÉ"
    queries = "/".join(str(world[0]["queries"]) for world in (small, large))
    return (
        f"{label:<32} {medians[0]:>7.1f} ({times[0][0]:.0f}–{times[0][-1]:.0f}) "
        f"{medians[1]:>8.1f} ({times[1][0]:.0f}–{times[1][-1]:.0f}) {ratio:>6.2f}× {verdict:<7} {queries:>9}"
    )


def bench_scale(*, rebuild: bool = False) -> None:
    built = {size: build(size, rebuild=rebuild) for size in SIZES}
    worlds = {size: World(size) for size in SIZES}
    try:
        print(
            f"\nÉchelle d'une fédération : mondes de {SIZES[0]} et {SIZES[1]} écoles (graine 1, PostgreSQL)"
        )
        for size, world in worlds.items():
            made = f"construit en {built[size]:.0f} s" if built[size] else "déjà construit"
            facts = world.facts
            print(
                f"  {size:>6} écoles ({made}) : {FEDERATION} {facts['schools']} écoles, "
                f"{facts['conventions']} conventions ; conseiller médian : {facts['adviser_schools']} écoles"
            )
        figures = {label: {size: [] for size in SIZES} for label, _, _ in PAGES + EXPORTS}
        for label, who, url in PAGES + EXPORTS:
            for world in worlds.values():
                world.ask({"do": "get", "who": who, "url": world.url(url), "count": True})  # warm-up
            for _ in range(REPEAT if (label, who, url) in PAGES else 3):
                for size, world in worlds.items():
                    figures[label][size].append(world.ask({"do": "get", "who": who, "url": world.url(url)}))
            for size, world in worlds.items():
                counted = world.ask({"do": "get", "who": who, "url": world.url(url), "count": True})
                figures[label][size][0]["queries"] = counted["queries"]
                figures[label][size][0]["rows"] = counted["rows"]
                figures[label][size][0]["peak_kb"] = counted.get("peak_kb")
        head = f"{'mesure':<32} {'300 écoles ms (min–max)':>23} {'10 000 écoles ms':>20} {'rapport':>7}"
        print(f"{head} objectif ≤ {PAGE_TARGET:g}× requêtes 300/10 000")
        for label, _, _ in PAGES:
            print(_row(label, figures[label]))
        print("Exports (durée complète ; premiers octets ; lignes ; mémoire Python au plus haut) :")
        for label, _, _ in EXPORTS:
            small, large = (figures[label][size] for size in SIZES)
            first = [statistics.median(f["first_ms"] for f in world) for world in (small, large)]
            total = [statistics.median(f["ms"] for f in world) for world in (small, large)]
            rows = [world[0]["rows"] for world in (small, large)]
            peaks = [world[0]["peak_kb"] for world in (small, large)]
            queries = "/".join(str(world[0]["queries"]) for world in (small, large))
            time_ratio, row_ratio = total[1] / total[0], rows[1] / max(rows[0], 1)
            verdict = "ok" if time_ratio <= max(row_ratio, 1) * 1.25 else "DÉPASSÉ"
            print(
                f"  {label:<30} {total[0]:>7.0f} → {total[1]:>7.0f} ms ({time_ratio:.1f}× pour "
                f"{row_ratio:.1f}× les lignes, {verdict}) ; premiers octets {first[0]:.0f} → {first[1]:.0f} ms ; "
                f"{rows[0]} → {rows[1]} lignes ; {peaks[0]} → {peaks[1]} Ko ; requêtes {queries}"
            )
    finally:
        for world in worlds.values():
            world.close()


if __name__ == "__main__":
    bench_scale(rebuild="--rebuild" in sys.argv)
