"""A signatory signs by uploading the document signed with their own Belgian eID: the
certificate is checked (eID root, validity at the signing time, revocation over real OCSP/CRL,
non-repudiation, the signatory's name), and each refusal says which check failed."""

import pytest
from django.urls import reverse

from accounts.models import Role
from conventions.models import ConventionEvent, Signature
from conventions.signatures import rounds
from conventions.signatures.eid import same_person
from tests.conventions.signatures.eid_pki import eid_pki, eid_sign  # noqa: F401 - fixture
from tests.conventions.signatures.helpers import (
    links,
    login_recently,
    mails_at_once,  # noqa: F401 - autouse: e-mails sent at once
    send_for_signature,
)
from tests.utils import text_of

pytestmark = pytest.mark.django_db

FIELD = "Signature-1-0"  # the PO signatory's field (step 1)


@pytest.fixture
def eid_roots(settings, eid_pki):  # noqa: F811
    settings.SIGNING_EID_TRUST_ROOTS = [str(eid_pki.root_pem)]
    settings.SIGNING_EID_ALLOW_UNCHECKED_REVOCATION = False
    settings.SIGNING_EID_FETCH_TIMEOUT = 2.0
    return settings


@pytest.fixture
def po_signing(client, side_a):
    """The PO's signatory, Mme Hariche as the convention records her, on her signing page."""
    convention = send_for_signature(side_a)
    po = side_a.users[Role.SIGNATORY]
    signatory = convention.signatories.get(step=1)
    signatory.full_name = "Hariche Nadia"
    signatory.save(update_fields=["full_name"])
    token = links()[po.email]
    login_recently(client, po)
    current = client.get(reverse("signature_document", args=[token])).content
    return convention, token, current


def _upload(client, token, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = SimpleUploadedFile("signe.pdf", data, content_type="application/pdf")
    return client.post(reverse("signature_upload", args=[token]), {"document": document})


def _nothing_recorded(convention, before: bytes):
    assert not Signature.objects.filter(convention=convention).exists()
    assert not convention.events.filter(kind=ConventionEvent.Kind.UPLOADED).exists()
    assert bytes(rounds.latest_document(convention).content) == before


def test_the_signatorys_own_eid_signature_is_accepted(client, eid_roots, eid_pki, po_signing):  # noqa: F811
    convention, token, current = po_signing
    uploaded = eid_sign(current, eid_pki.signer("nadia"), FIELD)
    response = _upload(client, token, uploaded)
    assert response.status_code == 302, text_of(response)
    signature = Signature.objects.get(convention=convention)
    assert signature.method == Signature.Method.UPLOAD
    assert signature.signer_common_name == "Nadia Hariché (Signature)"
    assert bytes(signature.document.content) == uploaded
    event = convention.events.get(kind=ConventionEvent.Kind.UPLOADED)
    assert "Nadia Hariché (Signature)" in event.detail
    assert "non révoqué" in event.detail and "sans contrôle" not in event.detail


@pytest.mark.parametrize(
    "cert, key, issuer, message",
    [
        ("other", "other", "citizen-ca", "Ce certificat est au nom de Faouzia Dupont, pas de Hariche Nadia"),
        ("nadia-self-signed", "nadia", None, "n'a pas été délivré par une autorité eID reconnue"),
        ("nadia-rogue", "nadia", "rogue", "n'a pas été délivré par une autorité eID reconnue"),
        ("nadia-expired", "nadia", "citizen-ca", "n'était pas valable au moment de la signature"),
        ("nadia-revoked", "nadia", "citizen-ca", "Votre certificat a été révoqué (le 01/06/2025"),
        ("nadia-auth", "nadia", "citizen-ca", "usage « non-répudiation » absent"),
    ],
    ids=["another-person", "self-signed", "untrusted-root", "expired", "revoked", "wrong-key-usage"],
)
def test_certificates_that_do_not_prove_the_signatory_are_refused(
    client,
    eid_roots,
    eid_pki,  # noqa: F811
    po_signing,
    cert,
    key,
    issuer,
    message,
):
    convention, token, current = po_signing
    response = _upload(client, token, eid_sign(current, eid_pki.signer(cert, key, issuer), FIELD))
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert "Déposer" in page or "déposer" in page  # the upload form is shown again
    _nothing_recorded(convention, current)


def test_a_rogue_root_is_trusted_only_when_configured(client, eid_roots, eid_pki, po_signing):  # noqa: F811
    """The platform's SIGNING_TRUST_ROOTS do not count: only SIGNING_EID_TRUST_ROOTS do."""
    convention, token, current = po_signing
    eid_roots.SIGNING_TRUST_ROOTS = [str(eid_pki.root_pem)]
    eid_roots.SIGNING_EID_TRUST_ROOTS = [str(eid_pki.rogue_pem)]
    response = _upload(client, token, eid_sign(current, eid_pki.signer("nadia"), FIELD))
    assert response.status_code == 400
    assert "autorité eID reconnue" in text_of(response)
    _nothing_recorded(convention, current)


def test_without_eid_roots_every_upload_is_refused(client, eid_roots, eid_pki, po_signing):  # noqa: F811
    convention, token, current = po_signing
    eid_roots.SIGNING_EID_TRUST_ROOTS = []
    response = _upload(client, token, eid_sign(current, eid_pki.signer("nadia"), FIELD))
    assert response.status_code == 400
    assert "aucune autorité eID n'est configurée" in text_of(response)
    _nothing_recorded(convention, current)


def test_responder_down_refuses_unless_allowed_and_the_evidence_says_so(
    client,
    eid_roots,
    eid_pki,  # noqa: F811
    po_signing,
):
    convention, token, current = po_signing
    uploaded = eid_sign(current, eid_pki.signer("nadia"), FIELD)
    with eid_pki.responder_down():
        response = _upload(client, token, uploaded)
        assert response.status_code == 400
        assert "L'état de révocation de votre certificat n'a pas pu être vérifié" in text_of(response)
        _nothing_recorded(convention, current)

        eid_roots.SIGNING_EID_ALLOW_UNCHECKED_REVOCATION = True
        response = _upload(client, token, uploaded)
    assert response.status_code == 302, text_of(response)
    event = convention.events.get(kind=ConventionEvent.Kind.UPLOADED)
    assert "accepté sans contrôle de révocation" in event.detail


@pytest.mark.parametrize(
    "on_card, recorded, same",
    [
        ("Nadia Marie Hariché", "Hariche Nadia", True),
        ("Nadia HARICHE", "nadia hariché", True),
        ("Nadia Hariche", "Faouzia Hariche", False),
        ("Nadia Hariche", "Hariche", False),
        ("Jean-Pierre Dubois", "Dubois Jean Pierre", True),
    ],
)
def test_names_are_compared_without_accents_case_or_order(on_card, recorded, same):
    assert same_person(on_card, recorded) is same


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(client, eid_roots, po_signing):
    convention, token, current = po_signing
    eid_roots.VERIFY_MAX_UPLOAD_BYTES = 64 * 1024
    response = _upload(client, token, current + b"%" * (1024 * 1024))
    assert response.status_code == 400
    assert "Le fichier signe.pdf dépasse la taille permise (64 Ko)." in text_of(response)
    _nothing_recorded(convention, current)
