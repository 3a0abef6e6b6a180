"""cogr.Trace: the request and decode timeline of opens and reads (docs/trace.md)."""
import asyncio
import json
import os

import cogr
from conftest import DATA

COG = os.path.join(DATA, "io", "cog_u8_deflate_256_t32.tif")  # 8x8 tiles of 32x32
WINDOW = cogr.Window(64, 160, 96, 96)  # 3x3 tiles


def test_local_read_records_every_pread_and_decode():
    trace = cogr.Trace()
    with cogr.open(COG, trace=trace, block_cache_bytes=0) as ds:
        ds.read(1, window=WINDOW, trace=trace)
        stats = ds.io_stats
    reqs = trace.requests
    assert len(reqs) == stats["requests"] == 10  # the header, then one pread per tile
    assert all(r["kind"] == "pread" and r["status"] == 0 and r["uri"] == COG for r in reqs)
    assert reqs[0]["ranges"][0][0] == 0
    assert sum(r["bytes"] for r in reqs) == stats["bytes_fetched"]
    decodes = trace.decodes
    assert sorted(d["block"] for d in decodes) == [42, 43, 44, 50, 51, 52, 58, 59, 60]
    assert all(d["codec"] == "deflate" and d["bytes_out"] == 32 * 32 for d in decodes)
    chrome = json.loads(trace.to_chrome_json())
    complete = [e for e in chrome["traceEvents"] if e["ph"] == "X"]
    assert len(complete) == 10 + 9
    trace.clear()
    assert trace.requests == [] and trace.decodes == []


def test_remote_read_records_header_and_coalesced_request(nginx):
    url = nginx.url("io/cog_u8_deflate_256_t32.tif") + "?t=python-trace"
    trace = cogr.Trace()
    with cogr.open(url, trace=trace, persisted_header_cache=False, block_cache_bytes=0) as ds:
        asyncio.run(ds.read_async(1, window=WINDOW, trace=trace))
        stats = ds.io_stats
    reqs = trace.requests
    assert [r["kind"] for r in reqs] == ["header", "data"]
    assert len(reqs) == stats["requests"]
    assert reqs[0]["ranges"] == [(0, 32768)]
    assert all(r["status"] == 206 and r["start_us"] <= r["first_byte_us"] <= r["end_us"] for r in reqs)
    assert len(trace.decodes) == 9
