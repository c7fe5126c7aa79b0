"""Property-based, on the conventions' forms and on the forms that take object ids: random text,
unicode, huge and empty values, and another federation's ids, posted by the role that fills each
form. Never a 500; where refused, the page says why in French; nothing is saved half-way."""

import dataclasses
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Role
from conventions.loading import FIXTURES, load_template
from conventions.models import ConventionTemplate
from tests.accounts.factories import GuidanceCentreFactory, SchoolFactory
from tests.conventions.factories import TemplateFactory, convention_for
from tests.conventions.signatures.helpers import (  # noqa: F401 - fixture
    links,
    login_recently,
    mails_at_once,
    send_for_signature,
)
from tests.conventions.test_workflow import SIGNED, _drive
from tests.pilotage.factories import accompany

from .posting import EXAMPLES, VALUES, check_post, values_or

pytestmark = pytest.mark.django_db


def with_new_school(side):
    """`side` with a school of its own, so that each example gets its own convention (one in
    force per school, federation and kind)."""
    school = SchoolFactory(organising_authority=side.organising_authority, federation=side.federation)
    return dataclasses.replace(side, school=school)


FILES = st.one_of(
    st.binary(max_size=2000),
    st.sampled_from([b"", b"%PDF-1.7\n%%EOF", b"PK\x03\x04" + b"\x00" * 40, "po;ecoles\né;9999\n".encode()]),
)


def test_convention_creation_with_random_and_foreign_ids(client, side_a, side_b):
    client.force_login(side_a.users[Role.FPO_STAFF])
    template = TemplateFactory(federation=side_a.federation)
    foreign = TemplateFactory(federation=side_b.federation)

    @EXAMPLES
    @given(
        values_or(template.pk, foreign.pk),
        values_or(side_a.organising_authority.pk, side_b.organising_authority.pk),
        VALUES,
        st.lists(values_or(side_a.school.pk, side_b.school.pk), max_size=3),
        st.booleans(),
    )
    def post(template_id, po_id, start, schools, confirm):
        data = {"template": template_id, "organising_authority": po_id, "start_date": start}
        data |= {"schools": schools} | ({"confirm": "1"} if confirm else {})
        check_post(client, "/conventions/nouvelle/", data)

    post()


def test_convention_import_with_random_files(client, side_a):
    client.force_login(side_a.users[Role.FPO_STAFF])
    template = TemplateFactory(federation=side_a.federation)

    @EXAMPLES
    @given(FILES, st.sampled_from(["conventions.csv", "conventions.xlsx", "conventions.pdf", ""]))
    def post(content, name):
        upload = SimpleUploadedFile(name or "sans-nom", content)
        check_post(client, "/conventions/import/", {"template": template.pk, "file": upload})

    post()


def test_schools_step_with_foreign_and_random_ids(client, side_a, side_b):
    template = TemplateFactory(federation=side_a.federation, kind=ConventionTemplate.Kind.PO)
    convention = convention_for(side_a, template=template, state_path=["send_to_po"])
    client.force_login(side_a.users[Role.PO_REFERENT])
    url = f"/conventions/{convention.reference}/modifier/ecoles/"

    @EXAMPLES
    @given(st.lists(values_or(side_a.school.pk, side_a.other_school.pk, side_b.school.pk), max_size=4))
    def post(schools):
        convention.refresh_from_db()
        check_post(client, url, {"lock_version": convention.lock_version, "schools": schools})
        assert not convention.schools.filter(federation=side_b.federation).exists()

    post()


@pytest.mark.parametrize("name", ["request_changes", "approve", "cancel", "not_a_transition"])
def test_review_transitions_with_random_comments(client, side_a, name):
    client.force_login(side_a.users[Role.FPO_STAFF])

    @EXAMPLES
    @given(VALUES)
    def post(comment):
        convention = convention_for(with_new_school(side_a), state_path=["send_to_po", "fill", "submit"])
        check_post(client, f"/conventions/{convention.reference}/actions/{name}/", {"comment": comment})

    post()


