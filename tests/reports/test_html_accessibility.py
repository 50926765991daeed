"""The HTML report checked by axe-core in headless Chromium against WCAG 2.2 A and AA.

The test installs axe-core and playwright-core with npm into a cache folder of its own, reused
between runs, and drives Debian's Chromium (it never downloads a browser). Without Chromium,
Node.js or the npm registry it skips, unless PWDESK_REQUIRE_BROWSER=1 (as in CI) makes that a
failure. axe is injected into the loaded page, never written into the report.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import pytest

from pwdesk.reports.blocks import Para, Table, cell
from pwdesk.reports.html import render_html
from pwdesk.store.database import Database
from tests.reports.test_html_report import sample_document

AXE_CORE = "4.14.1"
PLAYWRIGHT_CORE = "1.65.1"
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
DEMO_WEEK = "2018-09"

# Loads the page on a 1366-pixel-wide screen, injects axe, runs it, and prints the violations,
# every request made and how wide the page is laid out, as JSON.
RUNNER = """
const path = require('path');
const url = require('url');
const [page, modules, chromiumPath, tags, flags] = process.argv.slice(2);
const { chromium } = require(path.join(modules, 'playwright-core'));
(async () => {
  const browser = await chromium.launch({
    executablePath: chromiumPath, headless: true, args: JSON.parse(flags),
  });
  try {
    const tab = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const requests = [];
    tab.on('request', (request) => requests.push(request.url()));
    await tab.goto(url.pathToFileURL(page).href);
    await tab.addScriptTag({ path: path.join(modules, 'axe-core', 'axe.min.js') });
    const result = await tab.evaluate((values) => axe.run(document, {
      runOnly: { type: 'tag', values }, resultTypes: ['violations'],
    }), JSON.parse(tags));
    const width = await tab.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
    process.stdout.write(JSON.stringify({ violations: result.violations, requests, width }));
  } finally {
    await browser.close();
  }
})().catch((error) => { console.error(error.stack || String(error)); process.exit(2); });
"""


def unavailable(reason: str) -> NoReturn:
    """Skip for want of a tool, or fail where CI promised one (PWDESK_REQUIRE_BROWSER=1)."""
    if os.environ.get("PWDESK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (PWDESK_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pwdesk-tests"


def node_modules() -> Path:
    """axe-core and playwright-core, installed once into the cache and reused."""
    folder = cache_root() / f"axe-core-{AXE_CORE}-playwright-core-{PLAYWRIGHT_CORE}"
    modules = folder / "node_modules"
    wanted = (modules / "axe-core" / "axe.min.js", modules / "playwright-core" / "package.json")
    if all(path.exists() for path in wanted):
        return modules
    npm = shutil.which("npm")
    if npm is None:
        unavailable("npm is not installed, so axe-core cannot be installed.")
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Install beside the cache, then move it into place, so a failed install leaves nothing.
    partial = Path(tempfile.mkdtemp(prefix="partial-", dir=folder.parent))
    command = [npm, "install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund"]
    command += [
        "--prefix",
        str(partial),
        f"axe-core@{AXE_CORE}",
        f"playwright-core@{PLAYWRIGHT_CORE}",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except subprocess.TimeoutExpired:
        done = None
    if done is None or done.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        errors = [line for line in (done.stderr if done else "").splitlines() if "log" not in line]
        detail = errors[0] if errors else "npm timed out"
        unavailable(f"npm could not install axe-core and playwright-core (no network?): {detail}")
    if folder.exists():  # another run finished first
        shutil.rmtree(partial, ignore_errors=True)
    else:
        partial.rename(folder)
    return modules


def chromium() -> str:
    found = os.environ.get("PWDESK_CHROMIUM") or shutil.which("chromium")
    if not found:
        unavailable("Chromium is not installed (Debian package chromium), so axe cannot run.")
    return found


@pytest.fixture(scope="module")
def run_axe(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], dict[str, Any]]:
    """Runs axe over a page's HTML in headless Chromium; its violations and requests."""
    browser = chromium()
    node = shutil.which("node")
    if node is None:
        unavailable("Node.js is not installed, so axe-core cannot run.")
    modules = node_modules()
    folder = tmp_path_factory.mktemp("axe")
    runner = folder / "run-axe.js"
    runner.write_text(RUNNER, encoding="utf-8")

    def run(page: str) -> dict[str, Any]:
        path = folder / "report.html"
        path.write_text(page, encoding="utf-8")
        arguments = [str(path), str(modules), browser, json.dumps(TAGS), json.dumps(CHROMIUM_FLAGS)]
        done = subprocess.run(
            [node, str(runner), *arguments],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, f"axe did not run:\n{done.stderr}"
        result: dict[str, Any] = json.loads(done.stdout)
        result["url"] = path.as_uri()
        return result

    return run


def readable(violations: list[dict[str, Any]]) -> str:
    """axe's violations, a rule then each element it failed and why."""
    lines: list[str] = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"  at {' '.join(node['target'])}: {node['html'][:200]}")
            lines.append(f"     {node['failureSummary']}".replace("\n", "\n     "))
    return "\n".join(lines)


def assert_accessible(result: dict[str, Any]) -> None:
    violations = result["violations"]
    if violations:
        pytest.fail(f"{len(violations)} axe rule(s) failed:\n{readable(violations)}", pytrace=False)
    assert result["requests"] == [result["url"]], "the page fetched something besides itself"


def test_a_report_with_every_kind_of_block_passes_axe(
    run_axe: Callable[[str], dict[str, Any]],
) -> None:
    assert_accessible(run_axe(render_html(sample_document())))


def test_the_demo_summary_report_passes_axe(
    run_axe: Callable[[str], dict[str, Any]], demo_db: Database
) -> None:
    from pwdesk.services.report import report_html

    result = run_axe(report_html(demo_db, DEMO_WEEK).decode("utf-8"))
    assert_accessible(result)
    page_width, screen_width = result["width"]
    assert page_width <= screen_width


def test_a_long_unbroken_word_wraps_instead_of_widening_the_page(
    run_axe: Callable[[str], dict[str, Any]],
) -> None:
    word = "https://example.invalid/" + "x" * 3000  # a link pasted into a note, say
    document = sample_document()
    long_table = Table(
        caption="Comments " + word,
        header=("Working well", "To develop"),
        rows=((cell(word), cell("Plan agreed. " + word)),),
        align=("left", "left"),
        weights=(1, 1),
        row_headers=False,
    )
    document = replace(document, blocks=(*document.blocks, Para(word), long_table))
    result = run_axe(render_html(document))
    assert_accessible(result)
    page_width, screen_width = result["width"]
    assert page_width <= screen_width, f"the page is {page_width} pixels wide"
