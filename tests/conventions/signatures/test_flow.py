"""Collecting the signatures of a convention: the links in order, the signing page, refusals,
uploads with one's own certificate, the evidence chain."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pyhanko.sign import signers

from accounts.models import Role
from conventions.management.commands.create_signing_certificate import (
    issue_signing_certificate,
    make_ca,
    pkcs12_bytes,
)
from conventions.models import (
    ConventionEvent,
    ConventionTransition,
    Signature,
    SignatureRequest,
    State,
)
from conventions.services import collecting, sending, workflow
from conventions.signatures import evidence, rounds
from conventions.signatures.verification import verify_pdf_bytes
from tests.conventions.signatures.eid_pki import eid_pki  # noqa: F401 - fixture
from tests.conventions.signatures.eid_pki import eid_sign as eid_pki_sign
from tests.conventions.signatures.helpers import (
    SIGNERS,
    links,
    login_recently,
    mails_at_once,  # noqa: F401 - autouse: e-mails sent at once
    meta,
    open_request,
    send_for_signature,
    sign_step,
    sign_through_page,
)
from tests.conventions.signatures.test_verification import eid_sign
from tests.conventions.test_pdf import pdf_text
from tests.utils import text_of

pytestmark = pytest.mark.django_db


# --- signing in order ---------------------------------------------------------------------------


def test_full_flow_through_the_pages(client, side_a):
    convention = send_for_signature(side_a)
    po, fpo, school = (side_a.users[SIGNERS[step]] for step in (1, 2, 3))

    # Step 1 (the PO) reads the whole document and signs.
    token = links()[po.email]
    login_recently(client, po)
    page = client.get(reverse("signature_page", args=[token]))
    assert "J'ai lu l'intégralité de la convention" in text_of(page)
    assert "Article 1 – Objet" in text_of(page)
    unticked = client.post(
        reverse("signature_page", args=[token]), {"document_sha256": page.context["latest"].sha256}
    )
    assert unticked.status_code == 400
    assert "Cochez la case" in text_of(unticked)
    mail.outbox.clear()
    response = sign_through_page(client, po, token)
    assert response.status_code == 302
    assert "Votre signature a été enregistrée" in text_of(client.get(response["Location"]))
    # The link served once.
    again = client.get(reverse("signature_page", args=[token]))
    assert again.status_code == 410 and "Ce lien a déjà servi" in text_of(again)

    # Step 2, then step 3, each get their link in turn.
    assert list(links()) == [fpo.email]
    token = links()[fpo.email]
    mail.outbox.clear()
    assert sign_through_page(client, fpo, token).status_code == 302
    assert list(links()) == [school.email]
    token = links()[school.email]
    mail.outbox.clear()
    assert sign_through_page(client, school, token).status_code == 302

    convention.refresh_from_db()
    assert convention.state == State.SIGNED
    signed = list(Signature.objects.filter(convention=convention).order_by("signed_at"))
    assert [s.signatory.step for s in signed] == [1, 2, 3]
    assert convention.signed_at == signed[-1].signed_at
    # Every signed revision is valid; the last one covers the whole file and is known.
    for signature in signed:
        report = verify_pdf_bytes(bytes(signature.document.content))
        assert report.ok, report.summary
    final = rounds.latest_document(convention)
    report = verify_pdf_bytes(bytes(final.content))
    assert report.ok and report.known_reference == convention.reference
    # The certification first; the document timestamp (local time-stamping unit) closes the file.
    assert [s.kind for s in report.signatures] == [
        "certification",
        "signature",
        "signature",
        "signature",
        "horodatage",
    ]
    signers = [s.signer_name for s in report.signatures if s.kind == "signature"]
    assert signers == [s.signatory.full_name for s in signed]
    # Everybody concerned gets the signed PDF.
    completed = [m for m in mail.outbox if "signée" in m.subject and "Convention" in m.subject]
    assert completed and {po.email, fpo.email, school.email} <= set(completed[0].to)
    assert reverse("convention_document", args=[convention.reference, final.revision]) in completed[0].body
    kinds = list(convention.events.values_list("kind", flat=True))
    assert kinds.count(ConventionEvent.Kind.SIGNED) == 3
    assert kinds.count(ConventionEvent.Kind.REAUTHENTICATED) == 3
    assert kinds[-1] == ConventionEvent.Kind.COMPLETED
    assert evidence.check_chain(convention) == []


def test_step_two_cannot_sign_before_step_one(client, side_a):
    convention = send_for_signature(side_a)
    fpo = side_a.users[Role.FPO_ADVISER]
    signatory = convention.signatories.get(step=2)
    request = SignatureRequest(
        convention=convention,
        signatory=signatory,
        prepared=rounds.current_round(convention),
        token_hash=sending.hash_token("jeton-etape-2"),
        expires_at=timezone.now() + timedelta(days=1),
    )
    request.save()
    login_recently(client, fpo)
    page = client.get(reverse("signature_page", args=["jeton-etape-2"]))
    assert "pas encore votre tour" in text_of(page)
    response = client.post(
        reverse("signature_page", args=["jeton-etape-2"]),
        {"read": "on", "document_sha256": rounds.latest_document(convention).sha256},
    )
    assert response.status_code == 409 and "pas encore votre tour" in text_of(response)
    assert not Signature.objects.filter(convention=convention).exists()


def test_expired_link_is_refused_in_french(client, side_a):
    convention = send_for_signature(side_a)
    po = side_a.users[Role.SIGNATORY]
    SignatureRequest.objects.filter(convention=convention).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    login_recently(client, po)
    response = client.get(reverse("signature_page", args=[links()[po.email]]))
    assert response.status_code == 410 and "Ce lien a expiré le" in text_of(response)
    unknown = client.get(reverse("signature_page", args=["inconnu"]))
    assert unknown.status_code == 404 and "n'existe pas" in text_of(unknown)


def test_another_account_cannot_use_the_link(client, side_a):
    send_for_signature(side_a)
    login_recently(client, side_a.users[Role.PO_REFERENT])
    response = client.get(reverse("signature_page", args=[links()[side_a.users[Role.SIGNATORY].email]]))
    assert response.status_code == 403 and "est destiné à" in text_of(response)


def test_signing_requires_a_recent_authentication(client, side_a):
    convention = send_for_signature(side_a)
    po = side_a.users[Role.SIGNATORY]
    client.force_login(po)
    token = links()[po.email]
    response = client.post(
        reverse("signature_page", args=[token]),
        {"read": "on", "document_sha256": rounds.latest_document(convention).sha256},
    )
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert not Signature.objects.filter(convention=convention).exists()


def test_a_document_changed_since_it_was_shown_is_not_signed(side_a):
    convention = send_for_signature(side_a)
    with pytest.raises(collecting.SigningRefused, match="Le document a changé"):
        collecting.sign(
            request=open_request(convention, 1),
            by=side_a.users[Role.SIGNATORY],
            meta=meta(),
            shown_sha256="0" * 64,
        )
    assert not Signature.objects.exists()


def test_signing_a_convention_that_left_the_signing_state_is_refused(side_a):
    convention = send_for_signature(side_a)
    request = open_request(convention, 1)
    workflow.apply_transition(
        convention=convention, name="cancel", by=side_a.users[Role.FPO_STAFF], comment="Motif"
    )
    with pytest.raises(collecting.SigningRefused, match="n'est plus en signature"):
        collecting.sign(
            request=request,
            by=side_a.users[Role.SIGNATORY],
            meta=meta(),
            shown_sha256=rounds.latest_document(convention).sha256,
        )


def test_declining_sends_the_convention_back_to_review(client, side_a):
    convention = send_for_signature(side_a)
    po = side_a.users[Role.SIGNATORY]
    token = links()[po.email]
    login_recently(client, po)
    empty = client.post(reverse("signature_decline", args=[token]), {"reason": ""})
    assert empty.status_code == 400 and "Indiquez le motif" in text_of(empty)
    response = client.post(reverse("signature_decline", args=[token]), {"reason": "Le montant est erroné."})
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.state == State.IN_REVIEW
    record = ConventionTransition.objects.filter(convention=convention).latest("at")
    assert record.name == "decline" and "Le montant est erroné." in record.comment
    assert convention.events.latest("sequence").kind == ConventionEvent.Kind.DECLINED
    assert not SignatureRequest.objects.filter(
        convention=convention, used_at__isnull=True, revoked_at__isnull=True
    ).exists()
    # The federation may approve again and send a new round.
    staff = side_a.users[Role.FPO_STAFF]
    workflow.apply_transition(convention=convention, name="approve", by=staff)
    workflow.apply_transition(convention=convention, name="send_for_signature", by=staff)
    assert rounds.current_step(convention, rounds.current_round(convention)) == 1


def test_one_changed_byte_of_the_signed_convention_is_detected(side_a):
    convention = send_for_signature(side_a)
    for step in (1, 2, 3):
        sign_step(convention, step, side_a.users[SIGNERS[step]])
    data = bytearray(rounds.latest_document(convention).content)
    position = data.index(b"stream\n") + 20  # inside the first content stream
    data[position] ^= 0x01
    report = verify_pdf_bytes(bytes(data))
    assert not report.ok and report.known_reference is None


# --- uploads with one's own certificate (eID) --------------------------------------------------


def test_an_eid_signed_upload_in_ones_own_field_is_accepted(client, side_a, eid_pki, settings):  # noqa: F811
    settings.SIGNING_EID_TRUST_ROOTS = [str(eid_pki.root_pem)]
    convention = send_for_signature(side_a)
    po = side_a.users[Role.SIGNATORY]
    convention.signatories.filter(step=1).update(full_name="Nadia Hariche")
    token = links()[po.email]
    login_recently(client, po)
    current = client.get(reverse("signature_document", args=[token]))
    uploaded = eid_pki_sign(current.content, eid_pki.signer("nadia"), "Signature-1-0")
    response = client.post(reverse("signature_upload", args=[token]), {"document": _file(uploaded)})
    assert response.status_code == 302, text_of(response)
    # What is kept of the certificate: tests/conventions/signatures/test_eid_upload.py.
    event = convention.events.get(kind=ConventionEvent.Kind.UPLOADED)
    assert event.document_sha256 == Signature.objects.get(convention=convention).document.sha256
    # The next step goes on with the platform.
    sign_step(convention, 2, side_a.users[Role.FPO_ADVISER])
    sign_step(convention, 3, side_a.users[Role.SCHOOL_DIRECTION])
    convention.refresh_from_db()
    assert convention.state == State.SIGNED


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda current, eid: eid_sign(current, eid, "Signature-2-1"), "signez dans votre champ"),
        (lambda current, eid: b"%PDF-1.7 pas vraiment un PDF", "n'est pas le document à signer"),
        (lambda current, eid: current + b"\n% ajout\n", "aucune nouvelle signature"),
    ],
)
def test_eid_uploads_that_do_not_fit_are_refused(client, side_a, eid, make, reason):
    convention = send_for_signature(side_a)
    po = side_a.users[Role.SIGNATORY]
    token = links()[po.email]
    login_recently(client, po)
    current = bytes(rounds.latest_document(convention).content)
    response = client.post(reverse("signature_upload", args=[token]), {"document": _file(make(current, eid))})
    assert response.status_code == 400
    assert reason in text_of(response)
    assert not Signature.objects.exists()


@pytest.fixture(scope="module")
def eid():
    """A citizen's certificate from an independent CA, standing for a Belgian eID."""
    ca_key, ca_cert = make_ca("Citizen CA de test", organisation="Royaume de Belgique (test)")
    key, cert = issue_signing_certificate(ca_key, ca_cert, "Faouzia HARICHE (Signature)", organisation="BE")
    return signers.SimpleSigner.load_pkcs12_data(
        pkcs12_bytes(key, cert, ca_cert, "eid"), other_certs=[], passphrase=b"eid"
    )


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("signe.pdf", data, content_type="application/pdf")


