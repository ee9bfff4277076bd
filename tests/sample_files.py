"""Real files of each kind, made in memory, for the documents and media tests."""

import io
import time
import zipfile

from PIL import Image

OOXML_PARTS = {
    "docx": ("word/document.xml", "wordprocessingml.document"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation"),
}


# Pillow dates a PDF when it writes it: a fixed date makes every copy the same bytes.
PDF_DATE = time.gmtime(1_704_067_200)  # 2024-01-01


def pdf(padding: int = 0) -> bytes:
    """A one-page PDF as Pillow writes it; `padding` bytes of comment make it larger."""
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "navy").save(
        out, "PDF", creationDate=PDF_DATE, modDate=PDF_DATE
    )
    return out.getvalue() + (b"%" + b"x" * (padding - 2) + b"\n" if padding else b"")


def image(format: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, format)
    return out.getvalue()


def ooxml(extension: str, *, macros: bool = False) -> bytes:
    """A Word, Excel or PowerPoint file's container, with the parts list that says
    which it is (a macro-enabled one declares the macro-enabled type)."""
    part, kind = OOXML_PARTS[extension]
    main = (
        "application/vnd.ms-word.document.macroEnabled.main+xml"
        if macros
        else f"application/vnd.openxmlformats-officedocument.{kind}.main+xml"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as container:
        container.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
            'openxmlformats.org/package/2006/content-types"><Override PartName="/'
            f'{part}" ContentType="{main}"/></Types>',
        )
        container.writestr("_rels/.rels", "<Relationships/>")
        container.writestr(part, "<document/>")
    return out.getvalue()


def open_document(extension: str) -> bytes:
    """An OpenDocument file: the `mimetype` part first, stored, as the standard says."""
    kinds = {"odt": "text", "ods": "spreadsheet", "odp": "presentation"}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as container:
        container.writestr(
            "mimetype", f"application/vnd.oasis.opendocument.{kinds[extension]}"
        )
        container.writestr("content.xml", "<office:document-content/>")
        container.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as container:
        container.writestr("raport.txt", "Zażółć gęślą jaźń")
    return out.getvalue()


# A Windows program's first bytes (the DOS header), and a web page with a script.
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
HTML = (
    b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
)
CSV = "Klaster;Miejscowość\nWschodni Klaster ICT;Lublin\n".encode()
