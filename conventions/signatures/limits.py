"""Bounds on what a verification may cost: anyone may upload a PDF to /verifier/, and pyHanko's
work grows with the square of the number of revisions (1,000 incremental updates in 324 KB took
41 s of CPU). The structure is counted on the raw bytes first, which costs milliseconds, and the
verification itself runs against a deadline.
"""

import re
import signal
import threading
import time
import weakref
from contextlib import contextmanager

from django.conf import settings

# A convention has a certification, one signature per signatory and perhaps time stamps or
# validation data, each in its own revision: a few dozen at the very most.
MAX_REVISIONS = 50
MAX_SIGNATURES = 30
MAX_OBJECTS = 100_000

TOO_COMPLEX = (
    "Le document est trop complexe pour être vérifié ici : {reason}. Aucune convention signée "
    "dans Pilotis n'est aussi complexe ; au besoin, demandez-en l'original à la fédération."
)
TOO_LONG = "sa vérification dépasse le temps permis"

_END_OF_REVISION = re.compile(rb"%%EOF")
_XREF_SECTION = re.compile(rb"startxref")
_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
_DECLARED_SIZE = re.compile(rb"/Size\s+(\d{1,12})")
_SIGNATURE = re.compile(rb"/ByteRange\b")


class VerificationTooLong(BaseException):
    """Raised in the middle of pyHanko when the deadline passes.

    A BaseException, like KeyboardInterrupt, so that pyHanko's `except Exception` around the
    parsing of odd objects cannot swallow it and carry on."""


def structure_refusal(data: bytes) -> str | None:
    """Why this PDF is refused before any parsing (in French), or None if its size is sane.

    Counted on the raw bytes, so objects hidden in compressed object streams escape the object
    count; the /Size of each cross-reference section, which declares them, does not."""
    revisions = max(len(_END_OF_REVISION.findall(data)), len(_XREF_SECTION.findall(data)))
    if revisions > MAX_REVISIONS:
        return TOO_COMPLEX.format(reason=f"{revisions} révisions ({MAX_REVISIONS} au plus)")
    signatures = len(_SIGNATURE.findall(data))
    if signatures > MAX_SIGNATURES:
        return TOO_COMPLEX.format(reason=f"{signatures} signatures ({MAX_SIGNATURES} au plus)")
    declared = max((int(size) for size in _DECLARED_SIZE.findall(data)), default=0)
    objects = max(declared, len(_OBJECT.findall(data)))
    if objects > MAX_OBJECTS:
        return TOO_COMPLEX.format(reason=f"plus de {MAX_OBJECTS:,} objets".replace(",", "\u202f"))
    return None


def too_long_message() -> str:
    return TOO_COMPLEX.format(reason=TOO_LONG)


class Deadline:
    """The time left to a verification, checked between signatures wherever an alarm cannot be
    set (outside the main thread, e.g. under a threaded server)."""

    def __init__(self, seconds: float):
        self.ends = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.ends:
            raise VerificationTooLong


RETRY_SECONDS = 0.01


def _in_finalizer(frame) -> bool:
    while frame is not None:
        if frame.f_code.co_name == "__del__" or frame.f_code is weakref.finalize.__call__.__code__:
            return True
        frame = frame.f_back
    return False


@contextmanager
def time_box(seconds: float | None = None):
    """Run the block for at most `seconds` (VERIFY_TIMEOUT_SECONDS), then raise
    VerificationTooLong, even from inside pyHanko when this runs in the main thread (a gunicorn
    sync worker, a management command, the tests): a real alarm (SIGALRM) interrupts it there.
    Elsewhere the returned Deadline is checked between steps."""
    seconds = settings.VERIFY_TIMEOUT_SECONDS if seconds is None else seconds
    deadline = Deadline(seconds)
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield deadline
        return

    def interrupt(_signum, frame):
        # An exception raised inside a finalizer (garbage collection can run one at any
        # moment) is swallowed and reported as "ignored": then wait for the next tick.
        if _in_finalizer(frame):
            return
        signal.setitimer(signal.ITIMER_REAL, 0)
        raise VerificationTooLong

    started = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, interrupt)
    # A delay of 0 would disarm the timer rather than fire at once; it fires again every
    # RETRY_SECONDS until it could interrupt.
    previous_delay, _interval = signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001), RETRY_SECONDS)
    try:
        yield deadline
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay:  # someone else's alarm was pending: give it back what is left
            elapsed = time.monotonic() - started
            signal.setitimer(signal.ITIMER_REAL, max(previous_delay - elapsed, 0.001))
