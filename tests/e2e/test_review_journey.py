"""The review as a conversation, in Chromium with axe-core at 1366 and 390 px: the PO référent
comments on an article without any script, the federation's staff find the comment at the top
of the page, answer it, cannot approve while it is open, then approve once it is resolved."""

import os

import pytest
from playwright.sync_api import expect

from conventions.models import Convention, State
from tests.e2e.browser import DESKTOP, PHONE, Visitor

pytestmark = pytest.mark.browser

# Where the screenshots go when asked for (REVIEW_SCREENSHOTS=/some/dir), to look at them.
SCREENSHOTS = os.environ.get("REVIEW_SCREENSHOTS")


def _shoot(page, name, selector):
    if not SCREENSHOTS:
        return
    for label, viewport in (("1366", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        page.locator(selector).first.scroll_into_view_if_needed()
        page.screenshot(path=f"{SCREENSHOTS}/{name}-{label}.png")
    page.set_viewport_size(DESKTOP)


def test_a_comment_holds_back_the_approval_until_it_is_resolved(browser, live_server, visitor):
    convention = Convention.objects.get(organising_authority__name="Ville de Liège", state=State.IN_REVIEW)
    path = f"/conventions/{convention.reference}/"
    page = visitor.page
    visitor.log_in("referent.liege@pilotis.example")
    visitor.check(path, shows=convention.reference)
    article = page.locator(".doc-article").first
    article.locator("summary", has_text="Commenter cet article").click()
    article.get_by_label("Votre commentaire sur l'article").fill("Le nom de l'échevin a changé en janvier.")
    visitor.click(article.get_by_role("button", name="Publier le commentaire"))
    expect(page.locator(".review-open")).to_contain_text("1 commentaire non résolu")
    visitor.audit("commented (PO)", shows="1 commentaire non résolu")

    context = browser.new_context(locale="fr-BE", timezone_id="Europe/Brussels", reduced_motion="reduce")
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    staff = Visitor(context.new_page(), live_server.url)
    staff.log_in("staff.cpeons@pilotis.example")
    staff.check(path, shows="1 commentaire non résolu")
    fpo = staff.page
    expect(fpo.get_by_role("button", name="Approuver et figer le texte")).to_be_disabled()
    _shoot(fpo, "review-top", "h1")
    staff.click(fpo.locator(".review-open a").first)
    thread = fpo.locator(".review-thread").first
    thread.locator("summary", has_text="Répondre").click()
    thread.get_by_label("Votre réponse").fill("Merci : indiquez le nouveau nom dans la partie du PO.")
    staff.click(thread.get_by_role("button", name="Envoyer la réponse"))
    staff.audit("answered (FPO)", shows="Merci : indiquez le nouveau nom")
    _shoot(fpo, "review-thread", ".review-thread")
    staff.click(fpo.locator(".review-thread").first.get_by_role("button", name="Marquer résolu"))
    expect(fpo.locator(".review-open")).to_have_count(0)
    expect(fpo.get_by_role("button", name="Approuver et figer le texte")).to_be_enabled()
    staff.click(fpo.get_by_role("button", name="Approuver et figer le texte"))
    expect(fpo.get_by_role("main")).to_contain_text("prête à signer")
    staff.audit("approved (FPO)", shows="prête à signer")
    context.close()
    visitor.assert_no_problems()
    staff.assert_no_problems()
