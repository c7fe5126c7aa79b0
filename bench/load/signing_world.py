"""Conventions in signing for `make load`'s signatories, added to the scale world when the
template database is built (`python bench/load/signing_world.py`, with the driver's environment).

The scale world's conventions are all signed and bulk-made. Here CONVENTIONS CECP school
conventions go the real way, as the demo drives them (conventions/demo.py): created by the
federation's staff, sent to the PO, filled and submitted by its référent, approved and sent for
signature (`workflow.apply_transition`, which prepares the PDF and the first step's requests).
Their PO signatories (the template's first step: two per convention) are SIGNER_ACCOUNTS accounts
with the demo password, each a signatory of the POs whose conventions they sign, so that each
account has several signatures waiting. Schools the scale world left without a convention come
first; the rest are schools whose signed convention reaches its end (the real `expire`).
A few conventions « à compléter » (sent to the PO) wait for référents to fill in the dates step."""

import os
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.demo import DEMO_PASSWORD  # noqa: E402
from accounts.models import Membership, Role, School, User  # noqa: E402
from conventions.demo import fill_po_part  # noqa: E402
from conventions.loading import load_reference_data  # noqa: E402
from conventions.models import Convention, ConventionTemplate, Party, State  # noqa: E402
from conventions.services import drafting, workflow  # noqa: E402
from pilotage.scale_data.parties import EMAIL_DOMAIN, FASE_START  # noqa: E402

CONVENTIONS = 60
DRAFT_POS = 8
DRAFTS_PER_PO = 4
SIGNER_ACCOUNTS = 12
SIGNER_EMAIL = "signataire-{:02d}@" + EMAIL_DOMAIN


def signer_accounts() -> list[User]:
    password = make_password(DEMO_PASSWORD)  # one hash for all: the same published password
    accounts = []
    for number in range(1, SIGNER_ACCOUNTS + 1):
        user, _ = User.objects.get_or_create(
            email=SIGNER_EMAIL.format(number),
            defaults={"first_name": "Signataire", "last_name": f"{number:02d}", "password": password},
        )
        accounts.append(user)
    return accounts


def freed(school) -> School:
    """A school whose signed scale convention reaches its end (the real `expire`), so that a
    new one may be made for it."""
    convention = school.conventions.get(state=State.SIGNED)
    Convention.objects.filter(pk=convention.pk).update(end_date=date.today() - timedelta(days=1))
    convention.refresh_from_db()
    workflow.apply_transition(convention=convention, name="expire", by=None, as_system=True)
    return school


def schools_to_sign(template) -> list[School]:
    scale = School.objects.filter(federation=template.federation, fase__gte=FASE_START).order_by("fase")
    covered = Convention.objects.filter(federation=template.federation).values("schools")
    free = list(scale.exclude(pk__in=covered)[:CONVENTIONS])
    return free + [freed(school) for school in scale.filter(pk__in=covered)[: CONVENTIONS - len(free)]]


def drafts(template, staff) -> int:
    """DRAFTS_PER_PO conventions « à compléter » in each of the first DRAFT_POS POs of the
    federation (their référents fill the dates step under load), for schools of theirs whose
    signed convention ends."""
    made = 0
    referents = Membership.objects.filter(
        role=Role.PO_REFERENT, organising_authority__federations=template.federation
    ).order_by("pk")
    done = set()
    for membership in referents:
        po = membership.organising_authority
        signed = po.schools.filter(federation=template.federation, conventions__state=State.SIGNED)
        if po.pk in done or signed.count() < DRAFTS_PER_PO:
            continue
        done.add(po.pk)
        for school in signed.order_by("fase")[:DRAFTS_PER_PO]:
            convention = drafting.create_convention(
                template=template, organising_authority=po, schools=[freed(school)], by=staff
            )
            workflow.apply_transition(convention=convention, name="send_to_po", by=staff)
            made += 1
        if len(done) == DRAFT_POS:
            break
    return made


def first_person(role, **where) -> User:
    return Membership.objects.filter(role=role, **where).select_related("user").order_by("pk").first().user


def drive_to_signing(convention, referent, staff, signers, start) -> None:
    workflow.apply_transition(convention=convention, name="send_to_po", by=staff)
    convention.refresh_from_db()
    rows = []
    po_signers = iter(signers)
    for signatory in convention.signatories.exclude(party=Party.FPO).order_by("step", "position"):
        signer = next(po_signers) if signatory.party == Party.PO else None
        rows.append(
            {
                "id": signatory.pk,
                "civility": "Madame",
                "full_name": signer.get_full_name() if signer else f"Direction de l'école {convention.pk}",
                "function": signatory.function,
                # Every signatory has an address, or sending for signature is refused.
                "email": signer.email if signer else f"direction-{convention.pk}@{EMAIL_DOMAIN}",
            }
        )
    fill_po_part(convention, referent=referent, start=start, signatories=rows)
    convention.signatories.filter(party=Party.FPO).update(civility="Madame", full_name="Secrétaire générale")
    convention.signatories.filter(party=Party.FPO, email="").update(email=f"secretariat@{EMAIL_DOMAIN}")
    for name, by in (("submit", referent), ("approve", staff), ("send_for_signature", staff)):
        convention.refresh_from_db()
        workflow.apply_transition(convention=convention, name=name, by=by)


@transaction.atomic
def build() -> tuple[int, int]:
    load_reference_data()
    template = ConventionTemplate.objects.current().get(code="cecp-ecole")
    staff = first_person(Role.FPO_STAFF, federation=template.federation)
    accounts = signer_accounts()
    start = date.today().replace(month=9, day=1)
    made = 0
    for index, school in enumerate(schools_to_sign(template)):
        po = school.organising_authority
        referent = first_person(Role.PO_REFERENT, organising_authority=po)
        # Each convention's two PO signatories are two different accounts, in turn.
        signers = [accounts[(2 * index) % SIGNER_ACCOUNTS], accounts[(2 * index + 1) % SIGNER_ACCOUNTS]]
        for signer in signers:
            Membership.objects.get_or_create(
                user=signer, role=Role.SIGNATORY, organising_authority=po, defaults={"function": "Signataire"}
            )
        convention = drafting.create_convention(
            template=template, organising_authority=po, schools=[school], by=staff
        )
        drive_to_signing(convention, referent, staff, signers, start)
        made += 1
    return made, drafts(template, staff)


if __name__ == "__main__":
    signing, to_complete = build()
    print(
        f"{signing} conventions en signature ({SIGNER_ACCOUNTS} comptes de signataires), {to_complete} à compléter"
    )
