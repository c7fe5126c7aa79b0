"""`make load`: the production settings under load, on the loopback interface, in under 5 minutes.

1. The database `pilotis_load`, copied (`createdb -T`) from the template `pilotis_load_world`,
   which holds the migrated 3,000-school world of `generate_scale_data` (about 50 s to build):
   the template is rebuilt only when the migrations or the world's code change (their hash is
   the template's comment), so every run starts from the same world.
2. gunicorn with `make serve-prod`'s environment and deploy/gunicorn.conf.py (workers = cores)
   and one `db_worker`, on a free loopback port; the loopback is the trusted proxy.
3. locust headless (bench/load/locustfile.py), phase by phase: one person going through every
   journey; the trivial-page floor; 50 people pausing a few seconds between clicks; a ramp
   without pauses. Then the figures (bench/load/figures.py).
Everything started here is stopped at the end, whatever happens."""

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import crossing, per_page, percentile, ramp_windows, shortened  # noqa: E402

BIN = ROOT / ".venv" / "bin"
SCHOOLS = 3000
TEMPLATE_DB = "pilotis_load_world"
RUN_DB = "pilotis_load"
PG = ["-h", "127.0.0.1", "-U", "postgres"]
PEOPLE = 50
# (mode, users, spawn rate per second, run time in seconds). The sign-in phase opens the sessions
# of the accounts every later phase uses (one password hash each, far more than a page) and
# stops as soon as they all are open; the run time is its cap.
PHASES = [
    ("signin", PEOPLE, PEOPLE, 120),
    ("single", 1, 1, 25),
    ("floor", 4, 4, 10),
    ("mixed", PEOPLE, 10, 60),
    ("ramp", 30, 0.8, 36),
]
RAMP_WINDOW = 5.0
# The whole of `make load` ends within BUDGET seconds, whatever the machine's load: the phases'
# run times shrink in proportion when preparing the world or signing in took long. RESERVE is
# for the figures and stopping the servers; STOP_TIMEOUT lets people finish the journey under way.
BUDGET = 285
RESERVE = 12
# The longest journey (a référent's: four pauses of up to 6 s) ends within it.
STOP_TIMEOUT = 25
SHORTEST_PHASE = 5
SLOW_MS = 1000.0

started: list[subprocess.Popen] = []


def say(text: str) -> None:
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(port: int) -> dict:
    """`make serve-prod`'s defaults (Makefile), on the load database, the demo's accounts allowed."""
    secret = ROOT / "var" / "secret_key"
    if not secret.exists():
        secret.parent.mkdir(parents=True, exist_ok=True)
        secret.write_text(hashlib.sha256(os.urandom(64)).hexdigest())
    signing = ROOT / "var" / "signing"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{RUN_DB}",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://127.0.0.1:{port}",
        EMAIL_URL="consolemail://",
        DJANGO_SECURE_SSL_REDIRECT="False",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or secret.read_text().strip(),
        SIGNING_P12_PATH=str(signing / "pilotis-sealing.p12"),
        SIGNING_P12_PASSPHRASE="pilotis-demo-cachet",  # noqa: S106 - the demo's key, as in the Makefile
        SIGNING_TRUST_ROOTS=str(signing / "pilotis-ca.pem"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        # The scale world's accounts carry the demo password.
        PILOTIS_DEMO="True",
        # The loopback plays the reverse proxy: X-Forwarded-For and -Proto are believed from it.
        TRUSTED_PROXIES="127.0.0.1",
    )
    return env


def manage(env: dict, *args: str, database: str = RUN_DB) -> None:
    env = {**env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}"}
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True)


def psql(sql: str) -> str:
    result = subprocess.run(
        ["psql", *PG, "-d", "postgres", "-Atc", sql], check=True, capture_output=True, text=True
    )
    return result.stdout.strip()


