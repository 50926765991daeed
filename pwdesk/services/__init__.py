"""Use cases: each function owns its session and transaction and returns plain data."""
