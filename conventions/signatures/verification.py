"""Verifying signed PDFs: what the verification page, `manage.py verify_pdf` and the upload of a
signatory's own (eID) signature rely on.

A signature that is mathematically intact says nothing about what was appended after it: the
bottom line also weighs what each later revision changed (pyHanko's difference analysis), the
document's certification (DocMDP) and whether the last signature covers the whole file.
"""

import hashlib
import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from io import BytesIO

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, DiffResult, ModificationLevel
from pyhanko.sign.fields import MDPPerm, enumerate_sig_fields
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    SignatureCoverageLevel,
    validate_pdf_signature,
    validate_pdf_timestamp,
)
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext

from ..models import ConventionDocument
from .crypto import outside_event_loop
from .errors import SigningConfigurationError
from .limits import (
    MAX_SIGNATURES,
    TOO_COMPLEX,
    Deadline,
    VerificationTooLong,
    structure_refusal,
    time_box,
    too_long_message,
)
from .trust import trust_roots

logger = logging.getLogger(__name__)

NOT_A_PDF = "Ce fichier n'est pas un PDF lisible."
ENCRYPTED = "Ce PDF est chiffré : il ne peut pas être vérifié ici."
NO_SIGNATURE = "Ce PDF ne contient aucune signature."
UNREADABLE_SIGNATURE = "Une signature de ce PDF est illisible ou mal formée."

COVERAGE_LABELS = {
    "ENTIRE_FILE": "tout le fichier",
    "ENTIRE_REVISION": "le document tel qu'il était à ce moment ; des ajouts ont suivi",
    "CONTIGUOUS_BLOCK_FROM_START": "une partie seulement du fichier",
    "UNCLEAR": "une partie indéterminée du fichier",
}
# PAdES baseline levels (ETSI EN 319 142-1), each including the one before.
LEVEL_LABELS = {
    "B-B": "B-B (signature simple)",
    "B-T": "B-T (horodatée)",
    "B-LT": "B-LT (données de validation incluses)",
    "B-LTA": "B-LTA (horodatage d'archive)",
}
LEVELS = list(LEVEL_LABELS)
MODIFICATION_LABELS = {
    "NONE": "aucune modification depuis",
    "LTA_UPDATES": "seuls des horodatages ou des données de validation ont été ajoutés depuis",
    "FORM_FILLING": "seules des signatures ont été ajoutées depuis",
    "ANNOTATIONS": "des annotations ont été ajoutées depuis",
    "OTHER": "le document a été modifié depuis",
}


class UploadRefused(Exception):
    """A signatory's upload cannot be accepted; the message says why, in French."""


@dataclass
class SignatureReport:
    field_name: str
    kind: str  # "certification", "signature" or "horodatage"
    signer_common_name: str  # from the certificate
    signer_name: str  # the /Name entry: on whose behalf the platform signed
    signing_time: datetime | None
    intact: bool  # the signed bytes are those the signer signed
    valid: bool  # the signature matches the certificate's key
    trusted: bool  # the certificate chains to one of SIGNING_TRUST_ROOTS
    coverage: str  # a SignatureCoverageLevel name
    modification_level: str | None  # a ModificationLevel name: what was changed after it
    docmdp_level: int | None  # the certification's P value (1, 2 or 3)
    docmdp_ok: bool
    summary: str
    _certificates = frozenset()  # class attribute, not a field: set by `_validate`

    # The certificate's subject as a reader names it: "Faouzia HARICHE, Échevine…, Ville de Bruxelles".
    signer_subject: str = ""
    # A valid RFC 3161 signature timestamp (from a TSA Pilotis recognises, when trust is checked).
    timestamped: bool = False
    # The PAdES level it reaches, « B-T (horodatée) »…; empty for document timestamps and for
    # signatures that do not hold.
    level: str = ""

    @property
    def coverage_label(self) -> str:
        return COVERAGE_LABELS.get(self.coverage, self.coverage)

    @property
    def modification_label(self) -> str:
        return MODIFICATION_LABELS.get(self.modification_level or "", "modifications non évaluées")

    @property
    def acceptable(self) -> bool:
        """Intact, valid, and nothing but signatures or timestamps added after it."""
        return (
            self.intact
            and self.valid
            and self.docmdp_ok
            and self.modification_level is not None
            and ModificationLevel[self.modification_level] <= ModificationLevel.FORM_FILLING
        )


