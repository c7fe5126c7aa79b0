"""Limits on what a person may upload, checked while the bytes arrive rather than after they
are all in memory: the request's files (an upload handler that stops keeping a file past the
largest size any form accepts), a file's own limit read in chunks, and an XLSX workbook's
declared uncompressed size, read in its zip directory before any spreadsheet library opens it."""

import io
import zipfile

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler

MEGABYTE = 1024 * 1024
CHUNK_SIZE = 64 * 1024


class UploadTooLarge(Exception):
    """The file is larger than its limit: `message` says so in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def size_text(size: int) -> str:
    """'20 Mo', '106,9 Mo', '100 Ko': as a Belgian reader writes sizes."""
    amount, unit = (size / MEGABYTE, "Mo") if size >= MEGABYTE else (size / 1024, "Ko")
    return f"{amount:.1f}".replace(".", ",").removesuffix(",0") + f" {unit}"


def number(count: int) -> str:
    """'100 000'."""
    return f"{count:,}".replace(",", "\u202f")


def the_file(name: str) -> str:
    return f"Le fichier {name}" if name else "Le fichier"


def too_large_message(name: str, limit: int) -> str:
    return f"{the_file(name)} dépasse la taille permise ({size_text(limit)})."


def too_many_rows_message(name: str, limit: int) -> str:
    return (
        f"{the_file(name)} compte plus de {number(limit)} lignes, le maximum permis : "
        "découpez-le en plusieurs fichiers."
    )


class BoundedUploadHandler(FileUploadHandler):
    """The first of FILE_UPLOAD_HANDLERS. Past UPLOAD_MAX_BYTES it passes no more of a file on
    to the handlers that keep it (memory, then a temporary file): no upload costs more than that
    limit and a chunk, whatever its size. The file then arrives with a size over every form's
    limit, so its form refuses it in French, as it would any file too large."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        already = self.received
        self.received += len(raw_data)
        # The chunk that crosses the limit is passed on, so that the size kept exceeds it.
        return raw_data if already <= settings.UPLOAD_MAX_BYTES else None

    def file_complete(self, file_size):
        return None


def read_bounded(stream, *, name: str, limit: int) -> bytes:
    """The content of a file-like object, read in chunks; UploadTooLarge as soon as it passes
    `limit`, before the rest is read."""
    chunks, total = [], 0
    while chunk := stream.read(CHUNK_SIZE):
        total += len(chunk)
        if total > limit:
            raise UploadTooLarge(too_large_message(name, limit))
        chunks.append(chunk)
    return b"".join(chunks)


def read_upload(upload, *, limit: int | None = None) -> bytes:
    """An uploaded file's content, refused on its declared size first, then while reading."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES if limit is None else limit
    if upload.size is not None and upload.size > limit:
        raise UploadTooLarge(too_large_message(upload.name, limit))
    upload.seek(0)
    return read_bounded(upload, name=upload.name, limit=limit)


def check_xlsx_archive(name: str, data: bytes, *, limit: int | None = None) -> None:
    """Refuses a workbook whose members would decompress beyond `limit`. The sizes come from the
    zip's central directory; Python's zipfile never inflates a member beyond the size declared
    there (it stops and checks the CRC), so the sum bounds what openpyxl can ever read.
    A file that is no zip at all is left to the reader, which says it cannot be read."""
    limit = settings.IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES if limit is None else limit
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    declared = sum(member.file_size for member in members)
    if declared > limit or len(members) > settings.IMPORT_MAX_XLSX_MEMBERS:
        raise UploadTooLarge(
            f"{the_file(name)} est trop volumineux une fois décompressé ({size_text(declared)} "
            f"de données pour {size_text(limit)} permis) : enregistrez la feuille utile au format "
            "CSV, ou découpez le fichier."
        )
