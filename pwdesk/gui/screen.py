"""Windows that fit the screen they open on, a 1366x768 council laptop included.

A window asks for the size it would like; it gets at most what the screen has free (less the
window frame), and a remembered position is pulled back onto the screen, so that no button is
ever below the bottom edge or off to one side.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

# Room for the title bar and borders the window manager adds outside the widget.
FRAME = QSize(16, 48)


def screen_of(window: QWidget) -> QScreen:
    """The screen a window is on, or will open on: its parent's, else the primary one."""
    parent = window.parentWidget()
    screen = (parent.window().screen() if parent is not None else None) or window.screen()
    return screen or QGuiApplication.primaryScreen()


def room_on(screen: QScreen) -> QRect:
    """The part of a screen a window's contents may use: free of panels, less the frame."""
    free = screen.availableGeometry()
    return free.adjusted(0, 0, -FRAME.width(), -FRAME.height())


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Size ``window`` to width by height, or to the room the screen has if that is less."""
    room = room_on(screen_of(window))
    least = window.minimumSizeHint().expandedTo(window.minimumSize())
    wanted = QSize(width, height).expandedTo(least)
    window.resize(wanted.boundedTo(room.size()))
    place_on_screen(window)


def place_on_screen(window: QWidget) -> None:
    """Move ``window`` so that all of it is on its screen (a remembered position may be off it)."""
    room = room_on(screen_of(window))
    frame = window.frameGeometry()
    size = window.size().boundedTo(room.size())
    if size != window.size():
        window.resize(size)
    left = min(max(frame.left(), room.left()), room.right() - size.width() + 1)
    top = min(max(frame.top(), room.top()), room.bottom() - size.height() + 1)
    if QPoint(left, top) != frame.topLeft():
        window.move(left, top)


def fits_on_screen(window: QWidget) -> bool:
    """Whether all of ``window`` lies within the free part of its screen."""
    return screen_of(window).availableGeometry().contains(window.frameGeometry())
