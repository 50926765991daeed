"""Each item type's codec: what export writes into a cell, import reads back as the same answer."""

from __future__ import annotations

from typing import Any

import pytest

from pwdesk.domain.templates import ItemType, parse_template
from pwdesk.services.table_columns import (
    CODECS,
    RowReader,
    columns_by_header,
    item_cell,
    item_value,
)

FORM = """
id = "codec-audit"
version = 1
kind = "case-audit"
title = "Codec audit"

[[sections]]
id = "main"
title = "Main"

[[sections.items]]
id = "aspect"
type = "grade"
label = "An aspect"

[[sections.items]]
id = "overall"
type = "grade"
role = "overall"
label = "Overall grade"

[[sections.items]]
id = "seen-alone"
type = "yes-no"
label = "Seen alone"

[[sections.items]]
id = "visited-on"
type = "date"
label = "Visited on"

[[sections.items]]
id = "visits"
type = "number"
label = "Visits"

[[sections.items]]
id = "placement"
type = "choice"
label = "Placement"
options = [{ id = "foster", label = "Foster care" }, { id = "kinship", label = "Kinship care" }]

[[sections.items]]
id = "notes"
type = "text"
label = "Notes"
"""

TEMPLATE = parse_template(FORM, "codec.toml")
COLUMNS = columns_by_header(TEMPLATE)
ANSWERS: dict[str, Any] = {
    "aspect": "requires-improvement",
    "overall": "good",
    "seen-alone": "partly",
    "visited-on": "2018-09-18",
    "visits": 3,
    "placement": "kinship",
    "notes": "Seen at school;\nthen at home.",
}


def test_every_item_type_that_fits_in_a_cell_has_its_codec() -> None:
    assert set(CODECS) == set(ItemType) - {ItemType.TEXT, ItemType.ACTIONS}


@pytest.mark.parametrize("header", sorted(ANSWERS))
def test_what_is_written_reads_back_as_the_same_answer(header: str) -> None:
    column = COLUMNS[header]
    answers = {item_id: {"value": value} for item_id, value in ANSWERS.items()}
    cell = item_cell(TEMPLATE, column, answers)
    problems: list[str] = []
    text_cell = {header: cell if isinstance(cell, int | float) else str(cell)}
    for cells in ({header: cell}, text_cell):
        assert item_value(RowReader(2, cells, problems), column, TEMPLATE) == ANSWERS[header]
    assert problems == []


def test_cells_show_words_not_ids() -> None:
    answers = {item_id: {"value": value} for item_id, value in ANSWERS.items()}
    shown = {
        h: item_cell(TEMPLATE, COLUMNS[h], answers) for h in ("aspect", "seen-alone", "placement")
    }
    assert shown == {
        "aspect": "Requires improvement to be good",
        "seen-alone": "Partly",
        "placement": "Kinship care",
    }


def test_a_cell_no_codec_understands_names_its_row_and_column() -> None:
    problems: list[str] = []
    reader = RowReader(7, {"placement": "Boarding school"}, problems)
    assert item_value(reader, COLUMNS["placement"], TEMPLATE) is None
    assert problems == [
        "Row 7, column placement: 'Boarding school' is not one of the options "
        "(Foster care or Kinship care)."
    ]
