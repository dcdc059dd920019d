"""The RLE codec and polygon rasterizer against pycocotools, and their validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pycocotools import mask as mask_utils

from ytvis_fast import _core


def _coco(mask: np.ndarray) -> dict:
    return mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))


masks = st.tuples(st.integers(0, 24), st.integers(0, 24)).flatmap(
    lambda hw: arrays(np.uint8, hw, elements=st.integers(0, 1))
)


@settings(max_examples=300, deadline=None)
@given(masks)
def test_encode_matches_pycocotools_and_round_trips(mask: np.ndarray) -> None:
    h, w = mask.shape
    ours = _core.rle_encode(mask)
    assert ours == _coco(mask)["counts"].decode()
    assert np.array_equal(_core.rle_decode(ours, h, w), mask)


@settings(max_examples=300, deadline=None)
@given(masks)
def test_area_and_bbox_match_pycocotools(mask: np.ndarray) -> None:
    h, w = mask.shape
    rle = _coco(mask)
    text = rle["counts"].decode()
    assert _core.rle_area(text, h, w) == int(mask_utils.area(rle))
    assert _core.rle_bbox(text, h, w) == mask_utils.toBbox(rle).tolist()


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 16), st.integers(1, 16), st.data())
def test_intersection_and_union(h: int, w: int, data: st.DataObject) -> None:
    a = data.draw(arrays(np.uint8, (h, w), elements=st.integers(0, 1)))
    b = data.draw(arrays(np.uint8, (h, w), elements=st.integers(0, 1)))
    ta, tb = _core.rle_encode(a), _core.rle_encode(b)
    assert _core.rle_intersection(ta, tb, h, w) == int((a & b).sum())
    merged = mask_utils.merge([_coco(a), _coco(b)], intersect=False)
    assert _core.rle_merge([ta, tb], h, w) == merged["counts"].decode()


@pytest.mark.parametrize(
    "counts",
    [[0, 5], [3, 0, 2], [5], [0, 2, 0, 3], [1, 1, 1, 1, 1], [2, 0, 0, 3]],
)
def test_quirky_runs_have_pycocotools_bbox_and_area(counts: list[int]) -> None:
    rle = mask_utils.frPyObjects({"size": [5, 1], "counts": counts}, 5, 1)
    text = _core.rle_encode_counts(np.array(counts), 5, 1)
    assert text == rle["counts"].decode()
    assert _core.rle_bbox(text, 5, 1) == mask_utils.toBbox(rle).tolist()
    assert _core.rle_area(text, 5, 1) == int(mask_utils.area(rle))


@settings(max_examples=400, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(1, 40),
    st.lists(
        st.lists(
            st.floats(-10, 50, allow_nan=False).map(lambda v: round(v, 2)), min_size=6, max_size=17
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_polygons_match_pycocotools(h: int, w: int, polygons: list[list[float]]) -> None:
    expected = mask_utils.merge(mask_utils.frPyObjects(polygons, h, w))
    assert _core.rle_from_polygons(polygons, h, w) == expected["counts"].decode()


def test_polygon_of_four_numbers_is_read_as_a_box() -> None:
    # Current pycocotools crashes on this (frBbox wants an ndarray); older ones read
    # it as [x, y, w, h], which is what we do.
    box = np.array([[2.0, 1.0, 3.0, 4.0]])
    expected = mask_utils.merge(mask_utils.frPyObjects(box, 10, 10))
    assert _core.rle_from_polygons([[2.0, 1.0, 3.0, 4.0]], 10, 10) == expected["counts"].decode()


@pytest.mark.parametrize(
    ("text", "h", "w", "message"),
    [
        ("0!", 1, 1, r"invalid character '!' at position 1"),
        ("1\x7f", 1, 1, r"invalid character"),
        ("0h", 2, 2, r"ends in the middle of a value"),
        ("", 2, 2, r"RLE counts sum to 0 but the mask is 2x2 \(4 pixels\)"),
        ("03", 2, 2, r"RLE counts sum to 3 but the mask is 2x2"),
        ("05", 2, 2, r"RLE counts sum to 5 but the mask is 2x2"),
        ("0O", 2, 2, r"negative run length"),
        ("hhhhhhh0", 2, 2, r"overflows 32 bits"),
    ],
)
def test_invalid_compressed_rle_is_rejected(text: str, h: int, w: int, message: str) -> None:
    with pytest.raises(_core.RleError, match=message):
        _core.rle_decode(text, h, w)


def test_rle_error_is_a_value_error() -> None:
    assert issubclass(_core.RleError, ValueError)


def test_absurd_size_is_rejected_before_allocation() -> None:
    with pytest.raises(ValueError, match=r"mask size 1000000x1000000 is out of range"):
        _core.rle_decode("0", 1_000_000, 1_000_000)


def test_uncompressed_counts_are_validated() -> None:
    with pytest.raises(ValueError, match="negative run length -1"):
        _core.rle_encode_counts(np.array([2, -1, 3]), 2, 2)
    with pytest.raises(ValueError, match="sum to 5 but the mask is 2x2"):
        _core.rle_encode_counts(np.array([2, 3]), 2, 2)


def test_encode_accepts_any_layout_and_batches() -> None:
    rng = np.random.default_rng(0)
    stack = rng.random((3, 7, 9)) > 0.5
    expected = [_coco(m)["counts"].decode() for m in stack]
    assert _core.rle_encode(stack) == expected
    assert (
        _core.rle_encode(np.ascontiguousarray(stack.transpose(0, 2, 1)).transpose(0, 2, 1))
        == expected
    )
    assert _core.rle_encode(stack.astype(np.float32) * 3) == expected


def _oracle_decode(text: str, h: int, w: int) -> list[int]:
    """pycocotools' string format read one character at a time, with ytvis_fast's
    checks and messages: the independent oracle of the vectorized decoder."""
    counts: list[int] = []
    total, p = 0, 0
    while p < len(text):
        value, shift, more = 0, 0, True
        while more:
            c = ord(text[p]) - 48
            value |= (c & 0x1F) << shift
            more = bool(c & 0x20)
            p += 1
            shift += 5
            if not more and c & 0x10:
                value -= 1 << shift
        if len(counts) >= 3:
            value += counts[-2]
        if value < 0:
            raise _core.RleError(
                f"negative run length {value} in compressed RLE (value {len(counts)})"
            )
        total += value
        if total > h * w:
            break
        counts.append(value)
    if total != h * w:
        raise _core.RleError(f"RLE counts sum to {total} but the mask is {h}x{w} ({h * w} pixels)")
    return counts


def _smooth_mask(h: int, w: int, data: st.DataObject) -> np.ndarray:
    """A blob whose column intervals move by a few pixels per column, as real masks
    do: nearly every value of its string is one character (the vectorized path)."""
    mask = np.zeros((h, w), np.uint8)
    top = data.draw(st.integers(0, h - 1))
    length = data.draw(st.integers(0, h - top))
    first = data.draw(st.integers(0, w - 1))
    last = data.draw(st.integers(first, w - 1))
    for x in range(first, last + 1):
        mask[top : top + length, x] = 1
        top = min(max(top + data.draw(st.integers(-3, 3)), 0), h - 1)
        length = min(max(length + data.draw(st.integers(-4, 4)), 0), h - top)
    return mask


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 60), st.integers(1, 80), st.data())
def test_long_smooth_masks_decode_as_pycocotools(h: int, w: int, data: st.DataObject) -> None:
    mask = _smooth_mask(h, w, data)
    rle = _coco(mask)
    text = rle["counts"].decode()
    assert np.array_equal(_core.rle_decode(text, h, w), mask)
    assert _core.rle_area(text, h, w) == int(mask_utils.area(rle))
    assert _oracle_decode(text, h, w) == _core.rle_counts(text, h, w).tolist()


def _assert_decodes_as_the_oracle(text: str, h: int, w: int) -> None:
    """The runs and the area of `text`, or the exact error (negative run at which
    value, total exceeded), are those of the character-by-character oracle."""
    try:
        expected = _oracle_decode(text, h, w)
    except _core.RleError as error:
        for decode in (_core.rle_counts, _core.rle_area):
            with pytest.raises(_core.RleError) as raised:
                decode(text, h, w)
            assert str(raised.value) == str(error)
    else:
        assert _core.rle_counts(text, h, w).tolist() == expected
        assert _core.rle_area(text, h, w) == sum(expected[1::2])


@settings(max_examples=300, deadline=None)
@given(st.integers(8, 60), st.integers(8, 80), st.data())
def test_corrupted_long_strings_fail_where_the_oracle_does(
    h: int, w: int, data: st.DataObject
) -> None:
    """One character of a long string replaced by another single-character value:
    the runs, the area or the exact error (negative run at which value, total
    exceeded) are those of the character-by-character oracle."""
    text = _coco(_smooth_mask(h, w, data))["counts"].decode()
    at = data.draw(st.integers(0, len(text) - 1))
    replacement = chr(48 + data.draw(st.integers(0, 31)))
    _assert_decodes_as_the_oracle(text[:at] + replacement + text[at + 1 :], h, w)


@settings(max_examples=200, deadline=None)
@given(st.integers(130, 400), st.integers(20, 80), st.data())
def test_tall_masks_area_and_errors_match_the_oracle(h: int, w: int, data: st.DataObject) -> None:
    """Columns taller than 128 pixels: runs long enough that the area's block
    summer skips its negative-count check. A stretch of up to 16 characters
    replaced by one delta (a large negative one most of the time, which takes
    runs of fewer than 128 below zero) gives the oracle's area or its exact error."""
    text = _coco(_smooth_mask(h, w, data))["counts"].decode()
    assert _core.rle_area(text, h, w) == sum(_oracle_decode(text, h, w)[1::2])
    at = data.draw(st.integers(0, len(text) - 1))
    length = data.draw(st.integers(1, 16))
    delta = data.draw(st.one_of(st.integers(-16, -10), st.integers(-16, 15)))
    corrupted = text[:at] + chr(48 + (delta & 0x1F)) * length + text[at + length :]
    _assert_decodes_as_the_oracle(corrupted, h, w)


