"""How far two raters agree on grades of an ordinal scale: the auditor and the moderator.

Each function takes pairs of grade ids (the first rater's, the second's) and the scale's grade ids
in order, best first. Pairs where either grade is not one of those (Not applicable, unanswered)
are left out, so every figure is over the same pairs. The arithmetic is exact (fractions); only
the coefficient returned is rounded, to two places with halves away from zero.

With a four-point scale whose grades cluster on one or two points, Cohen's unweighted kappa
counts "Good" against "Requires improvement" as badly as "Outstanding" against "Inadequate" and
collapses when nearly everything is "Good"; the linearly weighted kappa gives credit for near
misses, and Gwet's AC2 stays stable when the grades cluster.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from fractions import Fraction

from pwdesk.domain.wording import half_up

GradePairs = Sequence[tuple[str, str]]
PairTable = tuple[tuple[int, ...], ...]


def ranked_pairs(
    pairs: Iterable[tuple[str, str]], grade_ids: Sequence[str]
) -> list[tuple[int, int]]:
    """The pairs as ranks on the scale (0 for the best grade); pairs off the scale left out."""
    ranks = {grade_id: rank for rank, grade_id in enumerate(grade_ids)}
    return [(ranks[a], ranks[b]) for a, b in pairs if a in ranks and b in ranks]


def linear_weight(first: int, second: int, grades: int) -> Fraction:
    """The linear agreement weight of two ranks on a scale of ``grades`` points:
    w = 1 - |i - j| / (k - 1), so 1 for the same grade and 0 for opposite ends."""
    if grades < 2:
        return Fraction(1)
    return 1 - Fraction(abs(first - second), grades - 1)


def _rounded(value: Fraction) -> float:
    return half_up(float(value), 2)


def grade_pair_table(pairs: GradePairs, grade_ids: Sequence[str]) -> PairTable:
    """How often each pair of grades was given: k rows (the first rater's grade, in scale order)
    of k counts (the second rater's grade, in scale order)."""
    counts = Counter(ranked_pairs(pairs, grade_ids))
    size = len(grade_ids)
    return tuple(tuple(counts[(row, column)] for column in range(size)) for row in range(size))


def exact_agreements(pairs: GradePairs, grade_ids: Sequence[str]) -> int:
    """How many pairs give the same grade."""
    return sum(a == b for a, b in ranked_pairs(pairs, grade_ids))


def agreements_within_one(pairs: GradePairs, grade_ids: Sequence[str]) -> int:
    """How many pairs are at most one grade apart (|rank difference| <= 1)."""
    return sum(abs(a - b) <= 1 for a, b in ranked_pairs(pairs, grade_ids))


def cohens_kappa(pairs: GradePairs, grade_ids: Sequence[str] | None = None) -> float | None:
    """Cohen's (unweighted) kappa, (p_o - p_e) / (1 - p_e), rounded to two places, halves up.

    p_o is the share of pairs that agree, p_e = sum over grades g of r_g * c_g / N^2 with r and
    c the two raters' counts of g. Without ``grade_ids`` every pair counts, whatever its grades.
    None with no pairs, or when p_e is 1 (both raters gave one and the same grade throughout).
    """
    if grade_ids is not None:
        kept = set(grade_ids)
        pairs = [(a, b) for a, b in pairs if a in kept and b in kept]
    total = len(pairs)
    if not total:
        return None
    observed = Fraction(sum(a == b for a, b in pairs), total)
    firsts = Counter(a for a, _ in pairs)
    seconds = Counter(b for _, b in pairs)
    expected = Fraction(sum(firsts[g] * seconds[g] for g in firsts), total * total)
    if expected == 1:
        return None
    return _rounded((observed - expected) / (1 - expected))


def weighted_kappa(pairs: GradePairs, grade_ids: Sequence[str]) -> float | None:
    """Cohen's linearly weighted kappa, rounded to two places, halves up.

    With N pairs, n_ij the pairs graded i by the first rater and j by the second, r_i and c_j
    the raters' counts (marginals) and w_ij = 1 - |i - j| / (k - 1) over the k grades:
    p_o = sum w_ij n_ij / N, p_e = sum w_ij r_i c_j / N^2, kappa_w = (p_o - p_e) / (1 - p_e).
    None with no pairs, or when p_e is 1 (one grade throughout, or a one-point scale).
    """
    ranked = ranked_pairs(pairs, grade_ids)
    total = len(ranked)
    if not total:
        return None
    size = len(grade_ids)
    observed = sum((linear_weight(a, b, size) for a, b in ranked), Fraction(0)) / total
    rows = Counter(a for a, _ in ranked)
    columns = Counter(b for _, b in ranked)
    expected = sum(
        (linear_weight(i, j, size) * rows[i] * columns[j] for i in rows for j in columns),
        Fraction(0),
    ) / (total * total)
    if expected == 1:
        return None
    return _rounded((observed - expected) / (1 - expected))


def gwet_ac2(pairs: GradePairs, grade_ids: Sequence[str]) -> float | None:
    """Gwet's AC2 with linear weights (Gwet, Handbook of Inter-Rater Reliability), two places.

    p_a = sum w_ij n_ij / N, as for the weighted kappa; pi_g = (r_g + c_g) / 2N, the share of
    all N x 2 grades that were g; T_w = sum of w_ij over all k x k cells;
    p_e = T_w / (k (k - 1)) * sum over g of pi_g (1 - pi_g); AC2 = (p_a - p_e) / (1 - p_e).
    Chance agreement here shrinks as grades cluster, so one grade throughout gives 1, not None.
    None with no pairs or a scale of fewer than two grades.
    """
    ranked = ranked_pairs(pairs, grade_ids)
    total = len(ranked)
    size = len(grade_ids)
    if not total or size < 2:
        return None
    observed = sum((linear_weight(a, b, size) for a, b in ranked), Fraction(0)) / total
    given = Counter(rank for pair in ranked for rank in pair)
    spread = sum(
        (Fraction(n, 2 * total) * (1 - Fraction(n, 2 * total)) for n in given.values()), Fraction(0)
    )
    weights = sum(
        (linear_weight(i, j, size) for i in range(size) for j in range(size)), Fraction(0)
    )
    expected = weights / (size * (size - 1)) * spread
    return _rounded((observed - expected) / (1 - expected))
