"""Who publishes this instance and how to reach them, for the footer of every page."""

from django.conf import settings


def identity(request):
    return {"publisher_name": settings.PUBLISHER_NAME, "contact_email": settings.CONTACT_EMAIL}
