"""The assessment form: one widget built from any form template, with its grade picker and
agreed-actions table."""
