"""The convention PDF pipeline against bare WeasyPrint on the same HTML, in the same run.

The pipeline is everything a download does for a convention whose text is not frozen yet:
queries, placeholders, Markdown, the document template, then WeasyPrint with the restricted
fetcher and the print stylesheet. Bare WeasyPrint renders the HTML the pipeline produced,
with the same stylesheet and options; the ratio is the pipeline's own cost."""

import statistics
import time
from pathlib import Path

import weasyprint
from django.contrib.staticfiles import finders

from conventions import rendering
from conventions.models import Convention
from conventions.signatures import rounds
from conventions.signatures.crypto import sign_field
from conventions.signatures.verification import verify_pdf_bytes
from pilotage.demo import load_full_demo

REPEAT = 7


def _interleaved_medians(first, second) -> tuple[float, float]:
    """Medians of both, measured in turns so that a change in the machine's load hits both."""
    first(), second()  # warm-up: fonts and stylesheet parsed once per process, as on a server
    timings = ([], [])
    for _ in range(REPEAT):
        for function, bucket in ((first, timings[0]), (second, timings[1])):
            start = time.perf_counter()
            function()
            bucket.append(time.perf_counter() - start)
    return statistics.median(timings[0]), statistics.median(timings[1])


def use_a_signing_key() -> None:
    """The demo signs its conventions: a sealing key in a temporary directory, for the run."""
    import tempfile
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    if settings.SIGNING_P12_PATH:
        return
    directory = Path(tempfile.mkdtemp(prefix="pilotis-bench-"))
    passphrase = settings.SIGNING_P12_PASSPHRASE or "pilotis-bench"
    call_command(
        "create_signing_certificate",
        output=str(directory / "k.p12"),
        passphrase=passphrase,
        stdout=StringIO(),
    )
    override_settings(
        SIGNING_P12_PATH=str(directory / "k.p12"),
        SIGNING_P12_PASSPHRASE=passphrase,
        SIGNING_TRUST_ROOTS=[str(directory / "pilotis-ca.pem")],
        SIGNING_TSA_URL="",
    ).enable()


def bench_signature(convention, render_s: float) -> None:
    """One signature (EC P-256 key) into a prepared convention, one validation of the result,
    and the signature against the PDF render of the same convention."""
    prepared = bytes(rounds.current_round(convention).content)
    first = convention.signatories.order_by("step", "position").first()

    def sign():
        return sign_field(
            prepared, field_name=first.field_name, signer_name="Mesure", function="Mesure", reason="Mesure"
        )

    signed = sign()
    timings = {"sign": [], "verify": []}
    for _ in range(REPEAT):
        start = time.perf_counter()
        sign()
        timings["sign"].append(time.perf_counter() - start)
        start = time.perf_counter()
        verify_pdf_bytes(signed)
        timings["verify"].append(time.perf_counter() - start)
    sign_s, verify_s = statistics.median(timings["sign"]), statistics.median(timings["verify"])
    print(f"\nSignatures de la convention {convention.reference}, médiane de {REPEAT} :")
    print(f"  une signature (clé EC P-256)    {sign_s * 1000:>8.0f} ms")
    print(f"  une validation                  {verify_s * 1000:>8.0f} ms")
    print(f"  rapport signature / rendu PDF   {sign_s / render_s:>8.2f}×")


def bench_convention_pdf() -> None:
    use_a_signing_key()
    load_full_demo()
    convention = Convention.objects.get(
        organising_authority__name="Ville de Bruxelles", template__code="cpeons-po"
    )
    html = rendering.convention_html(convention, draft=True)
    stylesheet = weasyprint.CSS(
        string=Path(finders.find(rendering.PRINT_STYLESHEET)).read_text(encoding="utf-8")
    )

    def bare():
        weasyprint.HTML(string=html).write_pdf(stylesheets=[stylesheet], pdf_variant="pdf/a-3b")

    def pipeline():
        fresh = Convention.objects.get(pk=convention.pk)
        rendering.render_convention_pdf_draft(fresh)

    bare_s, pipeline_s = _interleaved_medians(bare, pipeline)
    print(f"\nPDF de la convention {convention.reference} (avec son annexe), médiane de {REPEAT} :")
    print(f"  WeasyPrint seul, même HTML      {bare_s * 1000:>8.0f} ms")
    print(f"  chaîne complète de Pilotis      {pipeline_s * 1000:>8.0f} ms")
    print(f"  rapport chaîne / WeasyPrint     {pipeline_s / bare_s:>8.2f}×  (objectif ≤ 1,2×)")
    bench_signature(convention, pipeline_s)
