"""Redraw docs/report-screenshot.png from the report the main job writes for examples/.

Runs ``claimtrace run examples/ --db example.db --report report.html`` in a temporary folder
(the command README.md shows), opens the report in Debian's headless Chromium through
Playwright (never a downloaded browser, no network) and saves the top of the page.

    .venv/bin/python scripts/report_screenshot.py [--out docs/report-screenshot.png] [--height 3300]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from report_scale import ARGS as CHROMIUM_ARGS  # noqa: E402  (the flags the browser runs share)
from report_scale import CHROMIUM  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report-screenshot.png")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=3300, help="pixels of the page's top to keep")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.html"
        exe = Path(sys.executable).with_name("claimtrace")  # the venv's console script
        cmd = [str(exe), "run", str(ROOT / "examples"), "--db", str(Path(tmp) / "example.db")]
        subprocess.run([*cmd, "--report", str(report)], check=True, cwd=tmp)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            page.wait_for_timeout(300)
            height = min(args.height, int(page.evaluate("document.documentElement.scrollHeight")))
            page.set_viewport_size({"width": args.width, "height": height})
            page.wait_for_timeout(200)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            browser.close()
    if errors:
        print("page errors: " + "; ".join(errors), file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({args.width}x{height})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