@dataclass
class VerificationReport:
    sha256: str
    signatures: list[SignatureReport] = field(default_factory=list)
    unsigned_fields: list[str] = field(default_factory=list)
    trust_checked: bool = False
    ok: bool = False
    altered: bool = False  # modified after signing, or a signature that does not hold
    summary: str = ""
    error: str | None = None
    known_reference: str | None = None
    # The level every signature reaches (the lowest of theirs), as `SignatureReport.level`.
    level: str = ""

    def as_dict(self) -> dict:
        data = asdict(self)
        for signature in data["signatures"]:
            if signature["signing_time"] is not None:
                signature["signing_time"] = signature["signing_time"].isoformat()
        return data


@outside_event_loop
def verify_pdf_bytes(data: bytes) -> VerificationReport:
    """Check every signature of a PDF; never raises on bad input (`error` says what is wrong).

    `ok` is True only if the PDF has at least one signature and every one is intact, valid,
    respects the certification (DocMDP) and was followed by nothing but signatures or timestamps
    (modification level at most FORM_FILLING), and the last one covers the entire file.
    When trust roots are configured (SIGNING_TRUST_ROOTS), `ok` also requires every signer's
    certificate to chain to one of them: a signature by an unknown key proves nothing. Without
    trust roots, `trusted` is reported False and not required (development only)."""
    report = _verify(data)
    if report.error is None:
        document = known_document(report.sha256)
        report.known_reference = document.convention.reference if document is not None else None
    return report


def known_document(sha256: str):
    """The stored convention document with exactly these bytes, or None."""
    return ConventionDocument.objects.select_related("convention").filter(sha256=sha256).first()


@outside_event_loop
def check_signatory_upload(*, current: bytes, uploaded: bytes, field_name: str) -> VerificationReport:
    """Accept a PDF signed by a signatory with their own certificate (Belgian eID) only if it is
    exactly `current` plus one incremental signature in their empty field `field_name`, intact
    and valid, and nothing else changed (pyHanko's difference analysis: form filling at most).

    The signatory's certificate need not chain to our trust roots: the person was authenticated
    by Pilotis before uploading, and the signature binds their certificate to these exact bytes.
    `trusted` is reported (with the certificate's name) for the caller to record and show; add
    the Belgian eID roots to SIGNING_TRUST_ROOTS so that such signatures are shown as trusted.
    Raises UploadRefused with the reason in French."""
    if len(uploaded) <= len(current) or not uploaded.startswith(current):
        raise UploadRefused(
            "Ce fichier n'est pas le document à signer complété de votre signature : il a été "
            "signé sur une autre version, ou modifié. Téléchargez la dernière version et signez-la."
        )
    try:
        with time_box() as deadline:
            return _check_upload(current=current, uploaded=uploaded, field_name=field_name, deadline=deadline)
    except VerificationTooLong:
        raise UploadRefused(too_long_message()) from None


