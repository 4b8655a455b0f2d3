"""One paired comparison, used by every computed verdict: two methods scored on the same
seeds (same split, same test pixels), their per-seed difference, and a word for it.

A difference counts when a paired t-test over the seeds gives p < 0.05 (two-sided);
otherwise the verdict is "no clear difference". With one seed, or identical differences,
there is no test: "no clear difference".
"""

from __future__ import annotations

import numpy as np

__all__ = ["ALPHA", "VERDICTS", "paired_difference", "verdict_word"]

#: the level of the paired t-test
ALPHA = 0.05
#: the words a verdict can take, best first
VERDICTS = ("better", "no clear difference", "worse")


def verdict_word(diff: np.ndarray, p: float) -> str:
    """"better" / "worse" when the mean difference is non-zero at ``p < ALPHA``, else
    "no clear difference"."""
    diff = np.asarray(diff, dtype=float)
    if diff.size < 2 or p != p or p >= ALPHA:
        return "no clear difference"
    return "better" if diff.mean() > 0 else "worse"


def paired_difference(ours, theirs) -> dict:
    """``ours − theirs`` paired by position (one entry per seed): ``mean``, ``std``
    (ddof 1; NaN for one seed), ``wins`` (seeds where ours is higher), ``n``, ``p`` (paired
    t-test; NaN when it cannot be computed) and ``verdict`` (:func:`verdict_word`)."""
    from scipy.stats import ttest_rel

    a, b = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    d = a - b
    p = float(ttest_rel(a, b).pvalue) if d.size > 1 and d.std() > 0 else float("nan")
    return {"mean": float(d.mean()) if d.size else float("nan"),
            "std": float(d.std(ddof=1)) if d.size > 1 else float("nan"),
            "wins": int((d > 0).sum()), "n": int(d.size), "p": p, "verdict": verdict_word(d, p)}
