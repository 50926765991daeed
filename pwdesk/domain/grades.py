"""Grade scales: Ofsted's four points by default, ordered best first, plus Not applicable."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

NOT_APPLICABLE_ID = "not-applicable"


@dataclass(frozen=True)
class Grade:
    """One point of a scale: a stable id stored in answers, and the words people read."""

    id: str
    label: str
    short: str = ""

    @property
    def abbreviation(self) -> str:
        """A short form for narrow columns and chart legends (the label if none is set)."""
        return self.short or self.label


NOT_APPLICABLE = Grade(NOT_APPLICABLE_ID, "Not applicable / not seen", "N/A")


@dataclass(frozen=True)
class GradeScale:
    """Grades ordered best to worst; grades up to ``good_or_better`` count as good or better.

    Not applicable is always available and never counts in percentages.
    """

    id: str
    grades: tuple[Grade, ...]
    good_or_better: str

    def __post_init__(self) -> None:
        ids = [grade.id for grade in self.grades]
        if not ids:
            raise ValueError("a grade scale needs at least one grade")
        if len(set(ids)) != len(ids) or NOT_APPLICABLE_ID in ids:
            raise ValueError(f"grade ids must be unique and not {NOT_APPLICABLE_ID!r}")
        if self.good_or_better not in ids:
            raise ValueError(f"good_or_better {self.good_or_better!r} is not a grade of the scale")

    # Computed once per scale: reports ask these for every answer of every audit.
    @cached_property
    def choices(self) -> tuple[Grade, ...]:
        """Every grade a user can pick: the scale then Not applicable."""
        return (*self.grades, NOT_APPLICABLE)

    @cached_property
    def ids(self) -> tuple[str, ...]:
        """The ids of the real grades, best first (without Not applicable)."""
        return tuple(grade.id for grade in self.grades)

    @cached_property
    def _ranks(self) -> dict[str, int]:
        return {grade_id: rank for rank, grade_id in enumerate(self.ids)}

    @cached_property
    def _known(self) -> frozenset[str]:
        return frozenset(grade.id for grade in self.choices)

    def grade(self, grade_id: str) -> Grade:
        """The grade with this id, Not applicable included; KeyError if the scale has none."""
        for grade in self.choices:
            if grade.id == grade_id:
                return grade
        raise KeyError(grade_id)

    def knows(self, grade_id: str) -> bool:
        """Whether ``grade_id`` is a grade of this scale or Not applicable."""
        return grade_id in self._known

    def rank(self, grade_id: str) -> int:
        """0 for the best grade, rising towards the worst; ValueError for Not applicable."""
        if grade_id == NOT_APPLICABLE_ID:
            raise ValueError("Not applicable has no rank")
        try:
            return self._ranks[grade_id]
        except KeyError:
            raise ValueError(f"{grade_id!r} is not a grade of the scale {self.id}") from None

    def is_good_or_better(self, grade_id: str) -> bool:
        """Whether a real grade is at or above the scale's good-or-better line."""
        return self.rank(grade_id) <= self.rank(self.good_or_better)

    def count(self, grade_ids: Iterable[str | None]) -> dict[str, int]:
        """Counts per grade id in scale order, Not applicable last; unanswered (None) ignored."""
        counts = dict.fromkeys((grade.id for grade in self.choices), 0)
        for grade_id in grade_ids:
            if grade_id is not None:
                counts[self.grade(grade_id).id] += 1
        return counts

    def good_or_better_pct(self, counts: Mapping[str, int]) -> float | None:
        """Percentage of graded answers that are good or better, to one decimal place.

        Not applicable is left out of both sides; None when nothing was graded. Halves round up
        (1 in 16 is 6.3%), as people rounding by hand expect.
        """
        graded = sum(counts.get(grade_id, 0) for grade_id in self.ids)
        if graded == 0:
            return None
        good = sum(
            counts.get(grade_id, 0) for grade_id in self.ids if self.is_good_or_better(grade_id)
        )
        tenths = (2000 * good + graded) // (2 * graded)  # exact integer half-up rounding
        return tenths / 10


OFSTED_FOUR_POINT = GradeScale(
    id="ofsted-4",
    grades=(
        Grade("outstanding", "Outstanding"),
        Grade("good", "Good"),
        Grade("requires-improvement", "Requires improvement to be good", "RI"),
        Grade("inadequate", "Inadequate"),
    ),
    good_or_better="good",
)

BUILT_IN_SCALES: Mapping[str, GradeScale] = {OFSTED_FOUR_POINT.id: OFSTED_FOUR_POINT}
