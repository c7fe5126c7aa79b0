"""The demo world: the seeds' parties (fixtures/parties.json) and invented people and schools
around them (fixtures/demo.json). Loading is idempotent: run it as often as you like."""

import json
from dataclasses import dataclass
from pathlib import Path

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.db import transaction

from .models import Federation, Membership, OrganisingAuthority, School, User

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_PASSWORD = "pilotis-demo"  # noqa: S105 - published on purpose: demo accounts only
# The demo's two-factor accounts share this TOTP secret (base32), published in the README
# so that anyone can add it to an authenticator app.
DEMO_TOTP_SECRET = "PILOTISDEMOSECRETPILOTISDEMOSECR"  # noqa: S105


@dataclass
class DemoAccount:
    user: User
    roles: str
    two_factor: bool


def _read(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _upsert_organising_authority(data: dict) -> OrganisingAuthority:
    po, _ = OrganisingAuthority.objects.update_or_create(
        name=data["name"],
        defaults={
            "kind": data["kind"],
            "street": data.get("street", ""),
            "postcode": data.get("postcode", ""),
            "city": data.get("city", ""),
        },
    )
    po.federations.add(*Federation.objects.filter(code__in=data["federations"]))
    return po


def _upsert_school(data: dict) -> School:
    school, _ = School.objects.update_or_create(
        fase=data["fase"],
        defaults={
            "name": data["name"],
            "street": data["street"],
            "postcode": data["postcode"],
            "city": data["city"],
            "organising_authority": OrganisingAuthority.objects.get(name=data["organising_authority"]),
            "federation": Federation.objects.get(code=data["federation"]),
            "level": data["level"],
            "specialised": data["specialised"],
            "wave": data["wave"],
        },
    )
    return school


def _organisation(data: dict):
    if "federation" in data:
        return {"federation": Federation.objects.get(code=data["federation"])}
    if "organising_authority" in data:
        return {"organising_authority": OrganisingAuthority.objects.get(name=data["organising_authority"])}
    return {"school": School.objects.get(fase=data["school"])}


def _upsert_user(data: dict) -> User:
    user, created = User.objects.get_or_create(
        email=data["email"],
        defaults={"first_name": data["first_name"], "last_name": data["last_name"]},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
    if data.get("superuser"):
        user.is_superuser = user.is_staff = True
    user.save()
    return user


def _give_role(user: User, data: dict) -> None:
    Membership.objects.update_or_create(
        user=user,
        role=data["role"],
        **_organisation(data),
        defaults={"function": data.get("function", "")},
    )


@transaction.atomic
def load_parties() -> None:
    """The parties of the seed conventions, faithfully."""
    parties = _read("parties.json")
    for data in parties["federations"]:
        Federation.objects.update_or_create(code=data["code"], defaults=data)
    for data in parties["organising_authorities"]:
        _upsert_organising_authority(data)
    for data in parties["schools"]:
        _upsert_school(data)
    for data in parties["signatories"]:
        user = _upsert_user(data)
        _give_role(user, {**data, "role": "signatory"})


@transaction.atomic
def load_demo() -> list[DemoAccount]:
    load_parties()
    demo = _read("demo.json")
    for data in demo["organising_authorities"]:
        _upsert_organising_authority(data)
    for data in demo["schools"]:
        _upsert_school(data)
    for data in demo["users"]:
        user = _upsert_user(data)
        for membership in data["memberships"]:
            _give_role(user, membership)
    emails = [u["email"] for u in demo["users"]] + [s["email"] for s in _read("parties.json")["signatories"]]
    accounts = []
    for user in User.objects.filter(email__in=emails).prefetch_related("memberships"):
        two_factor = user.requires_two_factor()
        if two_factor and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
        organisations_by_role = {}
        for membership in user.memberships.with_organisations():
            organisations_by_role.setdefault(membership.get_role_display(), []).append(
                str(membership.organisation)
            )
        roles = "; ".join(
            f"{role} — {', '.join(organisations)}" for role, organisations in organisations_by_role.items()
        )
        roles = roles or "Administrateur"
        accounts.append(DemoAccount(user=user, roles=roles, two_factor=two_factor))
    accounts.sort(key=lambda account: emails.index(account.user.email))
    return accounts
