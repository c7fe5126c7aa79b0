"""Signing convention PDFs with pyHanko: the platform's certification, the signatories' signatures.

Every PDF is first *prepared*: one empty signature field per signatory, then a certification
signature by the platform (DocMDP level 2: afterwards only form filling and signing are allowed,
so any other change breaks the certification). Each signatory then signs into their own field by
an incremental PAdES signature: the bytes signed before are never rewritten.

The platform signs on the signatory's behalf. With a signing CA configured (SIGNING_CA_P12_PATH),
each signature is made with a one-time certificate in the signatory's name (name, function,
organisation) that the CA issues for that signature only; its key is never stored and is gone
when the signature is made. Without one, the platform's sealing key (a PKCS#12 file) signs. The
certification and the document timestamp are always the seal's. The signatory's name, function
and the reason are written into the signature and its visible stamp.

Every revision stays PDF/A-3b, as WeasyPrint made the first one: the version stays 1.7 (PAdES in
PDF 1.7 through the ESIC extension, even with ECDSA keys), the stamps' font is embedded, and
the document information agrees with the XMP metadata.
"""

import asyncio
import functools
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from io import BytesIO
from zoneinfo import ZoneInfo

from asn1crypto import keys as asn1_keys
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.utils import timezone
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields as pdf_fields
from pyhanko.sign import signers
from pyhanko.sign.signers.constants import ESIC_EXTENSION_1
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .certificates import issue_signing_certificate
from .errors import SigningConfigurationError, SigningError
from .stamps import STAMP_FONT_SIZE, StampFontFactory, wrap_for_stamp

logger = logging.getLogger(__name__)

CERTIFICATION_FIELD = "Pilotis-certification"
BRUSSELS = ZoneInfo("Europe/Brussels")
STAMP_TEXT = "Signé par %(signer)s\n%(function)s\nSigné le %(date)s à %(time)s"
# The stamp's text box keeps 10 points of margin on each side inside the field's border.
STAMP_HORIZONTAL_MARGINS = 2 * 10 + 2


@dataclass
class SignatureFieldSpec:
    """An empty signature field to create: `page` counts from 0 (-1 is the last page), `box` is
    (x1, y1, x2, y2) in PDF points from the bottom-left corner of the page."""

    name: str
    page: int
    box: tuple[int, int, int, int]


def outside_event_loop(function):
    """pyHanko's synchronous API calls `asyncio.run()`, which fails in a thread that already
    runs an event loop (an async view, a browser-test driver): there, run it in a worker thread."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return function(*args, **kwargs)
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(function, *args, **kwargs).result()

    return wrapper


def signing_is_configured() -> bool:
    return bool(settings.SIGNING_P12_PATH)


def load_platform_signer() -> signers.SimpleSigner:
    """The platform's signer, loaded once per process (again if the file changes)."""
    path = settings.SIGNING_P12_PATH
    if not path:
        raise SigningConfigurationError(
            "SIGNING_P12_PATH n'est pas défini : la plateforme n'a pas de certificat de cachet "
            "(créez-en un avec `manage.py create_signing_certificate`)."
        )
    try:
        modified = os.stat(path).st_mtime_ns
    except OSError:
        raise SigningConfigurationError(
            f"SIGNING_P12_PATH désigne un fichier introuvable ou illisible : {path}"
        ) from None
    return _load_signer(path, settings.SIGNING_P12_PASSPHRASE, modified)


@lru_cache(maxsize=4)
def _load_signer(path: str, passphrase: str, modified: int) -> signers.SimpleSigner:
    with open(path, "rb") as file:
        data = file.read()
    if not _looks_like_pkcs12(data):
        raise SigningConfigurationError(f"SIGNING_P12_PATH ne désigne pas un fichier PKCS#12 : {path}")
    # `SimpleSigner.load_pkcs12` returns None (and only logs) when the passphrase is wrong;
    # `load_pkcs12_data` raises instead, which lets us say what is wrong.
    try:
        return signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=[], passphrase=passphrase.encode() if passphrase else None
        )
    except Exception as error:  # cryptography says ValueError, a key-less file fails elsewhere
        raise SigningConfigurationError(
            f"SIGNING_P12_PASSPHRASE ne déverrouille pas le fichier {path} "
            "(ou ce fichier ne contient ni clé ni certificat)."
        ) from error


