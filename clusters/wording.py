"""Counts of the directory's entries in words, shared by the pages that show them."""

from django.utils.translation import gettext, ngettext


def directory_entries(clusters: int, segments: int) -> str:
    """The directory's entries in words, "22 klastry i 2 segmenty": the home page and
    the directory's heading count segments of larger clusters apart from clusters,
    so the two agree. A count of none is left out beside another ("1 segment", not
    "0 klastrów i 1 segment"); with nothing listed, "0 klastrów"."""
    clusters_text = ngettext(
        "%(counter)s cluster", "%(counter)s clusters", clusters
    ) % {"counter": clusters}
    if not segments:
        return clusters_text
    segments_text = ngettext(
        "%(counter)s segment", "%(counter)s segments", segments
    ) % {"counter": segments}
    if not clusters:
        return segments_text
    return gettext("%(clusters)s and %(segments)s") % {
        "clusters": clusters_text,
        "segments": segments_text,
    }
