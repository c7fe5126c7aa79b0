"""`manage.py generate_scale_data --schools 3000`: a realistic world of N schools for measuring.

The five federations share the schools about as in the Fédération Wallonie-Bruxelles (CECP,
SeGEC, WBE, CPEONS, FELSI); each has its coordination, its advisers (one per 28 schools or
so, with their ETP), a catalogue, a school-level convention model with the PO's engagements.
Every PO has a référent, every school a direction; most schools have a signed convention and
an accompaniment begun with their wave (six school years ago for the first) or lately, with
the steps entered, the actions of each step held (some cancelled), the actions of step 5 year
after year, a few planned, the engagements ticked (or late), the plan in its state, objectives
linked to the objectifs d'amélioration, indicators with yearly values and evaluations.

Rows are written with `bulk_create` in batches. The same `--seed` (and `--today`) gives the
same world. Fake accounts: only where the demo is allowed (PILOTIS_DEMO)."""

import json
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from time import perf_counter

from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from accounts.models import Federation, Membership, OrganisingAuthority, Role, School, User
from conventions.models import Convention, ConventionTemplate, FrameworkNode, State, TemplateEngagement
from pilotage.catalogue import load_catalogues, load_steps
from pilotage.models import (
    Accompaniment,
    ActionRecord,
    ActionType,
    AdviserAssignment,
    AdviserProfile,
    EngagementCheck,
    Evaluation,
    EvaluationResult,
    Indicator,
    IndicatorValue,
    ObjectiveStatus,
    Plan,
    SchoolObjective,
    Step,
    StepEntry,
    add_months,
    school_year_of,
)

FASE_START = 300_000
EMAIL_DOMAIN = "echelle.pilotis.example"
BATCH = 2_000
# (code, name, share of the schools, schools per PO, PO kinds, levels)
FEDERATIONS = [
    (
        "CECP",
        "Conseil de l'Enseignement des Communes et des Provinces",
        0.42,
        6,
        ["commune", "ville", "province"],
        ["fondamental", "primaire", "maternel"],
    ),
    (
        "SEGEC",
        "Secrétariat général de l'Enseignement catholique",
        0.33,
        2,
        ["asbl"],
        ["fondamental", "primaire", "secondaire"],
    ),
    ("WBE", "Wallonie-Bruxelles Enseignement", 0.12, 400, ["autre"], ["fondamental", "secondaire"]),
    (
        "CPEONS",
        "Conseil des Pouvoirs organisateurs de l'Enseignement Officiel Neutre Subventionné",
        0.09,
        5,
        ["ville", "province", "cocof"],
        ["secondaire", "secondaire", "fondamental"],
    ),
    (
        "FELSI",
        "Fédération des Établissements Libres Subventionnés Indépendants",
        0.04,
        2,
        ["asbl"],
        ["secondaire", "fondamental"],
    ),
]
COMMUNES = [
    ("Anderlecht", "1070"), ("Andenne", "5300"), ("Arlon", "6700"), ("Ath", "7800"), ("Bastogne", "6600"),
    ("Binche", "7130"), ("Braine-l'Alleud", "1420"), ("Charleroi", "6000"), ("Châtelet", "6200"),
    ("Ciney", "5590"), ("Dinant", "5500"), ("Enghien", "7850"), ("Etterbeek", "1040"), ("Eupen", "4700"),
    ("Evere", "1140"), ("Fleurus", "6220"), ("Forest", "1190"), ("Gembloux", "5030"), ("Herstal", "4040"),
    ("Huy", "4500"), ("Ixelles", "1050"), ("Jette", "1090"), ("La Louvière", "7100"), ("Liège", "4000"),
    ("Marche-en-Famenne", "6900"), ("Mons", "7000"), ("Mouscron", "7700"), ("Namur", "5000"),
    ("Nivelles", "1400"), ("Ottignies", "1340"), ("Philippeville", "5600"), ("Saint-Gilles", "1060"),
    ("Saint-Ghislain", "7330"), ("Schaerbeek", "1030"), ("Seraing", "4100"), ("Soignies", "7060"),
    ("Spa", "4900"), ("Tournai", "7500"), ("Tubize", "1480"), ("Uccle", "1180"), ("Verviers", "4800"),
    ("Virton", "6760"), ("Waremme", "4300"), ("Waterloo", "1410"), ("Wavre", "1300"),
    ("Woluwe-Saint-Lambert", "1200"), ("Ottignies-Louvain-la-Neuve", "1348"), ("Visé", "4600"),
]  # fmt: skip
FIRST_NAMES = ["Alice", "Bruno", "Claire", "David", "Emma", "Farid", "Gaëlle", "Hugo", "Inès", "Julien",
               "Karima", "Louis", "Marie", "Nicolas", "Olivia", "Pierre", "Rania", "Simon", "Tania", "Yves"]  # fmt: skip
