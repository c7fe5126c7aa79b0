"""The access matrix: every URL pattern of the URLconf × anonymous, each role of organisation A,
the same role of organisation B, and an administrator.

A URL added to the URLconf without an entry here fails `test_every_url_is_in_the_matrix`,
so that nobody ships a page whose access nobody has thought about."""

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from conventions.models import ConventionDocument, Framework, FrameworkVersion
from conventions.services import bulk
from conventions.services.documents import store_document
from tests.access_expectations import (
    ADMIN,
    ANONYMOUS,
    ANY_ACCOUNT_PAGE,
    LOGIN,
    LOGIN_REQUIRED,
    ROLES,
    Expect,
)
from tests.access_matrix_rows import MATRIX, OFFICE_EXPORTS, api_sample_kwargs
from tests.access_samples import import_job, report_job
from tests.accounts.factories import InvitationFactory
from tests.conventions.factories import convention_for
from tests.pilotage.factories import pilotage_sample_kwargs, pilotage_world

pytestmark = pytest.mark.django_db


# The admin is for administrators only: everybody else is sent to the login.
ADMIN_ONLY = Expect(anonymous=LOGIN_REQUIRED, own=LOGIN_REQUIRED, other=LOGIN_REQUIRED, admin=200)


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield ":".join(filter(None, [namespace, pattern.name or ""])), prefix + str(pattern.pattern)


def url_names():
    return sorted({name for name, _ in _walk(get_resolver().url_patterns)})


def test_every_url_is_in_the_matrix():
    missing = [
        (name or "(sans nom)")
        for name, route in _walk(get_resolver().url_patterns)
        if not route.startswith("admin/") and name not in MATRIX
    ]
    assert not missing, f"URL sans ligne dans la matrice d'accès : {missing}"


@pytest.fixture
def world(side_a, side_b, admin_user):
    invitation = InvitationFactory(
        organising_authority=side_a.organising_authority, invited_by=side_a.users[Role.PO_REFERENT]
    )
    token = invitation.issue_token()
    invitation.save()
    convention = convention_for(side_a)
    store_document(convention, kind=ConventionDocument.Kind.FROZEN, content=b"%PDF-1.7 test")
    batch = bulk.new_job(template=convention.template, rows=[], by=side_a.users[Role.FPO_STAFF])
    framework = FrameworkVersion.objects.create(
        framework=Framework.objects.create(code="cadre", title="Cadre"), number=1
    )
    return {
        "A": side_a,
        "B": side_b,
        "admin": admin_user,
        "token": token,
        "convention": convention,
        "batch": batch,
        "framework": framework,
        "pilotage": pilotage_world(side_a),
    }


def _sample_url(name, world):
    side_a = world["A"]
    kwargs = {
        "school_detail": {"fase": side_a.school.fase},
        "school_timeline": {"fase": side_a.school.fase},
        "school_dossier_pdf": {"fase": side_a.school.fase},
        "cooperation_create": {"fase": side_a.school.fase},
        "invitation_accept": {"token": world["token"]},
        "account_confirm_email": {"key": "cle-inconnue"},
        "account_reset_password_from_key": {"uidb36": "zz", "key": "cle-inconnue"},
        "bulk_creation": {"pk": world["batch"].pk},
        "bulk_relaunch": {"pk": world["batch"].pk},
        "pilotage_indicator_import_job": {"pk": import_job(world)},
        "framework_detail": {"code": "cadre", "number": 1},
        "template_detail": {"code": world["convention"].template.code, "version": 1},
        **{
            name: {"reference": world["convention"].reference}
            for name in (
                "convention_detail",
                "convention_pdf",
                "convention_edit_start",
                "convention_answer",
                "convention_amend",
                "convention_evidence",
                "my_signature_page",
                "my_signature_document",
                "my_signature_done",
                "my_signature_upload",
                "my_signature_decline",
            )
        },
        "convention_document": {"reference": world["convention"].reference, "revision": 0},
        "convention_resend_link": {"reference": world["convention"].reference, "pk": 1},
        "convention_replace_signatory": {"reference": world["convention"].reference, "pk": 1},
        **{
            name: {"token": "jeton-inconnu"}
            for name in (
                "signature_page",
                "signature_document",
                "signature_done",
                "signature_upload",
                "signature_decline",
            )
        },
        "convention_edit": {"reference": world["convention"].reference, "step": "dates"},
        "convention_transition": {"reference": world["convention"].reference, "name": "send_to_po"},
        "review_comment": {"reference": world["convention"].reference},
        "review_close": {"reference": world["convention"].reference, "pk": 1},
        **pilotage_sample_kwargs(world["pilotage"]),
        **api_sample_kwargs(world),
        "pilotage_report_status": {"job": report_job(world)},
        "pilotage_report_download": {"job": report_job(world)},
        "pilotage_report_relaunch": {"job": report_job(world)},
        # The Word and OpenDocument exports (issue 14, point 1).
        **{name: {"reference": world["convention"].reference} for name in OFFICE_EXPORTS},
    }.get(name, {})
    return reverse(name, kwargs=kwargs)


