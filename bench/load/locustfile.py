"""The people of `make load` (bench/load/run.py starts this with locust, one phase at a time).

Each simulated person signs in through the real allauth page (CSRF, password, the staff's
TOTP), then goes through their own journey with a pause between clicks: an adviser opens their
dashboard and a school, and records an action through the real form; a PO référent opens the PO
dashboard and a school, ticks an open engagement and unticks it (so that the world stays the
same run after run), and, when their PO has a convention « à compléter », saves its dates step; federation staff open their dashboard and the conventions, export them as
CSV and download a convention's PDF; a signatory opens « À signer » on the home page, the
convention's signing page and its document, and signs through the real form (each with an
account of their own and conventions of their own; with nothing left to sign, they browse).

Production cookies are Secure and requests sends them only over https: the driver trusts the
loopback proxy (X-Forwarded-Proto, X-Forwarded-For, as behind the real reverse proxy) and the
cookie policy here is told that this plain-http loopback is the TLS side. Each person comes from an
address of their own (X-Forwarded-For), as people do, so that the per-address login limit
counts per person.

What is measured starts once every person of the phase has signed in: the samples (time, page,
response time, failed) and the gunicorn workers' CPU time are written to LOAD_RESULT as JSON
when the phase stops. Any status other than the expected one is an error.
"""

import base64
import hashlib
import hmac
import itertools
import json
import os
import re
import struct
import time
from datetime import date, timedelta
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

import gevent
from gevent.event import Event
from locust import HttpUser, between, constant, events, task

TARGETS = json.loads(Path(os.environ["LOAD_TARGETS"]).read_text(encoding="utf-8"))
PASSWORD = "pilotis-demo"  # noqa: S105 - the scale world's published demo password (accounts/demo.py)
TOTP_SECRET = "PILOTISDEMOSECRETPILOTISDEMOSECR"  # noqa: S105 - the demo's TOTP key (accounts/demo.py)
MODE = os.environ.get("LOAD_MODE", "mixed")  # signin | single | floor | mixed | ramp
# Out of every 12 people: 6 advisers, 4 référents, 1 staff (a federation has few staff), 1
# signatory. The staff accounts are five (one per federation); more staff people take turns on
# them. Each signatory has an account of their own (see `account`).
ROTA = ["adviser", "referent", "adviser", "adviser", "referent", "adviser", "staff",
        "adviser", "referent", "adviser", "signatory", "referent"]  # fmt: skip
PAUSE = {
    "signin": constant(1),
    "single": between(0.5, 1.5),
    "floor": constant(0),
    "mixed": between(2, 6),
    "ramp": constant(0),
}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
OPTION = re.compile(r'<select name="action_type"[^>]*>(.*?)</select>', re.S)
VALUE = re.compile(r'<option value="(\d+)"')
TO_SIGN = re.compile(r'href="(/conventions/([^/"]+)/signer/)"')
LOCK_VERSION = re.compile(r'name="lock_version" value="(\d+)"')
SHOWN = re.compile(r'name="document_sha256" value="([0-9a-f]{64})"')
ERROR = re.compile(
    r'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>\s*(?:<[^>]+>\s*)*([^<]+)'
)

# Several people of a role share an account (and its session), so that the sign-in phase stays
# short on a busy 2-core machine: each sign-in is a deliberately slow password hash.
ACCOUNTS = {"adviser": 12, "referent": 8, "staff": 3}
ROLE_TARGETS = {"adviser": "advisers", "referent": "referents", "staff": "staff", "signatory": "signatories"}

_counter = itertools.count()
_signing_in: dict[str, Event] = {}
_state = {
    "expected": 0,
    "ready": 0,
    "measuring": False,
    "cpu_start": None,
    "t_start": None,
    "cpu_end": None,
    "t_end": None,
}
_samples: list[tuple[float, str, float, bool]] = []


# The loopback is the TLS side of the proxy: Secure cookies go back to it. requests builds a
# fresh cookie jar (default policy) for every request, so the policy is told here, for this
# load process only.
DefaultCookiePolicy.return_ok_secure = lambda policy, cookie, request: True


