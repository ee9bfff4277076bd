"""The embedded cache: diskcache's Django backend, its databases kept open.

Django closes every cache at the end of each request (`close_caches` on
`request_finished`); for diskcache that closes its SQLite connections, so every
request opened them again (two connections and some twenty statements, mostly a new
connection's pragmas: about 2 ms of a cached page's time, `make bench`). diskcache
keeps one connection per thread and process and reopens it after a fork by itself,
so nothing needs closing between requests.
"""

from diskcache import DjangoCache


class DiskCache(DjangoCache):
    def close(self, **kwargs):
        """Keep the connections for the next request (see the module's text)."""