def world_key() -> str:
    """What the template's world depends on: the migrations and the code that builds it (the
    scale world, then the conventions in signing and « à compléter » of signing_world.py)."""
    digest = hashlib.sha256(str(SCHOOLS).encode())
    for path in [
        *sorted(ROOT.glob("*/migrations/*.py")),
        *sorted((ROOT / "pilotage" / "scale_data").glob("*.py")),
        ROOT / "bench" / "load" / "signing_world.py",
    ]:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def prepare_database(env: dict) -> float:
    """The run's database, copied from the template; returns the seconds spent building the
    template (0 when it was up to date), which the time budget leaves out: it happens once."""
    built = 0.0
    key = world_key()
    comment = psql(
        f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{TEMPLATE_DB}'"  # noqa: S608 - a constant
    )
    if comment != key:
        say(f"Monde de {SCHOOLS} écoles : construction du modèle {TEMPLATE_DB} (une fois)…")
        start = time.perf_counter()
        subprocess.run(["dropdb", *PG, "--if-exists", TEMPLATE_DB], check=True)
        subprocess.run(["createdb", *PG, TEMPLATE_DB], check=True)
        manage(env, "migrate", "--noinput", "--verbosity", "0", database=TEMPLATE_DB)
        manage(env, "createcachetable", database=TEMPLATE_DB)
        manage(env, "generate_scale_data", "--schools", str(SCHOOLS), database=TEMPLATE_DB)
        subprocess.run(
            [str(BIN / "python"), "bench/load/signing_world.py"],
            cwd=ROOT,
            env={**env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{TEMPLATE_DB}"},
            check=True,
        )
        psql(f"COMMENT ON DATABASE {TEMPLATE_DB} IS '{key}'")
        built = time.perf_counter() - start
        say(f"  modèle construit en {built:.0f} s (hors du budget de temps)")
    start = time.perf_counter()
    subprocess.run(["dropdb", *PG, "--if-exists", "--force", RUN_DB], check=True)
    subprocess.run(["createdb", *PG, "-T", TEMPLATE_DB, RUN_DB], check=True)
    say(f"Base {RUN_DB} copiée du modèle en {time.perf_counter() - start:.1f} s")
    return built


def collect_static_files(env: dict) -> None:
    """WhiteNoise's compressed manifest takes minutes to build on a busy machine: only when a
    static source is newer than the last one built."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    sources = [ROOT / "static", ROOT / "node_modules" / ".installed", ROOT / "uv.lock"]
    newest = max(
        (
            path.stat().st_mtime
            for source in sources
            for path in [source, *source.rglob("*")]
            if path.exists()
        ),
        default=0,
    )
    if manifest.exists() and manifest.stat().st_mtime >= newest:
        return
    say("Fichiers statiques : collectstatic…")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )
    started.append(process)
    return process


def stop_everything(*_) -> None:
    for process in reversed(started):
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    started.clear()


def wait_until_healthy(port: int, gunicorn: subprocess.Popen) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/sante/",
        headers={"X-Forwarded-Proto": "https", "Accept": "application/json"},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if gunicorn.poll() is not None:
            raise SystemExit("gunicorn s'est arrêté : voir var/load/gunicorn.log")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - our loopback
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("/sante/ ne répond pas 200 en 60 s : voir var/load/gunicorn.log")


def run_phase(mode, users, rate, seconds, port, env, gunicorn_pid, targets, workdir) -> dict:
    result = workdir / f"{mode}.json"
    say(f"Phase « {mode} » : {users} utilisateur(s), {seconds} s au plus…")
    began = time.perf_counter()
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "load" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(rate),
        "--run-time",
        f"{seconds}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--only-summary",
        "--loglevel",
        "WARNING",
        # People finish the journey under way (outside the measure): no engagement stays ticked.
        "--stop-timeout",
        str(STOP_TIMEOUT),
    ]  # fmt: skip
    try:
        subprocess.run(
            command,
            cwd=ROOT,
            env={
                **env,
                "LOAD_MODE": mode,
                "LOAD_RESULT": str(result),
                "LOAD_TARGETS": str(targets),
                "LOAD_GUNICORN_PID": str(gunicorn_pid),
                "LOAD_SESSIONS": str(workdir / "sessions.json"),
            },
            stdout=(workdir / f"{mode}.log").open("w"),
            stderr=subprocess.STDOUT,
            check=False,
            # locust stops by itself; this is only the guarantee that the budget holds if it hangs.
            timeout=seconds + STOP_TIMEOUT + 15,
        )
    except subprocess.TimeoutExpired:
        say(f"  locust ne s'est pas arrêté à temps : arrêté (voir {workdir / f'{mode}.log'})")
    if mode == "signin":
        sessions = (
            json.loads((workdir / "sessions.json").read_text())
            if (workdir / "sessions.json").exists()
            else {}
        )
        say(f"  {len(sessions)} sessions ouvertes en {time.perf_counter() - began:.0f} s")
    if not result.exists():
        raise SystemExit(f"La phase {mode} n'a pas écrit ses mesures : voir {workdir / f'{mode}.log'}")
    return json.loads(result.read_text())


def run_phases(began, port, env, gunicorn_pid, targets, workdir) -> dict:
    """Each phase's run time is decided just before it, from the time left in the budget and the
    fixed cost a phase has shown so far (locust's start, the journeys finishing)."""
    overhead = float(STOP_TIMEOUT)
    results = {}
    for index, (mode, users, rate, nominal) in enumerate(PHASES):
        left = BUDGET - RESERVE - (time.perf_counter() - began)
        later = [seconds for *_, seconds in PHASES[index + 1 :]]
        if mode == "signin":  # a cap: it stops as soon as the sessions are open
            seconds = max(
                SHORTEST_PHASE * 3, min(nominal, int(left - overhead * len(later) - sum(later) / 2))
            )
        else:
            seconds = shortened([nominal, *later], left, overhead=overhead, minimum=SHORTEST_PHASE)[0]
            if seconds < nominal:
                say(f"  (budget de {BUDGET} s : phase raccourcie de {nominal} à {seconds} s)")
        phase_began = time.perf_counter()
        results[mode] = run_phase(mode, users, rate, seconds, port, env, gunicorn_pid, targets, workdir)
        if mode != "signin":
            overhead = max(overhead, time.perf_counter() - phase_began - seconds)
    return results


def ms(value) -> str:
    return "—" if value is None else f"{value:,.0f}".replace(",", " ")


def report(results: dict, workers: int) -> bool:
    single, floor, mixed, ramp = (results[m] for m in ("single", "floor", "mixed", "ramp"))
    alone = per_page(single["samples"])
    pages = per_page(mixed["samples"])
    errors = sum(page["errors"] for page in pages.values())
    requests = len(mixed["samples"])
    say("")
    say(
        f"=== 50 personnes, pause de 2 à 6 s entre deux clics ; gunicorn : {workers} workers ({os.cpu_count()} cœurs) ==="
    )
    header = (
        f"{'page':<44} {'req.':>5} {'err.':>4} {'p50':>6} {'p95':>6} {'p99':>6} {'p95 seul':>8} {'ratio':>5}"
    )
    say(header)
    say("-" * len(header))
    worst = 0.0
    for name, page in pages.items():
        solo = alone.get(name, {}).get("p95")
        ratio = page["p95"] / solo if solo else None
        worst = max(worst, ratio or 0)
        say(
            f"{name[:44]:<44} {page['count']:>5} {page['errors']:>4} {ms(page['p50']):>6} {ms(page['p95']):>6} "
            f"{ms(page['p99']):>6} {ms(solo):>8} {(f'{ratio:.1f}' if ratio else '—'):>5}"
        )
    say("(temps en ms ; « p95 seul » : la même page pour une seule personne, dans la même exécution)")
    rps = requests / mixed["seconds"] if mixed["seconds"] else 0
    cpu_mixed = 1000 * mixed["cpu_seconds"] / requests if requests else 0
    floor_count = len(floor["samples"])
    cpu_floor = 1000 * floor["cpu_seconds"] / floor_count if floor_count else 0
    say("")
    say(f"Débit : {rps:.1f} req/s sur {mixed['seconds']:.0f} s ; {requests} requêtes ; erreurs : {errors}")
    say(
        f"CPU Python par requête (workers gunicorn) : {cpu_mixed:.1f} ms sur le parcours mêlé, "
        f"plancher {cpu_floor:.1f} ms (page de connexion, {floor_count} requêtes)"
    )
    single_errors = sum(page["errors"] for page in alone.values())
    windows = ramp_windows(ramp["samples"], RAMP_WINDOW)
    crossed = crossing(windows, SLOW_MS)
    say("")
    say(f"Rampe sans pause (jusqu'à 30 personnes, fenêtres de {RAMP_WINDOW:.0f} s) :")
    say("  " + "  ".join(f"{w['rps']:.1f} req/s→p95 {ms(w['p95'])}" for w in windows))
    if crossed:
        say(
            f"  le p95 passe 1 s à {crossed['window']['rps']:.1f} req/s "
            f"(débit atteint juste avant : {(crossed['rps_before'] or 0):.1f} req/s)"
        )
    else:
        best = max((w["rps"] for w in windows), default=0)
        say(f"  le p95 ne passe pas 1 s ; débit maximal atteint : {best:.1f} req/s")
    ramp_errors = sum(failed for *_, failed in ramp["samples"])
    overall_p95 = percentile([s[2] for s in mixed["samples"]], 0.95)
    say("")
    say("Objectifs :")
    measured = bool(requests and alone and windows)
    if not measured:
        say("  RIEN DE MESURÉ dans une phase au moins : voir les journaux")
    say(f"  aucune erreur : {'oui' if measured and errors + single_errors + ramp_errors == 0 else 'NON'} "
        f"(50 personnes {errors}, seule {single_errors}, rampe {ramp_errors})")  # fmt: skip
    say(
        f"  p95 à 50 ≤ 3 × p95 seul, page par page : {'oui' if measured and worst <= 3 else 'NON'} (pire rapport {worst:.1f} ; p95 global {ms(overall_p95)} ms)"
    )
    say(
        f"  CPU par requête ≤ 25 ms : {'oui' if measured and cpu_mixed <= 25 else 'NON'} ({cpu_mixed:.1f} ms, plancher {cpu_floor:.1f} ms)"
    )
    return measured and errors == 0


def main() -> int:
    began = time.perf_counter()
    built = 0.0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    port = free_port()
    env = environment(port)
    logs = ROOT / "var" / "load"
    logs.mkdir(parents=True, exist_ok=True)
    try:
        if not Path(env["SIGNING_P12_PATH"]).exists():
            manage(env, "create_signing_certificate", database="postgres")
        built = prepare_database(env)
        began += built
        collect_static_files(env)
        workdir = Path(tempfile.mkdtemp(prefix="load-", dir=logs))
        # Who signs in and what they open depends only on the world: read once per template.
        reader = hashlib.sha256((ROOT / "bench" / "load" / "targets.py").read_bytes()).hexdigest()[:8]
        targets = logs / f"targets-{world_key()}-{reader}.json"
        if not targets.exists():
            subprocess.run(
                [str(BIN / "python"), "bench/load/targets.py", str(targets)], cwd=ROOT, env=env, check=True
            )
        start([str(BIN / "python"), "manage.py", "db_worker", "--no-reload"], env, logs / "db_worker.log")
        gunicorn = start(
            [str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py"], env, logs / "gunicorn.log"
        )
        wait_until_healthy(port, gunicorn)
        workers = int(env.get("GUNICORN_WORKERS", os.cpu_count()))
        say(
            f"gunicorn prêt sur 127.0.0.1:{port} ({workers} workers) après {time.perf_counter() - began:.0f} s"
        )
        results = run_phases(began, port, env, gunicorn.pid, targets, workdir)
        ok = report(results, workers)
        return 0 if ok else 1
    finally:
        stop_everything()
        say(
            f"\nDurée totale : {time.perf_counter() - began:.0f} s, serveurs arrêtés (budget {BUDGET} s"
            + (f", hors construction du modèle : {built:.0f} s" if built else "")
            + f" ; journaux : {logs})"
        )


if __name__ == "__main__":
    sys.exit(main())
