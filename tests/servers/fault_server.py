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
  /bearer/TOKEN/F  serves F only with "Authorization: Bearer TOKEN", else 401 (GCS tests)
  /sigv4/F       an S3 stand-in that checks AWS Signature V4 independently of cogr (access key
                 SIGV4_ACCESS_KEY, secret SIGV4_SECRET below, any region, service s3): 403
                 with an S3 XML error (AccessDenied, SignatureDoesNotMatch, ...) otherwise
  /sigv4rp/F     like /sigv4/ for a requester-pays bucket: also needs a signed
                 "x-amz-request-payer: requester" header
  /sigv4region/R/F  like /sigv4/ for a bucket in region R: a request signed for another region
                 gets 400 AuthorizationHeaderMalformed with "x-amz-bucket-region: R", as S3 answers
  /__headers?target=T  the request headers of the last request for target T, one per line
  /slow/F        206 whose body trickles: `chunk` bytes (default 16) every `interval_ms`
                 (default 100) ms; `skip=N` serves the first N requests normally (e.g. the
                 open's prefix GET), so only later reads are slow
                 (`chunk=1&interval_ms=100` is a trickle of 10 bytes/s); `reset_after=N`
                 resets the connection (TCP RST) once N body bytes were sent and one
                 interval has passed
  /hold/F        206 whose Content-Length promises the whole range but only half the body is
                 sent; the connection is then held open, silent, for `hold_ms` (default 30000)
                 or until the client closes it
  /redirect/F    302 to the same target (a redirect loop); `hops=N` in the query = redirect to
                 "<target>&hop=K" N times, then serve F normally (a finite chain)
  /__count?target=T   number of requests seen for target T (path + query)
"""
import datetime
import hashlib
import hmac
import os
import select
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.abspath(sys.argv[1])
COUNTS = {}
HEADERS = {}
LOCK = threading.Lock()

SIGV4_ACCESS_KEY = "AKIDCOGRTEST"
SIGV4_SECRET = "cogr/test+secret/KEY"


def s3_error(code, message):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message></Error>'
            % (code, message)).encode()


def check_sigv4(method, raw_path, headers, need_payer):
    """None if the request carries a valid SigV4 signature, else (code, message)."""
    auth = headers.get("Authorization")
    if not auth:
        return ("AccessDenied", "Access Denied")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return ("InvalidRequest", "unsupported authorization type")
    fields = {}
    for part in auth[len("AWS4-HMAC-SHA256 "):].split(","):
        k, _, v = part.strip().partition("=")
        fields[k] = v
    try:
        access, date, region, service, term = fields["Credential"].split("/")
        signed = fields["SignedHeaders"].split(";")
        signature = fields["Signature"]
    except (KeyError, ValueError):
        return ("AuthorizationHeaderMalformed", "malformed Authorization header")
    if access != SIGV4_ACCESS_KEY:
        return ("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
    if service != "s3" or term != "aws4_request" or "host" not in signed or "x-amz-date" not in signed:
        return ("AuthorizationHeaderMalformed", "bad credential scope or signed headers")
    amz_date = headers.get("x-amz-date", "")
    if amz_date[:8] != date:
        return ("AuthorizationHeaderMalformed", "x-amz-date does not match the credential date")
    try:
        when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return ("AccessDenied", "bad x-amz-date")
    if abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) > 900:
        return ("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
    payload = headers.get("x-amz-content-sha256")
    if payload is None:
        return ("InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
    if need_payer and (headers.get("x-amz-request-payer") != "requester" or "x-amz-request-payer" not in signed):
        return ("AccessDenied", "Access Denied (requester pays bucket)")
    path, _, query = raw_path.partition("?")
    params = sorted(tuple(p.partition("=")[::2]) for p in query.split("&") if p)
    canonical_query = "&".join("%s=%s" % kv for kv in params)
    lines = []
    for name in signed:
        values = headers.get_all(name) or []
        if not values:
            return ("AccessDenied", "signed header %s is missing" % name)
        lines.append("%s:%s\n" % (name, ",".join(" ".join(v.split()) for v in values)))
    canonical = "\n".join([method, path, canonical_query, "".join(lines), ";".join(signed), payload])
    scope = "/".join([date, region, service, term])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + SIGV4_SECRET).encode()
    for part in (date, region, service, term):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return ("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
    return None


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
        if url.path == "/__headers":
            target = query.get("target", [""])[0]
            with LOCK:
                text = HEADERS.get(target, "")
            self.send_plain(200, text.encode())
            return
        with LOCK:
            n = COUNTS.get(self.path, 0) + 1
            COUNTS[self.path] = n
            HEADERS[self.path] = "".join("%s: %s\n" % (k, v) for k, v in self.headers.items())
        parts = url.path.lstrip("/").split("/")
        mode = parts[0]
        rest = parts[1:]
        code = 0
        if mode == "status":
            code = int(rest[0])
            rest = rest[1:]
        if mode == "bearer":
            token = rest[0] if rest else ""
            rest = rest[1:]
            if self.headers.get("Authorization") != "Bearer " + token:
                self.send_plain(401, b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>AuthenticationRequired</Code>"
                                     b"<Message>Anonymous caller does not have storage.objects.get access.</Message></Error>")
                return
        if mode == "sigv4region":
            # A bucket in region rest[0]: a request signed for another region gets S3's answer
            # to that (400 AuthorizationHeaderMalformed naming the region, with the
            # x-amz-bucket-region header); then the signature is checked as /sigv4/ does.
            bucket_region = rest[0] if rest else ""
            rest = rest[1:]
            auth = self.headers.get("Authorization", "")
            cred = auth.partition("Credential=")[2].partition(",")[0].split("/")
            signed_region = cred[2] if len(cred) > 2 else ""
            if signed_region != bucket_region:
                msg = ("The authorization header is malformed; the region '%s' is wrong; expecting '%s'"
                       % (signed_region, bucket_region))
                self.send_plain(400, s3_error("AuthorizationHeaderMalformed", msg),
                                [("Content-Type", "application/xml"), ("x-amz-bucket-region", bucket_region)])
                return
            mode = "sigv4"
        if mode in ("sigv4", "sigv4rp"):
            err = check_sigv4("GET", self.path, self.headers, mode == "sigv4rp")
            if err:
                self.send_plain(403, s3_error(*err), [("Content-Type", "application/xml")])
                return
        fail = int(query.get("fail", ["1000000"])[0])
        skip = int(query.get("skip", ["0"])[0])
        faulty = skip < n <= fail
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
        if faulty and mode == "redirect":
            hops = int(query.get("hops", ["-1"])[0])
            hop = int(query.get("hop", ["0"])[0])
            if hops < 0:
                location = self.path  # a loop: the same target again
            elif hop < hops:
                location = url.path + "?" + urllib.parse.urlencode(
                    [(k, v) for k, vs in query.items() if k != "hop" for v in vs] + [("hop", str(hop + 1))])
            else:
                location = None
            if location is not None:
                self.send_plain(302, b"moved\n", [("Location", location)])
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
        if faulty and mode == "slow":
            chunk = max(1, int(query.get("chunk", ["16"])[0]))
            interval = int(query.get("interval_ms", ["100"])[0]) / 1000.0
            reset_after = int(query.get("reset_after", ["-1"])[0])
            try:
                for i in range(0, len(body), chunk):
                    self.wfile.write(body[i:i + chunk])
                    self.wfile.flush()
                    time.sleep(interval)
                    if 0 <= reset_after <= i + chunk:
                        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        self.connection.close()
                        break
            except OSError:
                pass  # the client gave up (deadline or cancellation): what the tests want
            self.close_connection = True
            return
        if faulty and mode == "hold":
            # Half the promised body, then silence on an open connection (no close, no reset).
            try:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                until = time.monotonic() + int(query.get("hold_ms", ["30000"])[0]) / 1000.0
                while time.monotonic() < until:
                    readable, _, _ = select.select([self.connection], [], [], 0.1)
                    if readable and not self.connection.recv(4096):
                        break  # the client closed the connection
            except OSError:
                pass
            self.close_connection = True
            return
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
