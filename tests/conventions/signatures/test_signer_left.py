"""A signing link ends with the signatory's role or account: a person who left the PO (or whose
account was deactivated) can no longer sign in its name."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Membership, Role
from conventions.models import Signature, SignatureRequest
from conventions.services import collecting
from tests.conventions.signatures import helpers
from tests.conventions.signatures.helpers import mails_at_once  # noqa: F401 - autouse: e-mails sent at once
from tests.utils import text_of

pytestmark = pytest.mark.django_db


def test_a_signatory_whose_membership_ended_is_refused_in_french(client, side_a):
    convention = helpers.send_for_signature(side_a)
    signatory = side_a.users[Role.SIGNATORY]
    token = helpers.links()[signatory.email]
    Membership.objects.filter(user=signatory).delete()
    helpers.login_recently(client, signatory)

    page = client.get(reverse("signature_page", args=[token]))
    assert page.status_code == 403
    assert "Ce lien de signature n'est plus valable" in text_of(page)
    assert "n'a plus de rôle dans Ville A" in text_of(page)
    posted = client.post(reverse("signature_page", args=[token]), {"read": "on", "document_sha256": "0" * 64})
    assert posted.status_code == 403
    assert not Signature.objects.filter(signatory__convention=convention).exists()
    assert SignatureRequest.objects.get(convention=convention, signatory__step=1).used_at is None


def test_a_deactivated_signatory_cannot_sign_even_through_the_service(side_a):
    convention = helpers.send_for_signature(side_a)
    signatory = side_a.users[Role.SIGNATORY]
    request = helpers.open_request(convention, 1)
    signatory.is_active = False
    signatory.save()
    with pytest.raises(PermissionDenied, match="n'est plus valable"):
        collecting.sign(
            request=request,
            by=signatory,
            meta=helpers.meta(),
            shown_sha256=request.prepared.sha256,
            authenticated_at=None,
        )
    assert not Signature.objects.filter(signatory__convention=convention).exists()
