"""The rules of Practice Week: grades, form templates, cohorts and record versions. No I/O."""
