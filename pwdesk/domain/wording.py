"""How pwdesk writes its figures, everywhere it shows them: the dashboard, the PDF, DOCX and HTML
reports and the workbook all call these, so a percentage, a count or a date reads the same in
each.

Percentages are to one decimal place, halves rounded up (1 in 16 is 6.3%, 13 in 40 is 32.5%) and
computed from whole counts, so no figure is rounded twice. Counts agree with their nouns
("1 record was", "2 records were"), and a sentence never starts with a numeral.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from pwdesk.domain.dates import long_date, short_date

NO_FIGURE = "\N{EN DASH}"  # where there is nothing to count, such as a percentage of none

__all__ = [
    "NO_FIGURE",
    "capitalised",
    "change_in_points",
    "count",
    "count_was",
    "date_range",
    "date_span",
    "half_up",
    "kappa_figure",
    "kappa_words",
    "listed",
    "long_date",
    "number_in_words",
    "percent",
    "percent_of",
    "short_date",
    "spelled_count",
]

_UNITS = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def half_up(value: float, places: int = 1) -> float:
    """``value`` rounded to ``places`` decimals, halves away from zero, as people round by hand
    (Python's round() takes halves to the even neighbour, and sees 2.675 as 2.67499...)."""
    step = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


def percent_of(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` as a percentage to one decimal place, halves up; None of nothing.

    Exact integer arithmetic on the counts, so 13 of 40 is 32.5 and never 32.49999.
    """
    if whole <= 0:
        return None
    return (2000 * part + whole) // (2 * whole) / 10


def percent(value: float | None) -> str:
    """A percentage as every table and chart writes it: "32.5%", or a dash for none."""
    return NO_FIGURE if value is None else f"{value:.1f}%"


def change_in_points(change: float | None) -> str:
    """A change in percentage points: "up 3.2 points", "down 1.0 points", "no change"."""
    if change is None:
        return NO_FIGURE
    if change > 0:
        return f"up {change:.1f} points"
    if change < 0:
        return f"down {-change:.1f} points"
    return "no change"


def number_in_words(number: int) -> str:
    """A whole number in British English words: 7 "seven", 42 "forty-two", 120 "one hundred
    and twenty"; used where a sentence would otherwise start with a numeral."""
    if number < 0:
        return "minus " + number_in_words(-number)
    if number < 20:
        return _UNITS[number]
    if number < 100:
        tens, units = divmod(number, 10)
        return _TENS[tens] + (f"-{_UNITS[units]}" if units else "")
    for size, name in ((1_000_000, "million"), (1000, "thousand"), (100, "hundred")):
        if number >= size:
            high, rest = divmod(number, size)
            words = f"{number_in_words(high)} {name}"
            if not rest:
                return words
            joiner = " and " if rest < 100 else (", " if size > 100 else " ")
            return words + joiner + number_in_words(rest)
    raise AssertionError("unreachable")  # pragma: no cover


def _noun(number: int, singular: str, plural: str | None) -> str:
    return singular if number == 1 else (plural or singular + "s")


def count(number: int, singular: str, plural: str | None = None) -> str:
    """A count and its noun: "1 record", "2 records", "3 children" (with ``plural``)."""
    return f"{number} {_noun(number, singular, plural)}"


def spelled_count(number: int, singular: str, plural: str | None = None) -> str:
    """A count in words to start a sentence with: "Twelve records", "One child"."""
    return capitalised(f"{number_in_words(number)} {_noun(number, singular, plural)}")


def count_was(number: int, singular: str, plural: str | None = None, *, start: bool = False) -> str:
    """A count, its noun and the verb that agrees: "1 record was", "4 records were"; in words
    when it starts a sentence."""
    counted = (spelled_count if start else count)(number, singular, plural)
    return f"{counted} {'was' if number == 1 else 'were'}"


def capitalised(text: str) -> str:
    """``text`` with its first letter in capitals, the rest as written."""
    return text[:1].upper() + text[1:]


def kappa_figure(kappa: float | None) -> str:
    """An agreement coefficient to two decimal places, halves up, or a dash."""
    return NO_FIGURE if kappa is None else f"{half_up(kappa, 2):.2f}"


def kappa_words(kappa: float) -> str:
    """Landis and Koch's words for a kappa-like coefficient."""
    if kappa < 0:
        return "poor"
    for limit, words in ((0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial")):
        if kappa <= limit:
            return words
    return "almost perfect"


def date_range(starts_on: dt.date, ends_on: dt.date) -> str:
    """A week's first and last days in words: "17 September 2018 to 21 September 2018", or the
    one day of a week that has only one."""
    if starts_on == ends_on:
        return long_date(starts_on)
    return f"{long_date(starts_on)} to {long_date(ends_on)}"


def listed(words: Sequence[str], last: str = "and") -> str:
    """Words as a sentence lists them: "a", "a and b", "a, b and c"."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def date_span(starts_on: dt.date, ends_on: dt.date) -> str:
    """A short span of days, as headings show it: "17\N{EN DASH}21 September 2018", or with
    the months (and years) where they differ."""
    end = long_date(ends_on)
    if starts_on == ends_on:
        return end
    first = long_date(starts_on).split(" ")
    if (starts_on.year, starts_on.month) == (ends_on.year, ends_on.month):
        return f"{starts_on.day}\N{EN DASH}{end}"
    if starts_on.year == ends_on.year:
        return f"{first[0]} {first[1]} \N{EN DASH} {end}"
    return f"{long_date(starts_on)} \N{EN DASH} {end}"
