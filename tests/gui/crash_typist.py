"""A senior leader typing an audit when the laptop dies: run by a test, then killed with SIGKILL.

Prints "kept" once the typing is in the draft buffer, then waits to be killed.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPlainTextEdit

from pwdesk.gui.app import application
from pwdesk.gui.main_window import MainWindow, settings_file
from pwdesk.services.drafts import kept_drafts
from pwdesk.services.templates import catalogue
from pwdesk.store.database import open_database


def main() -> None:
    path = Path(sys.argv[1])
    evidence = sys.argv[2]
    app = application()
    db = open_database(path, os.environ["PWDESK_PASSPHRASE"])
    window = MainWindow(db, settings_file(path.parent))
    assert window.week is not None
    template = catalogue(db).get(window.week.case_audit_template)
    people = window.people()
    from pwdesk.gui.record_windows import editor_for_new

    editor = editor_for_new(db, template, window.week.id, people, child_id=people.children[0].id)
    editor.show()
    box = editor.form.editor_for("placement-stability")
    QTest.keyClicks(box, "2")
    label = template.item("placement-stability").label
    [evidence_box] = [
        widget
        for widget in editor.form.findChildren(QPlainTextEdit)
        if widget.accessibleName() == f"{label} — evidence"
    ]
    QTest.keyClicks(evidence_box, evidence)
    deadline = time.monotonic() + 20
    while not kept_drafts(db) or evidence not in str(kept_drafts(db)[0].payload):
        app.processEvents()
        time.sleep(0.05)
        if time.monotonic() > deadline:
            print("timeout", flush=True)
            return
    print("kept", flush=True)
    while True:  # keep typing nothing until the power goes
        app.processEvents()
        time.sleep(0.05)


if __name__ == "__main__":
    main()
