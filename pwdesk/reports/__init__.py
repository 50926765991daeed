"""Reports: the printed documents (feedback sheet, summary report) and the report's workbook."""
