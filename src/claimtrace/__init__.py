"""claimtrace: track recurring claims across news at scale.

>>> import claimtrace
>>> corpus = claimtrace.open("claimtrace.db")   # doctest: +SKIP
>>> corpus.ingest(["articles/"])                 # doctest: +SKIP
"""

from claimtrace.model import (
    Claim,
    DocAnalysis,
    Document,
    Entity,
    Mention,
    Narrative,
    Quantity,
    ReuseLink,
    Span,
    Story,
)

__version__ = "0.1.0"

__all__ = [
    "Claim",
    "DocAnalysis",
    "Document",
    "Entity",
    "Mention",
    "Narrative",
    "Quantity",
    "ReuseLink",
    "Span",
    "Story",
    "__version__",
    "open",
    "stance",
]


def open(db: str = "claimtrace.db"):  # type: ignore[no-untyped-def]
    """Open (or create) a corpus stored at ``db`` (a path or a ``sqlite:///``/``postgresql://`` URL)."""
    from claimtrace.api import Corpus

    return Corpus.open(db)


def stance(claim_text: str | None, text: str) -> dict[str, object]:
    """The stance of ``text`` toward ``claim_text`` (the pipeline's model; see crossdoc.stance_model).

    >>> claimtrace.stance("X built a base", "X denies building a base")["stance"]   # doctest: +SKIP
    'CONTESTS'
    """
    from claimtrace.crossdoc.stance_model import stance_toward

    return stance_toward(claim_text, text)
