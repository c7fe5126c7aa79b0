from datetime import timedelta

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from accounts.models import (
    Federation,
    GuidanceCentre,
    Invitation,
    Membership,
    OrganisingAuthority,
    Role,
    School,
    User,
)

PASSWORD = "mot-de-passe-de-test"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@pilotis.example")
    first_name = factory.Faker("first_name", locale="fr_BE")
    last_name = factory.Faker("last_name", locale="fr_BE")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def two_factor(user, create, extracted, **kwargs):
        """`UserFactory(two_factor=True)` enrols a TOTP authenticator; its secret is
        kept on `user.totp_secret` for tests that log in through the real form."""
        if create and extracted:
            user.totp_secret = generate_totp_secret()
            TOTP.activate(user, user.totp_secret)


class FederationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Federation
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"FPO{n}")
    name = factory.Sequence(lambda n: f"Fédération de test {n}")
    street = "Rue de la Loi 1"
    postcode = "1000"
    city = "Bruxelles"


class OrganisingAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisingAuthority
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Commune de Test-{n}")
    kind = OrganisingAuthority.Kind.COMMUNE
    postcode = "5000"
    city = "Namur"

    @factory.post_generation
    def federations(po, create, extracted, **kwargs):
        if create and extracted:
            po.federations.add(*extracted)


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    fase = factory.Sequence(lambda n: 50000 + n)
    name = factory.Sequence(lambda n: f"École communale n° {n}")
    street = "Rue de l'École 1"
    postcode = "5000"
    city = "Namur"
    organising_authority = factory.SubFactory(OrganisingAuthorityFactory)
    federation = None
    level = School.Level.PRIMAIRE
    wave = 1


class GuidanceCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuidanceCentre

    name = factory.Sequence(lambda n: f"Centre PMS n° {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.PO_REFERENT


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invite{n}@pilotis.example")
    role = Role.PO_REFERENT
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
