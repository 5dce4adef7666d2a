"""The verdicts analysts may give a narrative: a fixed, configurable vocabulary.

The default is the usual ClaimReview scale from false to true. ``CLAIMTRACE_RATINGS``
(comma-separated) or ``claimtrace serve --ratings`` replaces it. Ratings are matched without
regard to case, spacing, hyphens or underscores and stored in the vocabulary's spelling.
"""

from __future__ import annotations

import os

__all__ = ["DEFAULT_RATINGS", "canonical_rating", "fold_rating", "vocabulary"]

#: The verdicts analysts may give by default: the usual ClaimReview scale, false to true.
DEFAULT_RATINGS = (
    "False",
    "Mostly false",
    "Misleading",
    "Missing context",
    "Half true",
    "Unproven",
    "Mostly true",
    "True",
)


def fold_rating(text: str) -> str:
    """The form ratings are compared in: ``' mostly  FALSE '`` -> ``'mostly false'``."""
    return " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()


def vocabulary(ratings: str | list[str] | tuple[str, ...] | None = None) -> list[str]:
    """The configured ratings: ``ratings`` (a list or a comma-separated string), else the
    ``CLAIMTRACE_RATINGS`` environment variable, else :data:`DEFAULT_RATINGS`."""
    given = ratings if ratings is not None else os.environ.get("CLAIMTRACE_RATINGS")
    if isinstance(given, str):
        given = given.split(",")
    out = [r.strip() for r in given or () if r.strip()]
    return out or list(DEFAULT_RATINGS)


def canonical_rating(text: str, allowed: list[str]) -> str | None:
    """``text`` spelled as in ``allowed`` (``'mostly FALSE'`` -> ``'Mostly false'``), or None.

    >>> canonical_rating(" mostly-false ", list(DEFAULT_RATINGS)), canonical_rating("Pants", ["True"])
    ('Mostly false', None)
    """
    return {fold_rating(r): r for r in allowed}.get(fold_rating(text))