def _check_upload(
    *, current: bytes, uploaded: bytes, field_name: str, deadline: Deadline
) -> VerificationReport:
    report = _verify(uploaded, deadline=deadline)
    if report.error == NO_SIGNATURE:
        raise UploadRefused("Ce fichier ne contient aucune nouvelle signature.")
    if report.error is not None:
        raise UploadRefused(report.error)
    current_reader = PdfFileReader(BytesIO(current))
    signed_before = {name for name, _value, _ref in enumerate_sig_fields(current_reader, filled_status=True)}
    empty_before = {name for name, _value, _ref in enumerate_sig_fields(current_reader, filled_status=False)}
    new = [signature for signature in report.signatures if signature.field_name not in signed_before]
    if not new:
        raise UploadRefused("Ce fichier ne contient aucune nouvelle signature.")
    if len(new) > 1 or len(report.signatures) != len(signed_before) + 1:
        raise UploadRefused(
            "Ce fichier contient plusieurs nouvelles signatures : une seule, la vôtre, est attendue."
        )
    signature = new[0]
    if signature.field_name != field_name or field_name not in empty_before:
        raise UploadRefused(
            f"La signature a été placée dans le champ « {signature.field_name} » : "
            f"signez dans votre champ, « {field_name} »."
        )
    if signature.kind != "signature" or not (signature.intact and signature.valid):
        raise UploadRefused("Votre signature n'est pas valable : le fichier a peut-être été abîmé.")
    if signature.coverage != SignatureCoverageLevel.ENTIRE_FILE.name:
        raise UploadRefused("Quelque chose a été ajouté au fichier après votre signature.")
    deadline.check()
    if not _only_form_filling_since(uploaded, base_revision=current_reader.xrefs.total_revisions - 1):
        raise UploadRefused(
            "Le fichier envoyé modifie le document en plus d'y ajouter votre signature : il ne peut pas être accepté."
        )
    if not all(other.acceptable for other in report.signatures if other is not signature):
        raise UploadRefused("Une signature antérieure n'est plus valable dans le fichier envoyé.")
    return report


def _only_form_filling_since(data: bytes, *, base_revision: int) -> bool:
    """Whether the revisions after `base_revision` only fill in fields and sign (DocMDP P=2)."""
    try:
        result = DEFAULT_DIFF_POLICY.review_file(
            PdfFileReader(BytesIO(data)), base_revision, doc_mdp=MDPPerm.FILL_FORMS
        )
    except Exception:  # any failure of the analysis means we cannot vouch for the changes
        logger.warning("Échec de l'analyse des différences", exc_info=True)
        return False
    return isinstance(result, DiffResult) and result.modification_level <= ModificationLevel.FORM_FILLING


def _verify(data: bytes, *, deadline: Deadline | None = None) -> VerificationReport:
    """The report on `data`, within `deadline`, or within a time box of its own."""
    report = VerificationReport(sha256=hashlib.sha256(data).hexdigest(), trust_checked=bool(trust_roots()))
    # A PDF may have a little junk before its header, but not more than 1 KiB of it.
    if b"%PDF-" not in data[:1024]:
        return _failed(report, NOT_A_PDF)
    # Counted on the raw bytes before pyHanko parses anything: the cost of a verification
    # grows with the square of the revisions.
    refusal = structure_refusal(data)
    if refusal is not None:
        return _failed(report, refusal)
    if deadline is not None:
        return _verify_signatures(report, data, deadline)
    try:
        with time_box() as own_deadline:
            return _verify_signatures(report, data, own_deadline)
    except VerificationTooLong:
        logger.warning("Vérification interrompue : délai dépassé (%s)", report.sha256)
        report.signatures = []
        return _failed(report, too_long_message())


def _verify_signatures(report: VerificationReport, data: bytes, deadline: Deadline) -> VerificationReport:
    try:
        reader = PdfFileReader(BytesIO(data))
        if reader.encrypted:
            return _failed(report, ENCRYPTED)
        report.unsigned_fields = [name for name, _v, _r in enumerate_sig_fields(reader, filled_status=False)]
    except Exception:  # truncated or malformed files fail in many ways inside the parser
        logger.debug("PDF illisible", exc_info=True)
        return _failed(report, NOT_A_PDF)
    try:
        embedded = reader.embedded_signatures
    except Exception:  # e.g. a /Contents that is not a CMS signature
        logger.debug("Signature illisible", exc_info=True)
        return _failed(report, UNREADABLE_SIGNATURE)
    if not embedded:
        return _failed(report, NO_SIGNATURE)
    if len(embedded) > MAX_SIGNATURES:  # e.g. signatures hidden in compressed object streams
        return _failed(
            report, TOO_COMPLEX.format(reason=f"{len(embedded)} signatures ({MAX_SIGNATURES} au plus)")
        )
    for signature in embedded:
        deadline.check()
        report.signatures.append(_check_signature(signature))
    _assign_levels(report, reader, embedded)

    last = report.signatures[-1]
    appended = _after_last_signature(data, embedded[-1])
    # Blank bytes after the final %%EOF (a text editor's newline, a mail client's) are outside
    # every revision and change nothing a reader sees: the signed document is still whole.
    whole = last.coverage == SignatureCoverageLevel.ENTIRE_FILE.name or (
        bool(appended) and not appended.strip(PDF_WHITESPACE)
    )
    untouched = all(signature.acceptable for signature in report.signatures) and whole
    recognised = not report.trust_checked or all(signature.trusted for signature in report.signatures)
    report.ok = untouched and recognised
    report.altered = not untouched
    if report.ok:
        report.summary = (
            "Document intact : chaque signature est valable et rien n'a été modifié depuis la dernière."
        )
        if appended:
            report.summary += f" ({len(appended)} octet(s) blanc(s) après la fin du fichier, sans effet.)"
    elif not untouched:
        report.summary = "Ce document a été modifié après signature, ou une signature n'est pas valable."
        report.summary += " " + _what_changed(report, appended)
    else:
        report.summary = (
            "Les signatures sont intactes, mais au moins un certificat n'est pas reconnu par Pilotis."
        )
    return report


