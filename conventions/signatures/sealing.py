"""The platform's seal on a document it issues itself (the evidence certificate): an invisible
PAdES signature with the sealing key, timestamped when a time-stamping authority is configured,
so that nobody can alter the certificate after it was issued without it showing."""

from pyhanko.sign import fields as pdf_fields
from pyhanko.sign import signers

from .crypto import _PdfA3Signer, _timestamper, _writer, load_platform_signer, outside_event_loop

SEAL_FIELD = "Pilotis-cachet"


@outside_event_loop
def seal_document(pdf_bytes: bytes, *, reason: str) -> bytes:
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        subfilter=pdf_fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location="Pilotis",
    )
    pdf_signer = _PdfA3Signer(
        meta,
        load_platform_signer(),
        timestamper=_timestamper(),
        new_field_spec=pdf_fields.SigFieldSpec(SEAL_FIELD),
    )
    return pdf_signer.sign_pdf(_writer(pdf_bytes)).getvalue()
