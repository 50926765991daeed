"""pwdesk: Practice Week audits, observations, feedback and reports for children's social care."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pwdesk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
