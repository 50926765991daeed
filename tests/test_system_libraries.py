"""The check, before Qt loads, for the X11 libraries the desktop window needs on Linux."""

from __future__ import annotations

from pwdesk.gui.system_libraries import (
    XCB_LIBRARIES,
    missing_libraries,
    missing_libraries_sentence,
    uses_x11,
)

ABSENT = "pwdesk-no-such-library"


def test_a_library_the_linker_finds_is_not_missing_and_one_it_cannot_is() -> None:
    assert missing_libraries(("c", ABSENT, "m")) == [ABSENT]


def test_x11_is_checked_only_where_qt_will_use_it() -> None:
    assert uses_x11({}, "linux")
    assert uses_x11({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not uses_x11({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not uses_x11({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not uses_x11({}, "win32")
    assert not uses_x11({}, "darwin")


def test_a_missing_library_is_named_in_one_sentence_with_the_package_to_install() -> None:
    sentence = missing_libraries_sentence({"QT_QPA_PLATFORM": "xcb"}, ("c", "xcb-icccm", ABSENT))
    assert sentence is not None
    assert sentence.count(".") == 1  # one sentence, ending in a full stop
    assert f"lib{ABSENT}" in sentence
    assert "sudo apt install" in sentence
    assert "libc" not in sentence.replace(f"lib{ABSENT}", "")
    assert missing_libraries_sentence({"QT_QPA_PLATFORM": "xcb"}, ("c", "m")) is None
    assert missing_libraries_sentence({"QT_QPA_PLATFORM": "offscreen"}, (ABSENT,)) is None


def test_every_library_checked_names_its_debian_package() -> None:
    assert all(package.startswith("lib") for package in XCB_LIBRARIES.values())
