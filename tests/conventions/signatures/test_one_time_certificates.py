"""A platform signature is made with a one-time certificate in the signatory's name (name,
function, organisation), issued by the platform's signing CA for that signature only; the
certification stays the platform's seal. Without a signing CA, the seal signs and a system check
says so; a signing CA configured but unusable is an error, never a silent fallback."""

import re
import shutil
import subprocess
from datetime import timedelta
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from conventions import checks
from conventions.models import ConventionEvent, Signature
from conventions.signatures import rounds
from conventions.signatures.certificates import CA_NAME
from conventions.signatures.crypto import SigningConfigurationError, prepare_for_signing, sign_field
from conventions.signatures.verification import verify_pdf_bytes
from tests.conventions.signatures.helpers import (
    SIGNERS,
    mails_at_once,  # noqa: F401 - autouse: e-mails sent at once
    send_for_signature,
    sign_step,
)
from tests.conventions.signatures.test_crypto import (
    FIELDS,
    FPO_FIELD,
    PASSPHRASE,
    PO_FIELD,
    convention_pdf,
    generate_platform_keys,
    sign_as_administrator,
    sign_as_echevine,
    use_platform_keys,
)
from tests.utils import text_of

pytestmark = pytest.mark.django_db

SEAL = "Pilotis – cachet de la plateforme"
CITY = "Ville de Bruxelles"
FEDERATION = "Conseil des Pouvoirs organisateurs de l'Enseignement officiel neutre subventionné"


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    return generate_platform_keys(tmp_path_factory.mktemp("one-time-keys"))


@pytest.fixture(autouse=True)
def signing_settings(settings, keys):
    use_platform_keys(settings, keys)


@pytest.fixture
def ca_certificate(keys) -> asn1_x509.Certificate:
    _type, _headers, der = pem.unarmor(Path(keys.ca_pem).read_bytes())
    return asn1_x509.Certificate.load(der)


def signed_by_both() -> bytes:
    prepared = prepare_for_signing(convention_pdf(), fields=FIELDS)
    first = sign_as_echevine(prepared, organisation=CITY)
    return sign_as_administrator(first, organisation=FEDERATION)


def signers_by_field(pdf: bytes) -> dict[str, asn1_x509.Certificate]:
    return {sig.field_name: sig.signer_cert for sig in PdfFileReader(BytesIO(pdf)).embedded_signatures}


def test_each_signature_has_a_certificate_of_its_own_in_the_signatorys_name(settings, ca_certificate):
    before = timezone.now()
    pdf = signed_by_both()

    certificates = signers_by_field(pdf)
    echevine, administrator = certificates[PO_FIELD], certificates[FPO_FIELD]
    assert echevine.subject.native == {
        "country_name": "BE",
        "organization_name": CITY,
        "title": "Échevine de l’Instruction publique",
        "common_name": "Faouzia HARICHE",
    }
    assert administrator.subject.native["common_name"] == "Jean DUPONT"
    assert administrator.subject.native["title"] == "Administrateur délégué"
    # The organisation is cut to the 64 bytes (UTF-8) a certificate's name allows, visibly.
    assert administrator.subject.native["organization_name"] == FEDERATION[:61] + "…"

    for certificate in (echevine, administrator):
        assert certificate.issuer == ca_certificate.subject
        assert certificate.authority_key_identifier == ca_certificate.key_identifier
        assert certificate.key_identifier is not None
        assert certificate.key_usage_value.native == {"digital_signature", "non_repudiation"}
        assert certificate.ca is False
        validity = certificate["tbs_certificate"]["validity"]
        # Valid from just before the signature until the CA itself expires: the key is gone, and
        # validators that check certificates at the present time must still accept it later.
        assert before - timedelta(minutes=6) <= validity["not_before"].native <= before
        assert (
            validity["not_after"].native == ca_certificate["tbs_certificate"]["validity"]["not_after"].native
        )
    assert echevine.serial_number != administrator.serial_number
    assert echevine.public_key.dump() != administrator.public_key.dump()

    # The certification is still the platform's seal.
    assert certificates["Pilotis-certification"].subject.native["common_name"] == SEAL

    report = verify_pdf_bytes(pdf)
    assert report.ok, report.as_dict()
    assert all(signature.trusted for signature in report.signatures)
    assert [s.signer_common_name for s in report.signatures] == [SEAL, "Faouzia HARICHE", "Jean DUPONT"]