@pytest.mark.parametrize("run", [100, 112, 120, 127, 128, 129, 140])
def test_runs_near_128_taken_below_zero_fail_where_the_oracle_does(run: int) -> None:
    # Counts of `run` then 16 deltas of -16 at every offset: 8 such deltas take a
    # count below 128 to zero or lower, within one block of the area's summer.
    h, w = 512, 64
    counts = [7, run, *([run, run] * 40)]
    counts.append(h * w - sum(counts))
    text = _core.rle_encode_counts(np.array(counts), h, w)
    for at in range(3, 40):
        _assert_decodes_as_the_oracle(text[:at] + "@" * 16 + text[at + 16 :], h, w)


def test_large_counts_leave_the_vectorized_path_exactly() -> None:
    # Counts near and past 2^26 (the block decoder's bound), then many small deltas.
    h, w = 65536, 4097
    counts = [1 << 26, 5, (1 << 26) + 3, *([3, 4] * 40), (1 << 26) - 2, 1]
    counts.append(h * w - sum(counts))
    text = _core.rle_encode_counts(np.array(counts), h, w)
    assert _core.rle_counts(text, h, w).tolist() == counts
    assert _core.rle_area(text, h, w) == sum(counts[1::2])


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_encoder_matches_pycocotools_on_smooth_runs(data: st.DataObject) -> None:
    # Mostly deltas of one character (in [-16, 16)), the encoder's fast path, with
    # their edges and longer values mixed in.
    counts = [data.draw(st.integers(0, 40)) for _ in range(2)]
    for _ in range(data.draw(st.integers(0, 80))):
        if data.draw(st.integers(0, 9)) == 0:
            counts.append(data.draw(st.integers(0, 100_000)))
        else:
            counts.append(max(0, counts[-2] + data.draw(st.integers(-17, 17))))
    w = 65536
    h = sum(counts) // w + 1
    counts.append(h * w - sum(counts))
    rle = mask_utils.frPyObjects({"size": [h, w], "counts": counts}, h, w)
    text = _core.rle_encode_counts(np.array(counts), h, w)
    assert text == rle["counts"].decode()
    assert _core.rle_counts(text, h, w).tolist() == counts


def test_encoder_fast_path_leaves_counts_past_2_31() -> None:
    # Differences of 32-bit counts near 2^32 wrap into one character's range
    # (4294967282 - 2 wraps to -16): such counts are encoded one by one.
    counts = [0, 2, 0, 4294967282, 0, 1, 0, 11]
    rle = mask_utils.frPyObjects({"size": [65536, 65536], "counts": counts}, 65536, 65536)
    text = _core.rle_encode_counts(np.array(counts), 65536, 65536)
    assert text == rle["counts"].decode()
    assert _core.rle_counts(text, 65536, 65536).tolist() == counts
