"""Signing convention PDFs: the platform's certification, the signatories' signatures, the sealing
key's configuration. Keys are made by `create_signing_certificate` in a temporary directory."""

import re
from datetime import UTC, datetime, timedelta
from io import BytesIO, StringIO
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import weasyprint
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone
from pyhanko.pdf_utils.generic import decode_pdfdocencoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm, enumerate_sig_fields
from pyhanko.sign.timestamps import DummyTimeStamper

from conventions import checks
from conventions.management.commands.create_signing_certificate import make_ca
from conventions.signatures import crypto
from conventions.signatures.archival import add_document_timestamp
from conventions.signatures.crypto import (
    SignatureFieldSpec,
    SigningConfigurationError,
    SigningError,
    load_platform_signer,
    prepare_for_signing,
    sign_field,
    signing_is_configured,
)
from conventions.signatures.verification import verify_pdf_bytes
from tests.conventions.signatures.pdfa import pdfa_problems

pytestmark = pytest.mark.django_db

PASSPHRASE = "phrase de passe de test"
PO_FIELD = "Signature-PO-echevine"
FPO_FIELD = "Signature-FPO-administrateur"
FIELDS = [
    SignatureFieldSpec(PO_FIELD, page=0, box=(40, 40, 280, 110)),
    SignatureFieldSpec(FPO_FIELD, page=0, box=(310, 40, 550, 110)),
]
REFERENCE = "CPEONS-2026-0001"


# --- helpers shared with test_verification -------------------------------------------------


def generate_platform_keys(directory: Path) -> SimpleNamespace:
    output = directory / "pilotis-sealing.p12"
    call_command("create_signing_certificate", output=str(output), passphrase=PASSPHRASE, stdout=StringIO())
    return SimpleNamespace(
        p12=str(output), ca_p12=str(directory / "pilotis-ca.p12"), ca_pem=str(directory / "pilotis-ca.pem")
    )


def platform_key_settings(keys: SimpleNamespace) -> dict:
    """The settings that make `keys` the platform's: the seal, the signing CA, the trust root."""
    return {
        "SIGNING_P12_PATH": keys.p12,
        "SIGNING_P12_PASSPHRASE": PASSPHRASE,
        "SIGNING_CA_P12_PATH": keys.ca_p12,
        "SIGNING_CA_P12_PASSPHRASE": "",
        "SIGNING_TRUST_ROOTS": [keys.ca_pem],
        "SIGNING_TSA_URL": "",
        # These tests sign without a time-stamping unit unless they bring one (test_tsa).
        "SIGNING_TSA_P12_PATH": "",
    }


def use_platform_keys(settings, keys: SimpleNamespace) -> None:
    for name, value in platform_key_settings(keys).items():
        setattr(settings, name, value)


def convention_pdf(text: str = "Montant : 1000 euros.") -> bytes:
    """A one-page PDF whose content streams are left uncompressed, so that tests can find them."""
    html = f"<title>Convention {REFERENCE}</title><h1>Convention {REFERENCE}</h1><p>{text}</p>"
    return weasyprint.HTML(string=html).write_pdf(uncompressed_pdf=True)


def sign_as_echevine(pdf: bytes, **kwargs) -> bytes:
    return sign_field(
        pdf,
        field_name=PO_FIELD,
        signer_name="Faouzia HARICHE",
        function="Échevine de l’Instruction publique",
        reason=f"Signé par Faouzia HARICHE, Échevine, pour la convention {REFERENCE}",
        **kwargs,
    )


def sign_as_administrator(pdf: bytes, **kwargs) -> bytes:
    return sign_field(
        pdf,
        field_name=FPO_FIELD,
        signer_name="Jean DUPONT",
        function="Administrateur délégué",
        reason=f"Signé par Jean DUPONT, Administrateur délégué, pour la convention {REFERENCE}",
        **kwargs,
    )


