"""What the browser tests share: a visitor who logs in and audits the pages it sees."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from axe_playwright_python.sync_playwright import Axe

from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

BLOCKING_IMPACTS = {"serious", "critical"}
# Every page is audited on a desktop and on a phone (an iPhone 12-14's CSS width).
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def totp_code(secret: str = DEMO_TOTP_SECRET) -> str:
    """The authenticator's code for the current 30-second window; near the end of a window,
    wait for the next one, so that the server checks the code in the same window."""
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def todo_list(page):
    """The home page's « À faire »."""
    return page.locator("section[aria-labelledby='a-faire']")


def nav_count(page) -> int:
    """The count of « À faire » the navigation shows next to « Accueil » (0 without a badge)."""
    badge = (
        page.get_by_role("navigation", name="Navigation principale")
        .locator("a", has_text="Accueil")
        .locator(".badge")
    )
    return int(badge.inner_text().split()[0]) if badge.count() else 0


class Visitor:
    """One person in one browser tab: opens pages, logs in, and notes what is wrong with each
    page seen (axe-core's serious and critical violations, CSP violations, JavaScript errors,
    a wrong HTTP status, a missing text), to report them all at the end of the test."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.console: list[str] = []
        self.failures: dict[str, list[str]] = {}
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console.append(f"JavaScript error: {error}"))

    def _on_console(self, message):
        text = message.text
        if text.startswith("Failed to load resource") and message.location.get("url") == self.page.url:
            return  # check() verifies the page's own status.
        if message.type == "error" or "Content Security Policy" in text:
            self.console.append(f"console {message.type}: {text}")

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def click(self, locator) -> None:
        """Click a link or a submit button and wait for the page it leads to."""
        with self.page.expect_navigation():
            locator.click()

    def log_in(self, email: str) -> bool:
        """Through the real login form, then allauth's two-factor page if the account has it
        (audited on the way). Returns whether the two-factor code was asked for."""
        page = self.page
        self.goto("/comptes/login/")
        page.get_by_label("Adresse e-mail", exact=True).fill(email)
        page.get_by_label("Mot de passe", exact=True).fill(DEMO_PASSWORD)
        self.click(page.get_by_role("button", name="Se connecter"))
        two_factor = page.url == f"{self.base_url}/comptes/2fa/authenticate/"
        if two_factor:
            self.audit("/comptes/2fa/authenticate/", shows="Double authentification")
            page.get_by_label("Code de vérification").fill(totp_code())
            self.click(page.get_by_role("button", name="Se connecter"))
        assert page.url == f"{self.base_url}/", f"{email} is not logged in: still on {page.url}"
        return two_factor

    def check(self, path: str, *, shows: str, status: int = 200) -> None:
        """Open a page and audit it."""
        response = self.goto(path)
        if response.status != status:
            self.failures.setdefault(path, []).append(f"HTTP {response.status} instead of {status}")
        self.audit(path, shows=shows)

    def audit(self, name: str, *, shows: str) -> None:
        """Note under `name` what is wrong with the current page, including what the console
        said since the last audit, and whether its main content lacks the text `shows`; axe-core
        looks at it on a desktop and on a phone, where the page must not scroll sideways. The
        window gets back the size it had."""
        page = self.page
        page.mouse.move(0, 0)  # no hover effect where the last click left the mouse
        problems = []
        if shows not in page.get_by_role("main").inner_text():
            problems.append(f"the page does not show {shows!r}")
        problems += self.console
        size = page.viewport_size
        for width, viewport in (("1366 px", DESKTOP), ("390 px", PHONE)):
            page.set_viewport_size(viewport)
            if viewport is PHONE:
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > viewport["width"]:
                    problems.append(f"at {width} the page is {scroll_width} px wide: it scrolls sideways")
            violations = Axe().run(page).response["violations"]
            problems += [f"at {width}: {_describe(v)}" for v in violations if v["impact"] in BLOCKING_IMPACTS]
        page.set_viewport_size(size)
        # What the console says while axe works is axe's own doing (it copies the page's
        # stylesheets, which the CSP refuses on some pages), not the page's.
        self.console = []
        if problems:
            self.failures.setdefault(name, []).extend(problems)

    def assert_no_problems(self) -> None:
        assert not self.failures, "\n".join(
            f"{name}:\n" + "\n".join(f"  * {problem}" for problem in problems)
            for name, problems in self.failures.items()
        )


def _describe(violation: dict) -> str:
    nodes = "\n".join(
        f"      - {', '.join(map(str, node['target']))}: {node['html'][:200]}" for node in violation["nodes"]
    )
    return f"axe {violation['id']} ({violation['impact']}): {violation['help']}\n{nodes}"
