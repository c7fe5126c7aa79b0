"""Checking the certificate of a signature a signatory uploads from their own Belgian eID.

The structure of the upload (the current bytes plus one signature in their field, nothing else
changed) is checked by `verification.check_signatory_upload`; here, the certificate: it must
chain to one of SIGNING_EID_TRUST_ROOTS, have been valid at the signing time, not be revoked
(OCSP or CRL named in the certificate), carry the non-repudiation key usage and name the
signatory. Each refusal says in French which check failed.
"""

import asyncio
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from asn1crypto import x509
from django.conf import settings
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InsufficientRevinfoError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
    ValidationError,
)
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

from .crypto import outside_event_loop
from .verification import UploadRefused, VerificationReport, check_signatory_upload, trust_roots

NOT_CONFIGURED = (
    "Le dépôt d'une signature faite avec votre carte d'identité n'est pas encore possible sur "
    "cette instance (aucune autorité eID n'est configurée) : signez avec la plateforme."
)
UNTRUSTED = (
    "Votre certificat n'a pas été délivré par une autorité eID reconnue (certificat auto-signé "
    "ou d'une autre autorité) : signez avec le certificat de signature de votre carte d'identité."
)
NOT_VALID_AT_SIGNING = (
    "Votre certificat n'était pas valable au moment de la signature (valable du {start} au {end}, "
    "signature du {when}) : il a expiré ou n'était pas encore en vigueur."
)
NO_SIGNING_TIME = "Votre signature n'indique pas son heure : elle ne peut pas être contrôlée."
EXPIRED_NOW = "Votre certificat n'est plus valable (expiré le {end}) : renouvelez votre carte ou signez avec la plateforme."
REVOKED = "Votre certificat a été révoqué (le {when}) : il ne peut plus servir à signer."
REVOCATION_UNREACHABLE = (
    "L'état de révocation de votre certificat n'a pas pu être vérifié (le service OCSP ou la "
    "liste de révocation indiqués dans le certificat ne répondent pas) : réessayez plus tard."
)
NO_NON_REPUDIATION = (
    "Ce certificat n'est pas un certificat de signature (usage « non-répudiation » absent) : "
    "signez avec le certificat « Signature » de votre carte, pas celui d'authentification."
)
OTHER_PERSON = (
    "Ce certificat est au nom de {certificate}, pas de {signatory} : seule votre propre carte "
    "d'identité peut signer à votre place."
)
CHAIN_FAILED = "Le certificat de votre signature n'a pas pu être validé : {reason}."
UNCHECKED_REVOCATION = "accepté sans contrôle de révocation"


@dataclass
class EidCheck:
    common_name: str
    signing_time: datetime
    revocation_checked: bool

    @property
    def detail(self) -> str:
        """What the evidence event says of the certificate."""
        revocation = "non révoqué" if self.revocation_checked else UNCHECKED_REVOCATION
        return (
            f"Signature déposée avec une carte eID, certificat « {self.common_name} » (autorité eID "
            f"reconnue, valable à l'heure de signature, non-répudiation, {revocation}), heure "
            f"déclarée {self.signing_time.isoformat()}"
        )


def check_eid_upload(
    *, current: bytes, uploaded: bytes, field_name: str, signatory_name: str
) -> tuple[VerificationReport, EidCheck]:
    """The upload checked as a whole: its structure, then its certificate. Raises UploadRefused."""
    report = check_signatory_upload(current=current, uploaded=uploaded, field_name=field_name)
    if not trust_roots("SIGNING_EID_TRUST_ROOTS"):
        raise UploadRefused(NOT_CONFIGURED)
    return report, check_eid_certificate(uploaded, field_name=field_name, signatory_name=signatory_name)


