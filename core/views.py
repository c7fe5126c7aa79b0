"""The pages every visitor may read, signed in or not: the accessibility statement and the
legal notice. What they say about the publisher comes from the settings of the instance."""

from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe


def _publisher() -> dict:
    return {
        "name": settings.PUBLISHER_NAME,
        "address": settings.PUBLISHER_ADDRESS,
        "company_number": settings.PUBLISHER_COMPANY_NUMBER,
        "responsible": settings.PUBLISHER_RESPONSIBLE,
        "email": settings.CONTACT_EMAIL,
    }


@login_not_required
@require_safe
def accessibility_statement(request):
    return render(
        request,
        "core/accessibility.html",
        {
            "publisher": _publisher(),
            "accessibility_email": settings.ACCESSIBILITY_EMAIL,
            "statement_date": date.fromisoformat(settings.ACCESSIBILITY_STATEMENT_DATE),
            "enforcement": {
                "body": settings.ACCESSIBILITY_ENFORCEMENT_BODY,
                "url": settings.ACCESSIBILITY_ENFORCEMENT_URL,
            },
        },
    )


@login_not_required
@require_safe
def legal_notice(request):
    return render(
        request,
        "core/legal_notice.html",
        {
            "publisher": _publisher(),
            "host": {"name": settings.HOST_NAME, "address": settings.HOST_ADDRESS},
        },
    )
