"""What PDF/A-3b asks of every revision of a signed PDF, read back with pypdf: the version (PDF
1.7), the PDF/A identification in the XMP metadata, the document information in agreement with
it, and every font embedded, the signatures' stamps included."""

import re
from io import BytesIO

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

_EOF = re.compile(rb"%%EOF\r?\n?")
_EMBEDDED = ("/FontFile", "/FontFile2", "/FontFile3")


def revisions(pdf: bytes) -> list[bytes]:
    """The file as it stood after each of its (incremental) revisions."""
    return [pdf[: match.end()] for match in _EOF.finditer(pdf)]


def pdfa_problems(pdf: bytes) -> list[str]:
    problems = []
    if not pdf.startswith(b"%PDF-1.7"):
        problems.append(f"en-tête {pdf[:8]!r} au lieu de %PDF-1.7")
    reader = PdfReader(BytesIO(pdf))
    root = reader.trailer["/Root"]
    if "/Version" in root and str(root["/Version"]) != "/1.7":
        problems.append(f"catalogue en version {root['/Version']}")
    xmp = root["/Metadata"].get_object().get_data().decode() if "/Metadata" in root else ""
    if not re.search(r'pdfaid:part(="|>)3', xmp) or not re.search(r'pdfaid:conformance(="|>)B', xmp):
        problems.append("identification PDF/A-3b absente des métadonnées XMP")
    info = reader.trailer["/Info"].get_object() if "/Info" in reader.trailer else {}
    xmp_producer = re.search(r'pdf:Producer(?:="|>)([^"<]*)', xmp)
    if "/Producer" in info and (xmp_producer is None or xmp_producer.group(1) != str(info["/Producer"])):
        problems.append(
            f"producteur « {info['/Producer']} » dans /Info, "
            f"« {xmp_producer.group(1) if xmp_producer else ''} » dans XMP"
        )
    for name in sorted(_fonts_not_embedded(reader)):
        problems.append(f"police non incorporée : {name}")
    return problems


def _fonts_not_embedded(reader: PdfReader) -> set[str]:
    missing: set[str] = set()
    seen: set[int] = set()

    def visit_resources(resources) -> None:
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, DictionaryObject):
            return
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            if font.get("/Subtype") == "/Type3":
                continue
            descriptor = described.get("/FontDescriptor")
            if descriptor is None or not any(key in descriptor.get_object() for key in _EMBEDDED):
                missing.add(str(font.get("/BaseFont")))
        for xobject in (resources.get("/XObject") or {}).values():
            visit_stream(xobject)

    def visit_stream(reference) -> None:
        key = getattr(reference, "idnum", None)
        if key is not None:
            if key in seen:
                return
            seen.add(key)
        stream = reference.get_object()
        if stream.get("/Subtype") == "/Form":
            visit_resources(stream.get("/Resources"))

    def visit_appearance(appearance) -> None:
        appearance = appearance.get_object()
        if isinstance(appearance, DictionaryObject) and "/Subtype" not in appearance:
            for state in appearance.values():  # a dictionary of appearance states
                visit_stream(state)
        else:
            visit_stream(appearance)

    for page in reader.pages:
        visit_resources(page.get("/Resources"))
        annotations = page.get("/Annots")
        for annotation in annotations.get_object() if annotations is not None else []:
            for appearance in (annotation.get_object().get("/AP") or {}).values():
                visit_appearance(appearance)
    return missing
