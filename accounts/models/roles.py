"""The roles people hold in organisations, and which kind of organisation gives which."""

from django.db import models


class Role(models.TextChoices):
    FPO_STAFF = "fpo_staff", "Coordination de la fédération"
    FPO_ADVISER = "fpo_adviser", "Conseiller au soutien et à l'accompagnement"
    PO_REFERENT = "po_referent", "Référent pilotage du PO"
    SIGNATORY = "signatory", "Signataire"
    SCHOOL_DIRECTION = "school_direction", "Direction d'école"
    DCO = "dco", "Délégué au contrat d'objectifs (lecture seule)"


class OrganisationKind(models.TextChoices):
    FEDERATION = "federation", "Fédération de PO"
    ORGANISING_AUTHORITY = "organising_authority", "Pouvoir organisateur"
    SCHOOL = "school", "École"
    GUIDANCE_CENTRE = "guidance_centre", "Centre PMS"


# Which roles each kind of organisation can give. The same table drives the database
# constraint, the forms and the invitations.
ROLES_BY_ORGANISATION_KIND = {
    OrganisationKind.FEDERATION: [Role.FPO_STAFF, Role.FPO_ADVISER, Role.SIGNATORY],
    OrganisationKind.ORGANISING_AUTHORITY: [Role.PO_REFERENT, Role.SIGNATORY],
    OrganisationKind.SCHOOL: [Role.SCHOOL_DIRECTION, Role.DCO],
    OrganisationKind.GUIDANCE_CENTRE: [Role.SIGNATORY],
}
ORGANISATION_FIELDS = {
    OrganisationKind.FEDERATION: "federation",
    OrganisationKind.ORGANISING_AUTHORITY: "organising_authority",
    OrganisationKind.SCHOOL: "school",
    OrganisationKind.GUIDANCE_CENTRE: "guidance_centre",
}
