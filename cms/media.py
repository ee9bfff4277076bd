"""Uploaded media as visitors get them (docs/images-and-documents.md, "Where media
files are kept").

Two folders of the default storage are public: `renditions/`, the images' renditions
(a new image makes new names, so they are cached for a year), and `documents/`, the
documents library's files (cached briefly: a withdrawn document disappears within the
hour). The images' originals (`images/`) and anything else are never served. Each file
is sent with its type from an allowlist, `nosniff`, and a Content-Security-Policy of
its own that forbids everything (`sandbox`), so nothing uploaded can run as the site.

On the local disk (the default) `serve_media` sends them at MEDIA_URL, with debug off
too; on an S3-compatible store the store does (cms/s3_storage.py gives its objects
the same headers) and the view answers 404.
"""

import posixpath
from pathlib import Path, PurePosixPath

from csp.constants import NONE
from csp.decorators import csp
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date
from django.views.decorators.http import require_safe

from cms.documents import DOCUMENT_TYPES, DOCUMENTS_FOLDER, TYPES_BY_MIME, Document

RENDITIONS_FOLDER = "renditions"
RENDITION_TYPES = {
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
RENDITION_CACHE_CONTROL = "public, max-age=31536000, immutable"
# A document's address changes with each upload; this only bounds how long one that
# was deleted stays in caches.
DOCUMENT_CACHE_CONTROL = "public, max-age=3600"
MEDIA_POLICY = {"default-src": [NONE], "sandbox": True}


def media_headers(name: str, content_type: str) -> dict[str, str]:
    """How a public media file is sent: its type, how long caches keep it, and for
    a document whether it opens in the browser (PDF) or downloads under its name."""
    if name.startswith(f"{RENDITIONS_FOLDER}/"):
        return {"Content-Type": content_type, "Cache-Control": RENDITION_CACHE_CONTROL}
    kind = TYPES_BY_MIME.get(content_type)
    return {
        "Content-Type": content_type,
        "Cache-Control": DOCUMENT_CACHE_CONTROL,
        "Content-Disposition": content_disposition_header(
            as_attachment=not (kind and kind.is_inline),
            filename=PurePosixPath(name).name,
        ),
    }


def public_type(name: str) -> str | None:
    """The type a media file is served with, from its name, or None when it is never
    served. A document's extension agrees with its content (cms/documents.py)."""
    folder, _, _rest = name.partition("/")
    suffix = PurePosixPath(name).suffix.lower()
    if folder == RENDITIONS_FOLDER:
        return RENDITION_TYPES.get(suffix)
    if folder == DOCUMENTS_FOLDER and suffix[1:] in DOCUMENT_TYPES:
        return DOCUMENT_TYPES[suffix[1:]].mime_type
    return None


def is_local_storage() -> bool:
    return isinstance(default_storage, FileSystemStorage)


def stored_type(name: str) -> str | None:
    """The type to send a public file with: a rendition's by its name, a document's
    as detected at upload (a file no document holds is not served)."""
    if name.startswith(f"{DOCUMENTS_FOLDER}/"):
        return (
            Document.objects.filter(file=name)
            .values_list("mime_type", flat=True)
            .first()
        )
    return public_type(name)


@require_safe
@csp(MEDIA_POLICY)
def serve_media(request, path: str):
    # Only names as the storage writes them: no "..", no "//", no leading "/", no
    # NUL (which the file system refuses with an error rather than a miss).
    if (
        not is_local_storage()
        or posixpath.normpath(path) != path
        or "\\" in path
        or "\x00" in path
    ):
        raise Http404
    content_type = stored_type(path)
    if content_type is None:
        raise Http404
    full_path = Path(default_storage.path(path))
    try:
        stat = full_path.stat()
    except OSError:
        raise Http404 from None
    if not full_path.is_file():
        raise Http404
    response = FileResponse(full_path.open("rb"))
    for header, value in media_headers(path, content_type).items():
        response[header] = value
    response["ETag"] = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    response["Last-Modified"] = http_date(stat.st_mtime)
    conditional = get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=int(stat.st_mtime),
        response=response,
    )
    if conditional is not response:
        response.close()
    if content_type == "application/pdf":
        # Safari shows a sandboxed PDF as an empty page; its viewer runs no script.
        conditional._csp_replace = {"sandbox": None}
    return conditional
