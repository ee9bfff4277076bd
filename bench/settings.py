"""The production settings, but static files without the manifest.

`collectstatic` with the manifest storage currently stops on jquery-ui.theme.css
(`url( "images/…")`, a space before the quote, which Django's CSS rewriter reads as
part of the name). WhiteNoise serves the files the same way with or without hashed
names, so the figures stand; bench/run.py falls back to this only when needed.
"""

from lublin.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
