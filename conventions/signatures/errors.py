"""The errors of signing: the user's (a document that cannot be signed) and the deployment's."""

from django.core.exceptions import ImproperlyConfigured


class SigningError(Exception):
    """A signature cannot be made on this document; the message is for the user, in French."""


class SigningConfigurationError(ImproperlyConfigured):
    """The platform's sealing key cannot be used: a deployment problem, not a user's."""
