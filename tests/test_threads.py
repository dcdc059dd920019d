"""Results never depend on the number of threads."""

from __future__ import annotations

import numpy as np
import pytest
from synth import make_dataset

import ytvis_fast


@pytest.mark.parametrize("seed", [0, 1])
def test_same_result_for_every_thread_count(seed: int) -> None:
    gt, results = make_dataset(seed, n_videos=12)
    runs = [ytvis_fast.evaluate(gt, results, threads=t) for t in (1, 2, 3, 8)]
    for run in runs[1:]:
        assert run.stats == runs[0].stats
        assert np.array_equal(run.precision, runs[0].precision)
        assert np.array_equal(run.recall, runs[0].recall)
        assert np.array_equal(run.scores, runs[0].scores)