# --- evidence -------------------------------------------------------------------------------


def test_the_evidence_chain_detects_an_altered_event(side_a):
    convention = send_for_signature(side_a)
    sign_step(convention, 1, side_a.users[Role.SIGNATORY])
    assert evidence.check_chain(convention) == []
    event = convention.events.get(kind=ConventionEvent.Kind.SIGNED)
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        ConventionEvent.objects.filter(pk=event.pk).update(ip="198.51.100.7")
    with pytest.raises(PermissionError):
        event.delete()
    table = ConventionEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET ip = %s WHERE id = %s", ["198.51.100.7", event.pk])  # noqa: S608
    problems = evidence.check_chain(convention)
    assert problems == [f"Événement n° {event.sequence} : son contenu a été modifié."]


def _rewrite_chain_from_the_first_sent_link(convention, detail: str):
    """What someone with write access to the database could do: rewrite the event of the first
    link sent, then recompute every hash after it, so that the chain is whole again."""
    sent = convention.events.filter(kind=ConventionEvent.Kind.SENT).order_by("sequence").first()
    table = ConventionEvent._meta.db_table
    previous = convention.events.get(sequence=sent.sequence - 1).hash if sent.sequence > 1 else ""
    for event in convention.events.filter(sequence__gte=sent.sequence).order_by("sequence"):
        event.detail = detail if event.pk == sent.pk else event.detail
        event.previous_hash = previous
        event.hash = event.compute_hash()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET detail = %s, previous_hash = %s, hash = %s WHERE id = %s",  # noqa: S608
                [event.detail, event.previous_hash, event.hash, event.pk],
            )
        previous = event.hash
    return sent


