"""Many Python threads on one Dataset, and asyncio with many reads in flight against nginx."""
import asyncio
import os
import threading

import numpy as np
import pytest

import cogr
from conftest import FIXTURES

COG = "fixtures/cog_u8_rgb_jpeg_mask_bs256.tif"  # 540 x 390, 3 bands, 256 tiles, overviews
WINDOWS = [cogr.Window(c, r, w, h) for c, r, w, h in
           ((0, 0, 540, 390), (100, 50, 300, 200), (250, 250, 17, 9), (511, 0, 29, 390), (0, 255, 540, 2),
            (3, 7, 256, 256))]


def serial_answers(ds):
    return [ds.read(window=w) for w in WINDOWS]


def test_many_threads_one_dataset():
    ds = cogr.open(os.path.join(FIXTURES, os.path.basename(COG)))
    want = serial_answers(ds)
    errors, results = [], {}
    barrier = threading.Barrier(16, timeout=30)

    def work(t):
        try:
            barrier.wait()
            for k in range(12):
                i = (t + k) % len(WINDOWS)
                got = ds.read(window=WINDOWS[i])
                if not np.array_equal(got, want[i]):
                    errors.append(f"thread {t} read {k}: window {i} differs")
                results[(t, k)] = True
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(f"thread {t}: {e!r}")

    threads = [threading.Thread(target=work, args=(t,)) for t in range(16)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not any(th.is_alive() for th in threads)
    assert errors == []
    assert len(results) == 16 * 12


def test_threads_run_in_parallel_without_the_gil():
    """A read releases the GIL: a Python thread keeps counting while others read."""
    ds = cogr.open(os.path.join(FIXTURES, os.path.basename(COG)), block_cache_bytes=0)
    stop = threading.Event()
    ticks = [0]

    def counter():
        while not stop.is_set():
            ticks[0] += 1

    t = threading.Thread(target=counter)
    t.start()
    try:
        before = ticks[0]
        for _ in range(20):
            ds.read()
        during = ticks[0] - before
    finally:
        stop.set()
        t.join(timeout=10)
    assert during > 0


def test_asyncio_many_reads_in_flight(nginx):
    url = nginx.url(os.path.join("fixtures", os.path.basename(COG)))
    local = cogr.open(os.path.join(FIXTURES, os.path.basename(COG)))
    want = serial_answers(local)

    async def main():
        ds = await cogr.open_async(url, block_cache_bytes=0)
        reads = [ds.read_async(window=WINDOWS[i % len(WINDOWS)]) for i in range(64)]
        results = await asyncio.wait_for(asyncio.gather(*reads), timeout=60)
        one = await ds.read_async(2, window=WINDOWS[1])
        return ds, results, one

    ds, results, one = asyncio.run(main())
    for i, got in enumerate(results):
        assert np.array_equal(got, want[i % len(WINDOWS)]), f"read {i}"
    assert np.array_equal(one, want[1][1])
    # Every request was a ranged GET of the file on this server, answered 206 (or 200 for HEAD-less probes).
    lines = nginx.requests()
    assert len(lines) >= 1
    assert all(line[0].startswith("GET /fixtures/") for line in lines)
    assert ds.io_stats["requests"] == len(lines)


def test_asyncio_errors_are_exceptions(nginx):
    async def main():
        ds = await cogr.open_async(nginx.url("sample.tif"))
        with pytest.raises(cogr.errors.OutOfRange, match="band 9 out of range"):
            await ds.read_async(9)
        with pytest.raises(cogr.errors.NotFound):
            await cogr.open_async(nginx.url("no_such_file.tif"), max_retries=0)
        return await ds.read_async(1)

    assert asyncio.run(main()).shape == (64, 64)


def test_asyncio_does_not_block_the_loop(nginx):
    """While reads are in flight, the event loop keeps running other tasks."""
    url = nginx.url(os.path.join("fixtures", os.path.basename(COG)))

    async def main():
        ds = await cogr.open_async(url, block_cache_bytes=0)
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        t = asyncio.create_task(ticker())
        await asyncio.gather(*[ds.read_async() for _ in range(16)])
        t.cancel()
        return ticks

    assert asyncio.run(main()) > 16


def test_async_opens_and_reads_start_no_python_thread(nginx):
    """open_async/read_async run on the C++ executor: the process has no more Python threads
    while 8 opens and 32 reads are in flight (asyncio's default executor would add some)."""
    before = threading.active_count()

    async def main():
        datasets = await asyncio.gather(*[cogr.open_async(nginx.url("sample.tif"), block_cache_bytes=0)
                                          for _ in range(8)])
        arrays = await asyncio.gather(*[d.read_async() for d in datasets for _ in range(4)])
        return threading.active_count(), arrays

    during, arrays = asyncio.run(main())
    assert during == before
    want = cogr.open(os.path.join(os.path.dirname(FIXTURES), "sample.tif")).read()
    assert len(arrays) == 32 and all(np.array_equal(a, want) for a in arrays)
