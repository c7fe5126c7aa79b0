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

from config.demo import load_full_demo
from conventions import pdf
from conventions.models import Convention

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


def bench_convention_pdf() -> None:
    load_full_demo()
    convention = Convention.objects.get(organising_authority__name="Ville de Bruxelles", template__code="cpeons-po")
    html = pdf.convention_html(convention, draft=True)
    stylesheet = weasyprint.CSS(string=Path(finders.find(pdf.PRINT_STYLESHEET)).read_text(encoding="utf-8"))

    def bare():
        weasyprint.HTML(string=html).write_pdf(stylesheets=[stylesheet], pdf_variant="pdf/a-3b")

    def pipeline():
        fresh = Convention.objects.get(pk=convention.pk)
        pdf.render_convention_pdf_draft(fresh)

    bare_s, pipeline_s = _interleaved_medians(bare, pipeline)
    print(f"\nPDF de la convention {convention.reference} (avec son annexe), médiane de {REPEAT} :")
    print(f"  WeasyPrint seul, même HTML      {bare_s * 1000:>8.0f} ms")
    print(f"  chaîne complète de Pilotis      {pipeline_s * 1000:>8.0f} ms")
    print(f"  rapport chaîne / WeasyPrint     {pipeline_s / bare_s:>8.2f}×  (objectif ≤ 1,2×)")
