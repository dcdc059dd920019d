"""`--metrics` on the command line: occlusion and length figures printed and in the JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from synth import make_dataset
from test_occlusion import with_occlusion

import ytvis_fast
from ytvis_fast.cli import main


def test_occlusion_and_length_from_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gt, results = make_dataset(11, n_videos=6, max_frames=20)
    gt = with_occlusion(gt, 11)
    gt_path, res_path, out = tmp_path / "gt.json", tmp_path / "res.json", tmp_path / "out.json"
    gt_path.write_text(json.dumps(gt))
    res_path.write_text(json.dumps(results))
    argv = [
        str(gt_path),
        str(res_path),
        "--metrics",
        "ap,occlusion,hota,length",
        "--json",
        str(out),
    ]
    assert main([*argv, "--length-edges", "5,10"]) == 0
    printed = capsys.readouterr().out
    assert sum("| occ=" in line for line in printed.splitlines()) == 18
    assert "By video length:" in printed
    assert "detection_averaged" in printed
    report = json.loads(out.read_text())
    expected = ytvis_fast.evaluate(
        gt, results, metrics="occlusion,hota,length", length_edges=(5, 10)
    )
    assert report["occlusion"] == expected.to_dict()["occlusion"]
    assert report["by_length"] == expected.to_dict()["by_length"]
    assert report["association"] == expected.to_dict()["association"]
    assert list(report["by_length"]) == ["short", "medium", "long"]


def test_default_has_no_extra_sections(tmp_path: Path) -> None:
    gt, results = make_dataset(12, n_videos=3)
    gt_path, res_path, out = tmp_path / "gt.json", tmp_path / "res.json", tmp_path / "out.json"
    gt_path.write_text(json.dumps(gt))
    res_path.write_text(json.dumps(results))
    assert main([str(gt_path), str(res_path), "--json", str(out), "--quiet"]) == 0
    report = json.loads(out.read_text())
    assert not {"occlusion", "by_length", "association"} & set(report)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--metrics", "ap,idf9"], "unknown metric 'idf9'"),
        (["--metrics", "occlusion"], "no per-frame 'occlusion' list"),
        (["--metrics", "length", "--length-edges", "32,16"], "length edges"),
    ],
)
def test_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    gt, results = make_dataset(13, n_videos=3)
    gt_path, res_path = tmp_path / "gt.json", tmp_path / "res.json"
    gt_path.write_text(json.dumps(gt))
    res_path.write_text(json.dumps(results))
    assert main([str(gt_path), str(res_path), *extra]) == 1
    assert message in capsys.readouterr().err


def test_several_results_files_and_a_client(tmp_path: Path) -> None:
    gt, results = make_dataset(14, n_videos=4)
    half = len(results) // 2
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    first.write_text(json.dumps(results[:half]))
    second.write_text(json.dumps(results[half:]))
    both = ytvis_fast.evaluate(gt, [first, second], metrics="hota,errors")
    one = ytvis_fast.evaluate(gt, results, metrics="hota,errors")
    assert both.association == one.association and both.errors == one.errors
    # A Dask client reduces the predictions away: refused before any work.
    with pytest.raises(ValueError, match="metrics beyond AP need the predictions"):
        ytvis_fast.evaluate(gt, [first, second], metrics="hota", client=object())


def test_plots_beside_the_plot(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    gt, results = make_dataset(15, n_videos=3)
    gt_path, res_path = tmp_path / "gt.json", tmp_path / "res.json"
    gt_path.write_text(json.dumps(gt))
    res_path.write_text(json.dumps(results))
    plot = tmp_path / "out.png"
    argv = [str(gt_path), str(res_path), "--metrics", "errors,hota", "--plot", str(plot), "--quiet"]
    assert main(argv) == 0
    for path in (plot, tmp_path / "out_errors.png", tmp_path / "out_hota.png"):
        assert path.stat().st_size > 0, path
