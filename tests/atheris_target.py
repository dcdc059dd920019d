"""atheris (libFuzzer's engine for Python) over the installed extension: the RLE
decoder and the native JSON ingest must turn any input into a result or a
ValueError naming the problem, never a crash, another exception or a hang.

Run by tests/test_fuzz.py as a script: python atheris_target.py rle|ingest CORPUS
[libFuzzer flags]. The first byte of an ingest input picks results or ground truth,
strictness and threads; an RLE input starts with the mask's height and width.

The wheel's extension is not built with coverage instrumentation (GCC cannot emit
libFuzzer's), so libFuzzer's guidance comes from the Python side only; this run
checks the shipped build, and the sanitized targets in fuzz/ check memory safety.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    import ytvis_fast  # noqa: F401  (instruments the package's Python layer too)
    from ytvis_fast import _core

VIDEO_TABLE = ([1, 2], [4, 3], [4, 3], [2, 2])  # ids, heights, widths, lengths


@atheris.instrument_func
def fuzz_rle(data: bytes) -> None:
    if len(data) < 3:
        return
    height, width, counts = data[0] % 17, data[1] % 17, data[2:].decode("latin-1")
    try:
        area = _core.rle_area(counts, height, width)
        mask = _core.rle_decode(counts, height, width)
    except ValueError:
        return
    assert int(mask.sum()) == area
    assert _core.rle_decode(_core.rle_encode(mask), height, width).tolist() == mask.tolist()


@atheris.instrument_func
def fuzz_ingest(data: bytes) -> None:
    if not data:
        return
    flags, document = data[0], data[1:]
    strict = bool(flags & 2)
    try:
        if flags & 1:
            _core.read_results(document, *VIDEO_TABLE, strict, 1 + (flags >> 2) % 2)
        else:
            _core.read_ground_truth(document, strict, 1 + (flags >> 2) % 2)
    except ValueError:
        return


def main() -> None:
    target = {"rle": fuzz_rle, "ingest": fuzz_ingest}[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
