"""Importing form templates: a template id and version stand for one text for ever."""

from __future__ import annotations

from pathlib import Path

import pytest

from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.templates import TemplateError, TemplateKind
from pwdesk.resources import resource_path
from pwdesk.services.templates import UnknownTemplate, catalogue, import_template
from pwdesk.store.database import Database

SHIPPED = resource_path("templates", "home-visit-observation.toml")


def new_version(tmp_path: Path, version: int, title: str = "Home visit, revised") -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    text = text.replace("version = 1", f"version = {version}", 1)
    text = text.replace('title = "Observation of practice: home visit"', f'title = "{title}"', 1)
    path = tmp_path / f"home-visit-v{version}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_templates_are_always_there() -> None:
    infos = catalogue().infos()
    assert {(t.id, t.kind) for t in infos} == {
        ("permanency-case-audit", "case-audit"),
        ("home-visit-observation", "observation"),
        ("cp-conference-observation", "observation"),
        ("core-group-observation", "observation"),
    }
    assert {t.origin for t in infos} == {"built-in"}


def test_a_new_version_is_imported_once_and_becomes_the_default(
    db: Database, tmp_path: Path
) -> None:
    path = new_version(tmp_path, 2)
    template, new = import_template(db, path)
    assert (template.id, template.version, new) == ("home-visit-observation", 2, True)
    assert import_template(db, path)[1] is False
    templates = catalogue(db)
    assert templates.get("home-visit-observation").title == "Home visit, revised"
    assert templates.get("home-visit-observation", 1).title == "Observation of practice: home visit"
    assert [
        t.version for t in templates.of_kind(TemplateKind.OBSERVATION) if t.id == template.id
    ] == [2]


def test_different_text_under_an_existing_version_is_refused(db: Database, tmp_path: Path) -> None:
    import_template(db, new_version(tmp_path, 2))
    changed = new_version(tmp_path, 2, title="Home visit, changed again")
    with pytest.raises(PwdeskError, match="imported before with different content"):
        import_template(db, changed)
    with pytest.raises(PwdeskError, match="is a built-in template"):
        import_template(db, new_version(tmp_path, 1, title="Sneaky change"))


def test_a_malformed_template_is_refused_with_every_problem(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('id = "Broken Id"\nversion = 0\nkind = "survey"\n', encoding="utf-8")
    with pytest.raises(TemplateError) as refused:
        import_template(db, path)
    assert len(refused.value.problems) >= 4
    assert all(problem.startswith("broken.toml: ") for problem in refused.value.problems)
    assert catalogue(db).infos() == catalogue().infos()


def test_an_unknown_template_is_named(db: Database) -> None:
    with pytest.raises(UnknownTemplate, match="'nothing' version 3"):
        catalogue(db).get("nothing", 3)