def test_the_same_person_signing_twice_gets_two_certificates(settings):
    prepared = prepare_for_signing(convention_pdf(), fields=FIELDS)
    once = signers_by_field(sign_as_echevine(prepared, organisation=CITY))[PO_FIELD]
    twice = signers_by_field(sign_as_echevine(prepared, organisation=CITY))[PO_FIELD]
    assert once.subject == twice.subject
    assert once.serial_number != twice.serial_number
    assert once.public_key.dump() != twice.public_key.dump()


def test_a_signatory_without_organisation_or_with_a_long_name(settings):
    prepared = prepare_for_signing(convention_pdf(), fields=FIELDS)
    name = "Marie-Christine " + "de La Tour d'Auvergne-Lauraguais " * 3
    signed = sign_field(prepared, field_name=PO_FIELD, signer_name=name, function="Directrice", reason="Test")

    subject = signers_by_field(signed)[PO_FIELD].subject.native
    assert "organization_name" not in subject
    assert len(subject["common_name"].encode()) <= 64 and subject["common_name"].endswith("…")
    assert subject["common_name"].startswith("Marie-Christine de La Tour")
    assert verify_pdf_bytes(signed).ok


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="pdfsig (poppler-utils) n'est pas installé")
def test_pdfsig_names_each_signatory(settings, tmp_path):
    path = tmp_path / "signee.pdf"
    path.write_bytes(signed_by_both())

    output = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout

    names = re.findall(r"Signer Certificate Common Name: (.*)", output)
    assert sorted(names) == sorted([SEAL, "Faouzia HARICHE", "Jean DUPONT"])
    assert "CN=Faouzia HARICHE,title=Échevine de l’Instruction publique,O=Ville de Bruxelles,C=BE" in output


def test_the_verification_page_names_the_certificates_holder(settings, client):
    cache.clear()  # the page's rate limit counts in the cache
    document = BytesIO(signed_by_both())
    document.name = "convention.pdf"
    page = text_of(client.post(reverse("verify_document"), {"document": document}))

    assert "Document intact" in page
    assert "Signature de Faouzia HARICHE" in page
    assert (
        "Faouzia HARICHE, Échevine de l’Instruction publique, Ville de Bruxelles — reconnu par Pilotis"
        in page
    )
    assert "Signature de Jean DUPONT" in page
    assert f"Certification du document de {SEAL}" in page


def test_a_seal_signature_says_on_whose_behalf(settings, client):
    settings.SIGNING_CA_P12_PATH = ""
    cache.clear()
    document = BytesIO(sign_as_echevine(prepare_for_signing(convention_pdf(), fields=FIELDS)))
    document.name = "convention.pdf"
    page = text_of(client.post(reverse("verify_document"), {"document": document}))

    assert f"Signature de {SEAL}, au nom de Faouzia HARICHE" in page


# --- through the signing service -------------------------------------------------------


def test_a_convention_signed_on_the_platform_names_each_signatory_and_their_organisation(side_a):
    convention = send_for_signature(side_a)
    for step in (1, 2, 3):
        sign_step(convention, step, side_a.users[SIGNERS[step]])

    final = bytes(rounds.latest_document(convention).content)
    certificates = signers_by_field(final)
    signatures = Signature.objects.filter(convention=convention).select_related("signatory")
    organisations = {
        1: convention.organising_authority.name,
        2: convention.federation.name,
        3: convention.schools.first().name,
    }
    for signature in signatures:
        subject = certificates[signature.signatory.field_name].subject.native
        assert subject["common_name"] == signature.signatory.full_name
        assert subject["title"] == signature.signatory.function
        assert subject["organization_name"] == organisations[signature.signatory.step]
        # The evidence names the certificate: its holder, its serial number, its issuer.
        assert signature.signer_common_name == signature.signatory.full_name
        event = convention.events.get(kind=ConventionEvent.Kind.SIGNED, signatory=signature.signatory)
        serial = f"{certificates[signature.signatory.field_name].serial_number:X}"
        assert f"avec un certificat à usage unique à son nom (n° de série {serial}, émis par {CA_NAME})" in (
            event.detail
        )
    assert certificates["Pilotis-certification"].subject.native["common_name"] == SEAL
    report = verify_pdf_bytes(final)
    assert report.ok, report.as_dict()


