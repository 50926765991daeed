"""Which child, practitioner or senior leader is meant: the one rule for names people type.

A case reference, a name and a team are matched by their natural key (accents dropped, case
folded, white space collapsed), so "Sian  pritchard" finds Siân Pritchard. The services that
record allocations and records take ids; the command line and the table import find the ids
here first, and say in one sentence when nobody, or more than one, answers to what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from pwdesk.domain.names import natural_key
from pwdesk.services.common import InvalidRecord, NotFound
from pwdesk.store.database import Database
from pwdesk.store.models import Auditor, Child, Practitioner


class NoMatch(NotFound):
    """Nobody answers to what was typed."""

    def __init__(self, phrase: str) -> None:
        super().__init__(f"{phrase[0].upper()}{phrase[1:]}.")
        self.phrase = phrase


class ManyMatch(InvalidRecord):
    """More than one answers to what was typed, and nothing typed says which."""

    def __init__(self, phrase: str) -> None:
        super().__init__(f"{phrase[0].upper()}{phrase[1:]}.")
        self.phrase = phrase


@dataclass(frozen=True)
class Known:
    """A practitioner as matched: the id, and the natural keys of the name and the team."""

    id: str
    name: str  # natural keys
    team: str


@dataclass(frozen=True)
class Directory:
    """The children, practitioners and senior leaders, read once and matched by natural key."""

    children: dict[str, list[str]] = field(default_factory=dict)  # reference key -> ids
    practitioners: list[Known] = field(default_factory=list)
    auditors: dict[str, list[str]] = field(default_factory=dict)  # name key -> ids

    @classmethod
    def load(cls, session: Session) -> Directory:
        """Everyone not deleted, as the open transaction sees them."""
        directory = cls()
        for child_id, reference in session.execute(
            select(Child.id, Child.case_reference).where(Child.deleted.is_(False))
        ):
            directory.children.setdefault(natural_key(reference), []).append(child_id)
        for practitioner_id, name, team in session.execute(
            select(Practitioner.id, Practitioner.name, Practitioner.team).where(
                Practitioner.deleted.is_(False)
            )
        ):
            directory.practitioners.append(
                Known(practitioner_id, natural_key(name), natural_key(team))
            )
        for auditor_id, name in session.execute(
            select(Auditor.id, Auditor.name).where(Auditor.deleted.is_(False))
        ):
            directory.auditors.setdefault(natural_key(name), []).append(auditor_id)
        return directory

    def child(self, reference: str) -> str:
        """The id of the child with this case reference."""
        ids = self.children.get(natural_key(reference), [])
        if not ids:
            raise NoMatch(
                f"there is no child with case reference {reference} (add the child first)"
            )
        if len(ids) > 1:
            raise ManyMatch(f"more than one child has case reference {reference}")
        return ids[0]

    def practitioner(self, name: str, team: str = "") -> str:
        """The id of the practitioner of this name (in this team, when one is given).

        With no team given, one recorded with no team is the one meant.
        """
        named = [p for p in self.practitioners if p.name == natural_key(name)]
        if team:
            named = [p for p in named if p.team == natural_key(team)]
        elif len(named) > 1:
            named = [p for p in named if not p.team] or named
        if not named:
            who = f"{name} of the team {team}" if team else name
            raise NoMatch(f"there is no practitioner {who} (add them first)")
        if len(named) > 1:
            raise ManyMatch(
                f"more than one practitioner is called {name}; give the team to say which"
            )
        return named[0].id

    def auditor(self, name: str) -> str:
        """The id of the senior leader of this name."""
        ids = self.auditors.get(natural_key(name), [])
        if not ids:
            raise NoMatch(f"there is no senior leader called {name} (add them first)")
        if len(ids) > 1:
            raise ManyMatch(f"more than one senior leader is called {name}")
        return ids[0]


def directory(db: Database) -> Directory:
    """Everyone, read in one transaction."""
    with db.read() as session:
        return Directory.load(session)


def find_child(db: Database, reference: str) -> str:
    """The id of the child with this case reference."""
    return directory(db).child(reference)


def find_practitioner(db: Database, name: str, team: str = "") -> str:
    """The id of the practitioner of this name (and team)."""
    return directory(db).practitioner(name, team)


def find_auditor(db: Database, name: str) -> str:
    """The id of the senior leader of this name."""
    return directory(db).auditor(name)
