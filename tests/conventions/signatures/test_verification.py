"""Verifying signed PDFs: tampering, bad files, a signatory's own (eID) signature, the command
and the public verification page."""

import json
from io import BytesIO, StringIO
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.stamp import TextStampStyle
from pypdf import PdfReader, PdfWriter

from conventions.management.commands.create_signing_certificate import (
    issue_signing_certificate,
    make_ca,
    pkcs12_bytes,
)
from conventions.signatures import verification
from conventions.signatures.crypto import prepare_for_signing
from conventions.signatures.verification import UploadRefused, check_signatory_upload, verify_pdf_bytes
from conventions.views import verification as verification_views
from tests.conventions.signatures.test_crypto import (
    FIELDS,
    FPO_FIELD,
    PO_FIELD,
    convention_pdf,
    generate_platform_keys,
    platform_key_settings,
    sign_as_administrator,
    sign_as_echevine,
    use_platform_keys,
)
from tests.utils import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def keys(tmp_path_factory):
    return generate_platform_keys(tmp_path_factory.mktemp("verification-keys"))


@pytest.fixture(autouse=True)
def signing_settings(settings, keys):
    use_platform_keys(settings, keys)


@pytest.fixture(scope="module")
def prepared(keys):
    with override_settings(**platform_key_settings(keys)):
        return prepare_for_signing(convention_pdf(), fields=FIELDS)


@pytest.fixture(scope="module")
def signed_by_po(keys, prepared):
    with override_settings(**platform_key_settings(keys)):
        return sign_as_echevine(prepared)


@pytest.fixture(scope="module")
def fully_signed(keys, signed_by_po):
    with override_settings(**platform_key_settings(keys)):
        return sign_as_administrator(signed_by_po)


def change_one_byte_of_content(pdf: bytes) -> bytes:
    """Move the title by changing one digit of its position in the page's content stream."""
    position = pdf.index(b"1 0 0 -1 83 ")  # the text matrix of the first line of text
    assert pdf[position + 9 : position + 10] == b"8"
    return pdf[: position + 9] + b"9" + pdf[position + 10 :]


def add_to_page(pdf: bytes, *, writer: IncrementalPdfFileWriter | None = None) -> IncrementalPdfFileWriter:
    """An incremental update that paints a rectangle over the page (not a signature)."""
    writer = writer or IncrementalPdfFileWriter(BytesIO(pdf))
    rectangle = writer.add_object(generic.StreamObject(stream_data=b"1 1 1 rg 80 700 300 40 re f"))
    writer.add_stream_to_page(0, rectangle)
    return writer


def written(writer: IncrementalPdfFileWriter) -> bytes:
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


# --- tampering -------------------------------------------------------------------------------


def test_one_changed_byte_is_detected(fully_signed):
    assert verify_pdf_bytes(fully_signed).ok

    report = verify_pdf_bytes(change_one_byte_of_content(fully_signed))
    assert not report.ok and report.altered
    assert "modifié après signature" in report.summary
    assert not any(s.intact for s in report.signatures)
    assert all("altéré" in s.summary for s in report.signatures)


def test_appended_garbage_is_detected(fully_signed):
    report = verify_pdf_bytes(fully_signed + b"\n% ajout\n" + b"x" * 100)
    assert not report.ok
    # Every signature is still mathematically intact: only the coverage tells the story.
    assert all(s.intact for s in report.signatures)
    assert report.signatures[-1].coverage != "ENTIRE_FILE"
    assert "modifié" in report.summary


def test_a_newline_after_the_end_of_file_is_not_a_change_and_garbage_is_named(fully_signed):
    report = verify_pdf_bytes(fully_signed + b"\r\n")
    assert report.ok and not report.altered
    assert "2 octet(s) blanc(s) après la fin du fichier, sans effet" in report.summary
    report = verify_pdf_bytes(fully_signed + b"\n% ajout\n")
    assert not report.ok and "9 octet(s) ont été ajoutés après la dernière signature" in report.summary