def _visitors(world):
    yield ANONYMOUS, None, None
    yield ADMIN, None, world["admin"]
    for role in ROLES:
        for side in ("A", "B"):
            yield role, side, world[side].users[role]


def _check(response, expected, url):
    status = response.status_code
    location = response.headers.get("Location", "")
    if expected == LOGIN_REQUIRED:
        return (
            status == 302
            and location.startswith(LOGIN)
            or (status == 302 and location.startswith("/admin/login/"))
        )
    if expected == ANY_ACCOUNT_PAGE:
        return status == 200 or (status == 302 and (location.startswith("/comptes/") or location == "/"))
    return status == expected


@pytest.mark.parametrize("name", [n for n in url_names() if n in MATRIX])
def test_access_matrix(client, world, name):
    url = _sample_url(name, world)
    failures = []
    for who, side, user in _visitors(world):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        expected = MATRIX[name].for_visitor(who, side)
        if not _check(response, expected, url):
            failures.append(
                f"{who} ({side or '-'}) : attendu {expected}, reçu {response.status_code} {response.headers.get('Location', '')}"
            )
        if side == "B" and expected == 404:
            assert world["A"].school.name not in response.content.decode(), "fuite de données de A vers B"
    assert not failures, f"{url}\n" + "\n".join(failures)


def _admin_urls(world):
    side_a = world["A"]
    yield reverse("admin:index")
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        yield reverse("admin:{}_{}_changelist".format(*info))
        if model_admin.has_add_permission(_FakeRequest(world["admin"])):
            yield reverse("admin:{}_{}_add".format(*info))
        instance = {"accounts.school": side_a.school, "accounts.user": world["admin"]}.get(
            model._meta.label_lower
        ) or model._default_manager.first()
        if instance is not None:
            yield reverse("admin:{}_{}_change".format(*info), args=[instance.pk])
            yield reverse("admin:{}_{}_history".format(*info), args=[instance.pk])


class _FakeRequest:
    def __init__(self, user):
        self.user = user


def test_admin_is_for_administrators_only(client, world):
    failures = []
    urls = list(_admin_urls(world))
    assert len(urls) > 20
    for url in urls:
        for who, side, user in _visitors(world):
            if who not in (ANONYMOUS, ADMIN) and side == "B":
                continue  # the admin has no organisation scoping: one side is enough
            client.logout()
            if user is not None:
                client.force_login(user)
            response = client.get(url)
            if not _check(response, ADMIN_ONLY.for_visitor(who, side), url):
                failures.append(f"{url} {who}: {response.status_code} {response.headers.get('Location', '')}")
    assert not failures, "\n".join(failures)


def test_admin_login_is_the_application_login(client, world):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(LOGIN)
