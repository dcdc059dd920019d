"""Drop-in replacement of the reference `YTVOS` (a.k.a. `YTVIS`) dataset API.

Same constructor, methods and attributes as the youtubevos cocoapi fork's
`ytvos.py`. A file path is parsed natively straight into a columnar store; the
Python view of the file (`dataset`, `anns`, `vids`, `cats`, ...) is only built
when someone reads it. Results from `loadRes` get the fields the reference adds
(`areas`, `bboxes`, `id`, `avg_area`, `iscrowd`) at that moment too.
"""

from __future__ import annotations

import copy
import itertools
import os
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ._io import is_path, load_json, path_list
from ._native import _core

__all__ = ["YTVIS", "YTVOS"]

if TYPE_CHECKING:
    import numpy as np

#: Per video: ids, heights, widths, lengths (numbers of frames).
VideoTable = tuple[Sequence[int], Sequence[int], Sequence[int], Sequence[int]]


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
        strict: bool = False,
    ) -> None:
        self.threads = threads
        self.verbose = verbose
        self.source: str = "<dict>"
        self._strict = strict
        self._dataset: dict[str, Any] | None = {}
        self._load_dataset: Callable[[], dict[str, Any]] | None = None
        self._index_stale = True
        self._stores: dict[bool, Any] = {}
        self._native_gt: Any = None  # ground truth parsed natively from a file
        self._input_path: str | None = None  # the file this object was read from
        self._input_list: list[Any] | None = None  # results given as a list
        self._input_paths: list[str] | None = None  # results given as several files
        self._file_starts: list[int] = []  # position of each file's first result
        self._split: Any = None  # results files already walked (_core.SplitResults)
        self._is_results = False
        self._gt: YTVOS | None = None  # for results: the ground truth they belong to
        # Results objects defer the per-annotation fields that loadRes adds.
        self._pending_results_fields = False
        if annotation_file is None:
            return
        self._say("loading annotations into memory...")
        tic = time.time()
        if is_path(annotation_file):
            self.source = os.fspath(annotation_file)  # type: ignore[arg-type]
            self._input_path = self.source
            self._native_gt = _core.read_ground_truth(self.source, strict, threads or 0)
            self._stores[strict] = self._native_gt.annotations
            self._dataset = None
            path = self.source
            self._load_dataset = lambda: load_json(path)
        else:
            if not isinstance(annotation_file, dict):
                raise ValueError(
                    f"annotation file format {type(annotation_file)} not supported (ground truth "
                    "must be a JSON object with 'videos', 'categories' and 'annotations')"
                )
            self._dataset = annotation_file
        self._say(f"Done (t={time.time() - tic:0.2f}s)")
        self.createIndex()

    def _say(self, message: str) -> None:
        if self.verbose:
            print(message)

    # -- the Python view, built on demand --------------------------------------------------
    def createIndex(self) -> None:
        self._say("creating index...")
        if self._dataset is not None:
            self._build_index()
        self._say("index created!")

    def _build_index(self) -> None:
        dataset = self._dataset or {}
        anns: dict[Any, dict[str, Any]] = {}
        cats: dict[Any, dict[str, Any]] = {}
        vids: dict[Any, dict[str, Any]] = {}
        vid_to_anns: defaultdict[Any, list[dict[str, Any]]] = defaultdict(list)
        cat_to_vids: defaultdict[Any, list[Any]] = defaultdict(list)
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
        self._anns, self._vids, self._cats = anns, vids, cats
        self._vidToAnns, self._catToVids = vid_to_anns, cat_to_vids
        self._index_stale = False

    def _materialize(self) -> dict[str, Any]:
        """Loads the Python view if deferred, adds loadRes' fields, indexes it."""
        if self._dataset is None:
            assert self._load_dataset is not None
            self._dataset = self._load_dataset()
            self._index_stale = True
        if self._pending_results_fields:
            self._pending_results_fields = False
            self._add_results_fields(self._dataset.get("annotations", []))
            self._index_stale = True
        if self._index_stale:
            self._build_index()
        return self._dataset

    def _add_results_fields(self, anns: list[dict[str, Any]]) -> None:
        store = self._native_store(self._strict)
        offsets = store.frame_offsets.tolist()
        areas = store.frame_areas.tolist()
        present = store.frame_present.tolist()
        boxes = store.frame_boxes.tolist()
        avg = store.avg_areas.tolist()
        for i, ann in enumerate(anns):
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

    @property
    def dataset(self) -> dict[str, Any]:
        return self._materialize()

    def _file_only(self) -> str | None:
        """The file this object was read from, while it has no Python view of it
        (what native readers of the file, such as the occlusion labels', need)."""
        return self._input_path if self._dataset is None else None

    @dataset.setter
    def dataset(self, value: dict[str, Any]) -> None:
        self._dataset = value
        self._native_gt = None
        self._input_path = self._input_list = self._input_paths = None
        self._stores.clear()
        self._index_stale = True

    @property
    def anns(self) -> dict[Any, dict[str, Any]]:
        self._materialize()
        return self._anns

    @property
    def vids(self) -> dict[Any, dict[str, Any]]:
        self._materialize()
        return self._vids

    @property
    def cats(self) -> dict[Any, dict[str, Any]]:
        self._materialize()
        return self._cats

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
        import numpy as np

        kept = [a for a in ann.get("areas") or [] if a]
        return float(np.array(kept).mean()) if kept else 0.0

    def getCatIds(self, catNms: Any = (), supNms: Any = (), catIds: Any = ()) -> list[Any]:
        names, supers, ids = _as_list(catNms), _as_list(supNms), _as_list(catIds)
        native = self._native_gt_info()
        unfiltered = len(names) == len(supers) == len(ids) == 0
        if self._dataset is None and native is not None and unfiltered:
            return native.category_ids  # the file's order, without parsing it in Python
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
            native = self._native_gt_info()
            if self._dataset is None and native is not None:
                # The keys of the reference's {id: video} dict, in file order.
                return list(dict.fromkeys(native.video_ids))
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

    def _category_names(self) -> dict[Any, str]:
        native = self._native_gt_info()
        if self._dataset is None and native is not None:
            return dict(zip(native.category_ids, native.category_names))
        return {c["id"]: str(c.get("name", c["id"])) for c in self._dataset.get("categories", [])}

    # -- results ---------------------------------------------------------------------------
    def loadRes(self, resFile: str | os.PathLike[str] | list[dict[str, Any]]) -> YTVOS:
        """Loads results (a path or a list of dicts) against this ground truth."""
        return self._load_results(resFile)

    def _load_results(self, resFile: Any, split: Any = None) -> YTVOS:
        """loadRes; `split` is `resFile`'s files already walked by _core.split_results."""
        res = YTVOS(threads=self.threads, verbose=self.verbose, strict=self._strict)
        res._is_results = True
        res._gt = self
        res._split = split
        self._say("Loading and preparing results...")
        tic = time.time()
        if is_path(resFile):
            res.source = res._input_path = os.fspath(resFile)
            path = res.source
            res._load_dataset = lambda: res._results_dataset(load_json(path))
        elif (paths := path_list(resFile)) is not None:
            # Several files (one per rank, say): one list of results, in the order given.
            res.source = "<results>"
            res._input_paths = paths
            res._load_dataset = lambda: res._results_dataset(_concatenated_results(paths))
        else:
            res.source = "<results>"
            if not isinstance(resFile, list):
                raise ValueError(
                    f"results must be a JSON array of objects, got {type(resFile).__name__}"
                )
            res._input_list = resFile
            res._load_dataset = lambda: res._results_dataset(resFile)
        res._dataset = None
        res._native_store(self._strict)
        res._pending_results_fields = True
        self._say(f"DONE (t={time.time() - tic:0.2f}s)")
        res._say("creating index...")
        res._say("index created!")
        return res

    def _results_dataset(self, anns: Any) -> dict[str, Any]:
        """The reference's results dataset: the ground truth's videos and categories."""
        gt = self._gt
        assert gt is not None
        if not isinstance(anns, list):
            raise ValueError(
                f"{self.source}: results must be a JSON array of objects, got {type(anns).__name__}"
            )
        dataset: dict[str, Any] = {"videos": list(gt.dataset.get("videos", []))}
        # Categories are copied as the reference does for mask results; an empty
        # list (where the reference crashes) is taken as "no predictions".
        if not anns or (isinstance(anns[0], dict) and "segmentations" in anns[0]):
            dataset["categories"] = copy.deepcopy(gt.dataset.get("categories", []))
        dataset["annotations"] = anns
        return dataset

    # -- native store ----------------------------------------------------------------------
    def _native_gt_info(self) -> Any:
        """The natively parsed ground truth behind this object (itself or its gt's), if any."""
        owner = self._gt if self._is_results else self
        return None if owner is None else owner._native_gt

    def _video_table(self) -> VideoTable:
        """Lists of int; numpy's conversion checks the Python view's values."""
        if self._dataset is None and self._native_gt is not None:
            g = self._native_gt
            return g.video_ids, g.video_heights, g.video_widths, g.video_lengths
        import numpy as np

        videos = [v for v in self.dataset.get("videos", []) if isinstance(v, dict)]
        ids = np.array([v.get("id", -1) for v in videos], dtype=np.int64)
        heights = np.array([v.get("height", 0) or 0 for v in videos], dtype=np.int64)
        widths = np.array([v.get("width", 0) or 0 for v in videos], dtype=np.int64)
        lengths = np.array([_video_length(v) for v in videos], dtype=np.int64)
        return ids.tolist(), heights.tolist(), widths.tolist(), lengths.tolist()

    def _native_store(self, strict: bool = False) -> Any:
        """The columnar store of this object's annotations, built on first use: parsed
        natively from the input file, or walked natively from the parsed lists."""
        if strict in self._stores:
            return self._stores[strict]
        videos = self._gt if self._is_results else self
        assert videos is not None
        threads = self.threads or 0
        if self._is_results:
            table = videos._video_table()
            if self._split is not None:
                split, self._split = self._split, None
                # Only evaluate() walks early, and its stores die with the call: they
                # may read their masks from the mapped files rather than copy them.
                store, starts = _core.build_results(split, *table, strict, threads, borrow=True)
                if self._input_paths is not None:
                    self._file_starts = starts
            elif self._input_path is not None:
                store = _core.read_results(self._input_path, *table, strict, threads)
            elif self._input_paths is not None:
                store, self._file_starts = _core.read_results_files(
                    self._input_paths, *table, strict, threads
                )
            else:
                anns = self._input_list if self._dataset is None else self._dataset["annotations"]
                store = self._walk(anns, table, strict)
        elif self._input_path is not None:
            store = _core.read_ground_truth(self._input_path, strict, threads).annotations
        else:
            store = self._walk(self.dataset.get("annotations", []), self._video_table(), strict)
        self._stores[strict] = store
        return store

    def _walk(self, anns: Any, table: VideoTable, strict: bool) -> Any:
        if not isinstance(anns, list):
            kind = type(anns).__name__
            raise ValueError(f"{self.source}: annotations must be a list, got {kind}")
        try:
            return _core.build_store(anns, *table, self._is_results, strict, self.threads or 0)
        except ValueError as error:
            raise type(error)(f"{self.source}: {error}") from None

    # -- masks -----------------------------------------------------------------------------
    def annToRLE(self, ann: dict[str, Any], frameId: int) -> dict[str, Any]:
        """RLE of one frame of an annotation (polygons and uncompressed RLE converted)."""
        video = self.vids[ann["video_id"]]
        h, w = video["height"], video["width"]
        segm = ann["segmentations"][frameId]
        if isinstance(segm, list):
            return {"size": [h, w], "counts": _core.rle_from_polygons(segm, h, w)}
        if isinstance(segm["counts"], list):
            import numpy as np

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


def _concatenated_results(paths: list[str]) -> list[Any]:
    """The results of several files as one list (for the Python view only)."""
    results: list[Any] = []
    for path in paths:
        data = load_json(path)
        if not isinstance(data, list):
            raise ValueError(
                f"{path}: results must be a JSON array of objects, got {type(data).__name__}"
            )
        results.extend(data)
    return results
