"""Schools, as the school list shows them to the token's person (`School.objects.visible_to`)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from accounts.models import School

from .auth import user_of
from .listing import ERRORS, Changes, page

router = Router(tags=["Écoles"])


class OrganisingAuthorityOut(Schema):
    id: int
    name: str
    kind: str


class SchoolOut(Schema):
    fase: int
    name: str
    level: str
    specialised: bool
    wave: int
    street: str
    postcode: str
    city: str
    organising_authority: OrganisingAuthorityOut
    federation: str | None
    updated_at: datetime

    @staticmethod
    def resolve_federation(school) -> str | None:
        return school.federation.code if school.federation_id else None


class SchoolPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[SchoolOut]


def _schools(request):
    return School.objects.visible_to(user_of(request)).with_parties()


@router.get("/schools", response={200: SchoolPage, **ERRORS}, url_name="api_school_list")
def school_list(request, filters: Query[Changes]):
    """Les écoles que vous voyez dans Pilotis, par numéro FASE."""
    schools = _schools(request)
    if filters.updated_since:
        schools = schools.filter(updated_at__gte=filters.updated_since)
    return page(schools, filters, order=("fase",))


@router.get("/schools/{int:fase}", response={200: SchoolOut, **ERRORS}, url_name="api_school_detail")
def school_detail(request, fase: int):
    """Une école, par son numéro FASE."""
    return get_object_or_404(_schools(request), fase=fase)
