// How the project's browser tools (e2e/, bench/) start Debian's Chromium through npm
// playwright-core: `npx playwright install` cannot work on these machines, and these
// flags keep a headless run from reaching for the network or a GPU.
import { chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}
