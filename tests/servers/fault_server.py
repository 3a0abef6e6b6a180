#!/usr/bin/env python3
"""Fault-injecting HTTP/1.1 server for cogr's io tests (python3 stdlib only).

Usage: fault_server.py ROOT [PORT]   (PORT 0 or absent = any free port)
Binds 127.0.0.1 only and prints "PORT <n>" on stdout once it listens.

Serves files under ROOT with Range support (single ranges), a fixed ETag and Last-Modified.
The first path segment selects a behaviour; the rest is the file path. Counters are kept per
full request target (path + query), so every test uses its own query (e.g. ?t=name) and
gets fresh counters. `fail=N` in the query = the behaviour applies to the first N requests,
then the file is served normally (default: always).

  /ok/F          normal serving
  /s500/F        HTTP 500
  /s503/F        HTTP 503
  /s429/F        HTTP 429 with "Retry-After: <retry_after>" (query, default 1)
  /reset/F       206 headers and half the body, then a TCP reset
  /truncate/F    206 whose Content-Length promises more than is sent, then a clean close
  /norange/F     ignores Range: 200 with the whole body
  /etag/F        ETag "v1" on the first request, "v2" on later ones
  /badrange/F    206 with a Content-Range one byte off
  /short/F       206 with a correct Content-Range but a body (and Content-Length) 1 byte short
  /status/CODE/F HTTP CODE (e.g. /status/404/F, /status/403/F)
  /__count?target=T   number of requests seen for target T (path + query)
"""
import os
import socket
import struct
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.abspath(sys.argv[1])
COUNTS = {}
LOCK = threading.Lock()


def parse_range(header, size):
    """(start, end_inclusive) of a single 'bytes=a-b' / 'bytes=a-' / 'bytes=-n', or None."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    a, _, b = header[6:].strip().partition("-")
    try:
        if a == "":
            n = int(b)
            return (max(0, size - n), size - 1) if n > 0 else None
        start = int(a)
        end = int(b) if b else size - 1
    except ValueError:
        return None
    if start >= size or end < start:
        return "unsatisfiable"
    return start, min(end, size - 1)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def finish(self):
        try:
            super().finish()
        except Exception:
            pass

    def send_plain(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path == "/__count":
            target = query.get("target", [""])[0]
            with LOCK:
                n = COUNTS.get(target, 0)
            self.send_plain(200, str(n).encode())
            return
        with LOCK:
            n = COUNTS.get(self.path, 0) + 1
            COUNTS[self.path] = n
        parts = url.path.lstrip("/").split("/")
        mode = parts[0]
        rest = parts[1:]
        code = 0
        if mode == "status":
            code = int(rest[0])
            rest = rest[1:]
        fail = int(query.get("fail", ["1000000"])[0])
        faulty = n <= fail
        path = os.path.realpath(os.path.join(ROOT, *rest))
        if not path.startswith(ROOT + os.sep) or not os.path.isfile(path):
            self.send_plain(404, b"no such file\n")
            return
        with open(path, "rb") as f:
            data = f.read()
        size = len(data)
        etag = '"v2"' if (mode == "etag" and n > 1) else '"v1"'
        common = [("ETag", etag), ("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT"),
                  ("Accept-Ranges", "bytes"), ("Content-Type", "image/tiff")]

        if faulty and mode == "status":
            self.send_plain(code, b"scripted status\n", common)
            return
        if faulty and mode in ("s500", "s503"):
            self.send_plain(int(mode[1:]), b"scripted failure\n", common)
            return
        if faulty and mode == "s429":
            ra = query.get("retry_after", ["1"])[0]
            self.send_plain(429, b"slow down\n", common + [("Retry-After", ra)])
            return
        if faulty and mode == "norange":
            self.send_plain(200, data, common)
            return

        rng = parse_range(self.headers.get("Range"), size)
        if rng == "unsatisfiable":
            self.send_plain(416, b"", common + [("Content-Range", "bytes */%d" % size)])
            return
        if rng is None:
            self.send_plain(200, data, common)
            return
        start, end = rng
        body = data[start:end + 1]
        cr_start, cr_end = start, end
        length = len(body)
        if faulty and mode == "badrange":
            cr_start, cr_end = start + 1, end + 1
        if faulty and mode == "short":
            body = body[:-1]
            length = len(body)
        if faulty and mode == "truncate":
            length = len(body)
            body = body[: len(body) // 2]
        self.send_response(206)
        for k, v in common:
            self.send_header(k, v)
        self.send_header("Content-Range", "bytes %d-%d/%d" % (cr_start, cr_end, size))
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if faulty and mode == "reset":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        self.wfile.write(body)
        if faulty and mode == "truncate":
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # clients reset connections on purpose here; no tracebacks on stderr


def main():
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    server = Server(("127.0.0.1", port), Handler)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
