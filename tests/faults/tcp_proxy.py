"""A small TCP fault proxy on 127.0.0.1 for tests: pass, latency, reset, blackhole.

    proxy = FaultProxy(target_port=6390); proxy.start(); proxy.mode = "latency"; ...; proxy.stop()

- pass: bytes flow both ways;
- latency: each chunk is delayed by `delay_s`;
- reset: every open connection is closed with RST and new ones are refused the same way;
- blackhole: connections stay open but nothing moves, as when packets are dropped on the way:
  the bytes wait in the kernel's buffers (TCP would retransmit them) and flow again once the
  blackhole ends; a peer waiting for a reply hangs until its own timeout or the end.
"""
from __future__ import annotations

import select
import socket
import struct
import threading
import time

MODES = ("pass", "latency", "reset", "blackhole")


class FaultProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1", delay_s: float = 0.2):
        self.target = (target_host, target_port)
        self.delay_s = delay_s
        self.mode = "pass"
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self._stop = threading.Event()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()

    def start(self) -> "FaultProxy":
        threading.Thread(target=self._accept_loop, daemon=True, name="fault-proxy").start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.listener.close()
        self.reset_all()

    def set_mode(self, mode: str) -> None:
        assert mode in MODES, mode
        self.mode = mode
        if mode == "reset":
            self.reset_all()

    def reset_all(self) -> None:
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                _reset(sock)

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self.listener], [], [], 0.2)
                if not ready:
                    continue
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.mode == "reset":
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=2)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        peers = {client: upstream, upstream: client}
        try:
            while not self._stop.is_set():
                if self.mode == "blackhole":
                    time.sleep(0.05)
                    continue
                ready, _, _ = select.select(list(peers), [], [], 0.2)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if self.mode == "latency":
                        time.sleep(self.delay_s)
                    peers[sock].sendall(data)
        except OSError:
            return
        finally:
            for sock in peers:
                _reset(sock)


def _reset(sock: socket.socket) -> None:
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    except OSError:
        pass
