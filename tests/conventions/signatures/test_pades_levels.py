"""PAdES levels: with the local time-stamping unit, each signature carries an RFC 3161 signature
timestamp (B-T); after the last one, the validation data goes into the DSS (B-LT) and a document
timestamp closes the file (B-LTA). Without a time-stamping unit, signatures stay B-B."""

import json
import re
import shutil
import subprocess
from io import BytesIO, StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore

from conventions.signatures import crypto, rounds
from conventions.signatures.crypto import SigningConfigurationError
from conventions.signatures.verification import verify_pdf_bytes
from tests.conventions.signatures.helpers import (
    SIGNERS,
    mails_at_once,  # noqa: F401 - autouse: e-mails sent at once
    pyhanko_validate,
    send_for_signature,
    sign_step,
)
from tests.utils import text_of

pytestmark = pytest.mark.django_db


def fully_signed(side):
    convention = send_for_signature(side)
    for step in (1, 2, 3):
        sign_step(convention, step, side.users[SIGNERS[step]])
    return bytes(rounds.latest_document(convention).content)


def test_with_the_local_tsu_every_signature_is_timestamped_and_the_file_is_b_lta(side_a, tmp_path):
    final = fully_signed(side_a)
    report = verify_pdf_bytes(final)
    assert report.ok, report.as_dict()
    kinds = [signature.kind for signature in report.signatures]
    assert kinds == ["certification", "signature", "signature", "signature", "horodatage"]
    assert all(signature.timestamped for signature in report.signatures[:-1])
    assert [signature.level for signature in report.signatures] == ["B-LTA (horodatage d'archive)"] * 4 + [""]
    assert report.level == "B-LTA (horodatage d'archive)"

    reader = PdfFileReader(BytesIO(final))
    dss = DocumentSecurityStore.read_dss(reader)
    assert len(list(dss.load_certs())) >= 5  # CA, TSA, the seal, three one-time certificates
    assert dss.crls, "la liste de révocation de l'autorité manque dans le DSS"
    assert [ts.field_name for ts in reader.embedded_timestamp_signatures] == ["Pilotis-horodatage"]
    assert final[:8] == b"%PDF-1.7"

    # `verify_pdf` prints the levels.
    path = tmp_path / "convention.pdf"
    path.write_bytes(final)
    out = StringIO()
    call_command("verify_pdf", str(path), stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["level"] == "B-LTA (horodatage d'archive)"
    assert [s["level"] for s in printed["signatures"]][:4] == ["B-LTA (horodatage d'archive)"] * 4


def test_pyhanko_accepts_every_signature_and_its_timestamp(side_a, tmp_path, platform_signing_key):
    path = tmp_path / "convention.pdf"
    path.write_bytes(fully_signed(side_a))
    result = pyhanko_validate(path, platform_signing_key["ca_pem"], pretty=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # One line per signature: each intact, trusted, with its own trusted timestamp token.
    lines = [line for line in result.stdout.splitlines() if line.startswith("Signature-")]
    assert len(lines) == 3 and all(
        "INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>" in line for line in lines
    ), result.stdout


def test_without_a_tsu_signatures_are_b_b_and_there_is_no_document_timestamp(side_a, settings):
    settings.SIGNING_TSA_P12_PATH = ""
    final = fully_signed(side_a)
    report = verify_pdf_bytes(final)
    assert report.ok, report.as_dict()
    assert [signature.kind for signature in report.signatures] == ["certification"] + ["signature"] * 3
    assert [signature.level for signature in report.signatures] == ["B-B (signature simple)"] * 4
    assert report.level == "B-B (signature simple)"
    assert not any(signature.timestamped for signature in report.signatures)
    assert PdfFileReader(BytesIO(final)).embedded_timestamp_signatures == []


def test_the_verification_page_shows_each_signatures_level(client, side_a):
    cache.clear()  # the page's rate limit counts in the cache
    document = BytesIO(fully_signed(side_a))
    document.name = "convention.pdf"
    page = text_of(client.post(reverse("verify_document"), {"document": document}))
    assert "Document intact" in page
    assert page.count("Niveau PAdES B-LTA (horodatage d'archive)") == 4
    assert "Niveau atteint par toutes les signatures : B-LTA (horodatage d'archive)" in page


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="pdfsig (poppler-utils) n'est pas installé")
def test_pdfsig_accepts_every_signature_with_its_timestamp(side_a, tmp_path, platform_signing_key):
    path = tmp_path / "convention.pdf"
    path.write_bytes(fully_signed(side_a))
    output = subprocess.run(  # noqa: S603
        ["pdfsig", "-nocert", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,  # noqa: S607
    ).stdout
    validations = re.findall(r"Signature Validation: (.*)", output)
    # Poppler checks the four CMS signatures; it lists the RFC 3161 document timestamp (type
    # "unknown" to it) without checking it, which pyHanko does above.
    assert validations[:4] == ["Signature is Valid."] * 4, output
    assert re.findall(r"Signature Field Name: (.*)", output)[-1] == "Pilotis-horodatage"


def test_create_signing_certificate_issues_a_tsa_certificate_and_can_add_one_later(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs12

    output = tmp_path / "pilotis-sealing.p12"
    call_command("create_signing_certificate", output=str(output), passphrase="phrase", stdout=StringIO())
    tsa = tmp_path / "pilotis-tsa.p12"
    _key, certificate, _others = pkcs12.load_key_and_certificates(tsa.read_bytes(), b"phrase")
    usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert usage.critical and list(usage.value) == [x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]
    ca = x509.load_pem_x509_certificate((tmp_path / "pilotis-ca.pem").read_bytes())
    assert certificate.issuer == ca.subject
    assert tsa.stat().st_mode & 0o077 == 0

    # An installation made before the local time-stamping unit gets one from its CA.
    tsa.unlink()
    out = StringIO()
    call_command(
        "create_signing_certificate", output=str(output), passphrase="phrase", tsa_only=True, stdout=out
    )
    assert f"Unité d'horodatage locale (PKCS#12) : {tsa}" in out.getvalue()
    _key, again, _others = pkcs12.load_key_and_certificates(tsa.read_bytes(), b"phrase")
    assert again.issuer == ca.subject and again.serial_number != certificate.serial_number
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("create_signing_certificate", output=str(output), passphrase="phrase", tsa_only=True)


def test_a_tsa_url_wins_over_the_local_time_stamping_unit(settings):
    settings.SIGNING_TSA_URL = "http://tsa.invalid/"
    assert isinstance(crypto._timestamper(), HTTPTimeStamper)
    settings.SIGNING_TSA_URL = ""
    assert isinstance(crypto._timestamper(), DummyTimeStamper)


def test_a_local_tsu_file_that_is_not_a_tsa_is_a_clear_configuration_error(settings, platform_signing_key):
    settings.SIGNING_TSA_P12_PATH = platform_signing_key["p12"]  # the seal: no timeStamping usage
    with pytest.raises(SigningConfigurationError, match="n'est pas celui d'une unité d'horodatage"):
        crypto._timestamper()
