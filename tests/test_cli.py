"""The command line: demo, a pair of files, JSON output and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import ytvis_fast
from ytvis_fast.cli import main


def test_demo_prints_the_twelve_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith(" Average")]
    assert len(lines) == 12
    assert "maxDets=100 ] =" in lines[0]


def test_files_and_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from synth import make_dataset

    gt, results = make_dataset(3, n_videos=4)
    gt_path, res_path, out = tmp_path / "gt.json", tmp_path / "res.json", tmp_path / "out.json"
    gt_path.write_text(json.dumps(gt))
    res_path.write_text(json.dumps(results))
    assert main([str(gt_path), str(res_path), "--json", str(out), "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    report = json.loads(out.read_text())
    assert set(report["stats"]) == {
        "AP",
        "AP50",
        "AP75",
        "APs",
        "APm",
        "APl",
        "AR1",
        "AR10",
        "AR100",
        "ARs",
        "ARm",
        "ARl",
    }


def test_bad_file_gives_one_line_and_nonzero_exit(tmp_path: Path) -> None:
    gt_path = tmp_path / "gt.json"
    gt_path.write_text("{not json")
    res_path = tmp_path / "res.json"
    res_path.write_text("[]")
    proc = subprocess.run(
        [sys.executable, "-m", "ytvis_fast", str(gt_path), str(res_path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,  # not the checkout, whose ytvis_fast/ folder has no compiled core
    )
    assert proc.returncode != 0
    assert proc.stderr.count("\n") == 1
    assert "gt.json" in proc.stderr and "not valid JSON" in proc.stderr


# -- the full command line: options, report, plot, progress, errors -----------------------


def _files(tmp_path: Path, seed: int = 3, **options: Any) -> tuple[Path, Path, Any, Any]:
    from synth import make_dataset

    gt, results = make_dataset(seed, n_videos=5, **options)
    gt_path, res_path = tmp_path / "gt.json", tmp_path / "res.json"
    gt_path.write_text(json.dumps(gt))
    res_path.write_text(json.dumps(results))
    return gt_path, res_path, gt, results


def _run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ytvis_fast", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def test_table_has_counts_and_is_sorted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gt_path, res_path, gt, results = _files(tmp_path)
    assert main([str(gt_path), str(res_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    header = out.index(next(line for line in out if line.startswith("category")))
    assert out[header].split() == ["category", "AP", "AP50", "AP75", "AR10", "GT", "preds"]
    rows = [line.split() for line in out[header + 2 :] if line.strip()]
    names = {c["name"]: c["id"] for c in gt["categories"]}
    assert sorted(row[0] for row in rows) == sorted(names)
    for row in rows:
        cat = names[row[0]]
        expected_gt = sum(a["category_id"] == cat and not a["iscrowd"] for a in gt["annotations"])
        assert int(row[5]) == expected_gt
        assert int(row[6]) == sum(r["category_id"] == cat for r in results)
    ap = [float(row[1]) for row in rows if row[1] != "-"]
    assert ap == sorted(ap, reverse=True)
    assert all(row[1] == "-" for row in rows[len(ap) :])  # undefined AP last
    assert len({len(line) for line in out[header:] if line.strip()}) == 1  # aligned


def test_json_report(tmp_path: Path) -> None:
    import hashlib

    gt_path, res_path, gt, results = _files(tmp_path)
    out = tmp_path / "out.json"
    assert main([str(gt_path), str(res_path), "--json", str(out), "--quiet"]) == 0
    report = json.loads(out.read_text())
    assert list(report) == ["stats", "per_category", "per_area", "params", "version", "inputs"]
    assert list(report["stats"]) == list(ytvis_fast.STAT_KEYS)
    assert all(isinstance(v, float) for v in report["stats"].values())
    assert report["stats"] == ytvis_fast.evaluate(gt, results).stats
    assert set(report["per_area"]) == {"all", "small", "medium", "large"}
    assert report["per_area"]["all"]["AP"] == pytest.approx(report["stats"]["AP"])
    assert report["per_area"]["small"]["AP"] == pytest.approx(report["stats"]["APs"])
    assert set(report["per_category"]) == {str(c["id"]) for c in gt["categories"]}
    first = report["per_category"][str(gt["categories"][0]["id"])]
    assert {"name", "AP", "AP50", "AP75", "AR10", "AR", "num_gt", "num_predictions"} <= set(first)
    assert report["version"] == ytvis_fast.__version__
    described = [report["inputs"]["ground_truth"], *report["inputs"]["results"]]
    for entry, path in zip(described, [gt_path, res_path]):
        assert entry["path"] == str(path)
        assert entry["bytes"] == path.stat().st_size
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_options_match_the_reference(tmp_path: Path) -> None:
    from reference import run_reference

    gt_path, res_path, gt, results = _files(tmp_path, seed=8, many_predictions=True)
    videos = [v["id"] for v in gt["videos"]][1:4]
    categories = [c["id"] for c in gt["categories"]][:2]
    out = tmp_path / "out.json"
    args = ["--max-dets", "1,5,20", "--videos", ",".join(map(str, videos))]
    args += ["--categories", ",".join(map(str, categories)), "--json", str(out), "--quiet"]
    assert main([str(gt_path), str(res_path), *args]) == 0
    params = {"maxDets": [1, 5, 20], "vidIds": videos, "catIds": categories}
    reference = run_reference(gt, results, params=params)
    report = json.loads(out.read_text())
    assert list(report["stats"].values()) == [float(v) for v in reference.stats]
    assert report["params"]["maxDets"] == [1, 5, 20]
    assert report["params"]["vidIds"] == videos and report["params"]["catIds"] == categories


def test_bbox_iou_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gt_path, res_path, gt, results = _files(tmp_path)
    assert main([str(gt_path), str(res_path), "--iou-type", "bbox", "--threads", "1"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith(" Average")]
    expected = ytvis_fast.evaluate(gt, results, "bbox").summary_lines()
    assert lines == expected


def test_several_results_files_are_one(tmp_path: Path) -> None:
    gt_path, res_path, _, results = _files(tmp_path)
    half = len(results) // 2
    parts = [tmp_path / "rank0.json", tmp_path / "rank1.json"]
    parts[0].write_text(json.dumps(results[:half]))
    parts[1].write_text(json.dumps(results[half:]))
    one, split = tmp_path / "one.json", tmp_path / "split.json"
    assert main([str(gt_path), str(res_path), "--json", str(one), "--quiet"]) == 0
    assert main([str(gt_path), *map(str, parts), "--json", str(split), "--quiet"]) == 0
    one_report, split_report = json.loads(one.read_text()), json.loads(split.read_text())
    assert one_report["stats"] == split_report["stats"]
    assert one_report["per_category"] == split_report["per_category"]
    assert [r["path"] for r in split_report["inputs"]["results"]] == [str(p) for p in parts]


def test_plot(tmp_path: Path) -> None:
    gt_path, res_path, _, _ = _files(tmp_path)
    png = tmp_path / "curves.png"
    assert main([str(gt_path), str(res_path), "--plot", str(png), "--quiet"]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_precision_curves_average_valid_categories() -> None:
    from ytvis_fast.plot import precision_curves

    result = ytvis_fast.evaluate(*_demo_inputs())
    curves = precision_curves(result)
    assert list(curves) == ["IoU=0.50", "IoU=0.75", "IoU=0.50:0.95"]
    p = result.precision[:, :, :, 0, -1]
    valid_k = [k for k in range(p.shape[2]) if (p[0, :, k] > -1).any()]
    assert np.allclose(curves["IoU=0.50"], p[0][:, valid_k].mean(axis=1))
    assert np.allclose(curves["IoU=0.50:0.95"], p[:, :, valid_k].mean(axis=(0, 2)))


def _demo_inputs() -> tuple[Path, Path]:
    from ytvis_fast.cli import _demo_files

    return _demo_files()


def test_plot_without_matplotlib_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    png = tmp_path / "curves.png"
    assert main(["--demo", "--plot", str(png)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # refused before any work or output
    assert captured.err.count("\n") == 1
    assert "pip install 'ytvis_fast[plot]'" in captured.err
    assert not png.exists()


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["only_one.json"], 2, "give GT.json and at least one RESULTS.json"),
        (["--demo", "--max-dets", "1,10"], 2, "three increasing positive integers"),
        (["--demo", "--videos", "a,b"], 2, "comma-separated integers"),
        (["--demo", "--threads", "0"], 2, "positive integer"),
        (["--demo", "--iou-type", "keypoints"], 2, "invalid choice"),
        (["missing_gt.json", "missing_res.json"], 1, "missing_gt.json: cannot open file"),
        (["--demo", "--videos", "123456"], 1, "videos not in the ground truth: 123456"),
        (["--demo", "--json", "no/such/folder/out.json"], 1, "No such file or directory"),
    ],
)
def test_errors_are_one_line(tmp_path: Path, args: list[str], status: int, message: str) -> None:
    proc = _run_cli(*args, cwd=tmp_path)
    assert proc.returncode == status
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("ytvis-fast: error: ")
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_hostile_file_through_the_cli(tmp_path: Path) -> None:
    gt_path, res_path, _, results = _files(tmp_path)
    results[2]["segmentations"][0] = {"size": [4, 4], "counts": "#"}
    res_path.write_text(json.dumps(results))
    proc = _run_cli(str(gt_path), str(res_path), cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert "res.json: result 2" in proc.stderr and "frame 0" in proc.stderr


def test_success_is_silent_on_a_non_terminal_stderr(tmp_path: Path) -> None:
    proc = _run_cli("--demo", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stderr == ""  # no progress bar when stderr is not a terminal
    assert proc.stdout.count(" Average ") == 12


def test_progress_bar_names_the_stages(capsys: pytest.CaptureFixture[str]) -> None:
    import time

    from ytvis_fast.cli import _progress
    from ytvis_fast.evaluation import STAGES

    with _progress(True) as step:
        step(STAGES[0])
        time.sleep(1.2)  # the bar appears only for work that lasts over a second
        step(STAGES[1])
    assert STAGES[1] in capsys.readouterr().err
    with _progress(False) as step:
        step(STAGES[0])
        step(STAGES[1])
    assert capsys.readouterr().err == ""


def test_library_warnings_reach_stderr_unless_quiet(tmp_path: Path) -> None:
    gt = {
        "videos": [{"id": 1, "height": 4, "width": 4, "length": 2}],
        "categories": [{"id": 1, "name": "thing"}],
        "annotations": [
            {"id": 1, "video_id": 1, "category_id": 1, "segmentations": [None, None]},
        ],
    }
    # Both tubes empty in every frame: a zero union, which the reference warns about.
    results = [{"video_id": 1, "category_id": 1, "score": 0.5, "segmentations": [None, None]}]
    gt_path, res_path = tmp_path / "gt.json", tmp_path / "res.json"
    gt_path.write_text(json.dumps(gt))
    res_path.write_text(json.dumps(results))
    loud = _run_cli(str(gt_path), str(res_path), cwd=tmp_path)
    assert loud.returncode == 0
    assert loud.stderr.startswith("ytvis-fast: WARNING: Mask sizes in video 1 and category 1")
    quiet = _run_cli(str(gt_path), str(res_path), "--quiet", cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == ""


def test_a_closed_pipe_ends_quietly() -> None:
    import subprocess
    import sys

    # The reader is gone before the first line is written (like `| head` finishing early).
    proc = subprocess.Popen(
        [sys.executable, "-m", "ytvis_fast", "--demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd="/",
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    with proc.stderr:
        errors = proc.stderr.read()
    assert proc.wait() == 0
    assert errors == b""
