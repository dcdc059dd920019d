"""One rank of the gloo test (tests/test_distributed.py): run as a script.

    python distributed_worker.py DATA_DIR

with RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT set. Each rank updates its
share of the videos (rank r takes every WORLD_SIZE-th video, in reverse order on
odd ranks), sync()s and writes its compute() to DATA_DIR/rank{r}.npz; it then
checks that a video updated on two ranks makes sync() fail on every rank.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import torch.distributed as dist

import ytvis_fast


def main() -> None:
    data = Path(sys.argv[1])
    rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    dist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        predictions = np.load(data / "predictions.npz")
        video_ids = [int(v) for v in predictions["video_ids"]]
        mine = video_ids[rank::world]
        if rank % 2:
            mine = mine[::-1]
        evaluator = ytvis_fast.VideoEvaluator(data / "gt.json")
        for video in mine:
            evaluator.update(
                video,
                predictions[f"masks_{video}"],
                predictions[f"scores_{video}"],
                predictions[f"labels_{video}"],
            )
        evaluator.sync()
        result = evaluator.compute()
        np.savez(
            data / f"rank{rank}.npz",
            precision=result.precision,
            recall=result.recall,
            scores=result.scores,
            predictions=len(evaluator),
        )
        (data / f"rank{rank}_stats.json").write_text(json.dumps(result.stats))

        duplicated = ytvis_fast.VideoEvaluator(data / "gt.json")
        video = video_ids[0]
        duplicated.update(
            video,
            predictions[f"masks_{video}"],
            predictions[f"scores_{video}"],
            predictions[f"labels_{video}"],
        )
        try:
            duplicated.sync()
            message = "no error"
        except ValueError as error:
            message = str(error)
        (data / f"rank{rank}_duplicate.txt").write_text(message)
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
