"""Two gunicorn nodes with the production settings on two loopback ports, sharing one
PostgreSQL database and one task worker, as behind a load balancer: a session opened on one
node is valid on the other, two saves of the same convention form at the same instant on both
give one save and one French refusal, the same signatory signing on both at once signs once,
and a task queued from one node runs once."""

import threading
from datetime import date

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import Invitation, Role
from conventions.models import Convention, Signature
from conventions.services.collecting import ALREADY_SIGNED, LINK_USED
from conventions.services.drafting import STALE_MESSAGE
from tests.accounts.factories import PASSWORD
from tests.conventions.factories import convention_for
from tests.conventions.signatures.helpers import links, send_for_signature
from tests.ops.nodes import PG_ONLY, Browser, production_password, wait_for
from tests.utils import text_of

pytestmark = [pytest.mark.django_db(transaction=True), PG_ONLY]


def at_once(*calls):
    """Runs the calls in threads released together; their results in the same order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(n, call):
        barrier.wait()
        results[n] = call()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def signed_in(cluster, user) -> Browser:
    production_password(user)
    browser = Browser()
    browser.log_in(cluster.nodes[0], user)
    return browser


def test_a_session_opened_on_one_node_is_valid_on_the_other(cluster, side_a):
    one, two = cluster.nodes
    referent = side_a.users[Role.PO_REFERENT]
    browser = signed_in(cluster, referent)

    home = browser.get(two, "/")
    assert home.status_code == 200, home.text[:2000]
    assert referent.get_full_name() in text_of(home)

    # Signing out on the second node ends the session on the first as well.
    browser.post(two, "/comptes/logout/", browser.form(two, "/comptes/logout/"))
    assert browser.get(one, "/").status_code == 302


def test_the_same_form_saved_on_both_nodes_at_once_saves_once_and_refuses_once(cluster, side_a):
    convention = convention_for(side_a, state_path=["send_to_po"])
    browser = signed_in(cluster, side_a.users[Role.PO_REFERENT])
    path = f"/conventions/{convention.reference}/modifier/dates/"
    # Both submissions carry the version the form was opened on.
    opened = browser.form(cluster.nodes[0], path)
    assert int(opened["lock_version"]) == convention.lock_version
    starts = {cluster.nodes[0].name: "01/09/2026", cluster.nodes[1].name: "01/10/2026"}

    answers = at_once(
        *[
            lambda node=node: browser.post(node, path, opened | {"start_date": starts[node.name]})
            for node in cluster.nodes
        ]
    )

    assert sorted(answer.status_code for answer in answers) == [302, 409], [a.text[:2000] for a in answers]
    saved, refused = sorted(answers, key=lambda answer: answer.status_code)
    assert STALE_MESSAGE in text_of(refused)
    winner = cluster.nodes[answers.index(saved)]
    convention.refresh_from_db()
    assert convention.lock_version == int(opened["lock_version"]) + 1
    assert convention.start_date == date.fromisoformat("-".join(reversed(starts[winner.name].split("/"))))
    assert convention.history.filter(start_date__isnull=False).count() == 1


def test_the_same_signatory_signing_on_both_nodes_at_once_signs_once(cluster, side_a):
    convention = send_for_signature(side_a)
    signatory_user = side_a.users[Role.SIGNATORY]
    token = links()[signatory_user.email]
    browser = signed_in(cluster, signatory_user)
    one = cluster.nodes[0]
    # Signing asks for the password again (allauth's re-authentication), here on the first node.
    reauthenticated = browser.post(
        one,
        "/comptes/reauthenticate/",
        browser.form(one, "/comptes/reauthenticate/") | {"password": PASSWORD},
    )
    assert reauthenticated.status_code == 302, reauthenticated.text[:2000]
    path = f"/signer/{token}/"
    shown = browser.form(one, path)

    answers = at_once(
        *[lambda node=node: browser.post(node, path, shown | {"read": "on"}) for node in cluster.nodes]
    )

    signed, refused = sorted(answers, key=lambda answer: answer.status_code)
    assert signed.status_code == 302, signed.text[:2000]
    # Waiting on the other's lock, it finds the signature made; arriving after it, the link spent.
    assert (
        refused.status_code,
        text_of(refused).count(ALREADY_SIGNED) or text_of(refused).count(LINK_USED),
    ) in (
        (409, 1),
        (410, 1),
    ), refused.text[:2000]
    signatory = convention.signatories.get(step=1)
    assert Signature.objects.filter(signatory=signatory).count() == 1
    assert Convention.objects.get(pk=convention.pk).state == convention.state


def test_a_task_queued_from_one_node_runs_once(cluster, fresh_mails, side_a):
    browser = signed_in(cluster, side_a.users[Role.PO_REFERENT])
    two = cluster.nodes[1]
    fields = browser.form(two, "/invitations/nouvelle/")
    [po] = [
        option["value"]
        for option in browser.page(two, "/invitations/nouvelle/").select("select[name=organisation] option")
        if option.get_text().startswith(side_a.organising_authority.name)
    ]

    sent = browser.post(
        two,
        "/invitations/nouvelle/",
        fields
        | {
            "organisation": po,
            "role": Role.SIGNATORY,
            "email": "echevine@ville-a.example",
            "function": "Échevine",
        },
    )

    assert sent.status_code == 302, sent.text[:2000]
    invitation = Invitation.objects.get(email="echevine@ville-a.example")
    task = DBTaskResult.objects.get(args_kwargs__kwargs__invitation_id=invitation.pk)
    assert task.status == TaskResultStatus.READY, "rien ne l'exécute avant le worker"
    cluster.worker()
    wait_for(
        lambda: DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.SUCCESSFUL,
        "le worker exécute la tâche",
        cluster.processes,
    )
    mails = cluster.sent_mails()
    assert len(mails) == 1 and "echevine@ville-a.example" in mails[0]
    assert DBTaskResult.objects.count() == 1
