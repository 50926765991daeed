"""What the first screen costs: the form catalogue parsed once per open database (and again only
when a template arrives), the settings read in one query."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event

from pwdesk.services.settings import load_settings
from pwdesk.services.templates import catalogue, import_template
from pwdesk.store.database import Database
from tests.services.test_templates import new_version


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """The SQL statements ``db`` runs inside the block, as the server receives them."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(("PRAGMA", "BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_the_catalogue_is_parsed_once_and_again_when_a_template_arrives(
    db: Database, tmp_path: Path
) -> None:
    first = catalogue(db)
    with statements(db) as seen:
        again = catalogue(db)
    assert again is first
    assert len(seen) == 1  # only the ids, versions and digests of the stored templates
    assert "source" not in seen[0]
    import_template(db, new_version(tmp_path, 2))
    newer = catalogue(db)
    assert newer is not first
    assert newer.get("home-visit-observation").version == 2
    assert catalogue(db) is newer


def test_the_settings_take_one_query(db: Database) -> None:
    with statements(db) as seen:
        settings = load_settings(db)
    assert len(seen) == 1
    assert settings.protective_marking == "OFFICIAL-SENSITIVE"


def test_the_week_view_reads_the_weeks_answers_once(demo_db: Database) -> None:
    from datetime import date

    from pwdesk.services.stats import week_stats
    from pwdesk.services.week_view import load_week_view
    from pwdesk.services.weeks import find_week

    week = find_week(demo_db, "2018-09")
    with statements(demo_db) as seen:
        view = load_week_view(demo_db, week, date(2018, 9, 21))
    answers = [s for s in seen if "assessment.answers" in s and "FROM assessment" in s]
    assert len(answers) == 1
    assert view.stats == week_stats(demo_db, "2018-09")[1]  # the same figures as read alone
    assert len(view.records) == 56
