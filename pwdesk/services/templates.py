"""The form templates a database can use: those shipped with pwdesk and those imported."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from weakref import WeakKeyDictionary

from sqlalchemy import select

from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.templates import FormTemplate, TemplateKind, parse_template
from pwdesk.resources import resource_path
from pwdesk.store.database import Database
from pwdesk.store.models import StoredTemplate

BUILT_IN = "built-in"
IMPORTED = "imported"


class UnknownTemplate(PwdeskError):
    """A record or week names a template this database does not have."""


@dataclass(frozen=True)
class TemplateInfo:
    """A line of ``pwdesk templates list``."""

    id: str
    version: int
    kind: str
    observation_type: str | None
    title: str
    origin: str


@cache
def built_in_templates() -> tuple[tuple[FormTemplate, str], ...]:
    """Every template shipped in resources/templates, with its TOML text, parsed once."""
    folder = resource_path("templates")
    shipped = []
    for path in sorted(folder.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        shipped.append((parse_template(text, f"templates/{path.name}"), text))
    return tuple(shipped)


class TemplateCatalogue:
    """Templates by (id, version); the newest version of an id is its default."""

    def __init__(self, entries: Iterable[tuple[FormTemplate, str]]) -> None:
        self._by_key: dict[tuple[str, int], tuple[FormTemplate, str]] = {}
        for template, origin in entries:
            self._by_key.setdefault(template.key, (template, origin))

    def get(self, template_id: str, version: int | None = None) -> FormTemplate:
        """A template by id and version (the newest version when None)."""
        if version is None:
            versions = [v for (i, v) in self._by_key if i == template_id]
            if not versions:
                raise UnknownTemplate(f"There is no form template '{template_id}'.")
            version = max(versions)
        try:
            return self._by_key[(template_id, version)][0]
        except KeyError:
            raise UnknownTemplate(
                f"There is no form template '{template_id}' version {version}."
            ) from None

    def all_templates(self) -> list[FormTemplate]:
        """Every template, every version."""
        return [template for template, _ in self._by_key.values()]

    def infos(self) -> list[TemplateInfo]:
        """Every template, sorted by id then version."""
        return [
            TemplateInfo(t.id, t.version, t.kind.value, t.observation_type, t.title, origin)
            for (t, origin) in sorted(self._by_key.values(), key=lambda entry: entry[0].key)
        ]

    def of_kind(self, kind: TemplateKind) -> list[FormTemplate]:
        """The newest version of each template of one kind."""
        newest: dict[str, FormTemplate] = {}
        for template, _ in self._by_key.values():
            current = newest.get(template.id)
            if template.kind is kind and (current is None or template.version > current.version):
                newest[template.id] = template
        return sorted(newest.values(), key=lambda t: t.id)


Fingerprint = tuple[tuple[str, int, str], ...]
# Each open database's catalogue, with the fingerprint of the templates it was built from.
_CATALOGUES: WeakKeyDictionary[Database, tuple[Fingerprint, TemplateCatalogue]] = (
    WeakKeyDictionary()
)


def _fingerprint(db: Database) -> Fingerprint:
    """Which templates ``db`` holds: id, version and the digest of the text pwdesk stored."""
    with db.read() as session:
        rows = session.execute(
            select(
                StoredTemplate.template_id, StoredTemplate.version, StoredTemplate.sha256
            ).order_by(StoredTemplate.template_id, StoredTemplate.version)
        ).all()
    return tuple((tid, version, digest) for tid, version, digest in rows)


def _imported(db: Database) -> list[tuple[FormTemplate, str]]:
    with db.read() as session:
        rows = session.execute(select(StoredTemplate.template_id, StoredTemplate.source)).all()
    return [(parse_template(source, f"imported {tid}"), IMPORTED) for tid, source in rows]


def catalogue(db: Database | None = None) -> TemplateCatalogue:
    """Built-in templates, plus those imported into ``db``.

    A database's catalogue is parsed once and kept while the database is open; each call reads
    only the ids, versions and digests of its templates (one small query), so a template
    imported or merged since, from this process or another, is parsed in at the next call.
    """
    built_in = [(template, BUILT_IN) for template, _ in built_in_templates()]
    if db is None:
        return TemplateCatalogue(built_in)
    fingerprint = _fingerprint(db)
    cached = _CATALOGUES.get(db)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    result = TemplateCatalogue(built_in + _imported(db))
    _CATALOGUES[db] = (fingerprint, result)
    return result


def read_template_file(path: Path) -> tuple[FormTemplate, str]:
    """Parse and check a template file; TemplateError names every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PwdeskError(f"There is no file {path}.") from None
    except UnicodeDecodeError:
        raise PwdeskError(f"{path} is not a UTF-8 text file.") from None
    except OSError as error:
        raise PwdeskError(f"{path} cannot be read: {error.strerror}.") from None
    return parse_template(text, path.name), text


def import_template(db: Database, path: Path) -> tuple[FormTemplate, bool]:
    """Import a template file; returns it and whether it was new.

    A template id and version stand for one text for ever: importing different text under the
    same id and version is refused, since records already filled in cite it.
    """
    template, text = read_template_file(path)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    for shipped, shipped_text in built_in_templates():
        if shipped.key == template.key:
            if shipped_text == text:
                return template, False
            raise PwdeskError(
                f"{template.id} version {template.version} is a built-in template; "
                "give your changed template a new version number."
            )
    with db.write() as session:
        existing = session.get(StoredTemplate, template.key)
        if existing is not None:
            if existing.sha256 == digest:
                return template, False
            raise PwdeskError(
                f"{template.id} version {template.version} was imported before with different "
                "content; give your changed template a new version number."
            )
        session.add(
            StoredTemplate(
                template_id=template.id,
                version=template.version,
                kind=template.kind.value,
                title=template.title,
                source=text,
                sha256=digest,
                imported_at=db.clock(),
            )
        )
        db.log(session, "template-import", detail=f"{template.id} v{template.version}")
    return template, True