def test_written_answer_to_a_notice_with_random_text(client, side_a):
    client.force_login(side_a.users[Role.PO_REFERENT])

    @EXAMPLES
    @given(VALUES)
    def post(answer):
        convention = _drive(with_new_school(side_a), [*SIGNED, "give_notice"])
        check_post(client, f"/conventions/{convention.reference}/reponse/", {"answer": answer})

    post()


def test_amendment_with_random_grounds(client, side_a):
    client.force_login(side_a.users[Role.FPO_STAFF])
    convention = _drive(side_a, SIGNED)

    @EXAMPLES
    @given(VALUES)
    def post(ground):
        check_post(client, f"/conventions/{convention.reference}/avenant/", {"ground": ground})

    post()


def test_cooperation_agreement_with_random_and_foreign_centres(client, side_a):
    load_template(FIXTURES / "templates" / "cooperation-centre-ecole.json")
    centre = GuidanceCentreFactory()
    client.force_login(side_a.users[Role.PO_REFERENT])

    @EXAMPLES
    @given(values_or(centre.pk, 0, 10**12), VALUES)
    def post(centre_id, start):
        check_post(
            client,
            f"/ecoles/{side_a.school.fase}/collaboration-centre/",
            {"centre": centre_id, "start_date": start},
        )

    post()


def test_signing_decline_and_upload_with_random_values(client, side_a):
    convention = send_for_signature(side_a)
    token = links()[side_a.users[Role.SIGNATORY].email]
    login_recently(client, side_a.users[Role.SIGNATORY])

    @EXAMPLES
    @given(VALUES, VALUES, FILES, VALUES)
    def post(read, sha, content, reason):
        check_post(client, f"/signer/{token}/", {"read": read, "document_sha256": sha}, refusals=(400, 409))
        upload = SimpleUploadedFile("convention-signee.pdf", content, content_type="application/pdf")
        check_post(client, f"/signer/{token}/depot/", {"document": upload}, refusals=(400, 409))
        convention.refresh_from_db()
        if convention.state == "signing":
            check_post(client, f"/signer/{token}/refus/", {"reason": reason}, refusals=(400, 409))

    post()


def test_start_and_advisers_with_foreign_ids(client, side_a, side_b):
    foreign = _drive(side_b, SIGNED)
    client.force_login(side_a.users[Role.FPO_STAFF])

    @EXAMPLES
    @given(st.data())
    def start(data):
        side = with_new_school(side_a)
        convention = _drive(side, SIGNED)
        chosen = data.draw(values_or(convention.pk, foreign.pk))
        check_post(client, f"/ecoles/{side.school.fase}/pilotage/demarrer/", {"convention": chosen})
        assert not side.school.accompaniments.exclude(convention=convention).exists()

    start()
    accompaniment = accompany(side_a)
    advisers = (side_a.users[Role.FPO_ADVISER].pk, side_b.users[Role.FPO_ADVISER].pk)

    @EXAMPLES
    @given(st.lists(values_or(*advisers), max_size=3))
    def assign(chosen):
        check_post(client, f"/pilotage/accompagnements/{accompaniment.pk}/conseillers/", {"advisers": chosen})
        assert not accompaniment.advisers.filter(pk=advisers[1]).exists()

    assign()


def test_an_accepted_random_comment_is_kept_as_typed(client, side_a):
    """The other side of "nothing half-way": what a form accepts is saved whole."""
    convention = convention_for(side_a, state_path=["send_to_po", "fill", "submit"])
    client.force_login(side_a.users[Role.FPO_STAFF])
    comment = "Merci de préciser l'article 3 \u202e — « =1+1 » " + "é" * 300
    client.post(f"/conventions/{convention.reference}/actions/request_changes/", {"comment": comment})
    convention.refresh_from_db()
    assert convention.state == "changes_requested"
    assert convention.transitions.latest("pk").comment == comment
    assert convention.start_date == date(2025, 9, 1)
