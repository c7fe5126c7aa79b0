"""Closing a signed convention for the long term (PAdES B-LT and B-LTA): the validation data of
every signature in the document security store, then a document timestamp over the whole file."""

import asyncio
import logging
from io import BytesIO

from asn1crypto import crl as asn1_crl
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore, collect_validation_info
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from . import crypto
from .certificates import empty_crl
from .crypto import _asn1_certificate, _writer, load_signing_authority, outside_event_loop
from .trust import trust_roots

logger = logging.getLogger(__name__)


@outside_event_loop
def add_document_timestamp(pdf_bytes: bytes) -> bytes:
    """Close the signed document for the long term (PAdES B-LTA), when a time-stamping authority
    is configured: first the validation data of every signature and its timestamp (certificates,
    the CA's revocation list) go into the document security store (DSS, B-LT), then a document
    timestamp covers the whole file. Without a TSA, return the bytes unchanged."""
    timestamper = crypto._timestamper()  # looked up when called: one place says which TSA
    if timestamper is None:
        return pdf_bytes
    writer = _writer(add_validation_data(pdf_bytes))
    output = PdfTimeStamper(timestamper, field_name="Pilotis-horodatage").timestamp_pdf(
        writer, md_algorithm="sha256"
    )
    return output.getvalue()


@outside_event_loop
def add_validation_data(pdf_bytes: bytes) -> bytes:
    """The document with, in one incremental revision, its DSS holding what a validator needs
    later, offline: each signature's chain and its timestamp's, and the signing CA's revocation
    list (an empty one it issues now, when the platform holds the CA's key)."""
    writer = _writer(pdf_bytes)
    context = _long_term_validation_context()
    paths = asyncio.run(_validation_paths(writer.prev.embedded_signatures, context))
    DocumentSecurityStore.supply_dss_in_writer(writer, None, paths=paths, validation_context=context)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


async def _validation_paths(embedded_signatures, context: ValidationContext) -> list:
    """The validation paths of every signature and its timestamp. A signature whose chain cannot
    be built here (a signatory's own eID certificate without its roots) contributes nothing:
    it keeps the level it has, the others still get their validation data."""
    paths = []
    for embedded in embedded_signatures:
        try:
            paths.extend(await collect_validation_info(embedded, context))
        except (PathBuildingError, PathValidationError, ValueError):
            logger.info(
                "Pas de chemin de validation pour la signature %s", embedded.field_name, exc_info=True
            )
    return paths


def _long_term_validation_context() -> ValidationContext:
    """Offline: the trust roots of SIGNING_TRUST_ROOTS and the signing CA, the CA's CRL."""
    roots = list(trust_roots())
    if settings.SIGNING_EID_TRUST_ROOTS:
        roots += trust_roots("SIGNING_EID_TRUST_ROOTS")
    crls = []
    authority = load_signing_authority()
    if authority is not None:
        roots.append(_asn1_certificate(authority.certificate))
        crl = empty_crl(authority.key, authority.certificate)
        crls.append(asn1_crl.CertificateList.load(crl.public_bytes(serialization.Encoding.DER)))
    return ValidationContext(trust_roots=roots, crls=crls, allow_fetching=False, revocation_mode="soft-fail")
