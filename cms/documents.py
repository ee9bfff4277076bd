"""The documents library: files staff upload once and link from reports and pages.

A file's type is read from its content (puremagic, and the parts list of an office
file's ZIP container), never from its name: only the types in `DOCUMENT_TYPES` are
accepted, and the name's extension must agree with the content, so an executable or
a web page renamed `.pdf` is refused. The detected type and the size are stored at
upload: the public pages show them ("PDF, 1,2 MB") and the media view serves the file
with that type (cms/media.py).
"""

import codecs
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

DOCUMENTS_FOLDER = "documents"
UTF8_BOM = codecs.BOM_UTF8


@dataclass(frozen=True)
class DocumentType:
    extension: str
    mime_type: str
    label: str
    is_inline: bool = False  # opened in the browser rather than downloaded


DOCUMENT_TYPES = {
    kind.extension: kind
    for kind in [
        DocumentType("pdf", "application/pdf", "PDF", is_inline=True),
        DocumentType(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "DOCX",
        ),
        DocumentType(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "XLSX",
        ),
        DocumentType(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "PPTX",
        ),
        DocumentType("odt", "application/vnd.oasis.opendocument.text", "ODT"),
        DocumentType("ods", "application/vnd.oasis.opendocument.spreadsheet", "ODS"),
        DocumentType("odp", "application/vnd.oasis.opendocument.presentation", "ODP"),
        DocumentType("csv", "text/csv; charset=utf-8", "CSV"),
        DocumentType("txt", "text/plain; charset=utf-8", "TXT"),
    ]
}
TYPES_BY_MIME = {kind.mime_type: kind for kind in DOCUMENT_TYPES.values()}
OOXML = ("docx", "xlsx", "pptx")
OPEN_DOCUMENT = ("odt", "ods", "odp")
TEXT = ("csv", "txt")
ACCEPTED_LABELS = ", ".join(kind.label for kind in DOCUMENT_TYPES.values())


def _office_types(file) -> list[DocumentType]:
    """An office file's type from its ZIP container's parts: OOXML declares its main
    part's type in [Content_Types].xml (a macro-enabled one declares another, and is
    refused), OpenDocument stores its type in the `mimetype` part."""
    try:
        with zipfile.ZipFile(file) as container:
            names = set(container.namelist())
            if "[Content_Types].xml" in names:
                with container.open("[Content_Types].xml") as part:
                    declared = part.read(256 * 1024).decode("utf-8", "replace")
                return [
                    DOCUMENT_TYPES[ext]
                    for ext in OOXML
                    if f'"{DOCUMENT_TYPES[ext].mime_type}.main+xml"' in declared
                ]
            if "mimetype" in names:
                with container.open("mimetype") as part:
                    declared = part.read(200).decode("ascii", "replace").strip()
                return [
                    DOCUMENT_TYPES[ext]
                    for ext in OPEN_DOCUMENT
                    if DOCUMENT_TYPES[ext].mime_type == declared
                ]
    except (zipfile.BadZipFile, OSError, EOFError):
        pass
    return []


def _is_text(file) -> bool:
    """UTF-8 text without NUL bytes, read whole (a UTF-8 character may span chunks)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in iter(lambda: file.read(64 * 1024), b""):
            if b"\0" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_document_types(file) -> list[DocumentType]:
    """The accepted types the file's content is, read from the content alone: one,
    or both CSV and TXT for plain text, or none."""
    file.seek(0)
    try:
        # No file name given: puremagic would count the name as evidence.
        matches = puremagic.magic_stream(file)
    except puremagic.PureError:
        matches = []
    # A UTF-8 byte order mark says nothing more than "text".
    matches = [match for match in matches if match.byte_match != UTF8_BOM]
    found = {match.extension.lstrip(".") for match in matches}
    try:
        if any(m.extension == ".pdf" and m.offset == 0 for m in matches):
            return [DOCUMENT_TYPES["pdf"]]
        if found & {"zip", *OOXML, *OPEN_DOCUMENT}:
            file.seek(0)
            return _office_types(file)
        file.seek(0)
        if not matches and _is_text(file):
            return [DOCUMENT_TYPES[ext] for ext in TEXT]
        return []
    finally:
        file.seek(0)


def check_document(file, name: str) -> DocumentType:
    """The file's type, or a ValidationError saying what is wrong and what to do."""
    limit = settings.DOCUMENT_MAX_SIZE
    if file.size > limit:
        raise ValidationError(
            _(
                "The file “%(name)s” is %(size)s; a document may be at most "
                "%(limit)s. Make it smaller (e.g. save the PDF with compressed "
                "images) or split it, and upload it again."
            ),
            code="too_large",
            params={
                "name": name,
                "size": filesizeformat(file.size),
                "limit": filesizeformat(limit),
            },
        )
    kinds = detect_document_types(file)
    if not kinds:
        raise ValidationError(
            _(
                "The file “%(name)s” is not a document of a type the site accepts: "
                "its content is not %(accepted)s, whatever its name says. Save it "
                "as one of these (e.g. export it to PDF) and upload it again."
            ),
            code="type_not_accepted",
            params={"name": name, "accepted": ACCEPTED_LABELS},
        )
    extension = PurePosixPath(name).suffix.lstrip(".").lower()
    for kind in kinds:
        if kind.extension == extension:
            return kind
    raise ValidationError(
        _(
            "The file “%(name)s” is named as a .%(extension)s file, but its content "
            "is %(found)s. Rename it to end in %(expected)s, or upload the file you "
            "meant."
        ),
        code="extension_mismatch",
        params={
            "name": name,
            "extension": extension or "?",
            "found": " / ".join(kind.label for kind in kinds),
            "expected": " / ".join(f".{kind.extension}" for kind in kinds),
        },
    )


def document_path(instance, filename: str) -> str:
    # A folder of its own per upload: the file keeps its own name (visitors download
    # it under that name), and a new upload is at a new address that no cache holds.
    return f"{DOCUMENTS_FOLDER}/{secrets.token_urlsafe(9)}/{filename}"


class Document(models.Model):
    """A file in the documents library, in one language."""

    # Content shared by every content app: saves mark cached pages stale, and
    # backups hold the records and their files (cms/content_apps.py).
    is_shared_content = True

    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(
        _("language of the document"),
        max_length=2,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    mime_type = models.CharField(_("type"), max_length=100, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), editable=False)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title

    def clean(self):
        # A new upload: its type and size are read from it now, once.
        if self.file and not self.file._committed:
            try:
                kind = check_document(self.file, PurePosixPath(self.file.name).name)
            except ValidationError as error:
                raise ValidationError({"file": error}) from None
            self.mime_type = kind.mime_type
            self.size = self.file.size

    @property
    def kind(self) -> DocumentType | None:
        """The type detected at upload."""
        return TYPES_BY_MIME.get(self.mime_type)

    @property
    def label(self) -> str:
        return self.kind.label if self.kind else ""

    @property
    def file_name(self) -> str:
        """The name the file was uploaded under (visitors download it so)."""
        return PurePosixPath(self.file.name).name

    @property
    def language_note(self) -> str:
        """Says the document's language, for pages in the other one."""
        notes = {"pl": _("in Polish"), "en": _("in English")}
        return notes.get(self.language, self.language)
