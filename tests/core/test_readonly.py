"""GET and HEAD cannot write to the database, unless the view says it does on purpose."""

import pytest
from django.db import transaction
from django.http import HttpResponse

from core.models import Job
from core.readonly import ReadOnlyGetMiddleware, WriteOnReadOnlyRequest, is_write, writes_on_get
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def serve(request, view):
    """The middleware around `view`, as Django's handler calls it (process_view, then the view)."""
    middleware = ReadOnlyGetMiddleware(lambda r: middleware.process_view(r, view, (), {}) or view(r))
    return middleware(request)


def make_job(request):
    Job.objects.create(kind="essai", created_by=request.user)
    return HttpResponse("écrit")


def read_jobs(request):
    return HttpResponse(str(Job.objects.count()))


@pytest.fixture
def user(settings):
    # The views of this module stand for the project's own views.
    settings.READONLY_GET_PACKAGES = {*settings.READONLY_GET_PACKAGES, "tests"}
    return UserFactory()


@pytest.mark.parametrize("method", ["get", "head"])
def test_a_get_or_head_that_writes_fails_and_writes_nothing(rf, user, method):
    request = getattr(rf, method)("/une-page/")
    request.user = user
    with pytest.raises(WriteOnReadOnlyRequest, match="écrit dans la base"), transaction.atomic():
        serve(request, make_job)
    assert Job.objects.count() == 0


def test_a_get_that_only_reads_is_served(rf, user):
    request = rf.get("/une-page/")
    request.user = user
    assert serve(request, read_jobs).content == b"0"


def test_a_post_may_write(rf, user):
    request = rf.post("/une-page/")
    request.user = user
    assert serve(request, make_job).status_code == 200
    assert Job.objects.count() == 1


def test_a_declared_write_on_get_is_allowed(rf, user):
    request = rf.get("/une-page/")
    request.user = user
    assert serve(request, writes_on_get(make_job)).status_code == 200
    assert Job.objects.count() == 1


def test_writes_are_told_from_reads():
    assert is_write('INSERT INTO "core_job" …')
    assert is_write('  update "core_job" SET …')
    assert is_write("DELETE FROM x")
    assert not is_write('SELECT "core_job"."id" FROM "core_job"')
    assert not is_write("SAVEPOINT s1")
    assert not is_write("SELECT … FOR UPDATE")


def test_a_third_party_view_keeps_its_own_behaviour(rf, user, settings):
    settings.READONLY_GET_PACKAGES = {"accounts", "conventions", "pilotage", "config"}  # not "tests"
    request = rf.get("/une-page/")
    request.user = user
    assert serve(request, make_job).status_code == 200


def test_every_page_of_the_site_runs_under_it(settings):
    assert settings.MIDDLEWARE[-1] == "core.readonly.ReadOnlyGetMiddleware"