def totp_code(secret: str, at: float) -> str:
    key = base64.b32decode(secret)
    digest = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def gunicorn_cpu_seconds() -> float:
    """user + system time of the gunicorn workers, those replaced meanwhile included (their time
    is added to the master's children time when it reaps them)."""
    master = int(os.environ["LOAD_GUNICORN_PID"])
    tick = os.sysconf("SC_CLK_TCK")

    def fields(pid):
        text = Path(f"/proc/{pid}/stat").read_text()
        return text[text.rindex(")") + 2 :].split()

    total = sum(int(value) for value in fields(master)[13:15])  # cutime, cstime
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = fields(entry.name)
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(stat[1]) == master:  # ppid
                total += int(stat[11]) + int(stat[12])  # utime, stime
    return total / tick


@events.request.add_listener
def record(request_type, name, response_time, response_length, exception, **kwargs):
    if _state["measuring"] and not name.startswith("connexion"):
        _samples.append((time.time(), name, response_time, exception is not None))


@events.test_start.add_listener
def expect(environment, **kwargs):
    _state["expected"] = environment.parsed_options.num_users if MODE != "ramp" else 0
    if MODE == "ramp":  # the ramp measures from the start, logins excepted (see record)
        start_measuring()


def start_measuring():
    _state.update(measuring=True, cpu_start=gunicorn_cpu_seconds(), t_start=time.time())


@events.test_stopping.add_listener
def stop_measuring(environment, **kwargs):
    """The measure ends when the phase's time is up; the people then finish their journey (so
    that no engagement stays ticked), outside the figures."""
    if _state["measuring"]:
        _state.update(measuring=False, cpu_end=gunicorn_cpu_seconds(), t_end=time.time())


@events.test_stop.add_listener
def write_result(environment, **kwargs):
    stop_measuring(environment)
    started = _state["t_start"] is not None
    result = {
        "mode": MODE,
        "samples": _samples,
        "seconds": _state["t_end"] - _state["t_start"] if started else 0,
        "cpu_seconds": _state["cpu_end"] - _state["cpu_start"] if started else 0,
    }
    Path(os.environ["LOAD_RESULT"]).write_text(json.dumps(result), encoding="utf-8")


