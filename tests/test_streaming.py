"""VideoEvaluator equals evaluate() on a results file holding the same predictions,
bit for bit, however the predictions are split, merged and ordered across videos."""

from __future__ import annotations

import json
import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycocotools import mask as mask_utils
from reference import run_reference
from streaming_data import VideoPredictions, assert_same, per_video, results_file
from synth import make_dataset

import ytvis_fast
from ytvis_fast import VideoEvaluator

# Options a strict results file can hold (full-length lists, masks of the video's size).
STRICT_OPTIONS = (
    "absent_frames",
    "crowd",
    "polygons",
    "uncompressed",
    "mixed_resolutions",
    "ties",
    "many_predictions",
    "empty_categories",
    "videos_without_predictions",
    "foreign_categories",
    "gt_id_zero",
    "all_zero_masks",
    "float_areas",
)


def dataset(seed: int, **options: bool) -> tuple[dict[str, Any], list[VideoPredictions]]:
    gt, results = make_dataset(seed, n_videos=6, **options)
    return gt, per_video(gt, results)


@pytest.mark.parametrize("iou_type", ["segm", "bbox"])
@pytest.mark.parametrize("option", [None, *STRICT_OPTIONS])
def test_update_equals_evaluate_of_a_results_file(option: str | None, iou_type: str) -> None:
    gt, videos = dataset(11, **({option: True} if option else {}))
    evaluator = VideoEvaluator(gt, iou_type)
    for v in videos:
        evaluator.update(v.video_id, v.masks, v.scores, v.labels)
    expected = ytvis_fast.evaluate(gt, results_file(videos), iou_type)
    assert_same(evaluator.compute(), expected)


@pytest.mark.parametrize("option", [None, "absent_frames", "polygons", "ties", "all_zero_masks"])
def test_update_rle_equals_evaluate(option: str | None) -> None:
    gt, results = make_dataset(5, n_videos=6, **({option: True} if option else {}))
    evaluator = VideoEvaluator(gt)
    for v in per_video(gt, results):
        evaluator.update_rle(v.video_id, v.segmentations, v.scores, v.labels)
    assert_same(evaluator.compute(), ytvis_fast.evaluate(gt, results))


@pytest.mark.parametrize("seed", [0, 1])
def test_compute_equals_the_reference(seed: int) -> None:
    gt, results = make_dataset(seed, n_videos=6, ties=True, crowd=True)
    evaluator = VideoEvaluator(gt)
    for v in per_video(gt, results):
        evaluator.update(v.video_id, v.masks, v.scores, v.labels)
    ref = run_reference(gt, results_file(per_video(gt, results)))
    result = evaluator.compute()
    assert list(result.stats.values()) == ref.stats
    for key in ("precision", "recall", "scores"):
        assert np.array_equal(getattr(result, key), ref.eval[key]), key


def test_nothing_seen_equals_an_empty_results_file() -> None:
    gt, _ = make_dataset(2, n_videos=4)
    assert_same(VideoEvaluator(gt).compute(), ytvis_fast.evaluate(gt, []))


def test_several_updates_of_one_video_follow_update_order() -> None:
    gt, videos = dataset(4, ties=True, many_predictions=True)
    evaluator = VideoEvaluator(gt)
    for v in videos:
        half = len(v.scores) // 2
        evaluator.update(v.video_id, v.masks[:half], v.scores[:half], v.labels[:half])
        evaluator.update(v.video_id, v.masks[half:], v.scores[half:], v.labels[half:])
    assert_same(evaluator.compute(), ytvis_fast.evaluate(gt, results_file(videos)))


def test_overrides_and_thread_counts() -> None:
    gt, videos = dataset(8, ties=True)
    expected = ytvis_fast.evaluate(
        gt, results_file(videos), max_dets=[1, 5, 20], video_ids=[1, 2, 3], category_ids=[1, 2]
    )
    for threads in (1, 3):
        evaluator = VideoEvaluator(gt, threads=threads)
        for v in videos:
            evaluator.update(v.video_id, v.masks, v.scores, v.labels)
        result = evaluator.compute(max_dets=[1, 5, 20], video_ids=[1, 2, 3], category_ids=[1, 2])
        assert_same(result, expected)


