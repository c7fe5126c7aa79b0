"""A small school-level template and conventions made through the services, for the test worlds."""

import factory

from accounts.models import Role
from conventions.models import (
    ConventionTemplate,
    TemplateArticle,
    TemplateEngagement,
    TemplateSignatory,
)
from conventions.services import drafting, workflow


class TemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConventionTemplate
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"modele-{n}")
    kind = ConventionTemplate.Kind.SCHOOL
    title = "Convention d'accompagnement pour une école"
    parties = "Entre {{ federation_name }}, représentée par {{ fpo_signatories }}, et {{ po_name }}, représenté par {{ po_signatories }}."
    amendment_grounds = ["Modification des dispositions décrétales"]
    termination_notice_days = 30
    duration_years = 6

    @factory.post_generation
    def parts(template, create, extracted, **kwargs):
        TemplateArticle.objects.create(
            template=template,
            position=0,
            number="1",
            title="Objet",
            body="Accompagnement de {{ school_name }} (FASE {{ fase }}), {{ school_address }}.",
        )
        TemplateArticle.objects.create(
            template=template,
            position=1,
            number="2",
            title="Durée",
            body="La convention prend cours le {{ start_date }}.",
        )
        TemplateSignatory.objects.create(
            template=template, position=0, party="po", function="Bourgmestre", step=1
        )
        TemplateSignatory.objects.create(
            template=template, position=1, party="fpo", function="Secrétaire générale", step=2
        )
        TemplateSignatory.objects.create(
            template=template, position=2, party="school", function="Direction", step=3
        )
        TemplateEngagement.objects.create(
            template=template, position=0, code="referent", label="Désigner un référent pilotage", step=1
        )


def convention_for(side, *, template=None, school=None, state_path=()):
    """A convention of `side`'s federation with its PO for one school, moved along `state_path`
    ("send_to_po", "fill", "submit", …) by the people of that side."""
    template = template or TemplateFactory(federation=side.federation)
    convention = drafting.create_convention(
        template=template,
        organising_authority=side.organising_authority,
        schools=[school or side.school],
        by=side.users[Role.FPO_STAFF],
    )
    for step in state_path:
        convention.refresh_from_db()
        if step == "fill":
            fill(convention, side)
        else:
            by = side.users[Role.PO_REFERENT] if step == "submit" else side.users[Role.FPO_STAFF]
            workflow.apply_transition(convention=convention, name=step, by=by, comment="Motif de test")
    convention.refresh_from_db()
    return convention


def fill(convention, side):
    from datetime import date

    referent = side.users[Role.PO_REFERENT]
    drafting.save_part(
        convention=convention,
        by=referent,
        lock_version=convention.lock_version,
        fields={"start_date": date(2025, 9, 1), "end_date": date(2031, 8, 31)},
    )
    convention.refresh_from_db()
    rows = [
        {
            "id": s.pk,
            "civility": "Madame",
            "full_name": f"Signataire {s.pk}",
            "function": s.function,
            "email": f"signataire{s.pk}@pilotis.example",
        }
        for s in convention.signatories.exclude(party="fpo")
    ]
    drafting.save_part(
        convention=convention, by=referent, lock_version=convention.lock_version, signatories=rows
    )
    convention.refresh_from_db()
    drafting.save_part(
        convention=convention,
        by=referent,
        lock_version=convention.lock_version,
        contacts=[
            {
                "full_name": "Référente Test",
                "function": "Référente pilotage",
                "email": "ref@pilotis.example",
                "phone": "",
            }
        ],
    )
    # The federation's own signatories have an address too, or sending for signature is refused.
    for signatory in convention.signatories.filter(party="fpo", email=""):
        signatory.email = f"federation{signatory.pk}@pilotis.example"
        signatory.save(update_fields=["email"])
    convention.refresh_from_db()
