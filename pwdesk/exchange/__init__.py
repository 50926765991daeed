"""Moving records between databases: the encrypted, signed export package, and key files."""
