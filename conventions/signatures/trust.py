"""The certificates a signature must chain to in order to be trusted (SIGNING_TRUST_ROOTS, or
SIGNING_EID_TRUST_ROOTS for the signatories' own eID certificates), read once per process."""

from functools import lru_cache

from asn1crypto import pem, x509
from django.conf import settings

from .errors import SigningConfigurationError


def trust_roots(setting: str = "SIGNING_TRUST_ROOTS") -> list[x509.Certificate]:
    """The certificates of SIGNING_TRUST_ROOTS, or of another setting of the same kind (a list
    of PEM or DER files, or a comma-separated string)."""
    roots = getattr(settings, setting)
    if isinstance(roots, str):
        roots = [path.strip() for path in roots.split(",")]
    return list(_load_trust_roots(tuple(path for path in roots if path), setting=setting))


@lru_cache(maxsize=8)
def _load_trust_roots(
    paths: tuple[str, ...], setting: str = "SIGNING_TRUST_ROOTS"
) -> tuple[x509.Certificate, ...]:
    certificates = []
    for path in paths:
        try:
            with open(path, "rb") as file:
                data = file.read()
        except OSError:
            raise SigningConfigurationError(
                f"{setting} : fichier introuvable ou illisible : {path}"
            ) from None
        try:
            ders = (
                [der for _type, _headers, der in pem.unarmor(data, multiple=True)]
                if pem.detect(data)
                else [data]
            )
            for der in ders:
                certificate = x509.Certificate.load(der)
                certificate.native  # noqa: B018 - asn1crypto parses lazily: fail here, not later
                certificates.append(certificate)
        except ValueError:
            raise SigningConfigurationError(
                f"{setting} : {path} n'est pas un certificat PEM ou DER."
            ) from None
    return tuple(certificates)
