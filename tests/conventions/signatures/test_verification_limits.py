"""The public verifier cannot be used to burn CPU: a PDF of a thousand incremental updates, too
many signatures or objects is refused at once, and a verification that runs too long stops."""

import re
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

import pytest
from django.core.cache import cache
from django.urls import reverse

from conventions.signatures import limits
from conventions.signatures.verification import UploadRefused, check_signatory_upload, verify_pdf_bytes
from tests.conventions.signatures import test_verification
from tests.utils import text_of

pytestmark = pytest.mark.django_db

TOO_COMPLEX = "Le document est trop complexe pour être vérifié ici"


# The platform's keys and a convention signed by its two signatories, made as the verification
# tests make them (and each at most once a module).
keys = test_verification.keys
signing_settings = test_verification.signing_settings
prepared = test_verification.prepared
signed_by_po = test_verification.signed_by_po
fully_signed = test_verification.fully_signed


def with_incremental_updates(pdf: bytes, count: int) -> bytes:
    """`pdf` followed by `count` incremental updates, each adding one object and its own
    cross-reference section, trailer and %%EOF, chained by /Prev: a valid PDF."""
    out = bytearray(pdf)
    size = int(re.findall(rb"/Size (\d+)", pdf)[-1])
    root = re.findall(rb"/Root (\d+ \d+ R)", pdf)[-1]
    previous = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    for number in range(size, size + count):
        offset = len(out)
        out += b"%d 0 obj\n<< /Pilotis %d >>\nendobj\n" % (number, number)
        xref = len(out)
        out += (
            b"xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
            % (
                number,
                offset,
                number + 1,
                root,
                previous,
                xref,
            )
        )
        previous = xref
    return bytes(out)


def upload(client, data: bytes):
    cache.clear()  # the page's rate limit counts in the cache
    document = BytesIO(data)
    document.name = "convention.pdf"
    return client.post(reverse("verify_document"), {"document": document})


def test_a_thousand_incremental_updates_are_refused_in_under_two_seconds(client, fully_signed):
    bomb = with_incremental_updates(fully_signed, 1000)
    assert bomb.count(b"%%EOF") == 1000 + fully_signed.count(b"%%EOF")

    # The process's first request imports the views and compiles the templates: not what is timed.
    assert client.get(reverse("verify_document")).status_code == 200
    started = time.monotonic()
    response = upload(client, bomb)
    elapsed = time.monotonic() - started

    assert elapsed < 2
    assert response.status_code == 200
    page = text_of(response)
    assert TOO_COMPLEX in page
    assert f"({limits.MAX_REVISIONS} au plus)" in page
    assert "Document intact" not in page


def test_a_normal_signed_convention_still_verifies(client, fully_signed):
    page = text_of(upload(client, fully_signed))
    assert "Document intact" in page
    assert TOO_COMPLEX not in page
    # A few legitimate updates after signing stay within the limits and are judged on the merits.
    page = text_of(upload(client, with_incremental_updates(fully_signed, 5)))
    assert TOO_COMPLEX not in page
    assert "Ce document a été modifié après signature" in page


def test_too_many_signatures_or_objects_are_refused_before_parsing():
    head = b"%PDF-1.7\n"
    signatures = head + b"<< /Type /Sig /ByteRange [0 1 2 3] >>\n" * (limits.MAX_SIGNATURES + 1)
    assert "31 signatures (30 au plus)" in verify_pdf_bytes(signatures).error
    declared = head + b"trailer\n<< /Size 5000000 >>\n"
    assert "objets" in verify_pdf_bytes(declared).error


def test_a_verification_past_its_deadline_answers_in_french(fully_signed, settings):
    settings.VERIFY_TIMEOUT_SECONDS = 0.001
    report = verify_pdf_bytes(fully_signed)
    assert not report.ok
    assert report.error == limits.too_long_message()
    assert "dépasse le temps permis" in report.error
    # Nothing is left armed afterwards: a later verification with time to spare completes.
    settings.VERIFY_TIMEOUT_SECONDS = 30
    time.sleep(0.01)
    assert verify_pdf_bytes(fully_signed).ok


def test_the_deadline_is_also_checked_outside_the_main_thread(fully_signed, settings):
    """Under a threaded server no alarm can be set: the deadline is checked between steps."""
    settings.VERIFY_TIMEOUT_SECONDS = 0
    with ThreadPoolExecutor(max_workers=1) as pool:
        report = pool.submit(verify_pdf_bytes, fully_signed).result()
    assert report.error == limits.too_long_message()


def test_a_signatory_upload_of_a_thousand_updates_is_refused(fully_signed):
    with pytest.raises(UploadRefused, match=TOO_COMPLEX):
        check_signatory_upload(
            current=fully_signed, uploaded=with_incremental_updates(fully_signed, 1000), field_name="x"
        )


def test_an_alarm_that_falls_inside_a_finalizer_interrupts_the_verification_just_after():
    """Garbage collection may run a finalizer at the moment the time box ends; an exception
    raised there would be swallowed and the verification would go on unbounded."""

    class Resource:
        pass

    give_up = time.monotonic() + 5
    with pytest.raises(limits.VerificationTooLong), limits.time_box(0.01):
        resource = Resource()
        weakref.finalize(resource, time.sleep, 0.05)  # the alarm fires during this sleep
        del resource
        while time.monotonic() < give_up:
            time.sleep(0.001)
    assert time.monotonic() < give_up
