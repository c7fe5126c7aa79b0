"""The signing checks of the status page (`/sante/`, core/health): the sealing key loads, and the
time-stamping authority, when one is configured, answers. Nothing private is shown: neither
the key's path nor the TSA's address."""

import dataclasses
import socket
from typing import ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from .crypto import SigningConfigurationError, load_platform_signer, load_signing_authority

TSA_TIMEOUT_SECONDS = 5


@dataclasses.dataclass
class SigningKey(HealthCheck):
    """The seal's key, and the signing CA's when one is configured (it issues each signatory's
    one-time certificate): without it the signatures are made with the seal, which is said."""

    title: ClassVar[str] = "Clé de cachet (signatures)"
    note: str = dataclasses.field(default="", repr=False, init=False)

    def run(self) -> None:
        try:
            load_platform_signer()
        except SigningConfigurationError as error:
            raise ServiceUnavailable(
                "la clé de cachet est absente ou illisible : aucune convention ne peut être signée"
            ) from error
        try:
            authority = load_signing_authority()
        except SigningConfigurationError as error:
            raise ServiceUnavailable(
                "la clé de l'autorité de signature est absente ou illisible : aucune convention ne peut être signée"
            ) from error
        if authority is None:
            self.note = "sans autorité de signature : les signatures portent le certificat du cachet"


@dataclasses.dataclass
class TimestampAuthority(HealthCheck):
    """Reachable means a TCP connection to its host and port opens: a time-stamp request per
    probe would spend the authority's quota."""

    title: ClassVar[str] = "Autorité d'horodatage"
    note: str = dataclasses.field(default="", repr=False, init=False)

    def run(self) -> None:
        url = settings.SIGNING_TSA_URL
        if not url and settings.SIGNING_TSA_P12_PATH:
            self.note = "unité d'horodatage locale (démonstration) : jetons faits sur le serveur"
            return
        if not url:
            self.note = "non configuré : les signatures portent l'heure du serveur"
            return
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            with socket.create_connection((parts.hostname, port), timeout=TSA_TIMEOUT_SECONDS):
                pass
        except OSError as error:
            raise ServiceUnavailable("l'autorité d'horodatage ne répond pas") from error
        self.note = "joignable"
