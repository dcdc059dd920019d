"""What a fresh process pays for: `import ytvis_fast` and one evaluation import
nothing they do not need (a fresh process is what the command line, and the
side-by-side benchmark, time). Each check runs in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def run_fresh(tmp_path: Path, script: str) -> int:
    # Run elsewhere than the checkout, whose source folder has no compiled core.
    return subprocess.run([sys.executable, "-c", script], cwd=tmp_path, check=False).returncode


def test_import_leaves_heavy_modules_alone(tmp_path: Path) -> None:
    """logging, hashlib and concurrent.futures cost milliseconds each; they are
    imported where they are used (warnings, streaming state, nowhere)."""
    script = (
        "import sys, numpy\n"
        "before = set(sys.modules)\n"
        "import ytvis_fast\n"
        "new = set(sys.modules) - before\n"
        "heavy = new & {'logging', 'hashlib', 'concurrent.futures'}\n"
        "sys.exit(print(sorted(heavy)) or 1 if heavy else 0)\n"
    )
    assert run_fresh(tmp_path, script) == 0


def test_evaluation_leaves_numpy_ma_alone(tmp_path: Path) -> None:
    """np.unique imports numpy.ma on first use (numpy 2.4), 10-20 ms of a fresh
    process; an evaluation from files does without."""
    script = (
        "import sys, numpy\n"
        "if 'numpy.ma' in sys.modules: sys.exit(3)\n"
        "import ytvis_fast\n"
        "from ytvis_fast.cli import _demo_files\n"
        "ytvis_fast.evaluate(*map(str, _demo_files()))\n"
        "sys.exit(4 if 'numpy.ma' in sys.modules else 0)\n"
    )
    code = run_fresh(tmp_path, script)
    if code == 3:
        pytest.skip("this numpy imports numpy.ma with itself")
    assert code == 0


def test_import_and_file_evaluation_leave_numpy_alone(tmp_path: Path) -> None:
    """Importing numpy is a sixth of a small evaluation: `import ytvis_fast` and
    `evaluate()` of two files do without it; the result's arrays bring it in."""
    script = (
        "import sys\n"
        "import ytvis_fast\n"
        "if 'numpy' in sys.modules: sys.exit(3)\n"
        "from ytvis_fast.cli import _demo_files\n"
        "result = ytvis_fast.evaluate(*map(str, _demo_files()))\n"
        "if 'numpy' in sys.modules: sys.exit(4)\n"
        "assert result.stats['AP'] > 0 and result.summary_lines()[0].startswith(' Average')\n"
        "if result.precision.shape[2] != len(result.category_ids): sys.exit(5)\n"
        "sys.exit(0 if 'numpy' in sys.modules else 6)\n"
    )
    assert run_fresh(tmp_path, script) == 0


def test_the_drop_in_classes_load_on_first_use(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "import ytvis_fast\n"
        "assert {'YTVOSeval', 'OVISeval', 'VideoEvaluator'} <= set(dir(ytvis_fast))\n"
        "from ytvis_fast import YTVISeval, YTVOSeval\n"
        "import ytvis_fast.ytvoseval as module\n"
        "assert YTVOSeval is YTVISeval is module.YTVOSeval\n"
        "assert ytvis_fast.OVISeval.__name__ == 'OVISeval'\n"
        "assert ytvis_fast.VideoEvaluator.__module__ == 'ytvis_fast.streaming'\n"
        "try:\n"
        "    ytvis_fast.NoSuchThing\n"
        "except AttributeError:\n"
        "    sys.exit(0)\n"
        "sys.exit(1)\n"
    )
    assert run_fresh(tmp_path, script) == 0