def test_a_chain_rewritten_in_the_database_with_recomputed_hashes_is_caught_by_the_signatures(client, side_a):
    convention = send_for_signature(side_a)
    sign_step(convention, 1, side_a.users[Role.SIGNATORY])
    sign_step(convention, 2, side_a.users[Role.FPO_ADVISER])
    first_signature = convention.events.filter(kind=ConventionEvent.Kind.SIGNED).order_by("sequence").first()
    # Someone with write access to the database rewrites an event before the first signature
    # (where the link was sent) and recomputes every hash after it: the chain is whole again.
    sent = _rewrite_chain_from_the_first_sent_link(convention, "Lien envoyé à complice@ailleurs.example")

    problems = evidence.check_chain(convention)

    # Each event agrees with its own hash; the signatures, signed before, do not agree any more.
    assert not any("son contenu a été modifié" in p or "lien avec" in p for p in problems)
    signed_fields = [
        s.signatory.field_name for s in Signature.objects.filter(convention=convention).order_by("signed_at")
    ]
    assert [p.split("« ")[1].split(" »")[0] for p in problems] == signed_fields
    assert all("le journal ne le contient plus tel quel" in p for p in problems)
    assert first_signature.sequence > sent.sequence
    client.force_login(side_a.users[Role.PO_REFERENT])
    text = " ".join(
        pdf_text(client.get(reverse("convention_evidence", args=[convention.reference])).content).split()
    )
    assert "Chaîne intacte" not in text and "le journal ne le contient plus tel quel" in text


