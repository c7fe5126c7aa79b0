"""Template versions: a published version never changes; editing it means publishing a new
version, a copy of its text that becomes the version offered for new conventions."""

from django.db import transaction
from django.db.models import Max

from ..models import ConventionTemplate

PARTS = ("articles", "annex_sections", "signatories", "engagements")


def is_published(template: ConventionTemplate | None) -> bool:
    """A version is published once a convention uses it: its text is then part of a convention
    being prepared, signed or kept, and must stay as it was."""
    return template is not None and template.pk is not None and template.is_used


@transaction.atomic
def publish_new_version(template: ConventionTemplate) -> ConventionTemplate:
    """Copy `template` with its articles, annex sections, required signatories and
    engagements as the next version of its code; the copy becomes the version offered for new
    conventions, the earlier ones stay as they are for the conventions that use them."""
    versions = ConventionTemplate.objects.select_for_update().filter(code=template.code)
    number = (versions.aggregate(last=Max("version"))["last"] or 0) + 1
    versions.filter(is_current=True).update(is_current=False)
    source_pk = template.pk
    copy = ConventionTemplate.objects.get(pk=source_pk)
    copy.pk = None
    copy.version = number
    copy.is_current = True
    copy.save()
    for related in PARTS:
        manager = getattr(ConventionTemplate.objects.get(pk=source_pk), related)
        for part in manager.all():
            part.pk = None
            part.template = copy
            part.save()
    return copy