def stamp_text(pdf: bytes, field_name: str) -> str:
    """The text of a signature field's visible stamp, line by line, as a PDF reader copies it
    (each line's /ActualText, which pyHanko writes from the same string as the glyphs)."""
    reader = PdfFileReader(BytesIO(pdf))
    [field_ref] = [ref for name, _value, ref in enumerate_sig_fields(reader) if name == field_name]
    content = field_ref.get_object()["/AP"]["/N"].data
    literals = re.findall(rb"/ActualText \(((?:[^()\\]|\\.)*)\)", content)

    def unescape(match):
        escaped = match.group(1)
        return bytes([int(escaped, 8)]) if escaped[:1].isdigit() else escaped

    return "\n".join(
        decode_pdfdocencoding(re.sub(rb"\\([0-7]{1,3}|.)", unescape, literal)) for literal in literals
    )


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def platform_keys(tmp_path_factory):
    return generate_platform_keys(tmp_path_factory.mktemp("signing"))


@pytest.fixture(autouse=True)
def signing_settings(settings, platform_keys):
    use_platform_keys(settings, platform_keys)


@pytest.fixture(scope="module")
def original():
    return convention_pdf()


@pytest.fixture(scope="module")
def prepared(platform_keys, original):
    # A module-scoped fixture cannot use `settings`: the keys are given here.
    with override_settings(**platform_key_settings(platform_keys)):
        return prepare_for_signing(original, fields=FIELDS)


# --- preparing -------------------------------------------------------------------------


def test_prepared_pdf_has_every_field_empty_and_a_certification(original, prepared):
    assert prepared.startswith(original)  # incremental: the rendered bytes are kept as they are

    reader = PdfFileReader(BytesIO(prepared))
    empty = {name for name, _value, _ref in enumerate_sig_fields(reader, filled_status=False)}
    assert empty == {PO_FIELD, FPO_FIELD}
    [certification] = reader.embedded_signatures
    assert certification.field_name == "Pilotis-certification"
    assert certification.docmdp_level == MDPPerm.FILL_FORMS

    report = verify_pdf_bytes(prepared)
    assert report.ok
    assert report.unsigned_fields == [PO_FIELD, FPO_FIELD]
    [signature] = report.signatures
    assert signature.kind == "certification" and signature.docmdp_level == 2
    assert signature.signer_common_name == "Pilotis – cachet de la plateforme"


def test_field_names_must_be_unique(prepared):
    with pytest.raises(SigningError, match="nom unique"):
        prepare_for_signing(convention_pdf(), fields=[FIELDS[0], FIELDS[0]])


# --- signing ---------------------------------------------------------------------------