@dataclass(frozen=True)
class SigningAuthority:
    """The platform's signing CA: it issues each signatory's one-time certificate."""

    key: object  # a cryptography private key
    certificate: x509.Certificate


def signing_ca_is_configured() -> bool:
    return bool(settings.SIGNING_CA_P12_PATH)


def load_signing_authority() -> SigningAuthority | None:
    """The platform's signing CA (loaded once per process, again if the file changes), or None
    when SIGNING_CA_P12_PATH is empty: the signatures are then made with the seal."""
    path = settings.SIGNING_CA_P12_PATH
    if not path:
        return None
    return _load_authority(*_key_file("SIGNING_CA_P12_PATH", "SIGNING_CA_P12_PASSPHRASE"))


def _key_file(path_setting: str, passphrase_setting: str) -> tuple[str, str, int]:
    """The PKCS#12 file a setting names, its passphrase (the seal's by default) and its
    modification time, which keys the caches so that a replaced file is read again."""
    path = getattr(settings, path_setting)
    try:
        modified = os.stat(path).st_mtime_ns
    except OSError:
        raise SigningConfigurationError(
            f"{path_setting} désigne un fichier introuvable ou illisible : {path}"
        ) from None
    return path, getattr(settings, passphrase_setting) or settings.SIGNING_P12_PASSPHRASE, modified


def _key_and_certificates(path: str, passphrase: str, prefix: str):
    """The key, certificate and other certificates of the PKCS#12 file of `{prefix}_PATH`, each
    problem said in French with the settings to correct."""
    with open(path, "rb") as file:
        data = file.read()
    if not _looks_like_pkcs12(data):
        raise SigningConfigurationError(f"{prefix}_PATH ne désigne pas un fichier PKCS#12 : {path}")
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(
            data, passphrase.encode() if passphrase else None
        )
    except ValueError as error:
        raise SigningConfigurationError(
            f"{prefix}_PASSPHRASE (ou, à défaut, SIGNING_P12_PASSPHRASE) ne déverrouille pas le "
            f"fichier {path}."
        ) from error
    if key is None or certificate is None:
        raise SigningConfigurationError(
            f"Le fichier {path} ne contient pas à la fois une clé et un certificat."
        )
    return key, certificate, others


@lru_cache(maxsize=4)
def _load_authority(path: str, passphrase: str, modified: int) -> SigningAuthority:
    key, certificate, _others = _key_and_certificates(path, passphrase, "SIGNING_CA_P12")
    try:
        is_ca = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if not is_ca or key.public_key() != certificate.public_key():
        raise SigningConfigurationError(
            f"Le fichier {path} ne contient pas une autorité de certification et sa clé "
            "(SIGNING_CA_P12_PATH attend la clé de l'autorité, pas celle du cachet)."
        )
    return SigningAuthority(key=key, certificate=certificate)


# A one-time certificate is valid from a little before it is issued (clocks differ) until the
# CA itself expires. Its key is discarded once the signature is made, so a long validity lets no
# one sign anything more; a short one would turn every signature "expired" for the validators
# that check certificates at the present time (pyHanko without a timestamp, as on /verifier/).
ONE_TIME_CERTIFICATE_BACKDATING = timedelta(minutes=5)