PDF_WHITESPACE = b" \t\r\n\f\x00"


def _assign_levels(report: VerificationReport, reader: PdfFileReader, embedded: list) -> None:
    """Each signature's PAdES level: B-B; B-T with a valid signature timestamp; B-LT when the
    document security store (DSS) also holds its certificate and its timestamp's; B-LTA when a
    valid document timestamp was added after that DSS."""
    dss_certificates = _dss_certificates(reader)
    archived = any(
        checked.kind == "horodatage"
        and checked.intact
        and checked.valid
        and _dss_in_revision(reader, signature)
        for signature, checked in zip(embedded, report.signatures, strict=True)
    )
    levels = []
    for checked in report.signatures:
        if checked.kind == "horodatage" or not (checked.intact and checked.valid):
            continue
        level = "B-B"
        if checked.timestamped:
            level = "B-T"
            if dss_certificates and checked._certificates <= dss_certificates:
                level = "B-LTA" if archived else "B-LT"
        checked.level = LEVEL_LABELS[level]
        levels.append(level)
    if levels and len(levels) == len([s for s in report.signatures if s.kind != "horodatage"]):
        report.level = LEVEL_LABELS[min(levels, key=LEVELS.index)]


def _dss_certificates(reader: PdfFileReader) -> set[bytes]:
    try:
        dss = DocumentSecurityStore.read_dss(reader)
        return {certificate.sha256 for certificate in dss.load_certs()}
    except Exception:  # no DSS, or one that cannot be read: no long-term validation data
        return set()


def _dss_in_revision(reader: PdfFileReader, signature: EmbeddedPdfSignature) -> bool:
    """Whether the revision `signature` (a document timestamp) covers already had a DSS."""
    try:
        return "/DSS" in reader.get_historical_root(signature.signed_revision)
    except Exception:  # an odd structure: no archival timestamp
        return False


def _after_last_signature(data: bytes, signature: EmbeddedPdfSignature) -> bytes:
    """The bytes of the file that come after everything the last signature covers."""
    try:
        byte_range = [int(n) for n in signature.sig_object["/ByteRange"]]
        return data[byte_range[2] + byte_range[3] :]
    except (KeyError, IndexError, TypeError, ValueError):
        return b""


def _what_changed(report: VerificationReport, appended: bytes) -> str:
    """What a reader should know of the change, in plain words."""
    if any(not signature.intact for signature in report.signatures):
        return "Le contenu signé lui-même a été altéré."
    if any(not signature.valid for signature in report.signatures):
        return "Une signature ne correspond pas à la clé de son certificat."
    if appended and appended.strip(PDF_WHITESPACE):
        return f"{len(appended)} octet(s) ont été ajoutés après la dernière signature."
    return "Une révision ajoutée après une signature change le document d'une manière non permise."


def _failed(report: VerificationReport, error: str) -> VerificationReport:
    report.error = report.summary = error
    return report


