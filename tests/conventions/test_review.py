"""The review as a conversation (issue 13, item 5): the PO and the federation comment on an
article and answer each other on the convention's page; open threads are listed at the top and
hold back the approval until each is resolved or dismissed with a reason."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import Role
from conventions.models import ReviewComment, State
from conventions.rendering import convention_html
from conventions.services import review, workflow
from tests.conventions.factories import convention_for
from tests.utils import text_of

pytestmark = pytest.mark.django_db

IN_REVIEW = ["send_to_po", "fill", "submit"]


def _page(client, convention):
    return BeautifulSoup(client.get(convention.get_absolute_url()).content, "html.parser")


def _article(convention, number):
    return convention.template.articles.get(number=number)


def _comment(client, convention, *, text, article=None, parent=None):
    data = {"text": text, "article": article.pk if article else "", "parent": parent.pk if parent else ""}
    return client.post(f"/conventions/{convention.reference}/commentaires/", data)


def _close(client, thread, *, outcome, note=""):
    return client.post(
        f"/conventions/{thread.convention.reference}/commentaires/{thread.pk}/cloture/",
        {"outcome": outcome, "note": note},
    )


def _approve_button(page):
    return next(
        b for b in page.select(".transition-form button") if b.get_text(strip=True).startswith("Approuver")
    )


def test_the_po_comments_the_federation_answers_and_approval_waits_until_resolved(
    client, side_a, django_capture_on_commit_callbacks
):
    convention = convention_for(side_a, state_path=IN_REVIEW)
    referent, staff = side_a.users[Role.PO_REFERENT], side_a.users[Role.FPO_STAFF]
    client.force_login(referent)
    with django_capture_on_commit_callbacks(execute=True):
        response = _comment(
            client,
            convention,
            text="L'adresse de l'école n'est pas la bonne.",
            article=_article(convention, "1"),
        )
    thread = ReviewComment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/conventions/{convention.reference}/#commentaire-{thread.pk}")
    assert thread.party == "po" and thread.author == referent and thread.is_open
    # The federation's staff hear of it, in plain text.
    assert [m.to for m in mail.outbox] == [[staff.email]]
    assert "article 1" in mail.outbox[0].subject
    assert "L'adresse de l'école n'est pas la bonne." in mail.outbox[0].body
    assert "&#x27;" not in mail.outbox[0].body

    client.force_login(staff)
    page = _page(client, convention)
    top = page.select_one(".review-open")
    assert top.h2.get_text(strip=True) == "1 commentaire non résolu"
    assert top.find("a")["href"] == f"#commentaire-{thread.pk}"
    assert "Article 1 – Objet" in top.get_text()
    under_article = page.select_one(f"#article-1 #commentaire-{thread.pk}")
    assert "L'adresse de l'école n'est pas la bonne." in under_article.get_text()
    assert "Non résolu" in under_article.get_text()
    button = _approve_button(page)
    assert button.has_attr("disabled")
    assert "un commentaire reste ouvert" in page.select_one(f"#{button['aria-describedby']}").get_text()

    with django_capture_on_commit_callbacks(execute=True):
        _comment(client, convention, text="C'est corrigé dans la fiche de l'école.", parent=thread)
    answer = ReviewComment.objects.get(parent=thread)
    assert answer.party == "fpo" and answer.article == thread.article
    assert mail.outbox[-1].to == [referent.email]
    assert "C'est corrigé" in text_of(client.get(convention.get_absolute_url()))

    # Refused from the page and from the service itself (the API and commands call it too).
    refused = text_of(client.post(f"/conventions/{convention.reference}/actions/approve/", follow=True))
    assert "Approbation impossible : 1 commentaire non résolu" in refused
    assert "article 1 : « L'adresse de l'école n'est pas la bonne. »" in refused
    with pytest.raises(ValidationError, match="Marquez-les résolus ou classez-les sans suite"):
        workflow.apply_transition(convention=convention, name="approve", by=staff)
    convention.refresh_from_db()
    assert convention.state == State.IN_REVIEW

    client.force_login(referent)
    assert _close(client, thread, outcome="resolved").status_code == 302
    thread.refresh_from_db()
    assert thread.outcome == "resolved" and thread.resolved_by == referent
    client.force_login(staff)
    page = _page(client, convention)
    assert page.select_one(".review-open") is None
    assert not _approve_button(page).has_attr("disabled")
    assert "Résolu" in page.select_one(f"#commentaire-{thread.pk}").get_text()
    client.post(f"/conventions/{convention.reference}/actions/approve/")
    convention.refresh_from_db()
    assert convention.state == State.READY
    # Afterwards the conversation is read-only: shown, without any form.
    page = _page(client, convention)
    assert page.select_one(f"#commentaire-{thread.pk}") is not None
    assert not page.select(".review-threads form")
    assert "se lisent mais ne s'écrivent plus" in text_of(
        _comment(client, convention, text="Encore un mot", article=_article(convention, "2"))
    )


def test_the_po_comments_while_correcting_and_the_list_at_the_top_links_each_article(client, side_a):
    convention = convention_for(side_a, state_path=[*IN_REVIEW, "request_changes"])
    client.force_login(side_a.users[Role.FPO_STAFF])
    for number, text in (("2", "La date de prise de cours ?"), ("1", "Préciser l'implantation.")):
        _comment(client, convention, text=text, article=_article(convention, number))
    client.force_login(side_a.users[Role.PO_REFERENT])
    page = _page(client, convention)
    top = page.select_one(".review-open")
    assert top.h2.get_text(strip=True) == "2 commentaires non résolus"
    # In the order of the articles, each link leading to its thread under its article.
    links = top.select("a")
    assert [a.get_text(strip=True) for a in links] == ["Article 1 – Objet", "Article 2 – Durée"]
    for link in links:
        assert page.select_one(link["href"]).find_parent("section")["id"] in ("article-1", "article-2")
    assert page.select_one("#article-2 details.review-new summary").get_text() == "Commenter cet article"


def test_dismissing_needs_a_reason_and_keeps_it_for_everybody(client, side_a):
    convention = convention_for(side_a, state_path=IN_REVIEW)
    client.force_login(side_a.users[Role.FPO_STAFF])
    _comment(
        client, convention, text="Ajouter la liste des implantations.", article=_article(convention, "1")
    )
    thread = ReviewComment.objects.get()
    client.force_login(side_a.users[Role.PO_REFERENT])
    response = _close(client, thread, outcome="dismissed", note="   ")
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert "Indiquez en quelques mots pourquoi vous classez ce commentaire sans suite." in page.get_text()
    # The dismissal's form stays open under the thread, where the error is said.
    assert page.select_one(f"#commentaire-{thread.pk} details.review-dismiss").has_attr("open")
    thread.refresh_from_db()
    assert thread.is_open
    _close(client, thread, outcome="dismissed", note="L'école n'a qu'une implantation.")
    thread.refresh_from_db()
    assert thread.outcome == "dismissed" and thread.resolution_note == "L'école n'a qu'une implantation."
    client.force_login(side_a.users[Role.FPO_STAFF])
    shown = _page(client, convention).select_one(f"#commentaire-{thread.pk}").get_text()
    assert "Classé sans suite" in shown and "« L'école n'a qu'une implantation. »" in shown
    # A closed thread is not closed twice nor answered.
    again = text_of(_close(client, thread, outcome="resolved"))
    assert "Ce fil est déjà clos" in again
    assert "Ce fil est clos" in text_of(_comment(client, convention, text="Et pourtant", parent=thread))
    assert ReviewComment.objects.count() == 1


def test_hostile_input_gets_a_french_message_and_keeps_the_text(client, side_a, side_b):
    convention = convention_for(side_a, state_path=IN_REVIEW)
    foreign = convention_for(side_b, state_path=IN_REVIEW)
    client.force_login(side_a.users[Role.PO_REFERENT])
    article = _article(convention, "1")
    cases = [
        ({"text": "   ", "article": article.pk}, "Écrivez votre commentaire : il ne peut pas être vide."),
        (
            {"text": "x" * 10_000, "article": article.pk},
            "ne peut dépasser 4000 caractères (il en compte 10000)",
        ),
        (
            {"text": "Sur l'article d'une autre convention", "article": _article(foreign, "1").pk},
            "Cet article ne fait pas partie de cette convention.",
        ),
        (
            {"text": "Un article inventé", "article": "abc"},
            "Cet article ne fait pas partie de cette convention.",
        ),
        ({"text": "Sans article", "article": ""}, "Cet article ne fait pas partie de cette convention."),
        ({"text": "<script>alert(1)</script>", "article": article.pk}, "balises HTML"),
    ]
    for data, message in cases:
        response = client.post(f"/conventions/{convention.reference}/commentaires/", data)
        assert response.status_code == 200, data
        assert message in text_of(response), data
    # The long text comes back in its box, not lost.
    response = client.post(
        f"/conventions/{convention.reference}/commentaires/", {"text": "y" * 10_000, "article": article.pk}
    )
    box = BeautifulSoup(response.content, "html.parser").select_one(f"#comment-article-{article.pk}")
    assert box.get_text() == "y" * 10_000
    # A thread of another convention, answered or closed through this one.
    client.force_login(side_b.users[Role.PO_REFERENT])
    _comment(client, foreign, text="Chez B", article=_article(foreign, "1"))
    theirs = ReviewComment.objects.get()
    client.force_login(side_a.users[Role.PO_REFERENT])
    response = client.post(
        f"/conventions/{convention.reference}/commentaires/", {"text": "Intrus", "parent": theirs.pk}
    )
    assert "Ce fil de commentaires n'existe pas sur cette convention." in text_of(response)
    response = client.post(
        f"/conventions/{convention.reference}/commentaires/{theirs.pk}/cloture/", {"outcome": "resolved"}
    )
    assert "Ce fil de commentaires n'existe pas sur cette convention." in text_of(response)
    response = _close(client, theirs, outcome="resolved")
    assert response.status_code == 404
    assert ReviewComment.objects.count() == 1 and ReviewComment.objects.get().is_open


def test_another_po_and_those_outside_the_review_neither_see_nor_post(client, side_a, side_b):
    convention = convention_for(side_a, state_path=IN_REVIEW)
    client.force_login(side_a.users[Role.FPO_STAFF])
    _comment(client, convention, text="Remarque interne à la relecture", article=_article(convention, "1"))
    thread = ReviewComment.objects.get()
    other_po = side_b.users[Role.PO_REFERENT]
    assert not ReviewComment.objects.visible_to(other_po).exists()
    client.force_login(other_po)
    assert client.get(convention.get_absolute_url()).status_code == 404
    assert (
        _comment(client, convention, text="Moi aussi", article=_article(convention, "1")).status_code == 404
    )
    assert _close(client, thread, outcome="resolved").status_code == 404
    # The federation's adviser and the school's direction read the convention, not the review.
    for role in (Role.FPO_ADVISER, Role.SCHOOL_DIRECTION):
        client.force_login(side_a.users[role])
        page = client.get(convention.get_absolute_url())
        assert page.status_code == 200 and "Remarque interne" not in text_of(page)
        assert _comment(client, convention, text="Avis", article=_article(convention, "1")).status_code == 403
        assert _close(client, thread, outcome="resolved").status_code == 403
    thread.refresh_from_db()
    assert thread.is_open and ReviewComment.objects.count() == 1


def test_a_draft_is_not_commented_and_the_pdf_never_shows_the_threads(client, side_a):
    draft = convention_for(side_a, state_path=["send_to_po"])
    client.force_login(side_a.users[Role.PO_REFERENT])
    assert not _page(client, draft).select(".review-threads")
    assert "se lisent mais ne s'écrivent plus" in text_of(
        _comment(client, draft, text="Trop tôt", article=_article(draft, "1"))
    )
    convention = convention_for(side_a, school=side_a.other_school, state_path=IN_REVIEW)
    review.post_comment(
        convention=convention,
        by=side_a.users[Role.PO_REFERENT],
        text="Visible sur la page seulement",
        article_id=_article(convention, "1").pk,
    )
    assert "Visible sur la page seulement" not in convention_html(convention, draft=True)
    assert "Visible sur la page seulement" in text_of(client.get(convention.get_absolute_url()))


def test_the_page_makes_as_many_queries_with_many_threads_as_with_one(client, side_a, queries_stay_flat):
    convention = convention_for(side_a, state_path=IN_REVIEW)
    referent, staff = side_a.users[Role.PO_REFERENT], side_a.users[Role.FPO_STAFF]
    first = review.post_comment(
        convention=convention, by=referent, text="Premier", article_id=_article(convention, "1").pk
    )
    client.force_login(staff)

    def grow():
        for number in ("1", "2", "2"):
            thread = review.post_comment(
                convention=convention, by=referent, text="Encore", article_id=_article(convention, number).pk
            )
            review.post_comment(convention=convention, by=staff, text="Réponse", parent_id=thread.pk)
        review.close_thread(
            convention=convention, by=staff, comment_id=first.pk, outcome="dismissed", note="Non"
        )

    response = queries_stay_flat(convention.get_absolute_url(), grow=grow, at_most=60)
    assert "3 commentaires non résolus" in text_of(response)
