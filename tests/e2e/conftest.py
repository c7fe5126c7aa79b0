"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server,
with the demo world loaded, and axe-core run on the pages.

Without a browser the tests are skipped, unless REQUIRE_BROWSER=1 (CI), where they fail."""

import os

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import sync_playwright

from pilotage.demo import load_full_demo
from tests.e2e.browser import DESKTOP, Visitor

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium waits on network services it cannot reach on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API runs an event loop in the test thread, where Django would
        # otherwise refuse to query the database (fixtures, flushing the test database).
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        try:
            playwright = sync_playwright().start()
        except Exception as error:
            _no_browser(f"Playwright does not start: {error}")
        try:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=30_000
            )
        except Exception as error:
            playwright.stop()
            _no_browser(str(error).splitlines()[0])
        yield chromium
        chromium.close()
        playwright.stop()


def _no_browser(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but Chromium cannot start: {reason}", pytrace=False)
    pytest.skip(f"Chromium cannot start: {reason}")


DEMO_APPS = ["accounts", "account", "mfa", "conventions", "pilotage"]


@pytest.fixture(scope="session")
def demo_dump(tmp_path_factory):
    return tmp_path_factory.getbasetemp() / "demo.json"


@pytest.fixture
def demo(transactional_db, demo_dump):
    """The demo world. The live server needs committed data, so it is loaded for each test
    (the transactional database is emptied after each one): built once through the services
    (its PDFs take a while), then reloaded from a dump of the database. The cache goes with
    it, so that login rate limits and used TOTP codes do not leak from one test to the next."""
    cache.clear()
    if demo_dump.exists():
        call_command("loaddata", str(demo_dump), verbosity=0)
    else:
        load_full_demo()
        call_command("dumpdata", *DEMO_APPS, output=str(demo_dump), verbosity=0)


@pytest.fixture
def visitor(browser, live_server, demo):
    # Without animations (Bootstrap honours reduced motion), axe never sees colours halfway.
    context = browser.new_context(
        locale="fr-BE", timezone_id="Europe/Brussels", reduced_motion="reduce", viewport=DESKTOP
    )
    context.set_default_timeout(15_000)
    # Pages link their icon, but a page without the layout (the standalone 500 page) makes
    # Chromium ask for /favicon.ico: a 404 in the console, and a request in parallel with the
    # page's next one (on the one SQLite connection they share).
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    yield Visitor(context.new_page(), live_server.url)
    context.close()
