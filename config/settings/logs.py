"""One logging configuration for every environment: one line per event with its time, level,
logger, request id and user id, as text or, with LOG_FORMAT=json, as one JSON object a line."""

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s user_id=%(user_id)s %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(user_id)s %(message)s"
# With the offset: several nodes' lines sort together, across the change to summer time.
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def logging_config(*, log_format: str = "text", level: str = "INFO") -> dict:
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "datefmt": DATE_FORMAT,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
        if log_format == "json"
        else {"format": TEXT_FORMAT, "datefmt": DATE_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "core.logs.RequestContextFilter"},
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "formatters": {"event": formatter},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "event", "filters": ["context"]},
            # Server errors by e-mail to ADMINS (none configured: nothing is sent).
            "mail_admins": {
                "class": "django.utils.log.AdminEmailHandler",
                "level": "ERROR",
                "filters": ["require_debug_false"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # In place of Django's default handlers, which would print a second, unformatted line.
            "django": {"handlers": ["mail_admins"], "level": "INFO"},
            # WeasyPrint narrates every step of every PDF at INFO, fontTools every subsetting: only
            # their warnings (a refused resource, a missing glyph) are worth a line.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
