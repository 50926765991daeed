"""Reports: the analysis of grades (pure functions) and, later, the documents built from it."""
