"""Access keys (the underlined letter of "&Save") as a keyboard user meets them in one window.

Two visible controls with the same Alt+letter make the second unreachable from the keyboard, so
each window's tests walk it with :func:`duplicate_mnemonics`.
"""

from __future__ import annotations

import re
from collections import defaultdict

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenu, QTabBar, QWidget

_ENTITY = re.compile(r"&(#x?[0-9a-fA-F]+|[a-zA-Z]+);")


def letter_of(text: str) -> str | None:
    """The access key of a text ("Case a&udit" → "u"), lower-cased; None if it has none.

    "&&" is a literal ampersand, not an access key.
    """
    index = 0
    while index < len(text) - 1:
        entity = _ENTITY.match(text, index)
        if entity is not None:  # "&#x27;" in a rich-text label is an apostrophe, not a key
            index = entity.end()
            continue
        if text[index] == "&":
            following = text[index + 1]
            if following != "&":
                return following.lower()
            index += 2
            continue
        index += 1
    return None


def _texts(window: QWidget) -> list[str]:
    """The texts whose access keys work in ``window``: visible controls only."""
    texts: list[str] = []
    for label in window.findChildren(QLabel):
        if label.buddy() is not None and label.isVisibleTo(window):
            texts.append(label.text())
    for button in window.findChildren(QAbstractButton):
        if button.isVisibleTo(window):
            texts.append(button.text())
    for box in window.findChildren(QGroupBox):
        if box.isVisibleTo(window):
            texts.append(box.title())
    for bar in window.findChildren(QTabBar):
        if bar.isVisibleTo(window):
            texts += [bar.tabText(index) for index in range(bar.count())]
    for menu in window.findChildren(QMenu):
        texts.append(menu.title())
    for action in window.findChildren(QAction):
        if action.isVisible() and not action.menu():
            texts.append(action.text())
    return texts


def mnemonics(window: QWidget) -> list[tuple[str, str]]:
    """(letter, text) for every visible control of ``window`` that has an access key."""
    return [(letter, text) for text in _texts(window) if (letter := letter_of(text)) is not None]


def duplicate_mnemonics(window: QWidget) -> dict[str, list[str]]:
    """The access keys ``window`` uses more than once, each with the texts that share it."""
    by_letter: dict[str, list[str]] = defaultdict(list)
    for letter, text in mnemonics(window):
        by_letter[letter].append(text)
    return {letter: texts for letter, texts in by_letter.items() if len(texts) > 1}
