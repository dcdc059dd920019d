"""Drop-in replacement of the reference `YTVOSeval` (a.k.a. `YTVISeval`).

Same parameters, methods, printed lines and outputs (`stats`, `eval`,
`evalImgs`, `ious`) as the youtubevos cocoapi fork's `ytvoseval.py`, bit for
bit; IoU, matching and accumulation run in the native core. `evalImgs` and
`ious` are materialized from native arrays when first read.
"""

from __future__ import annotations

import copy
import datetime
import time
from collections import defaultdict
from typing import Any

import numpy as np

from ._native import _core
from .native_evaluation import warn_zero_unions
from .params import Params, sorted_unique
from .summary import SummarySpec, format_line, summary_specs
from .ytvos import YTVOS

__all__ = ["Params", "YTVISeval", "YTVOSeval"]


class YTVOSeval:
    """Evaluates results against ground truth: evaluate(), accumulate(), summarize().

    Parameters
    ----------
    cocoGt, cocoDt:
        Ground truth and results (`YTVOS` objects, the latter from `loadRes`).
    iouType:
        ``'segm'`` (spatio-temporal mask IoU) or ``'bbox'`` (tube box IoU:
        sum over frames of box intersections over sum of box unions).
    threads:
        Native worker threads (default: the ground truth's setting, else every core).
    """

    def __init__(
        self,
        cocoGt: YTVOS | None = None,
        cocoDt: YTVOS | None = None,
        iouType: str = "segm",
        *,
        threads: int | None = None,
        verbose: bool = True,
    ) -> None:
        self.verbose = verbose
        if not iouType:
            self._say("iouType not specified. use default iouType segm")
            iouType = "segm"
        self.cocoGt = cocoGt
        self.cocoDt = cocoDt
        self.threads = threads if threads is not None else getattr(cocoGt, "threads", None)
        self.evalVids: defaultdict[Any, list[Any]] = defaultdict(list)
        self.eval: dict[str, Any] = {}
        self.params = Params(iouType=iouType)
        self._paramsEval: Any = {}
        self.stats: Any = []
        self._native: Any = None
        self._strict = False
        self._ious: dict[tuple[Any, Any], Any] | None = None
        self._eval_imgs: list[dict[str, Any] | None] | None = None
        if cocoGt is not None:
            self.params.vidIds = sorted(cocoGt.getVidIds())
            self.params.catIds = sorted(cocoGt.getCatIds())

    def _say(self, message: str) -> None:
        if self.verbose:
            print(message)

    # -- evaluate --------------------------------------------------------------------------
    def evaluate(self) -> None:
        """Computes every IoU matrix and the matching per (category, area range, video)."""
        tic = time.time()
        self._say("Running per image evaluation...")
        p = self.params
        if p.useSegm is not None:
            p.iouType = "segm" if p.useSegm == 1 else "bbox"
            self._say(f"useSegm (deprecated) is not None. Running {p.iouType} evaluation")
        self._say(f"Evaluate annotation type *{p.iouType}*")
        if p.iouType not in ("segm", "bbox"):
            raise ValueError(f"iouType {p.iouType!r} is not supported: use 'segm' or 'bbox'")
        if self.cocoGt is None or self.cocoDt is None:
            raise ValueError("YTVOSeval needs both ground truth and results to evaluate")
        p.vidIds = list(sorted_unique(p.vidIds))
        if p.useCats:
            p.catIds = list(sorted_unique(p.catIds))
        p.maxDets = sorted(p.maxDets)
        self.params = p

        area_ranges = np.asarray(p.areaRng, dtype=np.float64).reshape(-1, 2)
        self._native = _core.evaluate(
            self.cocoGt._native_store(self._strict),
            self.cocoDt._native_store(self._strict),
            [int(v) for v in p.vidIds],
            [int(c) for c in p.catIds],
            bool(p.useCats),
            np.asarray(p.iouThrs, dtype=np.float64),
            area_ranges,
            int(p.maxDets[-1]),
            p.iouType,
            self.threads or 0,
        )
        self._ious = None
        self._eval_imgs = None
        self._warn_zero_unions()
        self._paramsEval = copy.deepcopy(self.params)
        self._say(f"DONE (t={time.time() - tic:0.2f}s).")

    def _bucket_keys(self) -> list[tuple[Any, Any]]:
        p = self._paramsEval
        cat_ids = p.catIds if p.useCats else [-1]
        return [(v, c) for v in p.vidIds for c in cat_ids]

    def _warn_zero_unions(self) -> None:
        p = self.params
        warn_zero_unions(self._native, p.vidIds, p.catIds if p.useCats else [-1])

    @property
    def ious(self) -> dict[tuple[Any, Any], Any]:
        """{(video_id, category_id): D x G IoU matrix, or [] for an empty bucket}."""
        if self._ious is None:
            self._ious = {} if self._native is None else self._materialize_ious()
        return self._ious

    @ious.setter
    def ious(self, value: dict[tuple[Any, Any], Any]) -> None:
        self._ious = value

    def _materialize_ious(self) -> dict[tuple[Any, Any], Any]:
        n = self._native
        gt_off, dt_off = n.bucket_gt_offsets, n.bucket_dt_offsets
        iou_off, values = n.iou_offsets, n.iou_values
        result: dict[tuple[Any, Any], Any] = {}
        for b, key in enumerate(self._bucket_keys()):
            g = int(gt_off[b + 1] - gt_off[b])
            d = int(dt_off[b + 1] - dt_off[b])
            if g == 0 and d == 0:
                result[key] = []
            else:
                result[key] = np.array(values[iou_off[b] : iou_off[b + 1]]).reshape(d, g)
        return result

    @property
    def evalImgs(self) -> list[dict[str, Any] | None]:
        """Per (category, area range, video) matching records, in the reference's order."""
        if self._eval_imgs is None:
            if self._native is None:
                raise AttributeError("evalImgs exists after evaluate()")
            self._eval_imgs = self._materialize_eval_imgs()
        return self._eval_imgs

    @evalImgs.setter
    def evalImgs(self, value: list[dict[str, Any] | None]) -> None:
        self._eval_imgs = value

    def _materialize_eval_imgs(self) -> list[dict[str, Any] | None]:
        n = self._native
        p = self._paramsEval
        gt_store = self.cocoGt._native_store(self._strict)  # type: ignore[union-attr]
        dt_store = self.cocoDt._native_store(self._strict)  # type: ignore[union-attr]
        gt_ids, dt_ids, dt_scores = gt_store.ids, dt_store.ids, dt_store.scores
        cat_ids = p.catIds if p.useCats else [-1]
        n_cats, n_areas, n_videos = len(cat_ids), len(p.areaRng), len(p.vidIds)
        T = n.threshold_count
        bgt_off, bdt_off = n.bucket_gt_offsets, n.bucket_dt_offsets
        bgt, bdt = n.bucket_gt_index, n.bucket_dt_index
        present = n.present
        egt_off, edt_off = n.entry_gt_offsets, n.entry_dt_offsets
        max_det = p.maxDets[-1]
        records: list[dict[str, Any] | None] = []
        e = 0
        for k in range(n_cats):
            for a in range(n_areas):
                for v in range(n_videos):
                    if not present[e]:
                        records.append(None)
                        e += 1
                        continue
                    b = v * (n_cats if p.useCats else 1) + (k if p.useCats else 0)
                    gt_inst = bgt[bgt_off[b] : bgt_off[b + 1]]
                    dt_inst = bdt[bdt_off[b] : bdt_off[b + 1]]
                    g0, g1 = int(egt_off[e]), int(egt_off[e + 1])
                    d0, d1 = int(edt_off[e]), int(edt_off[e + 1])
                    G, D = g1 - g0, d1 - d0
                    order = n.gt_order[g0:g1]
                    gt_sorted_ids = gt_ids[gt_inst[order]] if G else np.zeros(0, np.int64)
                    det_ids = dt_ids[dt_inst] if D else np.zeros(0, np.int64)
                    dt_match = n.dt_match[d0 * T : d1 * T].reshape(T, D)
                    gt_match = n.gt_match[g0 * T : g1 * T].reshape(T, G)
                    lookup_gt = np.concatenate([gt_sorted_ids, [0]]).astype(np.float64)
                    lookup_dt = np.concatenate([det_ids, [0]]).astype(np.float64)
                    records.append(
                        {
                            "video_id": p.vidIds[v],
                            "category_id": cat_ids[k],
                            "aRng": p.areaRng[a],
                            "maxDet": max_det,
                            "dtIds": det_ids.tolist(),
                            "gtIds": gt_sorted_ids.tolist(),
                            "dtMatches": lookup_gt[dt_match],
                            "gtMatches": lookup_dt[gt_match],
                            "dtScores": dt_scores[dt_inst].tolist() if D else [],
                            # np.array([]) is float64 in the reference; ints otherwise.
                            "gtIgnore": n.gt_ignore[g0:g1].astype(np.int64 if G else np.float64),
                            "dtIgnore": n.dt_ignore[d0 * T : d1 * T].reshape(T, D).astype(bool),
                        }
                    )
                    e += 1
        return records

    # -- accumulate ------------------------------------------------------------------------
    def accumulate(self, p: Params | None = None) -> None:
        """Accumulates precision and recall into ``self.eval``."""
        tic, p = self._start_accumulate(p)
        T, R, K = len(p.iouThrs), len(p.recThrs), len(p.catIds) if p.useCats else 1
        A, M = len(p.areaRng), len(p.maxDets)
        k_list, a_list, m_list, i_list = self._evaluated_indices(p)
        precision, recall, scores = self._native_accumulate(p, k_list, a_list, m_list, i_list)
        self._finish_accumulate(p, tic, [T, R, K, A, M], precision, recall, scores)

    def _start_accumulate(self, p: Params | None) -> tuple[float, Params]:
        """The reference's opening of accumulate(): message, checks, parameters."""
        self._say("Accumulating evaluation results...")
        tic = time.time()
        if self._native is None:
            self._say("Please run evaluate() first")
            raise RuntimeError("accumulate() needs evaluate() first")
        if p is None:
            p = self.params
        p.catIds = p.catIds if p.useCats == 1 else [-1]
        return tic, p

    def _evaluated_indices(self, p: Params) -> tuple[list[int], list[int], list[int], list[int]]:
        """Indices into the evaluated entries (categories, areas, max detections,
        videos), exactly as the reference derives them."""
        pe = self._paramsEval
        set_k = set(pe.catIds if pe.useCats else [-1])
        set_a = set(map(tuple, pe.areaRng))
        set_m = set(pe.maxDets)
        set_i = set(pe.vidIds)
        k_list = [n for n, k in enumerate(p.catIds) if k in set_k]
        m_list = [m for m in p.maxDets if m in set_m]
        a_list = [n for n, a in enumerate(map(tuple, p.areaRng)) if a in set_a]
        i_list = [n for n, i in enumerate(p.vidIds) if i in set_i]
        return k_list, a_list, m_list, i_list

    def _native_accumulate(
        self, p: Params, k_list: list[int], a_list: list[int], m_list: list[int], i_list: list[int]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Precision, recall and scores of the evaluated entries `a_list` indexes,
        padded with -1 for max detections that were not evaluated."""
        T, A, M = len(p.iouThrs), len(p.areaRng), len(p.maxDets)
        K = len(p.catIds) if p.useCats else 1
        accumulation = self._native.accumulate(
            k_list,
            a_list,
            [int(m) for m in m_list],
            i_list,
            T,
            K,
            A,
            np.asarray(p.recThrs, dtype=np.float64),
            self.threads or 0,
        )
        precision, recall, scores = accumulation.precision, accumulation.recall, accumulation.scores
        if len(m_list) < M:
            precision = _pad_last(precision, M)
            recall = _pad_last(recall, M)
            scores = _pad_last(scores, M)
        return precision, recall, scores

    def _finish_accumulate(
        self,
        p: Params,
        tic: float,
        counts: list[int],
        precision: np.ndarray,
        recall: np.ndarray,
        scores: np.ndarray,
    ) -> None:
        self.eval = {
            "params": p,
            "counts": counts,
            "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
            "precision": precision,
            "recall": recall,
            "scores": scores,
        }
        self._say(f"DONE (t={time.time() - tic:0.2f}s).")

    # -- summarize -------------------------------------------------------------------------
    def _summarize_one(self, spec: SummarySpec) -> float:
        p = self.params
        aind = [i for i, label in enumerate(p.areaRngLbl) if label == spec.area]
        mind = [i for i, m in enumerate(p.maxDets) if m == spec.max_dets]
        s = self.eval["precision"] if spec.ap else self.eval["recall"]
        if spec.iou is not None:
            s = s[np.where(spec.iou == p.iouThrs)[0]]
        s = s[:, :, :, aind, mind] if spec.ap else s[:, :, aind, mind]
        valid = s[s > -1]
        mean = -1 if len(valid) == 0 else np.mean(valid)
        self._say(format_line(spec, mean, p.iouThrs))
        return mean  # type: ignore[return-value]

    def summarize(self) -> None:
        """Computes ``self.stats`` (12 figures) and prints the reference's 12 lines."""
        if not self.eval:
            raise RuntimeError("Please run accumulate() first")
        specs = summary_specs(self.params.maxDets)
        stats = np.zeros((len(specs),))
        for i, spec in enumerate(specs):
            stats[i] = self._summarize_one(spec)
        self.stats = stats

    def __str__(self) -> str:
        return f"YTVOSeval(iouType={self.params.iouType!r}, stats={list(self.stats)})"


def _pad_last(array: np.ndarray, size: int) -> np.ndarray:
    """Extends the max-detections axis with -1 for maxDets not evaluated."""
    pad = [(0, 0)] * (array.ndim - 1) + [(0, size - array.shape[-1])]
    return np.pad(array, pad, constant_values=-1)


YTVISeval = YTVOSeval
