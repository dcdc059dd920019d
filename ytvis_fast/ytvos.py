"""Drop-in replacement of the reference `YTVOS` (a.k.a. `YTVIS`) dataset API.

Same constructor, methods and attributes as the youtubevos cocoapi fork's
`ytvos.py`; masks live in a native columnar store built once per object, and
the per-annotation fields that `loadRes` adds (`areas`, `bboxes`, `id`,
`avg_area`, `iscrowd`) are filled in only when someone reads `dataset` or `anns`.
"""

from __future__ import annotations

import copy
import itertools
import os
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._io import is_path, load_json
from ._native import _core

__all__ = ["YTVIS", "YTVOS"]


def _is_array_like(obj: object) -> bool:
    return hasattr(obj, "__iter__") and hasattr(obj, "__len__")


def _as_list(obj: Any) -> Any:
    # As the reference: anything with __iter__ and __len__ (a string too) is kept.
    return obj if _is_array_like(obj) else [obj]


def _video_length(video: dict[str, Any]) -> int:
    if isinstance(video.get("length"), int):
        return int(video["length"])
    names = video.get("file_names")
    return len(names) if isinstance(names, list) else -1


class YTVOS:
    """YouTube-VIS annotations (ground truth, or results via `loadRes`).

    Parameters
    ----------
    annotation_file:
        Path to a JSON file, or the already parsed dict.
    threads:
        Native worker threads (default: every core).
    verbose:
        Print the reference's progress messages.
    """

    def __init__(
        self,
        annotation_file: str | os.PathLike[str] | dict[str, Any] | None = None,
        *,
        threads: int | None = None,
        verbose: bool = True,
    ) -> None:
        self.threads = threads
        self.verbose = verbose
        self.source: str = "<dict>"
        self._dataset: dict[str, Any] = {}
        self._anns: dict[Any, dict[str, Any]] = {}
        self.cats: dict[Any, dict[str, Any]] = {}
        self.vids: dict[Any, dict[str, Any]] = {}
        self._vidToAnns: defaultdict[Any, list[dict[str, Any]]] = defaultdict(list)
        self._catToVids: defaultdict[Any, list[Any]] = defaultdict(list)
        self._stores: dict[bool, Any] = {}
        self._is_results = False
        # Results objects defer the per-annotation fields that loadRes adds.
        self._pending_results_fields = False
        self._index_stale = False
        if annotation_file is not None:
            self._say("loading annotations into memory...")
            tic = time.time()
            if is_path(annotation_file):
                self.source = os.fspath(annotation_file)  # type: ignore[arg-type]
                dataset = load_json(annotation_file)  # type: ignore[arg-type]
            else:
                dataset = annotation_file
            if not isinstance(dataset, dict):
                raise TypeError(
                    f"{self.source}: annotation file format {type(dataset)} not supported "
                    "(ground truth must be a JSON object with 'videos', 'categories' and "
                    "'annotations')"
                )
            self._say(f"Done (t={time.time() - tic:0.2f}s)")
            self._dataset = dataset
            self.createIndex()

    def _say(self, message: str) -> None:
        if self.verbose:
            print(message)

    # -- the index, as the reference builds it ---------------------------------------------
    def createIndex(self) -> None:
        self._say("creating index...")
        self._build_index()
        self._say("index created!")

    def _build_index(self) -> None:
        anns: dict[Any, dict[str, Any]] = {}
        cats: dict[Any, dict[str, Any]] = {}
        vids: dict[Any, dict[str, Any]] = {}
        vid_to_anns: defaultdict[Any, list[dict[str, Any]]] = defaultdict(list)
        cat_to_vids: defaultdict[Any, list[Any]] = defaultdict(list)
        dataset = self._dataset
        for ann in dataset.get("annotations", []):
            vid_to_anns[ann["video_id"]].append(ann)
            anns[ann["id"]] = ann
        for vid in dataset.get("videos", []):
            vids[vid["id"]] = vid
        for cat in dataset.get("categories", []):
            cats[cat["id"]] = cat
        if "annotations" in dataset and "categories" in dataset:
            for ann in dataset["annotations"]:
                cat_to_vids[ann["category_id"]].append(ann["video_id"])
        self._anns, self.vids, self.cats = anns, vids, cats
        self._vidToAnns, self._catToVids = vid_to_anns, cat_to_vids
        self._index_stale = False

    def _materialize(self) -> None:
        """Writes the fields loadRes adds into the result dicts, then indexes them."""
        if self._pending_results_fields:
            self._pending_results_fields = False
            store = self._native_store()
            offsets = store.frame_offsets.tolist()
            areas = store.frame_areas.tolist()
            present = store.frame_present.tolist()
            boxes = store.frame_boxes.tolist()
            avg = store.avg_areas.tolist()
            for i, ann in enumerate(self._dataset["annotations"]):
                lo, hi = offsets[i], offsets[i + 1]
                ann["areas"] = [areas[f] if present[f] else None for f in range(lo, hi)]
                given = ann.get("bboxes")
                if not isinstance(given, list):
                    given = []
                ann["bboxes"] = given + [
                    boxes[f] if present[f] else None for f in range(lo + len(given), hi)
                ]
                ann["id"] = i + 1
                ann["avg_area"] = avg[i]
                ann["iscrowd"] = 0
            self._index_stale = True
        if self._index_stale:
            self._build_index()

    @property
    def dataset(self) -> dict[str, Any]:
        self._materialize()
        return self._dataset

    @dataset.setter
    def dataset(self, value: dict[str, Any]) -> None:
        self._dataset = value
        self._stores.clear()

    @property
    def anns(self) -> dict[Any, dict[str, Any]]:
        self._materialize()
        return self._anns

    @anns.setter
    def anns(self, value: dict[Any, dict[str, Any]]) -> None:
        self._anns = value

    @property
    def vidToAnns(self) -> defaultdict[Any, list[dict[str, Any]]]:
        self._materialize()
        return self._vidToAnns

    @property
    def catToVids(self) -> defaultdict[Any, list[Any]]:
        self._materialize()
        return self._catToVids

    # -- queries ---------------------------------------------------------------------------
    def getAnnIds(
        self,
        vidIds: Any = (),
        catIds: Any = (),
        areaRng: Sequence[float] = (),
        iscrowd: bool | None = None,
    ) -> list[Any]:
        vid_ids, cat_ids = _as_list(vidIds), _as_list(catIds)
        if len(vid_ids) == len(cat_ids) == len(areaRng) == 0:
            anns = self.dataset.get("annotations", [])
        else:
            if len(vid_ids):
                lists = [self.vidToAnns[v] for v in vid_ids if v in self.vidToAnns]
                anns = list(itertools.chain.from_iterable(lists))
            else:
                anns = self.dataset.get("annotations", [])
            if len(cat_ids):
                anns = [ann for ann in anns if ann["category_id"] in cat_ids]
            if len(areaRng):
                anns = [ann for ann in anns if areaRng[0] < self._avg_area(ann) < areaRng[1]]
        if iscrowd is not None:
            return [ann["id"] for ann in anns if ann.get("iscrowd", 0) == iscrowd]
        return [ann["id"] for ann in anns]

    def _avg_area(self, ann: dict[str, Any]) -> float:
        if "avg_area" in ann:
            return float(ann["avg_area"])
        kept = [a for a in ann.get("areas") or [] if a]
        return float(np.array(kept).mean()) if kept else 0.0

    def getCatIds(self, catNms: Any = (), supNms: Any = (), catIds: Any = ()) -> list[Any]:
        names, supers, ids = _as_list(catNms), _as_list(supNms), _as_list(catIds)
        cats = self.dataset.get("categories", [])
        if len(names):
            cats = [cat for cat in cats if cat["name"] in names]
        if len(supers):
            cats = [cat for cat in cats if cat.get("supercategory") in supers]
        if len(ids):
            cats = [cat for cat in cats if cat["id"] in ids]
        return [cat["id"] for cat in cats]

    def getVidIds(self, vidIds: Any = (), catIds: Any = ()) -> list[Any]:
        vid_ids, cat_ids = _as_list(vidIds), _as_list(catIds)
        if len(vid_ids) == len(cat_ids) == 0:
            return list(self.vids.keys())
        ids = set(vid_ids)
        for i, cat_id in enumerate(cat_ids):
            if i == 0 and len(ids) == 0:
                ids = set(self.catToVids[cat_id])
            else:
                ids &= set(self.catToVids[cat_id])
        return list(ids)

    def _load(self, table: dict[Any, Any], ids: Any) -> list[Any]:
        if _is_array_like(ids):
            return [table[i] for i in ids]
        return [table[ids]]

    def loadAnns(self, ids: Any = ()) -> list[dict[str, Any]]:
        return self._load(self.anns, ids)

    def loadCats(self, ids: Any = ()) -> list[dict[str, Any]]:
        return self._load(self.cats, ids)

    def loadVids(self, ids: Any = ()) -> list[dict[str, Any]]:
        return self._load(self.vids, ids)

    # -- results ---------------------------------------------------------------------------
    def loadRes(self, resFile: str | os.PathLike[str] | list[dict[str, Any]]) -> YTVOS:
        """Loads results (a path or a list of dicts) against this ground truth."""
        return self._load_results(resFile, strict=False)

    def _load_results(self, resFile: Any, *, strict: bool) -> YTVOS:
        res = YTVOS(threads=self.threads, verbose=self.verbose)
        res._dataset["videos"] = list(self._dataset.get("videos", []))
        self._say("Loading and preparing results...")
        tic = time.time()
        if is_path(resFile):
            res.source = os.fspath(resFile)
            anns = load_json(resFile)
        else:
            res.source = "<results>"
            anns = resFile
        if not isinstance(anns, list):
            raise TypeError(
                f"{res.source}: results must be a JSON array of objects, got {type(anns).__name__}"
            )
        # Categories are copied as the reference does for mask results; an empty
        # list (where the reference crashes) is taken as "no predictions".
        if not anns or (isinstance(anns[0], dict) and "segmentations" in anns[0]):
            res._dataset["categories"] = copy.deepcopy(self._dataset.get("categories", []))
        res._dataset["annotations"] = anns
        res._is_results = True
        res._stores[strict] = res._build_store(anns, results=True, strict=strict, videos=self)
        res._pending_results_fields = True
        self._say(f"DONE (t={time.time() - tic:0.2f}s)")
        res._say("creating index...")
        res._index_stale = True
        res._say("index created!")
        return res

    # -- native store ----------------------------------------------------------------------
    def _video_table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        videos = [v for v in self._dataset.get("videos", []) if isinstance(v, dict)]
        ids = np.array([v.get("id", -1) for v in videos], dtype=np.int64)
        heights = np.array([v.get("height", 0) or 0 for v in videos], dtype=np.int64)
        widths = np.array([v.get("width", 0) or 0 for v in videos], dtype=np.int64)
        lengths = np.array([_video_length(v) for v in videos], dtype=np.int64)
        return ids, heights, widths, lengths

    def _build_store(self, anns: list[Any], *, results: bool, strict: bool, videos: YTVOS) -> Any:
        ids, heights, widths, lengths = videos._video_table()
        try:
            return _core.build_store(
                anns, ids, heights, widths, lengths, results, strict, self.threads or 0
            )
        except ValueError as error:
            raise ValueError(f"{self.source}: {error}") from None

    def _native_store(self, strict: bool = False) -> Any:
        """The columnar store of this object's annotations, built on first use."""
        if strict not in self._stores:
            anns = self._dataset.get("annotations", [])
            self._stores[strict] = self._build_store(
                anns, results=self._is_results, strict=strict, videos=self
            )
        return self._stores[strict]

    # -- masks -----------------------------------------------------------------------------
    def annToRLE(self, ann: dict[str, Any], frameId: int) -> dict[str, Any]:
        """RLE of one frame of an annotation (polygons and uncompressed RLE converted)."""
        video = self.vids[ann["video_id"]]
        h, w = video["height"], video["width"]
        segm = ann["segmentations"][frameId]
        if isinstance(segm, list):
            return {"size": [h, w], "counts": _core.rle_from_polygons(segm, h, w)}
        if isinstance(segm["counts"], list):
            h, w = segm["size"]
            counts = np.asarray(segm["counts"], dtype=np.int64)
            return {"size": [h, w], "counts": _core.rle_encode_counts(counts, h, w)}
        return segm

    def annToMask(self, ann: dict[str, Any], frameId: int) -> np.ndarray:
        """Binary mask (uint8, H x W) of one frame of an annotation."""
        rle = self.annToRLE(ann, frameId)
        h, w = rle["size"]
        return _core.rle_decode(rle["counts"], h, w)


YTVIS = YTVOS
