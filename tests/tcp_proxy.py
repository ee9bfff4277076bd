"""A TCP proxy on 127.0.0.1 that a test can cut, hang and restore: an outage on cue.

`cut()` closes the listening socket and every live connection, so the clients see
their connections drop and new ones refused, as when a database server goes away;
`hang()` keeps every connection open and accepts new ones but passes nothing on, as a
server that hangs; `restore()` listens again on the same port, passing data through.
The real server is never touched.
"""

import socket
import threading

BUFFER = 64 * 1024


class TcpProxy:
    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = 0
        self._listener: socket.socket | None = None
        self._connections: set[socket.socket] = set()
        # Accepted while hung: never read, never answered.
        self._held: set[socket.socket] = set()
        self._hung = threading.Event()
        self._lock = threading.Lock()

    def __enter__(self) -> "TcpProxy":
        self.restore()
        return self

    def __exit__(self, *exc_info) -> None:
        self.cut()

    def restore(self) -> None:
        """Listen (again) on 127.0.0.1:`port`; a free port the first time."""
        self._hung.clear()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # Connections just cut linger in TIME_WAIT on this port.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def hang(self) -> None:
        """Swallow what open connections send, accept new ones and answer nothing;
        `cut()` then `restore()` ends it."""
        self._hung.set()

    def cut(self) -> None:
        """Refuse new connections and drop every open one."""
        with self._lock:
            listener, self._listener = self._listener, None
            connections, self._connections = self._connections, set()
            held, self._held = self._held, set()
        for sock in ([listener] if listener else []) + list(connections | held):
            _close(sock)

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._connections) // 2

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:  # cut: the listener was shut down
                return
            if self._hung.is_set():
                with self._lock:
                    self._held.add(client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                _close(client)
                continue
            server.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    _close(client)
                    _close(server)
                    return
                self._connections |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(
                    target=self._pipe, args=(source, target), daemon=True
                ).start()

    def _pipe(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(BUFFER):
                if not self._hung.is_set():
                    target.sendall(data)
        except OSError:
            pass
        with self._lock:
            self._connections -= {source, target}
        _close(source)
        _close(target)


def _close(sock: socket.socket) -> None:
    # shutdown() first: close() alone does not wake a thread blocked in accept/recv.
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