def test_reset_and_repeated_compute() -> None:
    gt, videos = dataset(3)
    evaluator = VideoEvaluator(ytvis_fast.YTVOS(gt, verbose=False))
    v = videos[0]
    evaluator.update(v.video_id, v.masks, v.scores, v.labels)
    first = evaluator.compute()
    assert_same(evaluator.compute(), first)
    evaluator.reset()
    assert len(evaluator) == 0
    assert_same(evaluator.compute(), ytvis_fast.evaluate(gt, []))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_split_and_merge_order_gives_the_single_result(data: st.DataObject) -> None:
    seed = data.draw(st.integers(0, 2**16))
    ties = data.draw(st.booleans())
    gt, videos = dataset(seed, ties=ties, videos_without_predictions=data.draw(st.booleans()))
    single = VideoEvaluator(gt)
    for v in videos:
        single.update(v.video_id, v.masks, v.scores, v.labels)
    expected = ytvis_fast.evaluate(gt, results_file(videos))
    assert_same(single.compute(), expected)

    parts = data.draw(st.integers(1, 4))
    owner = [data.draw(st.integers(0, parts - 1)) for _ in videos]
    evaluators = [VideoEvaluator(gt) for _ in range(parts)]
    update_order = data.draw(st.permutations(range(len(videos))))
    for i in update_order:
        v = videos[i]
        evaluators[owner[i]].update(v.video_id, v.masks, v.scores, v.labels)
    merge_order = data.draw(st.permutations(range(parts)))
    merged = VideoEvaluator(gt)
    for k in merge_order:
        state = pickle.loads(pickle.dumps(evaluators[k].state_dict()))
        merged.merge(state if data.draw(st.booleans()) else evaluators[k])
    assert_same(merged.compute(), expected)
    # A results file listing the videos in another order gives the same result too.
    shuffled = [videos[i] for i in update_order]
    assert_same(ytvis_fast.evaluate(gt, results_file(shuffled)), expected)


def test_state_round_trip_and_size() -> None:
    gt, videos = dataset(6)
    evaluator = VideoEvaluator(gt)
    for v in videos:
        evaluator.update(v.video_id, v.masks, v.scores, v.labels)
    state = evaluator.state_dict()
    n = len(evaluator)
    assert state["scores"].shape == (n,)
    # Per prediction a few numbers and one IoU per ground truth of its video and
    # category: nothing that grows with frames or pixels.
    gt_count: dict[tuple[int, int], int] = {}
    for ann in gt["annotations"]:
        key = (ann["video_id"], ann["category_id"])
        gt_count[key] = gt_count.get(key, 0) + 1
    expected = [gt_count.get((v.video_id, int(c)), 0) for v in videos for c in v.labels]
    assert sorted(state["iou_lengths"].tolist()) == sorted(expected)
    assert state["ious"].size == sum(expected)
    for key in ("video_ids", "labels", "scores", "areas", "iou_lengths"):
        assert state[key].shape == (n,), key
    restored = VideoEvaluator(gt)
    restored.load_state_dict(pickle.loads(pickle.dumps(state)))
    assert_same(restored.compute(), evaluator.compute())
    assert restored.video_ids == evaluator.video_ids


# -- input: buffers, DLPack, layouts ------------------------------------------------------


def test_any_memory_layout_and_uint8_values() -> None:
    gt, videos = dataset(9)
    reference = VideoEvaluator(gt)
    other = VideoEvaluator(gt)
    for v in videos:
        reference.update(v.video_id, v.masks, v.scores, v.labels)
        fortran = np.asfortranarray(v.masks)
        flipped = np.ascontiguousarray(v.masks[:, :, ::-1])[:, :, ::-1]  # negative row stride
        values = v.masks.view(np.uint8) * np.uint8(200)  # any non-zero byte is foreground
        masks = [fortran, flipped, values][v.video_id % 3]
        other.update(v.video_id, masks, v.scores, v.labels)
    assert_same(other.compute(), reference.compute())


