"""The conventions in the admin: every registered model answers, a published template version
refuses edits, « Créer une nouvelle version » copies it, and every app has a French name."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from conventions.models import ConventionTemplate, Framework, FrameworkNode, FrameworkVersion
from tests.conventions.factories import TemplateFactory, convention_for
from tests.utils import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(side_a):
    framework = Framework.objects.create(code="cadre", title="Cadre de test")
    version = FrameworkVersion.objects.create(framework=framework, number=1)
    FrameworkNode.objects.create(
        version=version, kind="axis", label="1", title="Axe un", position=1, path="0001"
    )
    template = TemplateFactory(federation=side_a.federation)
    convention = convention_for(side_a, template=template)
    return {"framework": framework, "version": version, "template": template, "convention": convention}


def test_every_registered_model_answers_for_a_superuser(client, admin_user, world):
    client.force_login(admin_user)
    objects = {
        Framework: world["framework"],
        FrameworkVersion: world["version"],
        ConventionTemplate: world["template"],
        type(world["convention"]): world["convention"],
    }
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200, info
        if model in objects:
            url = reverse("admin:{}_{}_change".format(*info), args=[objects[model].pk])
            assert client.get(url).status_code == 200, info


def test_templates_articles_and_conventions_are_in_the_admin(client, admin_user, world):
    client.force_login(admin_user)

    page = text_of(client.get(f"/admin/conventions/conventiontemplate/{world['template'].pk}/change/"))

    assert "Accompagnement de {{ school_name }}" in page
    assert world["convention"].reference in text_of(client.get("/admin/conventions/convention/"))
    assert "Axe un" in text_of(
        client.get(f"/admin/conventions/frameworkversion/{world['version'].pk}/change/")
    )


def test_a_published_version_refuses_edits(client, admin_user, world):
    client.force_login(admin_user)
    template = world["template"]
    url = f"/admin/conventions/conventiontemplate/{template.pk}/change/"

    page = text_of(client.get(url))
    response = client.post(url, {"title": "Titre réécrit", "code": template.code, "version": 1})

    assert "elle ne change plus" in page
    assert "Créer une nouvelle version" in page
    assert response.status_code == 403
    template.refresh_from_db()
    assert template.title == "Convention d'accompagnement pour une école"


def test_an_unused_version_can_be_edited(client, admin_user, side_a):
    client.force_login(admin_user)
    template = TemplateFactory(federation=side_a.federation)

    page = client.get(f"/admin/conventions/conventiontemplate/{template.pk}/change/").content.decode()

    assert 'name="title"' in page
    assert 'name="articles-0-body"' in page


def test_the_new_version_action_copies_the_articles_and_becomes_current(client, admin_user, world):
    client.force_login(admin_user)
    template = world["template"]

    response = client.post(
        "/admin/conventions/conventiontemplate/",
        {"action": "new_version", "_selected_action": [template.pk]},
        follow=True,
    )

    copy = ConventionTemplate.objects.get(code=template.code, version=2)
    template.refresh_from_db()
    assert "Version 2" in text_of(response)
    assert copy.is_current and not template.is_current
    assert list(copy.articles.values_list("number", "body")) == list(
        template.articles.values_list("number", "body")
    )
    assert copy.signatories.count() == template.signatories.count() == 3
    assert copy.engagements.count() == 1
    assert world["convention"].template == template
    edit = client.get(f"/admin/conventions/conventiontemplate/{copy.pk}/change/").content.decode()
    assert 'name="articles-0-body"' in edit


def test_conventions_are_read_only_but_a_signatory_address_can_be_fixed(client, admin_user, world):
    client.force_login(admin_user)
    convention = world["convention"]

    page = client.get(f"/admin/conventions/convention/{convention.pk}/change/").content.decode()

    assert 'name="state"' not in page
    assert 'name="reference"' not in page
    assert 'name="signatories-0-email"' in page
    assert 'name="signatories-0-full_name"' not in page
    assert client.get("/admin/conventions/convention/add/").status_code == 403


def test_every_app_of_the_admin_has_a_french_name(client, admin_user):
    client.force_login(admin_user)

    page = text_of(client.get("/admin/"))

    for name in ("Connexion : adresses e-mail", "Double authentification", "File des tâches", "tâches"):
        assert name in page
    for english in ("Tasks Database Backend", "Task Results", "MFA", "authenticators", "Accounts"):
        assert english not in page


def test_the_lists_of_the_apps_we_take_from_others_have_french_headings(client, admin_user):
    client.force_login(admin_user)

    authenticators = text_of(client.get("/admin/mfa/authenticator/"))
    tasks = DBTaskResult._meta

    assert "Utilisateur" in authenticators and "Dernière utilisation" in authenticators
    assert "Last used at" not in authenticators and "Created at" not in authenticators
    # The task list shows its headings only once it has rows: the fields' names, as it reads them.
    assert [tasks.get_field(f).verbose_name for f in ("enqueued_at", "finished_at")] == [
        "mise en file le",
        "terminée le",
    ]
