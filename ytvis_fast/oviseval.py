"""Drop-in replacement of OVIS's `OVISeval` (its cocoapi fork's ``oviseval.py``).

The YouTube-VIS evaluator with a second filter on ground truth, the occlusion
score (see ytvis_fast.occlusion): `params.occRng` / `params.occRngLbl` beside the
area ranges, `evalImgs` per (category, area range, occlusion range, video),
`eval["precision"]` of shape [T, R, K, A, O, M], and the 18 figures of
`summarize()`. The buckets and IoU matrices are computed once; the matching runs
natively for every (area range, occlusion range) pair.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from .occlusion import file_scores, ground_truth_scores
from .params import Params
from .ytvoseval import YTVOSeval

__all__ = ["OVISParams", "OVISeval"]

_LINE = " {:<18} {} @[ IoU={:<9} | area={:>6s} | occ={:>6s} | maxDets={:>3d} ] = {:0.3f}"


class OVISParams(Params):
    """YouTube-VIS parameters plus OVIS's occlusion ranges (ends inside)."""

    def __init__(self, iouType: str = "segm") -> None:
        super().__init__(iouType)
        self.occRng = [[0, 1], [0, 0.25], [0.25, 0.5], [0.5, 1]]
        self.occRngLbl = ["all", "light", "medium", "heavy"]


class OVISeval(YTVOSeval):
    """OVIS evaluation: evaluate(), accumulate(), summarize() with 18 figures.

    The ground truth needs a per-frame ``occlusion`` list on every annotation.
    """

    def __init__(
        self, cocoGt: Any = None, cocoDt: Any = None, iouType: str = "segm", **kwargs: Any
    ):
        super().__init__(cocoGt, cocoDt, iouType, **kwargs)
        vid_ids, cat_ids = self.params.vidIds, self.params.catIds
        self.params = OVISParams(iouType=iouType or "segm")
        self.params.vidIds, self.params.catIds = vid_ids, cat_ids

    def _occlusion_scores(self) -> np.ndarray:
        gt = self.cocoGt
        store = gt._native_store(self._strict)
        path = gt._file_only()
        if path is not None:
            return file_scores(path, store)
        return ground_truth_scores(gt.dataset.get("annotations", []), gt.source)

    def evaluate(self) -> None:
        """Matches per (category, area range, occlusion range, video)."""
        super().evaluate()
        p = self.params
        areas, occlusions = list(p.areaRng), list(p.occRng)
        # Every (area, occlusion) pair, occlusion fastest: the order of OVIS's evalImgs.
        area_ranges = np.asarray([a for a in areas for _ in occlusions], dtype=np.float64)
        key_ranges = np.asarray([o for _ in areas for o in occlusions], dtype=np.float64)
        self._native = self._native.rematch(
            np.asarray(p.iouThrs, dtype=np.float64),
            area_ranges.reshape(-1, 2),
            self._occlusion_scores(),
            key_ranges.reshape(-1, 2),
            self.threads or 0,
        )
        self._eval_imgs = None
        self._paramsEval = copy.deepcopy(self.params)

    def _materialize_eval_imgs(self) -> list[dict[str, Any] | None]:
        # The parent walks (category, range, video) with range = area x occlusion;
        # each record's "aRng" is the area range, as in OVIS.
        real = self._paramsEval
        expanded = copy.copy(real)
        expanded.areaRng = [a for a in real.areaRng for _ in real.occRng]
        self._paramsEval = expanded
        try:
            return super()._materialize_eval_imgs()
        finally:
            self._paramsEval = real

    def accumulate(self, p: Any = None) -> None:
        """Precision [T, R, K, A, O, M], recall [T, K, A, O, M] and scores into ``self.eval``."""
        tic, p = self._start_accumulate(p)
        T, R, K = len(p.iouThrs), len(p.recThrs), len(p.catIds) if p.useCats else 1
        A, n_occ, M = len(p.areaRng), len(p.occRng), len(p.maxDets)
        pe = self._paramsEval
        k_list, a_list, m_list, i_list = self._evaluated_indices(p)
        set_o = set(map(tuple, pe.occRng))
        o_list = [n for n, o in enumerate(map(tuple, p.occRng)) if o in set_o]
        occ0 = len(pe.occRng)
        precision = -np.ones((T, R, K, A, n_occ, M))
        recall = -np.ones((T, K, A, n_occ, M))
        scores = -np.ones((T, R, K, A, n_occ, M))
        for o, o0 in enumerate(o_list):
            # Evaluated entries are laid out (area, occlusion range) in one axis.
            occ_areas = [a0 * occ0 + o0 for a0 in a_list]
            prec, rec, sc = self._native_accumulate(p, k_list, occ_areas, m_list, i_list)
            precision[:, :, :, :, o, :] = prec
            recall[:, :, :, o, :] = rec
            scores[:, :, :, :, o, :] = sc
        self._finish_accumulate(p, tic, [T, R, K, A, n_occ, M], precision, recall, scores)

    def _summarize_occ(
        self, ap: bool, iou: float | None = None, area: str = "all", occ: str = "all", max_dets=100
    ) -> float:
        p = self.params
        aind = [i for i, label in enumerate(p.areaRngLbl) if label == area]
        oind = [i for i, label in enumerate(p.occRngLbl) if label == occ]
        mind = [i for i, m in enumerate(p.maxDets) if m == max_dets]
        s = self.eval["precision"] if ap else self.eval["recall"]
        if iou is not None:
            s = s[np.where(iou == p.iouThrs)[0]]
        s = s[:, :, :, aind, oind, mind] if ap else s[:, :, aind, oind, mind]
        valid = s[s > -1]
        mean = -1 if len(valid) == 0 else np.mean(valid)
        title = "Average Precision" if ap else "Average Recall"
        kind = "(AP)" if ap else "(AR)"
        span = f"{p.iouThrs[0]:0.2f}:{p.iouThrs[-1]:0.2f}" if iou is None else f"{iou:0.2f}"
        self._say(_LINE.format(title, kind, span, area, occ, max_dets, mean))
        return mean  # type: ignore[return-value]

    def summarize(self) -> None:
        """Computes ``self.stats`` (OVIS's 18 figures) and prints its 18 lines."""
        if not self.eval:
            raise RuntimeError("Please run accumulate() first")
        md = self.params.maxDets
        s = self._summarize_occ
        self.stats = np.array(
            [
                s(True),
                s(True, iou=0.5, max_dets=md[2]),
                s(True, iou=0.75, max_dets=md[2]),
                s(True, area="small", max_dets=md[2]),
                s(True, area="medium", max_dets=md[2]),
                s(True, area="large", max_dets=md[2]),
                s(True, occ="light", max_dets=md[2]),
                s(True, occ="medium", max_dets=md[2]),
                s(True, occ="heavy", max_dets=md[2]),
                s(False, max_dets=md[0]),
                s(False, max_dets=md[1]),
                s(False, max_dets=md[2]),
                s(False, area="small", max_dets=md[2]),
                s(False, area="medium", max_dets=md[2]),
                s(False, area="large", max_dets=md[2]),
                s(False, occ="light", max_dets=md[2]),
                s(False, occ="medium", max_dets=md[2]),
                s(False, occ="heavy", max_dets=md[2]),
            ]
        )

    def __str__(self) -> str:
        return f"OVISeval(iouType={self.params.iouType!r}, stats={list(self.stats)})"