class Person(HttpUser):
    wait_time = PAUSE[MODE]

    def on_start(self):
        self.number = next(_counter)
        self.address = f"10.77.{self.number // 250}.{self.number % 250 + 1}"
        if MODE == "floor":
            self.roles = ["floor"]
        elif MODE in ("single", "signin") and self.number == 0:
            self.roles = ["adviser", "referent", "staff", "signatory"]
        else:
            self.roles = [ROTA[self.number % len(ROTA)]]
        self.sessions = {}
        for role in self.roles:
            self.sessions[role] = self.client if not self.sessions else self.new_session()
            self.prepare(self.sessions[role])
            if role != "floor":
                self.sign_in(self.sessions[role], role)
        self.turn = itertools.cycle(self.roles)
        _state["ready"] += 1
        if _state["expected"] and _state["ready"] == _state["expected"]:
            if MODE == "signin":
                # From a greenlet of its own: quitting stops every person, this one included,
                # which would otherwise be killed before the runner is told to stop.
                gevent.spawn(self.environment.runner.quit)
            elif not _state["measuring"]:
                start_measuring()

    def new_session(self):
        session = type(self.client)(
            base_url=self.host, request_event=self.environment.events.request, user=self
        )
        return session

    def prepare(self, session):
        session.headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": self.address})

    # --- signing in ----------------------------------------------------------------------

    def account(self, role):
        people = TARGETS[ROLE_TARGETS[role]]
        if role == "signatory":
            # Never two people of a phase on one signatory account: they would sign the same
            # request. Only person 0 of the first phases, who plays every role, shares one.
            # signing_world.py makes accounts 2k and 2k+1 the two PO signatories of the same
            # conventions: one signing changes the document the other has open (rightly refused
            # as changed), so a phase's signatories take even accounts only.
            return people[(2 * (self.number // len(ROTA))) % len(people)]
        return people[self.number % min(len(people), ACCOUNTS[role])]

    def post_form(self, session, url, page, data, name, expect=302, then=None, form_page=None):
        """Reads the form page (its CSRF token; `form_page` when the person has it open already),
        then posts it as the browser would, and follows the redirection to the page `then`
        names (the browser shows it, with its message)."""
        if form_page is None:
            with session.get(url, name=f"{name} (formulaire)", catch_response=True) as response:
                if (
                    response.status_code != 200
                    or response.history
                    or CSRF.search(response.text or "") is None
                ):
                    response.failure(f"formulaire illisible ({response.status_code})")
                    return None
            form_page = response.text
        token = CSRF.search(form_page)
        if token is None:
            return None
        data = {"csrfmiddlewaretoken": token.group(1), **(data(form_page) if callable(data) else data)}
        with session.post(
            url,
            data=data,
            name=name,
            headers={"Referer": f"https://{self.host.split('://', 1)[1]}{url}"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                said = ERROR.search(response.text or "")
                response.failure(
                    f"{response.status_code} au lieu de {expect} : {said.group(1).strip() if said else ''}"[
                        :160
                    ]
                )
                return None
        if then:
            self.open(session, response.headers["Location"], then)
        return response

    def sign_in(self, session, role):
        """Through the real login page, once per account and run: the sessions are kept in
        LOAD_SESSIONS for the later phases (the sign-in phase makes them all first), so that
        the password hashing of 50 sign-ins is not part of what a phase measures."""
        self.people = getattr(self, "people", {})
        self.people[role] = self.account(role)
        email = self.people[role]["email"]
        store = Path(os.environ["LOAD_SESSIONS"])
        if email in _signing_in:  # someone sharing this account is signing in: their session
            _signing_in[email].wait(timeout=120)
        kept = json.loads(store.read_text(encoding="utf-8")) if store.exists() else {}
        if email in kept:
            session.cookies.update(kept[email])
            return
        _signing_in[email] = Event()
        response = self.post_form(
            session, "/comptes/login/", "connexion", {"login": email, "password": PASSWORD}, "connexion"
        )
        if response is not None and role == "staff":
            # Federation staff: the second factor. A code is accepted once: someone else on the
            # same account within the same 30 seconds waits for the next one.
            for _ in range(3):
                response = self.post_form(
                    session,
                    "/comptes/2fa/authenticate/",
                    "connexion",
                    {"code": totp_code(TOTP_SECRET, time.time())},
                    "connexion",
                )
                if response is not None:
                    break
                time.sleep(30 - time.time() % 30 + 0.5)
        if response is not None:
            kept = json.loads(store.read_text(encoding="utf-8")) if store.exists() else {}
            kept[email] = session.cookies.get_dict()
            store.write_text(json.dumps(kept), encoding="utf-8")
        _signing_in.pop(email).set()

    # --- the journeys ----------------------------------------------------------------------

    @task
    def journey(self):
        if MODE == "signin":
            return
        role = next(self.turn)
        session = self.sessions[role]
        getattr(self, role)(session, self.people[role] if role != "floor" else None)

    def floor(self, session, person):
        self.open(session, "/comptes/login/", "plancher : page de connexion")

    def adviser(self, session, person):
        school = person["schools"][int(time.time() * 1000) % len(person["schools"])]
        self.open(session, "/pilotage/conseiller/", "conseiller : tableau de bord")
        self.pause()
        self.open(session, f"/ecoles/{school['fase']}/", "conseiller : page école")
        self.pause()
        day = date.today() + timedelta(days=14)

        def fields(page):
            options = OPTION.search(page)
            return {
                "action_type": VALUE.findall(options.group(1))[0] if options else "",
                "date": day.isoformat(),
                "start_time": "09:30",
                "location": "À l'école",
                "participants": "L'équipe éducative",
            }

        self.post_form(
            session,
            f"/pilotage/accompagnements/{school['accompaniment']}/actions/nouvelle/",
            "action",
            fields,
            "conseiller : prévoir une action",
            then="conseiller : page école",
        )

    def referent(self, session, person):
        # People sharing an account each keep to an engagement of their own: two people ticking
        # the same one at once are told it is already ticked (rightly), which is not the point here.
        check = person["checks"][(self.number // ACCOUNTS["referent"]) % len(person["checks"])]
        self.open(session, "/pilotage/po/", "référent : tableau de bord PO")
        self.pause()
        if person["drafts"]:
            # Before the engagement: a phase that stops cuts the end of a journey, never between
            # ticking and unticking (see STOP_TIMEOUT in run.py).
            self.fill_dates(
                session, person["drafts"][(self.number // ACCOUNTS["referent"]) % len(person["drafts"])]
            )
            self.pause()
        self.open(session, f"/ecoles/{check['fase']}/", "référent : page école")
        self.pause()
        ticked = self.post_form(
            session,
            f"/pilotage/engagements/{check['pk']}/cocher/",
            "",
            {"comment": ""},
            "référent : cocher un engagement",
            then="référent : page école",
        )
        self.pause()
        if ticked is not None:
            self.post_form(
                session,
                f"/pilotage/engagements/{check['pk']}/decocher/",
                "",
                {"reason": "Mesure de charge : remis comme avant."},
                "référent : décocher l'engagement",
                then="référent : page école",
            )

    def fill_dates(self, session, reference):
        """The first step of the PO's part of a convention « à compléter », with the version the
        form was opened on; the same dates every time, so that the world stays the same."""
        start = date(date.today().year + 1, 9, 1)

        def fields(page):
            version = LOCK_VERSION.search(page)
            return {
                "lock_version": version.group(1) if version else "",
                "council_decision_date": (start - timedelta(days=40)).isoformat(),
                "council_decision_reference": f"CC/{start.year}/{reference[-4:]}",
                "start_date": start.isoformat(),
                "end_date": (start.replace(year=start.year + 6) - timedelta(days=1)).isoformat(),
            }

        self.post_form(
            session,
            f"/conventions/{reference}/modifier/dates/",
            "",
            fields,
            "référent : convention, étape des dates",
            then="référent : convention, étape des signataires",
        )

    def staff(self, session, person):
        self.open(session, "/pilotage/federation/", "personnel : tableau de bord fédération")
        self.pause()
        self.open(session, "/conventions/", "personnel : liste des conventions")
        self.pause()
        self.open(session, "/conventions/?format=csv", "personnel : export CSV des conventions", "text/csv")
        self.pause()
        reference = person["conventions"][int(time.time() * 1000) % len(person["conventions"])]
        self.open(
            session, f"/conventions/{reference}/pdf", "personnel : PDF d'une convention", "application/pdf"
        )

    def signatory(self, session, person):
        """« À signer » on the home page, the signing page, the document, then the real form
        (the password again when allauth asks for it). Nothing left to sign: they only browse."""
        home = self.open(session, "/", "signataire : accueil (À signer)")
        waiting = TO_SIGN.findall(home.text if home is not None and home.ok else "")
        self.pause()
        if not waiting:
            self.open(session, "/conventions/", "signataire : liste des conventions (rien à signer)")
            return
        url, reference = waiting[0]
        page = self.open(session, url, "signataire : page « signer »")
        self.pause()
        self.open(session, f"{url}document.pdf", "signataire : lire le document", "application/pdf")
        self.pause()
        shown = SHOWN.search(page.text if page is not None and page.ok else "")
        if shown is None:
            return
        fields = {"read": "on", "document_sha256": shown.group(1)}
        signed = self.post_form(session, url, "", fields, "signataire : signer", form_page=page.text)
        if signed is not None and "/comptes/reauthenticate/" in signed.headers["Location"]:
            # allauth resumes the signature after the password, or shows the page again.
            signed = self.post_form(
                session,
                signed.headers["Location"],
                "",
                {"password": PASSWORD},
                "signataire : mot de passe à nouveau",
            )
            if signed is not None and not signed.headers["Location"].endswith("/fait/"):
                signed = self.post_form(session, url, "", fields, "signataire : signer", form_page=page.text)
        if signed is not None:
            self.open(session, signed.headers["Location"], "signataire : signature enregistrée")

    def open(self, session, url, name, content_type="text/html"):
        """A page as the person sees it: a redirection (to the login page, say) is an error."""
        with session.get(url, name=name, catch_response=True) as response:
            if response.history or response.status_code != 200:
                response.failure(f"{response.status_code} {response.url} au lieu de la page")
            elif not response.headers.get("Content-Type", "").startswith(content_type):
                response.failure(f"{response.headers.get('Content-Type')} au lieu de {content_type}")
        return response

    def pause(self):
        """Between two clicks of one journey, the same pause as between journeys."""
        if MODE != "floor":
            self._sleep(self.wait_time())

    def _sleep(self, seconds):
        if seconds:
            time.sleep(seconds)
