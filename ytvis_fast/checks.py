"""Consistency checks of the strict `evaluate()` that need the whole input at
once: duplicate ground-truth ids, categories and videos that the ground truth
does not define. Per-annotation checks run in the native ingest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["check_categories", "check_max_dets", "check_subset", "check_unique_ids"]


def check_unique_ids(store: Any, source: str) -> None:
    """Raises ValueError naming the first annotation whose id was already used."""
    repeated = store.first_repeated_id()
    if repeated is not None:
        i, earlier, repeated_id = repeated
        raise ValueError(
            f"{source}: annotation {i}: duplicate id {repeated_id} "
            f"(annotation {earlier} has the same id)"
        )


def check_categories(store: Any, known: Sequence[int], source: str, label: str) -> None:
    """Raises ValueError naming the first `label` (annotation, result) whose
    category_id is not one of the ground truth's categories.

    The reference evaluates only the ground truth's categories and silently
    drops anything else; a category outside them is nearly always a label-map
    mistake (0- versus 1-based ids, another data set's ids), so it is an error.
    """
    outside = store.categories_outside([int(c) for c in known])
    if outside is not None:
        i, count, category = outside
        others = f" ({count} {label}s in all)" if count > 1 else ""
        raise ValueError(
            f"{source}: {label} {i}: category_id {category} is not one of the "
            f"ground truth's categories{others}"
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