def test_each_platform_signature_states_the_chain_head_it_follows(side_a):
    convention = send_for_signature(side_a)
    sign_step(convention, 1, side_a.users[Role.SIGNATORY])
    signed = bytes(rounds.latest_document(convention).content)
    [head] = evidence.bound_heads(signed)
    before = convention.events.filter(kind=ConventionEvent.Kind.SIGNED).get().sequence - 1
    assert (head.sequence, head.hash) == (before, convention.events.get(sequence=before).hash)
    assert evidence.check_chain(convention) == []


def _verify_with_certificate(tmp_path, signed: bytes, certificate: bytes) -> tuple[int, dict]:
    (tmp_path / "convention.pdf").write_bytes(signed)
    (tmp_path / "preuve.pdf").write_bytes(certificate)
    out = StringIO()
    try:
        call_command(
            "verify_pdf",
            str(tmp_path / "convention.pdf"),
            "--preuve",
            str(tmp_path / "preuve.pdf"),
            stdout=out,
        )
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue())


def test_verify_pdf_checks_the_signed_pdf_against_its_sealed_evidence_certificate(client, side_a, tmp_path):
    convention = send_for_signature(side_a)
    sign_step(convention, 1, side_a.users[Role.SIGNATORY])
    signed = bytes(rounds.latest_document(convention).content)
    client.force_login(side_a.users[Role.PO_REFERENT])
    certificate = client.get(reverse("convention_evidence", args=[convention.reference])).content

    sealed = verify_pdf_bytes(certificate)
    assert sealed.ok and sealed.trust_checked and len(sealed.signatures) == 1  # the platform's seal
    code, report = _verify_with_certificate(tmp_path, signed, certificate)
    assert code == 0 and report["preuve"] == {"concorde": True, "problemes": []}

    # A certificate altered after it was issued loses its seal.
    tampered = certificate[:1000] + bytes([certificate[1000] ^ 1]) + certificate[1001:]
    code, report = _verify_with_certificate(tmp_path, signed, tampered)
    assert (
        code == 1
        and "n'est pas scellé par la plateforme, ou il a été modifié" in report["preuve"]["problemes"][0]
    )

    # A chain rewritten in the database gives a certificate that no longer matches the signature.
    _rewrite_chain_from_the_first_sent_link(convention, "réécrit")
    rewritten = client.get(reverse("convention_evidence", args=[convention.reference])).content
    code, report = _verify_with_certificate(tmp_path, signed, rewritten)
    assert code == 1 and report["preuve"]["concorde"] is False
    assert any("le journal ne le contient plus tel quel" in p for p in report["preuve"]["problemes"])