def test_buffer_protocol_input() -> None:
    gt, videos = dataset(1)
    a, b = VideoEvaluator(gt), VideoEvaluator(gt)
    for v in videos:
        a.update(v.video_id, v.masks, v.scores, v.labels)
        b.update(v.video_id, memoryview(v.masks.view(np.uint8)), v.scores, v.labels)
    assert_same(b.compute(), a.compute())


def test_cpu_torch_tensors_are_read_in_place() -> None:
    import torch

    from ytvis_fast.streaming import _as_mask_array

    gt, videos = dataset(2)
    a, b = VideoEvaluator(gt), VideoEvaluator(gt)
    for v in videos:
        tensor = torch.from_numpy(v.masks.copy())
        assert np.shares_memory(_as_mask_array(tensor), tensor.numpy())
        a.update(v.video_id, v.masks, v.scores, v.labels)
        b.update(v.video_id, tensor, torch.from_numpy(v.scores), torch.from_numpy(v.labels))
    assert_same(b.compute(), a.compute())


class FakeCudaTensor:
    """What a CUDA tensor shows through DLPack."""

    def __dlpack__(self, **kwargs: Any) -> Any:
        raise AssertionError("must not be read")

    def __dlpack_device__(self) -> tuple[int, int]:
        return (2, 0)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 19),
    st.integers(1, 19),
    st.integers(0, 2**32 - 1),
    st.sampled_from([0.0, 0.02, 0.5, 0.98, 1.0]),
)
def test_native_encoding_equals_pycocotools(h: int, w: int, seed: int, density: float) -> None:
    rng = np.random.default_rng(seed)
    masks = (rng.random((2, 3, h, w)) < density).astype(np.uint8) * rng.integers(
        1, 256, (2, 3, h, w)
    )
    masks = masks.astype(np.uint8)
    gt = {
        "videos": [{"id": 7, "height": h, "width": w, "length": 3}],
        "categories": [{"id": 1, "name": "a"}],
        "annotations": [
            {
                "id": 1,
                "video_id": 7,
                "category_id": 1,
                "segmentations": [
                    {"size": [h, w], "counts": ytvis_fast._core.rle_encode(m != 0)}
                    for m in masks[0]
                ],
                "areas": [int((m != 0).sum()) for m in masks[0]],
            }
        ],
    }
    ours, theirs = VideoEvaluator(gt), VideoEvaluator(gt)
    ours.update(7, masks, [0.5, 0.4], [1, 1])
    segs = [
        [
            {"size": [h, w], "counts": mask_utils.encode(np.asfortranarray(f))["counts"]}
            for f in (inst != 0).astype(np.uint8)
        ]
        for inst in masks
    ]
    theirs.update_rle(7, segs, [0.5, 0.4], [1, 1])
    a, b = ours.state_dict(), theirs.state_dict()
    assert np.array_equal(a["ious"], b["ious"]) and np.array_equal(a["areas"], b["areas"])


# -- errors -------------------------------------------------------------------------------


@pytest.fixture
def small() -> tuple[VideoEvaluator, VideoPredictions]:
    gt, videos = dataset(0)
    return VideoEvaluator(gt), videos[0]