def test_two_signatories_sign_in_turn(prepared):
    when = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=3)
    first = sign_as_echevine(prepared, when=when)
    second = sign_as_administrator(first)
    assert first.startswith(prepared) and second.startswith(first)  # nothing signed is rewritten

    report = verify_pdf_bytes(second)
    assert report.ok, report.as_dict()
    assert report.trust_checked
    assert report.summary.startswith("Document intact")
    assert report.unsigned_fields == []
    assert [s.kind for s in report.signatures] == ["certification", "signature", "signature"]
    assert [s.field_name for s in report.signatures] == ["Pilotis-certification", PO_FIELD, FPO_FIELD]
    assert all(s.intact and s.valid and s.trusted and s.docmdp_ok for s in report.signatures)
    assert [s.modification_level for s in report.signatures] == ["FORM_FILLING", "FORM_FILLING", "NONE"]
    assert [s.coverage for s in report.signatures][-1] == "ENTIRE_FILE"
    echevine = report.signatures[1]
    assert echevine.signer_name == "Faouzia HARICHE"
    # Her own one-time certificate, issued by the platform's CA (test_one_time_certificates).
    assert echevine.signer_common_name == "Faouzia HARICHE"
    assert echevine.signing_time == when

    signature_dict = PdfFileReader(BytesIO(second)).embedded_signatures[1].sig_object
    assert signature_dict["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert signature_dict["/Reason"] == f"Signé par Faouzia HARICHE, Échevine, pour la convention {REFERENCE}"
    assert signature_dict["/Location"] == "Bruxelles"

    local = when.astimezone(ZoneInfo("Europe/Brussels"))
    assert stamp_text(second, PO_FIELD).splitlines() == [
        "Signé par Faouzia HARICHE",
        "Échevine de l’Instruction publique",  # the embedded font has the typographic apostrophe
        f"Signé le {local:%d/%m/%Y} à {local:%H:%M}",
    ]


def test_a_long_function_wraps_inside_the_stamp_at_full_size():
    pdf_a = weasyprint.HTML(string=f"<title>{REFERENCE}</title><p>Texte.</p>").write_pdf(
        pdf_variant="pdf/a-3b"
    )
    prepared = prepare_for_signing(pdf_a, fields=FIELDS)
    function = (
        "Échevine en charge de l’Instruction Publique, de la Jeunesse et des Ressources Humaines — œuvres"
    )
    signed = sign_field(
        prepared, field_name=PO_FIELD, signer_name="Faouzia HARICHE", function=function, reason="R"
    )
    lines = stamp_text(signed, PO_FIELD).splitlines()
    # The function is on three lines of whole words, accents, « ’ », « — » and « œ » kept.
    assert lines[0] == "Signé par Faouzia HARICHE" and lines[-1].startswith("Signé le ")
    assert " ".join(lines[1:-1]) == function and len(lines) == 5
    # The stamp is drawn at (nearly) its natural size, not shrunk to fit one long line.
    reader = PdfFileReader(BytesIO(signed))
    [field_ref] = [ref for name, _value, ref in enumerate_sig_fields(reader) if name == PO_FIELD]
    scale = float(
        re.search(
            rb"q q ([0-9.]+) 0 0 [0-9.]+ [-0-9.]+ [-0-9.]+ cm", field_ref.get_object()["/AP"]["/N"].data
        )[1]
    )
    assert scale > 0.9
    # Still PDF/A-3b: version 1.7, the stamp's font embedded, /Info and XMP in agreement.
    assert pdfa_problems(signed) == []


def test_stamp_shows_brussels_time(prepared):
    winter = sign_as_echevine(prepared, when=datetime(2026, 11, 24, 16, 5, tzinfo=UTC))
    assert "Signé le 24/11/2026 à 17:05" in stamp_text(winter, PO_FIELD)
    summer = sign_as_echevine(prepared, when=datetime(2026, 7, 1, 15, 5, tzinfo=UTC))
    assert "Signé le 01/07/2026 à 17:05" in stamp_text(summer, PO_FIELD)


def test_unknown_or_signed_field_is_refused_in_french(prepared):
    with pytest.raises(SigningError, match="pas de champ de signature « Signature-inconnue »"):
        sign_field(prepared, field_name="Signature-inconnue", signer_name="X", function="Y", reason="Z")
    signed = sign_as_echevine(prepared)
    with pytest.raises(SigningError, match="déjà signé"):
        sign_as_echevine(signed)
    with pytest.raises(SigningError, match="pas un PDF lisible"):
        sign_as_echevine(b"ceci n'est pas un PDF")


# --- time-stamping authority -----------------------------------------------------------


@pytest.fixture
def test_tsa(tmp_path, settings, monkeypatch, platform_keys):
    """A time-stamping authority of our own, trusted like the platform's CA."""
    ca_key, ca_cert = make_ca("Autorité d'horodatage de test")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's test TSA is RSA-only
    now = timezone.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA de test")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem = tmp_path / "tsa-ca.pem"
    ca_pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    settings.SIGNING_TRUST_ROOTS = [platform_keys.ca_pem, str(ca_pem)]
    settings.SIGNING_TSA_URL = "http://tsa.invalid/"  # never called: the stamper is replaced below
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        certs_to_embed=[asn1_x509.Certificate.load(ca_cert.public_bytes(serialization.Encoding.DER))],
    )
    monkeypatch.setattr(crypto, "_timestamper", lambda: stamper)
    return stamper