def test_the_verification_page_checks_a_document_against_its_evidence_certificate(client, side_a):
    convention = send_for_signature(side_a)
    sign_step(convention, 1, side_a.users[Role.SIGNATORY])
    signed = bytes(rounds.latest_document(convention).content)
    client.force_login(side_a.users[Role.PO_REFERENT])
    certificate = client.get(reverse("convention_evidence", args=[convention.reference])).content
    client.logout()

    def verify(evidence_pdf: bytes) -> str:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = {
            "document": SimpleUploadedFile("convention.pdf", signed, content_type="application/pdf"),
            "evidence": SimpleUploadedFile("preuve.pdf", evidence_pdf, content_type="application/pdf"),
        }
        return text_of(client.post(reverse("verify_document"), upload))

    assert "son journal concorde avec ce que chaque signature du document atteste" in verify(certificate)
    _rewrite_chain_from_the_first_sent_link(convention, "réécrit")
    client.force_login(side_a.users[Role.PO_REFERENT])
    rewritten = client.get(reverse("convention_evidence", args=[convention.reference])).content
    client.logout()
    page = verify(rewritten)
    assert "Le certificat de preuve ne concorde pas avec ce document" in page
    assert "le journal ne le contient plus tel quel" in page


def test_the_evidence_certificate_lists_signatories_events_and_hashes(client, side_a):
    convention = send_for_signature(side_a)
    sign_step(convention, 1, side_a.users[Role.SIGNATORY])
    client.force_login(side_a.users[Role.PO_REFERENT])
    response = client.get(reverse("convention_evidence", args=[convention.reference]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert "Chaîne intacte" in text
    assert "192.0.2.1" in text
    assert rounds.current_round(convention).sha256[:20] in text.replace(" ", "")