@outside_event_loop
def check_eid_certificate(uploaded: bytes, *, field_name: str, signatory_name: str) -> EidCheck:
    """The checks on the certificate of the signature in `field_name`, cheapest first."""
    embedded = next(
        signature
        for signature in PdfFileReader(BytesIO(uploaded)).embedded_signatures
        if signature.field_name == field_name
    )
    certificate = embedded.signer_cert
    when = embedded.self_reported_timestamp
    if when is None:
        raise UploadRefused(NO_SIGNING_TIME)
    if not certificate.not_valid_before <= when <= certificate.not_valid_after:
        raise UploadRefused(
            NOT_VALID_AT_SIGNING.format(
                start=_day(certificate.not_valid_before),
                end=_day(certificate.not_valid_after),
                when=_day(when),
            )
        )
    if "non_repudiation" not in (certificate.key_usage_value.native if certificate.key_usage_value else []):
        raise UploadRefused(NO_NON_REPUDIATION)
    if certificate.self_signed != "no":  # its own authority: nothing vouches for it
        raise UploadRefused(UNTRUSTED)
    checked = _validate_chain(certificate, embedded.other_embedded_certs)
    if not same_person(certificate_name(certificate), signatory_name):
        raise UploadRefused(
            OTHER_PERSON.format(certificate=certificate_name(certificate), signatory=signatory_name)
        )
    return EidCheck(
        common_name=certificate.subject.native.get("common_name", ""),
        signing_time=when,
        revocation_checked=checked,
    )


def _validate_chain(certificate: x509.Certificate, others: list[x509.Certificate]) -> bool:
    """Chain, validity now and revocation; True if revocation was checked, False if accepted
    without (SIGNING_EID_ALLOW_UNCHECKED_REVOCATION), UploadRefused otherwise."""
    try:
        _validate(certificate, others, revocation_mode="hard-fail")
        return True
    except InsufficientRevinfoError:
        if not settings.SIGNING_EID_ALLOW_UNCHECKED_REVOCATION:
            raise UploadRefused(REVOCATION_UNREACHABLE) from None
    _validate(certificate, others, revocation_mode="soft-fail", allow_fetching=False)
    return False


def _validate(certificate, others, *, revocation_mode: str, allow_fetching: bool = True) -> None:
    context = ValidationContext(
        trust_roots=trust_roots("SIGNING_EID_TRUST_ROOTS"),
        other_certs=others,
        allow_fetching=allow_fetching,
        revocation_mode=revocation_mode,
        fetcher_backend=RequestsFetcherBackend(per_request_timeout=settings.SIGNING_EID_FETCH_TIMEOUT),
    )
    validator = CertificateValidator(certificate, validation_context=context)
    try:
        asyncio.run(validator.async_validate_usage({"non_repudiation"}))
    except PathBuildingError:
        raise UploadRefused(UNTRUSTED) from None
    except RevokedError as error:
        raise UploadRefused(REVOKED.format(when=_day(error.revocation_dt))) from None
    except (ExpiredError, NotYetValidError):
        raise UploadRefused(EXPIRED_NOW.format(end=_day(certificate.not_valid_after))) from None
    except InsufficientRevinfoError:
        raise
    except (PathValidationError, ValidationError) as error:
        raise UploadRefused(CHAIN_FAILED.format(reason=error.failure_msg)) from None


def _day(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y à %H:%M}"


def certificate_name(certificate: x509.Certificate) -> str:
    """The holder's name: given names and surname (a Belgian eID's CN ends in « (Signature) »)."""
    subject = certificate.subject.native
    if subject.get("surname"):
        return " ".join(part for part in (subject.get("given_name", ""), subject["surname"]) if part)
    return re.sub(r"\s*\([^)]*\)\s*$", "", subject.get("common_name", ""))


def _words(name: str) -> list[str]:
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.findall(r"\w+", plain.casefold())


def same_person(certificate: str, signatory: str) -> bool:
    """« Hariche Nadia » is « Nadia HARICHE »: the same words whatever their accents, case and
    order; the certificate may carry more given names than the signatory's record."""
    on_card, recorded = _words(certificate), _words(signatory)
    return (
        bool(recorded) and len(recorded) >= 2 and all(on_card.count(w) >= recorded.count(w) for w in recorded)
    )
