"""pwdesk: Practice Week audits, observations, feedback and reports for children's social care."""

# The one place the version is written; the package build reads it from here.
__version__ = "0.1.0"
