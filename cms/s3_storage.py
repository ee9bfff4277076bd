"""Media on an S3-compatible store (settings: DJANGO_MEDIA_S3_BUCKET and the rest).

The store serves the files itself, so each object is written with the headers the
local /media/ view would send (cms/media.py): its type from the allowlist, how long
caches keep it, and for documents whether they open or download. Originals get none
of that: the bucket policy keeps them private (docs/deployment.md).
"""

from storages.backends.s3 import S3Storage

from cms.media import media_headers, public_type

S3_PARAMETERS = {
    "Content-Type": "ContentType",
    "Cache-Control": "CacheControl",
    "Content-Disposition": "ContentDisposition",
}


class MediaS3Storage(S3Storage):
    def get_object_parameters(self, name):
        parameters = super().get_object_parameters(name)
        content_type = public_type(name)
        if content_type is not None:
            for header, value in media_headers(name, content_type).items():
                parameters[S3_PARAMETERS[header]] = value
        return parameters
