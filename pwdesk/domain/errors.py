"""The base of every error a user can cause, turned into one clear sentence at the edge."""


class PwdeskError(Exception):
    """Something the user can put right: bad input, a wrong passphrase, a missing record.

    ``str(error)`` is a complete sentence fit to show as it is.
    """