def test_document_timestamp_is_added_only_with_a_tsa(prepared, settings):
    signed = sign_as_echevine(prepared)
    assert add_document_timestamp(signed) is signed


def test_signature_and_document_timestamps_with_a_tsa(prepared, test_tsa):
    signed = add_document_timestamp(sign_as_administrator(sign_as_echevine(prepared)))
    report = verify_pdf_bytes(signed)
    assert report.ok, report.as_dict()
    assert [s.kind for s in report.signatures][-1] == "horodatage"
    assert report.signatures[-1].coverage == "ENTIRE_FILE"
    assert all(s.trusted for s in report.signatures)


# --- the sealing key's configuration ---------------------------------------------------


def test_signing_is_configured(settings):
    assert signing_is_configured()
    settings.SIGNING_P12_PATH = ""
    assert not signing_is_configured()
    with pytest.raises(SigningConfigurationError, match="SIGNING_P12_PATH n'est pas défini"):
        load_platform_signer()


def test_wrong_passphrase_fails_loudly_and_in_the_system_check(settings, tmp_path):
    path = tmp_path / "cachet.p12"
    call_command("create_signing_certificate", output=str(path), passphrase="la bonne", stdout=StringIO())
    settings.SIGNING_P12_PATH = str(path)
    settings.SIGNING_P12_PASSPHRASE = "la mauvaise"
    # The CA's key beside it, with its passphrase of its own: only the seal's is wrong here.
    settings.SIGNING_CA_P12_PATH = str(tmp_path / "pilotis-ca.p12")
    settings.SIGNING_CA_P12_PASSPHRASE = "la bonne"
    with pytest.raises(SigningConfigurationError, match="SIGNING_P12_PASSPHRASE ne déverrouille pas"):
        load_platform_signer()
    [error] = checks.signing_configuration(None)
    assert error.id == "pilotis.E002" and "ne déverrouille pas" in error.msg

    settings.SIGNING_P12_PASSPHRASE = "la bonne"
    assert (
        load_platform_signer().signing_cert.subject.native["common_name"]
        == "Pilotis – cachet de la plateforme"
    )
    assert checks.signing_configuration(None) == []


def test_missing_or_foreign_key_file(settings, tmp_path):
    settings.SIGNING_P12_PATH = str(tmp_path / "absent.p12")
    with pytest.raises(SigningConfigurationError, match="introuvable"):
        load_platform_signer()
    [error] = checks.signing_configuration(None)
    assert error.id == "pilotis.E001"

    not_pkcs12 = tmp_path / "cachet.p12"
    not_pkcs12.write_text("ceci n'est pas un PKCS#12")
    settings.SIGNING_P12_PATH = str(not_pkcs12)
    with pytest.raises(SigningConfigurationError, match="pas un fichier PKCS#12"):
        load_platform_signer()
    [error] = checks.signing_configuration(None)
    assert error.id == "pilotis.E002"


def test_missing_trust_root_is_reported_by_the_check(settings, tmp_path):
    settings.SIGNING_TRUST_ROOTS = str(tmp_path / "absent.pem")  # a string from the environment
    [error] = checks.signing_configuration(None)
    assert error.id == "pilotis.E003"


def test_create_signing_certificate_refuses_to_overwrite(tmp_path, settings):
    output = tmp_path / "cachet.p12"
    call_command("create_signing_certificate", output=str(output), passphrase="x", stdout=StringIO())
    assert (tmp_path / "pilotis-ca.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    assert output.stat().st_mode & 0o077 == 0  # the key file is for its owner only
    before = output.read_bytes()
    with pytest.raises(CommandError, match="--force"):
        call_command("create_signing_certificate", output=str(output), passphrase="x")
    assert output.read_bytes() == before
    call_command(
        "create_signing_certificate", output=str(output), passphrase="x", force=True, stdout=StringIO()
    )
    assert output.read_bytes() != before

    settings.SIGNING_P12_PASSPHRASE = ""
    with pytest.raises(CommandError, match="phrase de passe"):
        call_command("create_signing_certificate", output=str(tmp_path / "autre.p12"))
