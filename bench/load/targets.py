"""Who the simulated people are and what they open, read from the load database once before the
run (`python bench/load/targets.py OUT.json`, with the driver's environment): the accounts of the
scale world (all with the demo password; staff with the demo TOTP) and, for each, the schools,
accompaniments, open engagements and conventions that are theirs."""

import json
import os
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.db.models import Exists, OuterRef  # noqa: E402

from accounts.models import Membership, Role, User  # noqa: E402
from conventions.models import Convention, State  # noqa: E402
from pilotage.models import Accompaniment, EngagementCheck  # noqa: E402
from pilotage.scale_data.parties import EMAIL_DOMAIN  # noqa: E402

# Enough distinct accounts for 50 people (and the ramp) without two sharing a session.
PER_ROLE = 40


def scale_memberships(role):
    return (
        Membership.objects.filter(role=role, user__email__endswith=f"@{EMAIL_DOMAIN}")
        .select_related("user")
        .order_by("user__email")
    )


def advisers() -> list[dict]:
    people = []
    for membership in scale_memberships(Role.FPO_ADVISER)[:PER_ROLE]:
        # Only schools whose convention still runs: an action is planned two weeks ahead, and
        # signing_world.py ends the conventions of the schools it makes new ones for.
        accompaniments = Accompaniment.objects.filter(
            advisers=membership.user,
            school__conventions__state=State.SIGNED,
            school__conventions__end_date__gt=date.today() + timedelta(days=60),
        ).select_related("school")
        schools = [{"fase": a.school.fase, "accompaniment": a.pk} for a in accompaniments.order_by("pk")[:8]]
        if schools:
            people.append({"email": membership.user.email, "schools": schools})
    return people


def referents() -> list[dict]:
    """Engagements of their own for each account: two référents of one PO see the same ones, and
    two simulated people ticking the same engagement at once would rightly be refused. The
    référents of POs with conventions « à compléter » come first, and only one per PO gets them
    (a stale version would refuse the second of two people saving one convention)."""
    people = []
    taken = set()
    drafted = set()
    with_drafts = Convention.objects.filter(
        state=State.TO_COMPLETE, organising_authority=OuterRef("organising_authority")
    )
    memberships = scale_memberships(Role.PO_REFERENT).annotate(has_drafts=Exists(with_drafts))
    for membership in memberships.order_by("-has_drafts", "pk")[: PER_ROLE * 3]:
        po = membership.organising_authority_id
        checks = (
            EngagementCheck.objects.filter(
                accompaniment__school__organising_authority=po, done_at__isnull=True
            )
            .exclude(pk__in=taken)
            .select_related("accompaniment__school")
        )
        open_checks = [{"pk": c.pk, "fase": c.accompaniment.school.fase} for c in checks.order_by("pk")[:6]]
        if len(open_checks) < 6:
            continue  # the people sharing the account would share an engagement
        taken.update(check["pk"] for check in open_checks)
        drafts = []
        if po not in drafted:
            drafted.add(po)
            drafts = list(
                Convention.objects.filter(organising_authority=po, state=State.TO_COMPLETE)
                .order_by("pk")
                .values_list("reference", flat=True)
            )
        people.append({"email": membership.user.email, "checks": open_checks, "drafts": drafts})
        if len(people) == PER_ROLE:
            break
    return people


def staff() -> list[dict]:
    people = []
    for membership in scale_memberships(Role.FPO_STAFF):
        references = Convention.objects.filter(federation=membership.federation_id).order_by("pk")
        people.append(
            {
                "email": membership.user.email,
                "conventions": list(references.values_list("reference", flat=True)[:6]),
            }
        )
    return people


def signatories() -> list[dict]:
    """The accounts bench/load/signing_world.py made, each with several signatures waiting."""
    accounts = User.objects.filter(email__startswith="signataire-", email__endswith=f"@{EMAIL_DOMAIN}")
    return [{"email": email} for email in accounts.order_by("email").values_list("email", flat=True)]


if __name__ == "__main__":
    targets = {
        "advisers": advisers(),
        "referents": referents(),
        "staff": staff(),
        "signatories": signatories(),
    }
    Path(sys.argv[1]).write_text(json.dumps(targets, indent=1), encoding="utf-8")
    print(", ".join(f"{len(people)} {role}" for role, people in targets.items()))
