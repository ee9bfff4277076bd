"""What the caches served: counted always (about 2 µs a count), exported only where
DJANGO_METRICS_ADDRESS is set (lublin/metrics.py)."""

from prometheus_client import Counter

PAGE_CACHE = Counter(
    "lublin_page_cache_requests",
    "Cacheable requests, answered from the page cache (hit) or rendered (miss).",
    ["result"],
)
KEPT_PIECES = Counter(
    "lublin_kept_pieces",
    "Pieces of pages (directory rows, counts), read from the cache (hit) or computed (miss).",
    ["result"],
)
