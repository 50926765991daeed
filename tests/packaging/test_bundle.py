"""The PyInstaller bundle, built and run as a laptop would run it: without Python on the path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

import pwdesk

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.bundle
def test_the_bundle_runs_version_demo_and_report(tmp_path: Path) -> None:
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(ROOT / "packaging" / "pwdesk.spec"),
            "--noconfirm",
            "--distpath",
            str(tmp_path / "dist"),
            "--workpath",
            str(tmp_path / "work"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    executable = tmp_path / "dist" / "pwdesk" / ("pwdesk.exe" if os.name == "nt" else "pwdesk")
    assert executable.is_file()
    # No virtual environment, no Python: only the system's own folders on the path.
    bare = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PWDESK_PASSPHRASE": "bundle test pass"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(executable), *args],
            capture_output=True,
            text=True,
            env=bare,
            cwd=tmp_path,
            timeout=300,
            check=False,
        )

    version = run("--version")
    assert (version.returncode, version.stdout.strip()) == (0, f"pwdesk {pwdesk.__version__}")
    demo = run("demo", "--db", str(tmp_path / "demo.db"))
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout.startswith("Created the fictional Practice Weeks 2018-03, 2018-09")
    report = run(
        "report",
        "--db",
        str(tmp_path / "demo.db"),
        "--week",
        "2018-09",
        "--out",
        str(tmp_path / "report.pdf"),
    )
    assert report.returncode == 0, report.stderr
    text = PdfReader(tmp_path / "report.pdf").pages[2].extract_text()
    assert "Executive summary" in text
    assert "42 children" in " ".join(text.split())