LAST_NAMES = ["Dubois", "Lambert", "Martin", "Peeters", "Janssens", "Renard", "Leclercq", "Mertens",
              "Dupont", "Willems", "Lejeune", "Goossens", "Hermans", "Laurent", "Simon", "Collard"]  # fmt: skip
# When each step starts, in months after the start of the accompaniment (CECP art. 3).
STEP_OFFSETS = {1: 0, 2: 5, 3: 9, 4: 12, 5: 18}
OBJECTIVE_TITLES = [
    ("Améliorer la compréhension en lecture", "Élèves maîtrisant la lecture", "%", "rise", 1),
    ("Réduire le redoublement", "Taux de redoublement", "%", "fall", 4),
    ("Réduire le décrochage scolaire", "Absences injustifiées par élève", "jours", "fall", 4),
    ("Améliorer le bien-être à l'école", "Élèves se sentant bien à l'école", "%", "rise", 7),
    (
        "Renforcer la maîtrise des mathématiques",
        "Réussite de l'épreuve externe en mathématiques",
        "%",
        "rise",
        1,
    ),
    ("Accroître l'inclusion des élèves à besoins spécifiques", "Élèves intégrés", "élèves", "rise", 6),
]


class Command(BaseCommand):
    help = "Construit un monde réaliste de N écoles (PO, conseillers, conventions, six années d'actions…) pour les mesures."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, required=True, help="Nombre d'écoles à créer.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Graine : la même graine donne le même monde."
        )
        parser.add_argument(
            "--today", default="", help="Date de référence (AAAA-MM-JJ) ; aujourd'hui par défaut."
        )

    def handle(self, *args, schools, seed, today, **options):
        if not settings.DEMO_ENABLED:
            raise CommandError(
                "Ce monde crée des comptes aux mots de passe publiés : il n'est construit que si "
                "PILOTIS_DEMO=True (réglages de développement et de test)."
            )
        if schools < 1:
            raise CommandError("Le nombre d'écoles doit être au moins 1.")
        try:
            reference = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"Date non valable : « {today} » (attendu : AAAA-MM-JJ).") from None
        if School.objects.filter(fase__gte=FASE_START, fase__lt=FASE_START + 1_000_000).exists():
            raise CommandError(
                "Des données d'échelle existent déjà dans cette base (écoles FASE 300000 et suivantes) : "
                "partez d'une base vide."
            )
        start = perf_counter()
        with transaction.atomic():
            counts = ScaleWorld(schools, random.Random(seed), reference).build()  # noqa: S311 - not secrets
        # The query planner's statistics, as after any bulk load (PostgreSQL's autovacuum would
        # only catch up later; SQLite keeps none until asked).
        if connection.vendor in ("postgresql", "sqlite"):
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        details = ", ".join(f"{n} {label}" for label, n in counts.items())
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Monde d'échelle construit en {perf_counter() - start:.1f} s : {details}."
                )
            )


def _bulk(model, objects: list) -> list:
    return model.objects.bulk_create(objects, batch_size=BATCH)


