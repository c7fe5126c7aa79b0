"""The parties of the scale world: federations and their catalogues, POs, schools, people
and the signed conventions (see `journeys` for what follows)."""

import json
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from accounts.models import Federation, Membership, OrganisingAuthority, Role, School, User
from conventions.models import Convention, ConventionTemplate, State, TemplateEngagement
from core.school_years import school_year_of
from pilotage.models import (
    ActionType,
    AdviserProfile,
    add_months,
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


def bulk(model, objects: list) -> list:
    return model.objects.bulk_create(objects, batch_size=BATCH)


class ScaleParties:
    def __init__(self, schools: int, rng: random.Random, today: date):
        self.n = schools
        self.rng = rng
        self.today = today
        self.current_year = school_year_of(today)
        self.password = make_password(DEMO_PASSWORD)
        self.counts = {}

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
            bulk(
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
            part["pos"] = bulk(OrganisingAuthority, pos)
            links += [
                OrganisingAuthority.federations.through(
                    organisingauthority_id=po.pk, federation_id=part["federation"].pk
                )
                for po in part["pos"]
            ]
        bulk(OrganisingAuthority.federations.through, links)
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
            part["schools"] = bulk(School, schools)
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
        bulk(User, users)
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
        bulk(Membership, memberships)
        bulk(AdviserProfile, profiles)
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
                bulk(
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
        bulk(Convention, conventions)
        for part in plan:
            links += [
                Convention.schools.through(convention_id=convention.pk, school_id=school.pk)
                for school, convention, _ in part["accompanied"]
            ]
        bulk(Convention.schools.through, links)
        self.counts["conventions"] = len(conventions)

    def start_date(self, school) -> date:
        """The wave's March (six, five and four years back), or lately for a few schools."""
        if self.rng.random() < 0.1:
            return self.today - timedelta(days=self.rng.randrange(30, 700))
        year = self.current_year - 7 + school.wave
        return date(year, 3, 1) + timedelta(days=self.rng.randrange(0, 45))