def one_time_signer(
    authority: SigningAuthority, *, name: str, function: str, organisation: str, when: datetime
) -> signers.SimpleSigner:
    """A signer whose certificate, issued now by `authority`, names the signatory: CN = name,
    title = function, O = organisation, C = BE. Its key exists only in the returned object."""
    valid_from = min(timezone.now(), when) - ONE_TIME_CERTIFICATE_BACKDATING
    key, certificate = issue_signing_certificate(
        authority.key,
        authority.certificate,
        name,
        organisation=organisation,
        title=function,
        valid_from=valid_from,
        valid_until=authority.certificate.not_valid_after_utc,
    )
    return signers.SimpleSigner(
        signing_cert=_asn1_certificate(certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        # The CA travels in the signature, so that validators can build the chain to the root.
        cert_registry=SimpleCertificateStore.from_certs([_asn1_certificate(authority.certificate)]),
    )


def signatory_signer(*, name: str, function: str, organisation: str, when: datetime) -> signers.SimpleSigner:
    """Who signs on a signatory's behalf: a one-time certificate in their name when the signing CA
    is configured, the platform's seal otherwise."""
    authority = load_signing_authority()
    if authority is None:
        return load_platform_signer()
    return one_time_signer(authority, name=name, function=function, organisation=organisation, when=when)


def field_signer_certificate(pdf_bytes: bytes, field_name: str) -> asn1_x509.Certificate:
    """The certificate that signed the field `field_name` of a PDF this platform just signed."""
    reader = PdfFileReader(BytesIO(pdf_bytes))
    return next(sig.signer_cert for sig in reader.embedded_signatures if sig.field_name == field_name)


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _looks_like_pkcs12(data: bytes) -> bool:
    """Whether the outer, unencrypted structure is a PKCS#12 PFX (no passphrase needed)."""
    try:
        return asn1_pkcs12.Pfx.load(data)["auth_safe"]["content_type"].native is not None
    except (ValueError, TypeError, KeyError):
        return False


def timestamping_is_configured() -> bool:
    return bool(settings.SIGNING_TSA_URL or settings.SIGNING_TSA_P12_PATH)


def _timestamper() -> TimeStamper | None:
    """The time-stamping authority at SIGNING_TSA_URL; else the local time-stamping unit of
    SIGNING_TSA_P12_PATH (development and demo: RFC 3161 tokens made in-process); else None."""
    if settings.SIGNING_TSA_URL:
        return HTTPTimeStamper(settings.SIGNING_TSA_URL, timeout=10)
    if settings.SIGNING_TSA_P12_PATH:
        return load_local_timestamper()
    return None


def load_local_timestamper() -> DummyTimeStamper:
    """The local time-stamping unit of SIGNING_TSA_P12_PATH (loaded once per process, again if
    the file changes): its certificate, and the CA's embedded in each token."""
    return _load_local_timestamper(*_key_file("SIGNING_TSA_P12_PATH", "SIGNING_TSA_P12_PASSPHRASE"))


@lru_cache(maxsize=4)
def _load_local_timestamper(path: str, passphrase: str, modified: int) -> DummyTimeStamper:
    key, certificate, others = _key_and_certificates(path, passphrase, "SIGNING_TSA_P12")
    try:
        usages = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        usages = []
    if x509.oid.ExtendedKeyUsageOID.TIME_STAMPING not in usages:
        raise SigningConfigurationError(
            f"Le certificat du fichier {path} n'est pas celui d'une unité d'horodatage "
            "(usage étendu « timeStamping » absent)."
        )
    return DummyTimeStamper(
        tsa_cert=_asn1_certificate(certificate),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        certs_to_embed=[_asn1_certificate(other) for other in others],
    )


@outside_event_loop
def prepare_for_signing(pdf_bytes: bytes, *, fields: list[SignatureFieldSpec]) -> bytes:
    """Add every signatory's empty field, then certify the document with the platform's key.

    The certification allows form filling and signing only (DocMDP P=2), so each later signature
    must go into one of these fields and nothing else may change."""
    names = [spec.name for spec in fields]
    if CERTIFICATION_FIELD in names or len(set(names)) != len(names):
        raise SigningError("Chaque champ de signature doit avoir un nom unique.")
    signer = load_platform_signer()
    writer = _writer(pdf_bytes)
    for spec in fields:
        pdf_fields.append_signature_field(
            writer, pdf_fields.SigFieldSpec(spec.name, on_page=spec.page, box=spec.box)
        )
    meta = signers.PdfSignatureMetadata(
        field_name=CERTIFICATION_FIELD,
        certify=True,
        docmdp_permissions=pdf_fields.MDPPerm.FILL_FORMS,
        subfilter=pdf_fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason="Document certifié par Pilotis : seules les signatures prévues peuvent y être ajoutées",
        location="Pilotis",
    )
    pdf_signer = _PdfA3Signer(
        meta,
        signer,
        timestamper=_timestamper(),
        # No box: the certification is invisible, the signatories' stamps are what people see.
        new_field_spec=pdf_fields.SigFieldSpec(CERTIFICATION_FIELD),
    )
    return pdf_signer.sign_pdf(writer).getvalue()


@outside_event_loop
def sign_field(
    pdf_bytes: bytes,
    *,
    field_name: str,
    signer_name: str,
    function: str,
    reason: str,
    organisation: str = "",
    location: str = "Bruxelles",
    when: datetime | None = None,
) -> bytes:
    """Sign the empty field `field_name` on the signatory's behalf: with a one-time certificate in
    their name (`signer_name`, `function`, `organisation`) when the signing CA is configured,
    with the platform's seal otherwise (see `signatory_signer`).

    `when` (default: now) is the signing time written in the signature and shown on the
    stamp, in Brussels time; callers pass the moment they record for the signature event."""
    writer = _writer(pdf_bytes)
    existing = {name: value for name, value, _ref in pdf_fields.enumerate_sig_fields(writer.prev)}
    if field_name not in existing:
        raise SigningError(f"Le document n'a pas de champ de signature « {field_name} ».")
    if existing[field_name]:
        raise SigningError(f"Le champ de signature « {field_name} » est déjà signé.")
    when = timezone.now() if when is None else when
    local = when.astimezone(BRUSSELS)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=pdf_fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=signer_name,
        reason=reason,
        location=location,
    )
    font = settings.SIGNING_STAMP_FONT
    stamp = TextStampStyle(
        stamp_text=STAMP_TEXT,
        border_width=1,
        text_box_style=TextBoxStyle(
            font=StampFontFactory(font, font_size=STAMP_FONT_SIZE), font_size=STAMP_FONT_SIZE
        ),
    )
    signer = signatory_signer(name=signer_name, function=function, organisation=organisation, when=when)
    pdf_signer = _PdfSignerAt(meta, signer, signing_time=local, timestamper=_timestamper(), stamp_style=stamp)
    # Long names and functions wrap inside the field rather than shrinking the whole stamp.
    width = _field_width(writer, field_name) - STAMP_HORIZONTAL_MARGINS
    text = {
        "signer": wrap_for_stamp(signer_name, width=width, font=font),
        "function": wrap_for_stamp(function, width=width, font=font),
        "date": local.strftime("%d/%m/%Y"),
        "time": local.strftime("%H:%M"),
    }
    output = pdf_signer.sign_pdf(writer, existing_fields_only=True, appearance_text_params=text)
    return output.getvalue()


