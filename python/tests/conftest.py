"""Shared fixtures of the cogr Python tests: paths, recorded rasterio answers, an nginx server."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

import numpy as np
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(REPO, "tests", "data")
FIXTURES = os.path.join(DATA, "fixtures")
EXPECTED = os.path.join(FIXTURES, "expected")
ANSWERS = os.path.join(DATA, "python")
SAMPLE = os.path.join(DATA, "sample.tif")


def load_answers():
    with open(os.path.join(ANSWERS, "rasterio_answers.json")) as f:
        return json.load(f)["files"]


def num(v):
    """A recorded scalar: None, a number, or "nan"/"inf"/"-inf"."""
    return float(v) if isinstance(v, str) else v


def assert_same(actual, expected, what=""):
    """Arrays equal in shape, dtype kind and values (NaN == NaN)."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    np.testing.assert_array_equal(actual, expected, err_msg=what)


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """nginx (Debian nginx-light) serving tests/data on 127.0.0.1:port, with an access log."""

    BINARY = "/usr/sbin/nginx"

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="cogr-py-nginx-")
        self.proc = None
        self.port = 0

    def start(self):
        if not os.access(self.BINARY, os.X_OK):
            raise RuntimeError(f"{self.BINARY} not found (Debian package nginx-light)")
        with open(os.path.join(REPO, "tests", "servers", "nginx.conf.in")) as f:
            template = f.read()
        error_log = os.path.join(self.dir, "error.log")
        for _ in range(5):
            self.port = _free_port()
            conf = (template.replace("@EXTRA_SERVERS@", "").replace("@PORT2@", "0")
                    .replace("@PORT@", str(self.port)).replace("@ROOT@", DATA).replace("@TMP@", self.dir)
                    .replace("@EXTRA_LOCATIONS@", "").replace("@LOAD_MODULES@", ""))
            with open(os.path.join(self.dir, "nginx.conf"), "w") as f:
                f.write(conf)
            self.proc = subprocess.Popen([self.BINARY, "-p", self.dir, "-e", error_log, "-c",
                                          os.path.join(self.dir, "nginx.conf")],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 5.0  # bounded wait
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                        return
                except OSError:
                    time.sleep(0.02)
            self.stop()
            log = open(error_log).read() if os.path.exists(error_log) else ""
            if "Address already in use" not in log:
                break
        raise RuntimeError("nginx did not start: " + (open(error_log).read() if os.path.exists(error_log) else ""))

    def url(self, path):
        return f"http://127.0.0.1:{self.port}/{path}"

    def requests(self):
        """Logged requests (nginx logs a request when it ends, so wait until the count is stable)."""
        path = os.path.join(self.dir, "access.log")
        last, stable_since = -1, time.monotonic()
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            n = sum(1 for _ in open(path)) if os.path.exists(path) else 0
            if n != last:
                last, stable_since = n, time.monotonic()
            elif time.monotonic() - stable_since > 0.2:
                break
            time.sleep(0.02)
        return [line.rstrip("\n").split("|") for line in open(path)] if os.path.exists(path) else []

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=2)
        self.proc = None


@pytest.fixture(scope="module")
def nginx():
    """A running nginx; the test fails (never skips) when it cannot start."""
    server = Nginx()
    try:
        server.start()
    except RuntimeError as e:
        shutil.rmtree(server.dir, ignore_errors=True)
        pytest.fail(str(e))
    yield server
    server.stop()
    shutil.rmtree(server.dir, ignore_errors=True)
