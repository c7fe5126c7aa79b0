"""Two signing requests for the same signatory at the same moment (two tabs, two app nodes):
exactly one signature and one "signed" event; the other gets a clear French message.

On PostgreSQL the convention's row lock orders them; on SQLite each write transaction takes the
database's write lock when it begins and the other waits (settings: IMMEDIATE, busy timeout)."""

import threading

import pytest
from django.db import connection

from accounts.models import Role
from conventions.models import ConventionEvent, Signature
from conventions.services import collecting
from conventions.signatures import evidence, rounds
from tests.conventions.signatures.helpers import meta, open_request, send_for_signature

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_signatures_for_the_same_signatory_give_one(side_a):
    convention = send_for_signature(side_a)
    request = open_request(convention, 1)
    shown = rounds.latest_document(convention).sha256
    po = side_a.users[Role.SIGNATORY]
    barrier = threading.Barrier(2)
    results = []

    def sign():
        try:
            barrier.wait(timeout=10)
            collecting.sign(request=request, by=po, meta=meta(), shown_sha256=shown)
            results.append("signé")
        except collecting.SigningRefused as refusal:
            results.append(str(refusal))
        finally:
            connection.close()

    threads = [threading.Thread(target=sign) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results) == sorted(["signé", collecting.ALREADY_SIGNED]), results
    assert Signature.objects.filter(convention=convention).count() == 1
    assert (
        ConventionEvent.objects.filter(convention=convention, kind=ConventionEvent.Kind.SIGNED).count() == 1
    )
    assert evidence.check_chain(convention) == []
