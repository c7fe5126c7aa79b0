"""The two lifetimes of a signed-in session (accounts/middleware.py enforces them): an idle
timeout, SESSION_IDLE_TIMEOUT, and an absolute one, SESSION_COOKIE_AGE after sign-in."""

import time

IDLE_EXPIRED = (
    "Votre session a pris fin après {minutes} minutes sans activité : reconnectez-vous pour continuer."
)
AGE_EXPIRED = "Votre session a pris fin {hours} heures après la connexion : reconnectez-vous pour continuer."
# Session keys: when the person signed in, and their last request.
STARTED_KEY = "pilotis_session_started"
ACTIVITY_KEY = "pilotis_last_activity"
# The last activity is written at most this often, not on every request: one session write a
# minute, and the idle timeout is exact to within that.
ACTIVITY_RESOLUTION = 60


def now() -> float:
    """The clock of the session timeouts (tests move it)."""
    return time.time()


def start_session_clock(request) -> None:
    """At sign-in: both lifetimes start now (a session kept across a new sign-in keeps its data)."""
    moment = now()
    request.session[STARTED_KEY] = moment
    request.session[ACTIVITY_KEY] = moment
