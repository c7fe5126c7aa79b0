"""A school's timeline (/ecoles/<FASE>/historique/) and its « Dossier de l'école » in PDF."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Role
from conventions.models import ConventionEvent, ConventionSignatory, Party, State
from conventions.services.drafting import record_transition
from conventions.signatures.evidence import record_event
from core.school_years import school_year_label, school_year_of
from pilotage.models import ActionRecord, Evaluation, Note, Plan
from pilotage.services.accompaniment import move_to_step
from pilotage.services.engagements import tick_engagement, untick_engagement
from pilotage.services.notes import add_note
from tests.pilotage.factories import ActionRecordFactory
from tests.utils import text_of

TODAY = timezone.localdate()


def _url(school, **query):
    url = reverse("school_timeline", args=[school.fase])
    return url if not query else f"{url}?" + "&".join(f"{k}={v}" for k, v in query.items())


@pytest.fixture
def story(accompaniment_a, seminar_a, adviser_a, referent_a, staff_a):
    """One entry of each kind, on days far enough apart to have an order."""
    accompaniment = accompaniment_a
    convention = accompaniment.convention
    record_transition(
        convention, name="approve", from_state=State.IN_REVIEW, to_state=State.READY, by=staff_a, comment=""
    )
    signatory = ConventionSignatory.objects.create(
        convention=convention, party=Party.PO, function="Échevine de l'enseignement", full_name="Anne D'Hondt"
    )
    record_event(convention, kind=ConventionEvent.Kind.SIGNED, signatory=signatory)
    move_to_step(accompaniment=accompaniment, step=2, by=adviser_a, on=TODAY - timedelta(days=20))
    ActionRecordFactory(
        accompaniment=accompaniment,
        action_type=seminar_a,
        status=ActionRecord.Status.HELD,
        date=TODAY - timedelta(days=10),
        participant_count=12,
    )
    Evaluation.objects.create(
        plan=Plan.objects.get(accompaniment=accompaniment),
        kind=Evaluation.Kind.ANNUAL,
        school_year=school_year_of(TODAY),
        held_on=TODAY - timedelta(days=5),
        comment="Bilan de l'année à mi-parcours",
    )
    check = accompaniment.engagement_checks.select_related("engagement").get(engagement__code="support_team")
    tick_engagement(accompaniment=accompaniment, engagement=check.engagement, by=referent_a)
    diagnosis = accompaniment.engagement_checks.select_related("engagement").get(engagement__code="diagnosis")
    tick_engagement(accompaniment=accompaniment, engagement=diagnosis.engagement, by=referent_a)
    diagnosis.refresh_from_db()
    untick_engagement(check=diagnosis, by=referent_a, reason="Cochée par erreur")
    add_note(accompaniment=accompaniment, by=adviser_a, text="Direction très motivée", visibility="shared")
    add_note(accompaniment=accompaniment, by=adviser_a, text="Tensions dans l'équipe, à suivre")
    return accompaniment


def test_the_timeline_shows_an_entry_of_each_kind_newest_first(client, story, adviser_a):
    client.force_login(adviser_a)
    response = client.get(_url(story.school))
    assert response.status_code == 200
    text = text_of(response)
    in_order = [
        "Note privée (fédération)",  # today, written last
        "Engagement rempli : Veiller à ce que la direction constitue une équipe de soutien",
        "Auto-évaluation annuelle",
        "Action réalisée : Séminaire d'échanges PO – directions",
        "Passage à l'étape 2",
        "Début de l'accompagnement, étape 1",
    ]
    positions = [text.index(title) for title in in_order]
    assert positions == sorted(positions)
    assert f"Convention {story.convention.reference} : prête à signer" in text
    assert "signée par Anne D'Hondt, Échevine de l'enseignement" in text
    assert "12 participant(s)" in text
    assert (
        "Engagement décoché : Prendre connaissance du diagnostic" in text
        and "Motif : Cochée par erreur" in text
    )
    assert "Tensions dans l'équipe, à suivre" in text
    assert f"Année scolaire {school_year_label(school_year_of(TODAY))}" in text


def test_the_school_page_links_to_the_timeline_and_the_dossier(client, story, adviser_a):
    client.force_login(adviser_a)
    page = client.get(story.school.get_absolute_url()).content.decode()
    assert reverse("school_timeline", args=[story.school.fase]) in page
    assert reverse("school_dossier_pdf", args=[story.school.fase]) in page


def test_filters_by_kind_and_by_year(client, story, adviser_a):
    client.force_login(adviser_a)
    text = text_of(client.get(_url(story.school, type="action")))
    assert "Action réalisée" in text
    assert "Passage à l'étape 2" not in text and "Note partagée" not in text

    both = text_of(client.get(f"{_url(story.school)}?type=note&type=step"))
    assert "Note partagée" in both and "Passage à l'étape 2" in both and "Action réalisée" not in both

    last_year = school_year_of(TODAY) - 1
    ActionRecordFactory(
        accompaniment=story,
        action_type=ActionRecord.objects.first().action_type,
        status=ActionRecord.Status.CANCELLED,
        cancel_reason="Grève",
        date=TODAY - timedelta(days=400),
    )
    text = text_of(client.get(_url(story.school, annee=last_year)))
    assert "Action annulée" in text and "Motif : Grève" in text
    assert "Action réalisée" not in text


@pytest.mark.parametrize("query", ["type=rien", "annee=1850", "annee=deux-mille", "type=<script>"])
def test_bad_filters_are_refused_in_french(client, story, adviser_a, query):
    client.force_login(adviser_a)
    response = client.get(f"{_url(story.school)}?{query}")
    assert response.status_code == 400
    text = text_of(response)
    assert "n'est pas un type d'événement connu" in text or "n'est pas une année scolaire proposée" in text
    # The whole timeline stays in view.
    assert "Action réalisée" in text
    pdf = client.get(f"{reverse('school_dossier_pdf', args=[story.school.fase])}?{query}")
    assert pdf.status_code == 400 and pdf["Content-Type"].startswith("text/html")


def test_private_notes_stay_with_the_federation(client, story, side_a, side_b, adviser_a):
    client.force_login(adviser_a)
    assert "Tensions dans l'équipe" in text_of(client.get(_url(story.school)))
    for role in (Role.PO_REFERENT, Role.SIGNATORY, Role.SCHOOL_DIRECTION, Role.DCO):
        client.force_login(side_a.users[role])
        text = text_of(client.get(_url(story.school)))
        assert "Direction très motivée" in text, role
        assert "Tensions dans l'équipe" not in text and "Note privée" not in text, role
        pdf = _pdf_text(client.get(reverse("school_dossier_pdf", args=[story.school.fase])))
        assert "Direction très motivée" in pdf and "Tensions" not in pdf, role
    for user in side_b.users.values():
        client.force_login(user)
        assert client.get(_url(story.school)).status_code == 404
        assert client.get(reverse("school_dossier_pdf", args=[story.school.fase])).status_code == 404


def _pdf_text(response) -> str:
    assert response.status_code == 200
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages).split()
    )


def test_the_dossier_pdf_holds_the_school_and_its_timeline(client, story, adviser_a):
    client.force_login(adviser_a)
    response = client.get(reverse("school_dossier_pdf", args=[story.school.fase]) + "?type=action&type=note")
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert f'filename="dossier-ecole-{story.school.fase}.pdf"' in response["Content-Disposition"]
    text = _pdf_text(response)
    assert "Dossier de l'école" in text
    assert story.school.name in text and str(story.school.fase) in text
    assert story.school.organising_authority.name in text and story.federation.name in text
    assert "Étape 2" in text
    assert "Action réalisée : Séminaire d'échanges PO – directions" in text
    assert "Tensions dans l'équipe, à suivre" in text
    assert "Événements : actions, notes" in text
    assert "Passage à l'étape 2" not in text  # filtered out
    assert "&#x27;" not in text and "&amp;" not in text
    assert "page 1 / 1" in text  # the footer numbers the pages


def test_the_page_costs_the_same_queries_with_5_or_40_entries(
    client, accompaniment_a, seminar_a, adviser_a, queries_stay_flat
):
    def add(count):
        for day in range(count):
            ActionRecordFactory(
                accompaniment=accompaniment_a, action_type=seminar_a, date=TODAY - timedelta(days=day)
            )
            Note.objects.create(
                accompaniment=accompaniment_a,
                school=accompaniment_a.school,
                author=adviser_a,
                text=f"Note {day}",
            )

    add(2)
    client.force_login(adviser_a)
    # 5 entries (2 actions, 2 notes, the opening step) then 40 more.
    queries_stay_flat(_url(accompaniment_a.school), grow=lambda: add(20), at_most=25)