def test_a_later_change_of_page_content_is_detected(fully_signed):
    report = verify_pdf_bytes(written(add_to_page(fully_signed)))
    assert not report.ok
    assert all(s.intact and s.valid for s in report.signatures)  # why `intact` alone is not enough
    certification = report.signatures[0]
    assert certification.modification_level == "OTHER" and not certification.docmdp_ok
    assert "altéré" in certification.summary


# --- bad input never raises ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda pdf: pdf[: len(pdf) // 2], "Ce fichier n'est pas un PDF lisible."),
        (lambda pdf: pdf[:-10], "Ce fichier n'est pas un PDF lisible."),
        (lambda pdf: b"", "Ce fichier n'est pas un PDF lisible."),
        (lambda pdf: b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "Ce fichier n'est pas un PDF lisible."),
        (lambda pdf: b"%PDF-1.7\n" + b"n'importe quoi " * 20, "Ce fichier n'est pas un PDF lisible."),
        (lambda pdf: convention_pdf(), "Ce PDF ne contient aucune signature."),
    ],
    ids=["tronqué", "fin coupée", "vide", "image", "faux PDF", "sans signature"],
)
def test_bad_files_give_an_error_not_an_exception(fully_signed, make, error):
    report = verify_pdf_bytes(make(fully_signed))
    assert report.error == error
    assert not report.ok and report.signatures == []
    json.dumps(report.as_dict())


def test_encrypted_pdf_is_reported():
    writer = PdfWriter(clone_from=PdfReader(BytesIO(convention_pdf())))
    writer.encrypt(user_password="", owner_password="secret", algorithm="AES-256")
    output = BytesIO()
    writer.write(output)
    report = verify_pdf_bytes(output.getvalue())
    assert report.error.startswith("Ce PDF est chiffré")


def test_report_is_json_and_names_a_known_convention(fully_signed, monkeypatch):
    assert verify_pdf_bytes(fully_signed).known_reference is None
    monkeypatch.setattr(
        verification,
        "known_document",
        lambda sha256: SimpleNamespace(convention=SimpleNamespace(reference="CPEONS-2026-0001")),
    )
    data = json.loads(json.dumps(verify_pdf_bytes(fully_signed).as_dict()))
    assert data["known_reference"] == "CPEONS-2026-0001"
    assert data["ok"] is True and len(data["sha256"]) == 64
    assert data["signatures"][1]["signer_name"] == "Faouzia HARICHE"


def test_untrusted_platform_key_is_not_ok(fully_signed, settings, tmp_path):
    """A PDF certified by another key (e.g. someone's own "Pilotis" certificate) is not ok."""
    other_ca_key, other_ca = make_ca("Une autre autorité")
    other_pem = tmp_path / "autre.pem"
    other_pem.write_bytes(other_ca.public_bytes(serialization.Encoding.PEM))
    settings.SIGNING_TRUST_ROOTS = f"{other_pem}"  # as a string, as it may come from the environment
    report = verify_pdf_bytes(fully_signed)
    assert not report.ok and not report.altered
    assert all(s.intact and not s.trusted for s in report.signatures)
    assert "pas reconnu par Pilotis" in report.summary


# --- a signatory's own signature (Belgian eID) ----------------------------------------------


@pytest.fixture(scope="module")
def eid_signer():
    """A citizen's certificate from a CA that is not ours, standing for a Belgian eID."""
    ca_key, ca_cert = make_ca("Citizen CA de test", organisation="Royaume de Belgique (test)")
    key, cert = issue_signing_certificate(ca_key, ca_cert, "Faouzia HARICHE (Signature)", organisation="BE")
    return signers.SimpleSigner.load_pkcs12_data(
        pkcs12_bytes(key, cert, ca_cert, "eid"), other_certs=[], passphrase=b"eid"
    )