def test_bad_updates_are_clear_errors(small: tuple[VideoEvaluator, VideoPredictions]) -> None:
    evaluator, v = small
    vid, masks, scores, labels = v.video_id, v.masks, v.scores, v.labels
    with pytest.raises(KeyError, match="video_id 999 is not a video"):
        evaluator.update(999, masks, scores, labels)
    with pytest.raises(ValueError, match=r"frames but masks have T="):
        evaluator.update(vid, masks[:, :-1], scores, labels)
    with pytest.raises(ValueError, match=r"but masks are"):
        evaluator.update(vid, masks[:, :, :-1], scores, labels)
    with pytest.raises(ValueError, match=r"shape \(N, T, H, W\)"):
        evaluator.update(vid, masks[0], scores, labels)
    with pytest.raises(TypeError, match="bool or uint8, got float32"):
        evaluator.update(vid, masks.astype(np.float32), scores, labels)
    with pytest.raises(ValueError, match=r"masks but \d+ scores"):
        evaluator.update(vid, masks, scores[:-1], labels)
    with pytest.raises(ValueError, match=r"masks but \d+ scores and \d+ labels"):
        evaluator.update(vid, masks, scores, labels[:-1])
    bad_scores = scores.copy()
    bad_scores[1] = np.nan
    with pytest.raises(ValueError, match="prediction 1: score nan is not finite"):
        evaluator.update(vid, masks, bad_scores, labels)
    with pytest.raises(ValueError, match="label 99 is not a category"):
        evaluator.update(vid, masks, scores, np.full_like(labels, 99))
    with pytest.raises(TypeError, match="labels must be integers"):
        evaluator.update(vid, masks, scores, labels.astype(float))
    with pytest.raises(ValueError, match=r"GPU .*\.cpu\(\)"):
        evaluator.update(vid, FakeCudaTensor(), scores, labels)
    with pytest.raises(TypeError, match="buffer protocol"):
        evaluator.update(vid, masks.tolist(), scores, labels)
    segs = [list(s) for s in v.segmentations]
    segs[0][0] = {"size": [3, 3], "counts": "bad"}
    with pytest.raises(ValueError, match=rf"video {vid}: result 0, frame 0: mask is 3x3"):
        evaluator.update_rle(vid, segs, scores, labels)
    assert len(evaluator) == 0  # nothing half-added


def test_bad_merges_are_clear_errors(small: tuple[VideoEvaluator, VideoPredictions]) -> None:
    evaluator, v = small
    evaluator.update(v.video_id, v.masks, v.scores, v.labels)
    twin = VideoEvaluator(make_dataset(0, n_videos=6)[0])
    twin.update(v.video_id, v.masks, v.scores, v.labels)
    with pytest.raises(ValueError, match=rf"video {v.video_id} .* in both states"):
        evaluator.merge(twin)
    with pytest.raises(ValueError, match="other ground truth"):
        evaluator.merge(VideoEvaluator(make_dataset(1, n_videos=6)[0]))
    with pytest.raises(ValueError, match="iou_type 'bbox'"):
        evaluator.merge(VideoEvaluator(make_dataset(0, n_videos=6)[0], "bbox"))
    with pytest.raises(ValueError, match="not a VideoEvaluator state"):
        evaluator.load_state_dict({"scores": []})
    state = evaluator.state_dict()
    state["ious"] = state["ious"][:-1]
    with pytest.raises(ValueError, match="do not add up"):
        evaluator.load_state_dict(state)


def test_sync_without_a_process_group_is_an_error(
    small: tuple[VideoEvaluator, VideoPredictions],
) -> None:
    with pytest.raises(RuntimeError, match=r"initialised torch\.distributed process group"):
        small[0].sync()


def test_results_files_as_shards_with_videos_interleaved(tmp_path: Any) -> None:
    gt, results = make_dataset(12, n_videos=6, ties=True, many_predictions=True)
    by_video: dict[int, list[dict[str, Any]]] = {}
    for r in results:
        by_video.setdefault(r["video_id"], []).append(r)
    interleaved = []  # round robin over the videos, order kept inside each
    while any(by_video.values()):
        for rs in by_video.values():
            if rs:
                interleaved.append(rs.pop(0))
    paths = []
    for i, part in enumerate((interleaved[:40], interleaved[40:])):
        paths.append(tmp_path / f"part{i}.json")
        paths[-1].write_text(json.dumps(part))
    assert_same(ytvis_fast.evaluate(gt, paths), ytvis_fast.evaluate(gt, interleaved))
    assert_same(ytvis_fast.evaluate(gt, paths), ytvis_fast.evaluate(gt, results))
