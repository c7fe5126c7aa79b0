"""The status page: no login (a monitor reads it), nothing private, never cached. JSON for a
machine (`Accept: application/json` or `?format=json`), HTML in French for a person; HTTP 200
when every check passes, 500 otherwise, as django-health-check answers."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from health_check.views import HealthCheckView

from core.readonly import writes_on_get


class HealthView(HealthCheckView):
    template_name = "core/health.html"

    @property
    def checks(self):
        return settings.HEALTH_CHECKS

    def render_to_response_json(self, status):
        return JsonResponse(
            {describe(result)["name"]: describe(result)["status"] for result in self.results}, status=status
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "rows": [describe(result) for result in self.results]}


def describe(result) -> dict:
    check = result.check
    if result.error is not None:
        status = f"en panne : {result.error.message}"
    else:
        status = f"OK ({check.note})" if getattr(check, "note", "") else "OK"
    return {
        "name": type(check).__name__,
        "title": getattr(check, "title", type(check).__name__),
        "status": status,
        "failed": result.error is not None,
        "seconds": result.time_taken,
    }


# It writes on GET on purpose: the cache check stores a probe key (a table in production) and the
# worker check queues a heartbeat.
status = writes_on_get(login_not_required(HealthView.as_view()))