def eid_sign(pdf: bytes, signer, field_name: str, *, writer: IncrementalPdfFileWriter | None = None) -> bytes:
    """What the signatory's own software does: an incremental signature into a field."""
    meta = signers.PdfSignatureMetadata(field_name=field_name, subfilter=SigSeedSubFilter.PADES)
    pdf_signer = signers.PdfSigner(meta, signer, stamp_style=TextStampStyle(stamp_text="%(signer)s"))
    writer = writer or IncrementalPdfFileWriter(BytesIO(pdf))
    return pdf_signer.sign_pdf(writer, existing_fields_only=True).getvalue()


def test_eid_signature_of_the_current_bytes_in_own_field_is_accepted(signed_by_po, eid_signer):
    uploaded = eid_sign(signed_by_po, eid_signer, FPO_FIELD)
    report = check_signatory_upload(current=signed_by_po, uploaded=uploaded, field_name=FPO_FIELD)
    new = report.signatures[-1]
    assert new.field_name == FPO_FIELD
    assert new.signer_common_name == "Faouzia HARICHE (Signature)"
    assert new.intact and new.valid and new.coverage == "ENTIRE_FILE"
    assert not new.trusted  # the eID's CA is not among our trust roots: reported, not required


def test_eid_signature_in_another_signatorys_field_is_refused(prepared, eid_signer):
    uploaded = eid_sign(prepared, eid_signer, FPO_FIELD)
    with pytest.raises(UploadRefused, match=f"signez dans votre champ, « {PO_FIELD} »"):
        check_signatory_upload(current=prepared, uploaded=uploaded, field_name=PO_FIELD)


def test_eid_signature_of_an_older_revision_is_refused(prepared, signed_by_po, eid_signer):
    uploaded = eid_sign(prepared, eid_signer, FPO_FIELD)  # made before the PO had signed
    with pytest.raises(UploadRefused, match="autre version"):
        check_signatory_upload(current=signed_by_po, uploaded=uploaded, field_name=FPO_FIELD)


def test_eid_upload_that_also_changes_the_page_is_refused(signed_by_po, eid_signer):
    # The change is in the same revision as the signature, which therefore covers it.
    writer = add_to_page(signed_by_po)
    uploaded = eid_sign(signed_by_po, eid_signer, FPO_FIELD, writer=writer)
    assert uploaded.startswith(signed_by_po)
    with pytest.raises(UploadRefused, match="modifie le document"):
        check_signatory_upload(current=signed_by_po, uploaded=uploaded, field_name=FPO_FIELD)

    # The change comes after the signature.
    uploaded = written(add_to_page(eid_sign(signed_by_po, eid_signer, FPO_FIELD)))
    with pytest.raises(UploadRefused, match="après votre signature"):
        check_signatory_upload(current=signed_by_po, uploaded=uploaded, field_name=FPO_FIELD)


def test_eid_upload_without_a_new_signature_is_refused(signed_by_po):
    with pytest.raises(UploadRefused, match="autre version"):
        check_signatory_upload(current=signed_by_po, uploaded=signed_by_po, field_name=FPO_FIELD)
    writer = IncrementalPdfFileWriter(BytesIO(signed_by_po))
    writer.set_info(None)  # an update that signs nothing
    writer.root["/PageMode"] = generic.NameObject("/UseOutlines")
    writer.update_root()
    with pytest.raises(UploadRefused, match="aucune nouvelle signature"):
        check_signatory_upload(current=signed_by_po, uploaded=written(writer), field_name=FPO_FIELD)


def test_eid_upload_with_two_new_signatures_is_refused(prepared, eid_signer):
    uploaded = eid_sign(eid_sign(prepared, eid_signer, PO_FIELD), eid_signer, FPO_FIELD)
    with pytest.raises(UploadRefused, match="plusieurs nouvelles signatures"):
        check_signatory_upload(current=prepared, uploaded=uploaded, field_name=PO_FIELD)


