"""The errors a user can cause, each turned into one clear sentence at the edge.

The storage errors live here, beside the base, so that the desktop window can tell a busy or
refusing disk from a wrong passphrase without importing the storage layer.
"""


class PwdeskError(Exception):
    """Something the user can put right: bad input, a wrong passphrase, a missing record.

    ``str(error)`` is a complete sentence fit to show as it is.
    """


class DatabaseError(PwdeskError):
    """The database cannot be opened or created as asked."""


class WrongPassphrase(DatabaseError):
    """The passphrase does not unlock the database (or the file is not a pwdesk database)."""


class DatabaseBusy(DatabaseError):
    """Another writer held the database longer than pwdesk waits: in practice, a merge."""


class StorageFailed(DatabaseError):
    """The disk refused: the file or its folder is read-only, or the disk is full."""
