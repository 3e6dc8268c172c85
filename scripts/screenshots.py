"""Take the README's screenshots: start ``iscm-kg serve`` on a free loopback port and photograph
a few pages with Debian's headless Chromium (``apt-get install chromium``; Playwright drives it).

    python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run"]
SHOTS = {
    "colombo-process.png": "/id/actor/colombo-process",
    "objective-23.png": "/id/objective/23",
    "yasgui.png": "/sparql",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen(
        [sys.executable, "-m", "iscm_kg", "serve", "--quiet", "--port", str(port)], env=env
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1200):
            try:
                httpx.get(url + "/", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.5)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for name, path in SHOTS.items():
                page.goto(url + path)
                if path == "/sparql":
                    page.locator(".tabsList .tab", has_text="iscms-by-region").first.click()
                    page.locator(".tabPanel.active .yasqe_queryButton").click()
                    page.locator(".tabPanel.active .yasr table tbody tr").first.wait_for()
                page.screenshot(path=str(args.out / name))
                print(args.out / name)
            browser.close()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
