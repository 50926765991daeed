"""The Practice Week summary report, one module a part: its content, writer, and sections."""
