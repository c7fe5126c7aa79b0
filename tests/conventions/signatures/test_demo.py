"""The demo's signatures: one convention fully signed (and valid for pyHanko's own command line
against the CA `create_signing_certificate` wrote), one half-signed, one awaiting its first."""

import pytest
from django.core.management import call_command

from accounts.demo import load_demo
from conventions.demo import load_conventions_demo
from conventions.models import Convention, ConventionEvent, Signature, State
from conventions.signatures import evidence, rounds
from conventions.signatures.verification import verify_pdf_bytes
from tests.conventions.signatures.helpers import pyhanko_validate
from tests.conventions.signatures.pdfa import pdfa_problems, revisions

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_demo()
    load_conventions_demo()


def test_the_seed_convention_is_really_signed_by_its_three_signatories(demo, tmp_path, platform_signing_key):
    convention = Convention.objects.get(reference__endswith="-0001", federation__code__iexact="cpeons")
    assert convention.state == State.SIGNED
    signed = Signature.objects.filter(convention=convention).order_by("signed_at")
    assert [s.signatory.full_name for s in signed] == ["Faouzia HARICHE", "Luc SYMOENS", "Roberto GALLUCCIO"]
    assert [s.by.email for s in signed] == [
        "f.hariche@pilotis.example",
        "l.symoens@pilotis.example",
        "r.galluccio@pilotis.example",
    ]
    assert convention.signed_at == signed.last().signed_at
    final = rounds.latest_document(convention)
    report = verify_pdf_bytes(bytes(final.content))
    assert report.ok and report.trust_checked and report.known_reference == convention.reference
    assert evidence.check_chain(convention) == []
    assert convention.events.last().kind == ConventionEvent.Kind.COMPLETED

    # `verify_pdf` agrees; so does pyHanko's own command line (pyhanko-cli, a dev dependency),
    # against the CA that `create_signing_certificate` wrote.
    path = tmp_path / f"{convention.reference}.pdf"
    path.write_bytes(bytes(final.content))
    out = __import__("io").StringIO()
    call_command("verify_pdf", str(path), stdout=out)
    # The demo's local time-stamping unit: each signature timestamped, the validation data in the
    # DSS, a document timestamp closing the file.
    printed = __import__("json").loads(out.getvalue())
    assert printed["level"] == "B-LTA (horodatage d'archive)"
    assert [s["level"] for s in printed["signatures"]] == ["B-LTA (horodatage d'archive)"] * 4 + [""]
    result = pyhanko_validate(path, platform_signing_key["ca_pem"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_convention_is_half_signed_and_one_awaits_its_first_signature(demo):
    in_signature = {}
    for convention in Convention.objects.filter(state=State.SIGNING):
        prepared = rounds.current_round(convention)
        in_signature[convention.reference] = (
            Signature.objects.filter(prepared=prepared).count(),
            rounds.current_step(convention, prepared),
        )
    # The README names them: CECP-<year>-0003 half-signed (the PO's two signatories; the
    # federation's, Fanny Constant, next), CECP-<year>-0019 awaiting its first signature.
    assert {reference[-4:]: value for reference, value in in_signature.items()} == {
        "0003": (2, 2),
        "0019": (0, 1),
    }, in_signature
    half = Convention.objects.get(reference__endswith="-0003", federation__code__iexact="cecp")
    waiting = rounds.status(half)
    assert [item.signatory.email for item in waiting if item.waiting] == ["f.constant@pilotis.example"]


def test_every_revision_of_the_demo_signed_conventions_stays_pdfa_3b(demo):
    """The frozen text, the certification, each signature and the closing timestamp: every
    state of the file is PDF 1.7, identified as PDF/A-3b, with all its fonts (the stamps'
    included) embedded and the same producer in /Info and XMP."""
    for federation in ("cpeons", "cecp"):
        convention = Convention.objects.get(reference__endswith="-0001", federation__code__iexact=federation)
        final = bytes(rounds.latest_document(convention).content)
        states = revisions(final)
        assert len(states) >= 1 + 1 + convention.signatories.count()
        for number, state in enumerate(states, start=1):
            assert pdfa_problems(state) == [], f"{convention.reference}, révision {number}"
