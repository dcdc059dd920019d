"""Consistency checks of the strict `evaluate()` that need the whole input at
once: duplicate ground-truth ids, categories and videos that the ground truth
does not define. Per-annotation checks run in the native ingest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["check_categories", "check_max_dets", "check_subset", "check_unique_ids"]


def check_unique_ids(store: Any, source: str) -> None:
    """Raises ValueError naming the first annotation whose id was already used."""
    ids = np.asarray(store.ids)
    if ids.size < 2:
        return
    _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    repeated = np.flatnonzero(first[inverse] != np.arange(ids.size))
    if repeated.size:
        i = int(repeated[0])
        earlier = int(first[inverse[i]])
        raise ValueError(
            f"{source}: annotation {i}: duplicate id {int(ids[i])} "
            f"(annotation {earlier} has the same id)"
        )


def check_categories(store: Any, known: Sequence[int], source: str, label: str) -> None:
    """Raises ValueError naming the first `label` (annotation, result) whose
    category_id is not one of the ground truth's categories.

    The reference evaluates only the ground truth's categories and silently
    drops anything else; a category outside them is nearly always a label-map
    mistake (0- versus 1-based ids, another data set's ids), so it is an error.
    """
    categories = np.asarray(store.category_ids)
    unknown = np.flatnonzero(~np.isin(categories, np.asarray(known, dtype=np.int64)))
    if unknown.size:
        i = int(unknown[0])
        others = f" ({unknown.size} {label}s in all)" if unknown.size > 1 else ""
        raise ValueError(
            f"{source}: {label} {i}: category_id {int(categories[i])} is not one of the ground "
            f"truth's categories{others}"
        )


def check_subset(requested: Sequence[int], known: Sequence[Any], what: str) -> None:
    """Raises ValueError for ids asked for (videos, categories) that do not exist."""
    missing = sorted(set(requested) - set(known))
    if missing:
        shown = ", ".join(str(m) for m in missing[:5]) + (", ..." if len(missing) > 5 else "")
        raise ValueError(f"{what} not in the ground truth: {shown}")


def check_max_dets(values: Sequence[int]) -> list[int]:
    """The 12 figures read three detection limits (AR1, AR10, AR100 by default):
    raises ValueError unless `values` are three increasing positive integers."""
    limits = [int(v) for v in values]
    if len(limits) != 3 or any(v <= 0 for v in limits) or limits != sorted(limits):
        raise ValueError(
            "max_dets must be three increasing positive integers (like 1,10,100), "
            f"got {','.join(map(str, limits))}"
        )
    return limits