class ScaleWorld:
    def __init__(self, schools: int, rng: random.Random, today: date):
        self.n = schools
        self.rng = rng
        self.today = today
        self.current_year = school_year_of(today)
        self.password = make_password(DEMO_PASSWORD)
        self.counts = {}

    def build(self) -> dict:
        load_steps()
        self.steps = {step.number: step for step in Step.objects.all()}
        federations = self.federations()
        load_catalogues()
        self.copy_catalogues(federations)
        plan = self.share(federations)
        self.organising_authorities(plan)
        self.schools(plan)
        self.people(plan)
        self.conventions(plan)
        self.accompaniments(plan)
        return self.counts

    # --- Parties -------------------------------------------------------------------------

    def federations(self) -> list:
        federations = []
        for code, name, *_ in FEDERATIONS:
            federation = Federation.objects.filter(code__iexact=code).first()
            if federation is None:
                federation = Federation.objects.create(
                    code=code, name=name, city="Bruxelles", postcode="1000"
                )
            federations.append(federation)
        return federations

    def copy_catalogues(self, federations) -> None:
        """The catalogue files exist for the CECP and the CPEONS; the others take the CECP's."""
        model = next((f for f in federations if f.code.upper() == "CECP" and f.action_types.exists()), None)
        fields = ["code", "step_id", "kind", "title", "description", "audience", "mandatory", "default_duration",
                  "duration_unit", "source", "position"]  # fmt: skip
        for federation in federations:
            if model is None or federation.action_types.exists():
                continue
            _bulk(
                ActionType,
                [
                    ActionType(federation=federation, **{name: getattr(action, name) for name in fields})
                    for action in model.action_types.all()
                ],
            )

    def share(self, federations) -> list[dict]:
        plan, given = [], 0
        for index, (federation, (code, _, share, per_po, kinds, levels)) in enumerate(
            zip(federations, FEDERATIONS, strict=True)
        ):
            count = self.n - given if index == len(FEDERATIONS) - 1 else round(self.n * share)
            count = max(0, min(count, self.n - given))
            given += count
            types = list(ActionType.objects.filter(federation=federation).order_by("step", "position", "pk"))
            plan.append(
                {
                    "federation": federation,
                    "code": code,
                    "count": count,
                    "per_po": per_po,
                    "kinds": kinds,
                    "levels": levels,
                    "types": types,
                }
            )
        return plan

    def organising_authorities(self, plan) -> None:
        serial = 0
        labels = dict(OrganisingAuthority.Kind.choices)
        links = []
        for part in plan:
            number = max(1, -(-part["count"] // part["per_po"])) if part["count"] else 0
            pos = []
            for _ in range(number):
                serial += 1
                commune, postcode = COMMUNES[serial % len(COMMUNES)]
                kind = part["kinds"][serial % len(part["kinds"])]
                if part["code"] == "WBE":
                    name = f"Wallonie-Bruxelles Enseignement, zone {serial} (échelle)"
                elif kind == "asbl":
                    name = f"ASBL Écoles de {commune} n° {serial} (échelle)"
                else:
                    name = f"{labels[kind]} de {commune} n° {serial} (échelle)"
                pos.append(OrganisingAuthority(name=name, kind=kind, city=commune, postcode=postcode))
            part["pos"] = _bulk(OrganisingAuthority, pos)
            links += [
                OrganisingAuthority.federations.through(
                    organisingauthority_id=po.pk, federation_id=part["federation"].pk
                )
                for po in part["pos"]
            ]
        _bulk(OrganisingAuthority.federations.through, links)
        self.counts["PO"] = sum(len(part["pos"]) for part in plan)

    def schools(self, plan) -> None:
        fase = FASE_START
        names = {"maternel": "École maternelle", "primaire": "École primaire", "fondamental": "École fondamentale",
                 "secondaire": "Athénée"}  # fmt: skip
        for part in plan:
            schools = []
            for index in range(part["count"]):
                po = part["pos"][index % len(part["pos"])]
                level = part["levels"][self.rng.randrange(len(part["levels"]))]
                schools.append(
                    School(
                        fase=fase,
                        name=f"{names[level]} de {po.city} n° {fase - FASE_START + 1}",
                        street=f"Rue de l'École {1 + fase % 150}",
                        postcode=po.postcode,
                        city=po.city,
                        organising_authority=po,
                        federation=part["federation"],
                        level=level,
                        specialised=self.rng.random() < 0.08,
                        wave=1 + self.rng.randrange(3),
                    )
                )
                fase += 1
            part["schools"] = _bulk(School, schools)
        self.counts["écoles"] = sum(len(part["schools"]) for part in plan)

    def _user(self, email: str) -> User:
        return User(
            email=email,
            first_name=self.rng.choice(FIRST_NAMES),
            last_name=self.rng.choice(LAST_NAMES),
            password=self.password,
        )

    def people(self, plan) -> None:
        users, memberships, profiles = [], [], []
        for part in plan:
            code = part["code"].lower()
            part["staff"] = self._user(f"coordination.{code}@{EMAIL_DOMAIN}")
            advisers = max(2, round(part["count"] / 28)) if part["count"] else 0
            part["advisers"] = [
                self._user(f"conseiller{n}.{code}@{EMAIL_DOMAIN}") for n in range(1, advisers + 1)
            ]
            part["referents"] = [self._user(f"referent{po.pk}.{code}@{EMAIL_DOMAIN}") for po in part["pos"]]
            part["directions"] = [
                self._user(f"direction{school.fase}@{EMAIL_DOMAIN}") for school in part["schools"]
            ]
            users += [part["staff"], *part["advisers"], *part["referents"], *part["directions"]]
        _bulk(User, users)
        for part in plan:
            federation = part["federation"]
            memberships.append(Membership(user=part["staff"], role=Role.FPO_STAFF, federation=federation))
            for adviser in part["advisers"]:
                memberships.append(Membership(user=adviser, role=Role.FPO_ADVISER, federation=federation))
                profiles.append(
                    AdviserProfile(
                        user=adviser,
                        federation=federation,
                        fte=self.rng.choice(
                            [Decimal("1.00"), Decimal("1.00"), Decimal("0.80"), Decimal("0.50")]
                        ),
                        technopedagogical=self.rng.random() < 0.1,
                    )
                )
            part["referent_of"] = {
                po.pk: referent for po, referent in zip(part["pos"], part["referents"], strict=True)
            }
            for po, referent in zip(part["pos"], part["referents"], strict=True):
                memberships.append(Membership(user=referent, role=Role.PO_REFERENT, organising_authority=po))
            for school, direction in zip(part["schools"], part["directions"], strict=True):
                memberships.append(Membership(user=direction, role=Role.SCHOOL_DIRECTION, school=school))
        _bulk(Membership, memberships)
        _bulk(AdviserProfile, profiles)
        # Federation staff must have two-factor authentication: the demo's key.
        for part in plan:
            TOTP.activate(part["staff"], DEMO_TOTP_SECRET)
        self.counts["comptes"] = len(users)

    def conventions(self, plan) -> None:
        engagements = json.loads(
            (Path(settings.BASE_DIR) / "fixtures" / "templates" / "cecp-ecole.json").read_text(
                encoding="utf-8"
            )
        )["engagements"]
        conventions, links = [], []
        for part in plan:
            template, _ = ConventionTemplate.objects.get_or_create(
                code=f"echelle-{part['code'].lower()}",
                version=1,
                defaults={
                    "federation": part["federation"],
                    "kind": ConventionTemplate.Kind.SCHOOL,
                    "title": "Convention d'accompagnement et de suivi (données d'échelle)",
                    "duration_years": 6,
                },
            )
            if not template.engagements.exists():
                _bulk(
                    TemplateEngagement,
                    [
                        TemplateEngagement(
                            template=template,
                            code=item["code"],
                            label=item["label"],
                            step=item["step"],
                            position=n,
                        )
                        for n, item in enumerate(engagements, start=1)
                    ],
                )
            part["template"] = template
            part["engagements"] = list(template.engagements.order_by("position"))
            part["accompanied"] = []
            for school in part["schools"]:
                if self.rng.random() < 0.03:
                    continue  # no convention (yet)
                started = self.start_date(school)
                convention = Convention(
                    reference=f"ECH-{part['code']}-{school.fase}",
                    template=template,
                    federation=part["federation"],
                    organising_authority_id=school.organising_authority_id,
                    state=State.SIGNED,
                    start_date=started,
                    end_date=add_months(started, 12 * 7),
                    signed_at=timezone.make_aware(datetime.combine(started - timedelta(days=20), time(11))),
                )
                conventions.append(convention)
                part["accompanied"].append((school, convention, started))
        _bulk(Convention, conventions)
        for part in plan:
            links += [
                Convention.schools.through(convention_id=convention.pk, school_id=school.pk)
                for school, convention, _ in part["accompanied"]
            ]
        _bulk(Convention.schools.through, links)
        self.counts["conventions"] = len(conventions)

    def start_date(self, school) -> date:
        """The wave's March (six, five and four years back), or lately for a few schools."""
        if self.rng.random() < 0.1:
            return self.today - timedelta(days=self.rng.randrange(30, 700))
        year = self.current_year - 7 + school.wave
        return date(year, 3, 1) + timedelta(days=self.rng.randrange(0, 45))

    # --- The accompaniments and all that hangs off them ----------------------------------

    def accompaniments(self, plan) -> None:
        rng, today = self.rng, self.today
        accompaniments, journeys = [], []
        for part in plan:
            for school, convention, started in part["accompanied"]:
                entries = {}
                delay = rng.choice([0, 0, 0, 0, 0, 0, 1, 2, 4, 8])
                for step, offset in STEP_OFFSETS.items():
                    day = add_months(started, offset + (delay if step > 1 else 0)) + timedelta(
                        days=rng.randrange(0, 20)
                    )
                    if step == 1:
                        day = started
                    if day > today:
                        break
                    entries[step] = day
                if rng.random() < 0.05 and len(entries) > 2:  # a school that stalls
                    entries.pop(max(entries))
                accompaniments.append(
                    Accompaniment(
                        school=school,
                        convention=convention,
                        federation=part["federation"],
                        current_step_id=max(entries),
                        started_on=started,
                    )
                )
                journeys.append((part, school, entries))
        accompaniments = _bulk(Accompaniment, accompaniments)
        self.counts["accompagnements"] = len(accompaniments)

        entries_rows, assignments = [], []
        for accompaniment, (part, _, entries) in zip(accompaniments, journeys, strict=True):
            entries_rows += [
                StepEntry(accompaniment_id=accompaniment.pk, step_id=step, entered_on=day)
                for step, day in entries.items()
            ]
            advisers = part["advisers"]
            main = advisers[(accompaniment.school.organising_authority_id + rng.randrange(2)) % len(advisers)]
            accompaniment.adviser_ids = [main.pk]
            assignments.append(AdviserAssignment(accompaniment=accompaniment, adviser=main))
            if rng.random() < 0.1:
                other = advisers[rng.randrange(len(advisers))]
                if other.pk != main.pk:
                    accompaniment.adviser_ids.append(other.pk)
                    assignments.append(AdviserAssignment(accompaniment=accompaniment, adviser=other))
        _bulk(StepEntry, entries_rows)
        _bulk(AdviserAssignment, assignments)

        self.actions(accompaniments, journeys)
        self.engagements(accompaniments, journeys)
        plans = self.plans(accompaniments, journeys)
        self.objectives(plans)

    def _day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def actions(self, accompaniments, journeys) -> None:
        rng, today = self.rng, self.today
        records = []
        for accompaniment, (part, school, entries) in zip(accompaniments, journeys, strict=True):
            by_step = {}
            for action_type in part["types"]:
                by_step.setdefault(action_type.step_id, []).append(action_type)

            def record(action_type, day, status, accompaniment=accompaniment, school=school):
                records.append(
                    ActionRecord(
                        accompaniment_id=accompaniment.pk,
                        school_id=school.pk,
                        action_type_id=action_type.pk,
                        status=status,
                        date=day,
                        duration=action_type.default_duration,
                        duration_unit=action_type.duration_unit,
                        adviser_id=accompaniment.adviser_ids[0],
                        participant_count=rng.randrange(2, 25)
                        if status == ActionRecord.Status.HELD
                        else None,
                        cancel_reason="Report à la demande de l'école."
                        if status == ActionRecord.Status.CANCELLED
                        else "",
                    )
                )

            steps = sorted(entries)
            for index, step in enumerate(steps):
                if step == 5:
                    break
                end = entries[steps[index + 1]] - timedelta(days=1) if index + 1 < len(steps) else today
                for action_type in by_step.get(step, []):
                    day = self._day_between(entries[step], min(end, today))
                    held = rng.random() < 0.94
                    record(
                        action_type, day, ActionRecord.Status.HELD if held else ActionRecord.Status.CANCELLED
                    )
            if 5 in entries:
                for year in range(school_year_of(entries[5]), self.current_year + 1):
                    first, last = max(date(year, 9, 1), entries[5]), date(year + 1, 6, 30)
                    for action_type in by_step.get(5, []) + by_step.get(None, []):
                        if rng.random() > (0.7 if action_type.step_id else 0.25):
                            continue
                        day = self._day_between(first, last)
                        if day > today:
                            record(action_type, day, ActionRecord.Status.PLANNED)
                        else:
                            held = rng.random() < 0.95
                            record(
                                action_type,
                                day,
                                ActionRecord.Status.HELD if held else ActionRecord.Status.CANCELLED,
                            )
            current = by_step.get(max(entries)) or part["types"]
            for _ in range(rng.randrange(0, 3)):
                record(current[rng.randrange(len(current))], today + timedelta(days=rng.randrange(1, 60)),
                       ActionRecord.Status.PLANNED)  # fmt: skip
        _bulk(ActionRecord, records)
        self.counts["actions"] = len(records)

    def engagements(self, accompaniments, journeys) -> None:
        rng, today = self.rng, self.today
        months = {number: step.months_from_start for number, step in self.steps.items()}
        checks = []
        for accompaniment, (part, _, _) in zip(accompaniments, journeys, strict=True):
            referent = part["referent_of"][accompaniment.school.organising_authority_id]
            for engagement in part["engagements"]:
                due = (
                    add_months(accompaniment.started_on, months[engagement.step])
                    if engagement.step in months
                    else None
                )
                done_at = None
                if due and (due <= today and rng.random() < 0.85 or due > today and rng.random() < 0.2):
                    day = min(due + timedelta(days=rng.randrange(-60, 25)), today)
                    done_at = timezone.make_aware(datetime.combine(day, time(14)))
                checks.append(
                    EngagementCheck(
                        accompaniment_id=accompaniment.pk,
                        engagement_id=engagement.pk,
                        due_on=due,
                        done_at=done_at,
                        done_by_id=referent.pk,
                        comment="",
                    )
                )
        _bulk(EngagementCheck, checks)
        self.counts["engagements"] = len(checks)

    def plans(self, accompaniments, journeys) -> list[Plan]:
        rng, today = self.rng, self.today
        plans = []
        for accompaniment, (_, school, entries) in zip(accompaniments, journeys, strict=True):
            plan = Plan(accompaniment=accompaniment, school=school, state=Plan.State.DRAFTING)
            if 4 in entries:
                plan.submitted_to_dco_on = entries[4] + timedelta(days=rng.randrange(5, 40))
                plan.dco_meeting_on = plan.submitted_to_dco_on + timedelta(days=rng.randrange(10, 40))
                if plan.submitted_to_dco_on > today:
                    plan.submitted_to_dco_on = plan.dco_meeting_on = None
                else:
                    plan.state = Plan.State.SUBMITTED
                if plan.state == Plan.State.SUBMITTED and rng.random() < 0.3:
                    plan.adjustment_requested_on = min(plan.dco_meeting_on, today)
                    plan.state = Plan.State.TO_ADJUST
            if 5 in entries and plan.submitted_to_dco_on:
                plan.accepted_on = max(
                    entries[5] - timedelta(days=rng.randrange(0, 20)), plan.submitted_to_dco_on
                )
                plan.state = Plan.State.ACCEPTED
                plan.contract_start = date(
                    school_year_of(plan.accepted_on) + (plan.accepted_on.month >= 9), 9, 1
                )
                plan.contract_start = max(plan.contract_start, plan.accepted_on)
                plan.dco_meeting_on = min(plan.dco_meeting_on, plan.accepted_on)
            plan.entries = entries
            plans.append(plan)
        plans_saved = _bulk(Plan, plans)
        for saved, plan in zip(plans_saved, plans, strict=True):
            saved.entries = plan.entries
        self.counts["plans"] = len(plans_saved)
        return plans_saved

    def objectives(self, plans) -> None:
        rng = self.rng
        goals = {
            node.label: node
            for node in FrameworkNode.objects.filter(version__framework__code="objectifs-amelioration")
        }
        objectives, owners = [], []
        for plan in plans:
            if 2 not in plan.entries:
                continue
            for position, index in enumerate(
                rng.sample(range(len(OBJECTIVE_TITLES)), rng.randrange(3, 5)), 1
            ):
                objectives.append(
                    SchoolObjective(
                        plan=plan, label=f"OS {position}", title=OBJECTIVE_TITLES[index][0], position=position
                    )
                )
                owners.append((plan, index))
        objectives = _bulk(SchoolObjective, objectives)
        links = [
            SchoolObjective.framework_nodes.through(schoolobjective_id=objective.pk, frameworknode_id=node.pk)
            for objective, (_, index) in zip(objectives, owners, strict=True)
            if (node := goals.get(f"OA {OBJECTIVE_TITLES[index][4]}"))
        ]
        _bulk(SchoolObjective.framework_nodes.through, links)

        indicators, evaluations, results, values = [], [], [], []
        for objective, (plan, index) in zip(objectives, owners, strict=True):
            _, name, unit, direction, _ = OBJECTIVE_TITLES[index]
            baseline = Decimal(rng.randrange(20, 70))
            change = Decimal(rng.randrange(3, 15))
            target = baseline + change if direction == "rise" else max(baseline - change, Decimal(0))
            indicator = Indicator(
                objective=objective, name=name, unit=unit, direction=direction, baseline=baseline, target=target,
                baseline_year=school_year_of(plan.entries[2]), position=1,
            )  # fmt: skip
            indicators.append(indicator)
        indicators = _bulk(Indicator, indicators)

        by_plan = {}
        for objective, (plan, _) in zip(objectives, owners, strict=True):
            by_plan.setdefault(plan.pk, (plan, []))[1].append(objective)
        for indicator, (plan, _) in zip(indicators, owners, strict=True):
            if plan.state != Plan.State.ACCEPTED:
                continue
            first = school_year_of(plan.contract_start)
            for year in range(first, min(self.current_year, first + 6)):
                step = (indicator.target - indicator.baseline) / 6 * (year - first + 1)
                noise = Decimal(rng.randrange(-30, 31)) / 10
                values.append(
                    IndicatorValue(
                        indicator_id=indicator.pk,
                        school_year=year,
                        value=round(indicator.baseline + step + noise, 3),
                    )
                )
        _bulk(IndicatorValue, values)

        for plan, plan_objectives in by_plan.values():
            if plan.state != Plan.State.ACCEPTED:
                continue
            first = school_year_of(plan.contract_start)
            for year in range(first, min(self.current_year, first + 6)):
                kinds = [Evaluation.Kind.ANNUAL] + (
                    [Evaluation.Kind.INTERMEDIATE] if year == first + 2 else []
                )
                for kind in kinds:
                    evaluation = Evaluation(
                        plan=plan, kind=kind, school_year=year, held_on=date(year + 1, 6, 15)
                    )
                    evaluation.objectives = plan_objectives
                    evaluation.progress = (year - first + 1) / 6
                    evaluations.append(evaluation)
        evaluations = _bulk(Evaluation, evaluations)
        for evaluation in evaluations:
            for objective in evaluation.objectives:
                chance = rng.random()
                if chance < 0.15 + 0.5 * evaluation.progress:
                    status = ObjectiveStatus.MET
                elif chance < 0.8:
                    status = ObjectiveStatus.IN_PROGRESS
                else:
                    status = ObjectiveStatus.NOT_MET
                results.append(
                    EvaluationResult(evaluation_id=evaluation.pk, objective_id=objective.pk, status=status)
                )
        _bulk(EvaluationResult, results)
        self.counts["objectifs"] = len(objectives)
        self.counts["évaluations"] = len(evaluations)