class _PdfA3Signer(signers.PdfSigner):
    """pyHanko declares PDF 2.0 (ISO 32002) for ECDSA on the NIST curves; PDF/A-3 is PDF 1.7,
    where PAdES signatures, ECDSA included, are declared by the ESIC extension alone."""

    def register_extensions(self, pdf_out, *, md_algorithm: str):
        pdf_out.ensure_output_version(version=(1, 7))
        pdf_out.register_extension(ESIC_EXTENSION_1)


class _PdfSignerAt(_PdfA3Signer):
    """A PdfSigner whose signing time is the one given rather than the clock's, so that the
    signature, its /M entry and the stamp all show the time recorded for the signature event."""

    def __init__(self, *args, signing_time: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.signing_time = signing_time

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self.signing_time
        return session


class _PdfAWriter(IncrementalPdfFileWriter):
    """pyHanko writes its own name as the producer in the XMP metadata but appends it to the
    one in the document information: PDF/A wants the two to agree, so both get the XMP's."""

    def _update_meta(self):
        super()._update_meta()
        if self._info is not None:
            self._info.get_object()["/Producer"] = generic.TextStringObject(VENDOR)
            self.mark_update(self._info)


def _writer(pdf_bytes: bytes) -> IncrementalPdfFileWriter:
    try:
        return _PdfAWriter(BytesIO(pdf_bytes))
    except (PdfError, ValueError, KeyError, IndexError) as error:
        raise SigningError("Ce document n'est pas un PDF lisible.") from error


def _field_width(writer: IncrementalPdfFileWriter, field_name: str) -> float:
    for name, _value, ref in pdf_fields.enumerate_sig_fields(writer.prev):
        if name == field_name:
            field = ref.get_object()
            widget = field["/Kids"][0].get_object() if "/Kids" in field else field
            x1, _y1, x2, _y2 = (float(v) for v in widget["/Rect"])
            return abs(x2 - x1)
    raise SigningError(f"Le document n'a pas de champ de signature « {field_name} ».")