def test_without_a_signing_ca_the_evidence_says_the_seal_signed(side_a, settings):
    settings.SIGNING_CA_P12_PATH = ""
    convention = send_for_signature(side_a)
    signature = sign_step(convention, 1, side_a.users[SIGNERS[1]])

    assert signature.signer_common_name == SEAL
    event = convention.events.get(kind=ConventionEvent.Kind.SIGNED)
    assert event.detail.startswith(
        f"Signé par la plateforme au nom de {signature.signatory.display_name}, {signature.signatory.function}, "
        "avec le certificat du cachet de la plateforme"
    )


# --- configuration ---------------------------------------------------------------------


def test_without_a_signing_ca_the_seal_signs_and_the_check_warns(settings, client):
    settings.SIGNING_CA_P12_PATH = ""
    prepared = prepare_for_signing(convention_pdf(), fields=FIELDS)
    signed = sign_as_echevine(prepared, organisation=CITY)

    assert signers_by_field(signed)[PO_FIELD].subject.native["common_name"] == SEAL
    assert verify_pdf_bytes(signed).ok
    [warning] = checks.signing_configuration(None)
    assert warning.id == "pilotis.W001"
    assert "certificat du cachet" in warning.msg

    body = client.get("/sante/", headers={"accept": "application/json"}).json()
    assert (
        body["SigningKey"]
        == "OK (sans autorité de signature : les signatures portent le certificat du cachet)"
    )


def test_a_missing_signing_ca_is_an_error_not_a_fallback(settings, client, tmp_path):
    settings.SIGNING_CA_P12_PATH = str(tmp_path / "absent.p12")
    prepared = prepare_for_signing(convention_pdf(), fields=FIELDS)

    with pytest.raises(SigningConfigurationError, match="SIGNING_CA_P12_PATH désigne un fichier introuvable"):
        sign_as_echevine(prepared)
    [error] = checks.signing_configuration(None)
    assert error.id == "pilotis.E004"

    response = client.get("/sante/", headers={"accept": "application/json"})
    assert response.status_code == 500
    assert response.json()["SigningKey"] == (
        "en panne : la clé de l'autorité de signature est absente ou illisible : "
        "aucune convention ne peut être signée"
    )
    assert str(tmp_path) not in response.content.decode()


def test_a_wrong_passphrase_or_the_seal_instead_of_the_ca(settings, keys):
    settings.SIGNING_CA_P12_PASSPHRASE = "la mauvaise"
    [error] = checks.signing_configuration(None)
    assert error.id == "pilotis.E005" and "ne déverrouille pas" in error.msg

    settings.SIGNING_CA_P12_PASSPHRASE = ""
    settings.SIGNING_CA_P12_PATH = keys.p12  # the seal's key is not a CA
    [error] = checks.signing_configuration(None)
    assert error.id == "pilotis.E005" and "pas une autorité de certification" in error.msg

    settings.SIGNING_CA_P12_PATH = keys.ca_p12
    assert checks.signing_configuration(None) == []


def test_create_signing_certificate_keeps_the_ca_key_for_its_owner_only(tmp_path):
    output = tmp_path / "cachet.p12"
    out = StringIO()
    call_command("create_signing_certificate", output=str(output), passphrase=PASSPHRASE, stdout=out)

    ca_p12 = tmp_path / "pilotis-ca.p12"
    assert ca_p12.stat().st_mode & 0o077 == 0
    assert f"SIGNING_CA_P12_PATH={ca_p12}" in out.getvalue()
    before = ca_p12.read_bytes()
    output.unlink()  # only the CA's files are left: still not overwritten without --force
    with pytest.raises(CommandError, match="pilotis-ca.p12 existe déjà"):
        call_command("create_signing_certificate", output=str(output), passphrase=PASSPHRASE)
    assert ca_p12.read_bytes() == before
