"""How the summary report puts its figures into words."""

from __future__ import annotations

from pwdesk.domain.dates import long_date
from pwdesk.reports.summary.content import WeekInfo


def percent(value: float | None) -> str:
    """A percentage to one decimal place, or a dash when there is nothing to count."""
    return "–" if value is None else f"{value:.1f}%"


def change_words(change: float | None) -> str:
    """A change in percentage points: "up 3.2 points", "down 1.0 points", "no change"."""
    if change is None:
        return "–"
    if change > 0:
        return f"up {change:.1f} points"
    if change < 0:
        return f"down {-change:.1f} points"
    return "no change"


def kappa_words(kappa: float) -> str:
    """Landis and Koch's words for a kappa."""
    for limit, words in ((0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial")):
        if kappa <= limit:
            return "poor" if kappa < 0 else words
    return "almost perfect"


def date_range(week: WeekInfo) -> str:
    """The week's first and last days in words."""
    return f"{long_date(week.starts_on)} to {long_date(week.ends_on)}"
