"""The command line: demo, a pair of files, JSON output and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

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