def test_eid_upload_of_garbage_is_refused(signed_by_po):
    with pytest.raises(UploadRefused, match="aucune nouvelle signature"):
        check_signatory_upload(current=signed_by_po, uploaded=signed_by_po + b"garbage", field_name=FPO_FIELD)
    with pytest.raises(UploadRefused, match="pas un PDF lisible"):
        check_signatory_upload(current=b"%PDF-1.7", uploaded=b"%PDF-1.7 et la suite", field_name=FPO_FIELD)


# --- manage.py verify_pdf ------------------------------------------------------------------


def test_verify_pdf_command_exit_codes(fully_signed, tmp_path):
    good = tmp_path / "convention.pdf"
    good.write_bytes(fully_signed)
    stdout = StringIO()
    call_command("verify_pdf", str(good), stdout=stdout)  # returns: exit code 0
    assert json.loads(stdout.getvalue())["ok"] is True

    bad = tmp_path / "convention-modifiee.pdf"
    bad.write_bytes(change_one_byte_of_content(fully_signed))
    stdout = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_pdf", str(bad), stdout=stdout)
    assert exit_info.value.code == 1
    assert json.loads(stdout.getvalue())["ok"] is False


# --- the public verification page ------------------------------------------------------------


@pytest.fixture
def page():
    cache.clear()  # the rate limit counts in the cache
    return reverse("verify_document")


def upload(client, url, data: bytes, name="convention.pdf"):
    document = BytesIO(data)
    document.name = name
    return client.post(url, {"document": document})


def test_verification_page_is_public(client, page):
    response = client.get(page)
    assert response.status_code == 200
    assert "Vérifier un document signé" in text_of(response)
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_verification_page_says_intact_or_modified(client, page, fully_signed, monkeypatch):
    page_text = text_of(upload(client, page, fully_signed))
    assert "Document intact" in page_text
    assert "Faouzia HARICHE" in page_text and "reconnu par Pilotis" in page_text
    assert "Convention connue" not in page_text

    page_text = text_of(upload(client, page, change_one_byte_of_content(fully_signed)))
    assert "Ce document a été modifié après signature" in page_text
    assert "Document intact" not in page_text

    monkeypatch.setattr(
        verification,
        "known_document",
        lambda sha256: SimpleNamespace(convention=SimpleNamespace(reference="CPEONS-2026-0001")),
    )
    assert "Convention connue : CPEONS-2026-0001" in text_of(upload(client, page, fully_signed))


def test_verification_page_explains_bad_files(client, page):
    response = upload(client, page, b"pas un pdf", name="photo.jpg")
    assert response.status_code == 200
    assert "Ce fichier n'est pas un PDF lisible." in text_of(response)
    assert "Choisissez un fichier PDF." in text_of(client.post(page, {}))


def test_verification_page_refuses_files_over_the_limit(client, page, fully_signed, settings):
    settings.VERIFY_MAX_UPLOAD_BYTES = 1000
    # Within the declared length allowed, found too big while reading.
    response = upload(client, page, fully_signed)
    assert response.status_code == 413
    assert "Ce fichier est trop volumineux" in text_of(response)
    # Refused from its declared length, before reading.
    response = upload(client, page, b"%PDF-1.7\n" + b"x" * (200 * 1024))
    assert response.status_code == 413
    assert "Ce fichier est trop volumineux" in text_of(response)


def test_verification_page_still_checks_csrf(page, fully_signed):
    client = Client(enforce_csrf_checks=True)
    assert upload(client, page, fully_signed).status_code == 403


def test_verification_page_is_rate_limited(client, page):
    for _ in range(verification_views.RATE_LIMIT):
        assert upload(client, page, b"x").status_code == 200
    response = upload(client, page, b"x")
    assert response.status_code == 429
    assert "Trop de vérifications" in text_of(response)
    # Another address is not affected.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert upload(other, page, b"x").status_code == 200