def _check_signature(embedded: EmbeddedPdfSignature) -> SignatureReport:
    try:
        return _validate(embedded)
    except SigningConfigurationError:
        raise
    except Exception:  # a malformed signature is reported as such, the others still are checked
        logger.debug("Signature illisible", exc_info=True)
        return SignatureReport(
            field_name=str(embedded.field_name),
            kind="signature",
            signer_common_name="",
            signer_name="",
            signing_time=None,
            intact=False,
            valid=False,
            trusted=False,
            coverage="UNCLEAR",
            modification_level=None,
            docmdp_level=None,
            docmdp_ok=False,
            summary="Signature illisible ou mal formée : elle ne peut pas être vérifiée.",
        )


def _validate(embedded: EmbeddedPdfSignature) -> SignatureReport:
    context = ValidationContext(trust_roots=trust_roots())
    is_timestamp = embedded.sig_object_type == "/DocTimeStamp"
    if is_timestamp:
        status = validate_pdf_timestamp(embedded, validation_context=context)
        signing_time = status.timestamp
        kind = "horodatage"
        timestamped = False
    else:
        status = validate_pdf_signature(embedded, signer_validation_context=context)
        tst = status.timestamp_validity
        signing_time = tst.timestamp if tst is not None and tst.valid else status.signer_reported_dt
        timestamped = bool(
            tst is not None and tst.intact and tst.valid and (tst.trusted or not trust_roots())
        )
        kind = "certification" if embedded.docmdp_level is not None else "signature"
    level = status.modification_level
    docmdp_ok = status.docmdp_ok
    if docmdp_ok is None:  # not computed for document timestamps: the same rule, by hand
        docmdp_ok = level is not None and level <= ModificationLevel.FORM_FILLING
    docmdp = embedded.docmdp_level if kind == "certification" else None
    signature = SignatureReport(
        field_name=embedded.field_name,
        kind=kind,
        signer_common_name=_common_name(status.signing_cert),
        signer_subject=_subject(status.signing_cert),
        signer_name=str(embedded.sig_object.get("/Name", "")),
        signing_time=signing_time,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        coverage=status.coverage.name if status.coverage is not None else "UNCLEAR",
        modification_level=level.name if level is not None else None,
        docmdp_level=docmdp.value if docmdp is not None else None,
        docmdp_ok=bool(docmdp_ok),
        summary="",
        timestamped=timestamped,
    )
    # What the DSS must hold for B-LT: the signer's certificate and its timestamp's (not reported).
    signature._certificates = {
        certificate.sha256
        for certificate in (
            status.signing_cert,
            getattr(getattr(status, "timestamp_validity", None), "signing_cert", None),
        )
        if certificate is not None
    }
    signature.summary = _summary(signature)
    return signature


def _summary(signature: SignatureReport) -> str:
    if not signature.intact:
        return "Signature rompue : le contenu signé a été altéré depuis la signature."
    if not signature.valid:
        return "Signature non valable : elle ne correspond pas à la clé de son certificat."
    if not signature.acceptable:
        return "Signature intacte, mais le document a été modifié ensuite d'une manière non permise : document altéré."
    what = {
        "certification": "Certification intacte et valable",
        "horodatage": "Horodatage intact et valable",
    }.get(signature.kind, "Signature intacte et valable")
    trust = "certificat reconnu" if signature.trusted else "certificat non reconnu par Pilotis"
    return f"{what} ({trust}) ; {signature.modification_label}."


def _common_name(certificate: x509.Certificate) -> str:
    try:
        return certificate.subject.native.get("common_name", "") or certificate.subject.human_friendly
    except Exception:  # an odd subject must not stop the report
        return ""


def _subject(certificate: x509.Certificate) -> str:
    """The certificate's name, function (title) and organisation, comma-separated."""
    try:
        subject = certificate.subject.native
        parts = [subject.get(key) for key in ("common_name", "title", "organization_name")]
        return ", ".join(part for part in parts if isinstance(part, str) and part)
    except Exception:  # an odd subject must not stop the report
        return ""
