// Checks of the transparency report (issue 12 "Report"), run by suite.mjs: at 360 px no
// chart or table sticks out of the page and chart text stays readable; the page height
// at 1280 px is reported; axe-core (WCAG 2.2 A/AA) finds nothing at 360 and 1280 px, with
// every collapsed table opened.

import { createRequire } from "node:module";
import { assert } from "./lib.mjs";

const require = createRequire(import.meta.url);
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

/** The transparency page's checks; skipped when the build has no report. */
export async function reportChecks({ runner, browser, site }) {
  const url = new URL("transparency/", site).href;
  if ((await fetch(url)).status !== 200) {
    runner.skip("transparency report layout and axe-core", "the build has no /transparency/");
    return;
  }
  const axePath = require.resolve("axe-core/axe.min.js");
  for (const width of [360, 1280]) {
    // axe is injected as a script the page's CSP would refuse.
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    if (width === 360) {
      await runner.check("transparency at 360 px: no chart or table wider than the page, chart text readable", async () => {
        const r = await page.evaluate(() => {
          const out = { sw: document.documentElement.scrollWidth, wide: [], small: [], charts: 0 };
          for (const d of document.querySelectorAll("details")) d.open = true;
          for (const el of document.querySelectorAll(".report figure.chart, .report .table-wrap, .report svg")) {
            const b = el.getBoundingClientRect();
            if (b.width && (b.left < -0.5 || b.right > innerWidth + 0.5))
              out.wide.push(`${el.className.baseVal ?? el.className} ${Math.round(b.left)}..${Math.round(b.right)}`);
          }
          for (const svg of document.querySelectorAll(".report svg.chart-svg")) {
            out.charts++;
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            const size = parseFloat(getComputedStyle(svg.querySelector("text")).fontSize) * scale;
            if (size < 11.5) out.small.push(`${svg.getAttribute("aria-label")}: ${size.toFixed(1)} px`);
          }
          return out;
        });
        assert(r.sw <= 361, `the page scrolls sideways: scrollWidth ${r.sw}`);
        assert(r.charts > 0, "no chart");
        assert(!r.wide.length, `out of the page: ${r.wide.join("; ")}`);
        assert(!r.small.length, `chart text below 11.5 px: ${r.small.join("; ")}`);
        return `${r.charts} charts`;
      });
    } else {
      await runner.check(`transparency at ${width} px: page height`, async () => {
        const h = await page.evaluate(() => document.documentElement.scrollHeight);
        // The page was 18,788 px tall before issue 12; collapsed tables keep it far shorter.
        assert(h < 12000, `the page is ${h} px tall`);
        return `${h} px tall`;
      });
    }
    await runner.check(`axe-core: transparency at ${width} px, tables opened, no WCAG 2.2 A/AA violation`, async () => {
      await page.evaluate(() => {
        for (const d of document.querySelectorAll("details")) d.open = true;
      });
      await page.addScriptTag({ path: axePath });
      const result = await page.evaluate((values) => window.axe.run(document, { runOnly: { type: "tag", values } }), TAGS);
      const found = result.violations.map(
        (v) => `${v.id} (${v.nodes.length}): ${v.help}; e.g. ${v.nodes[0].target.join(" ")}`,
      );
      assert(!found.length, found.join("\n"));
      return `${result.passes.length} rules pass`;
    });
    await context.close();
  }
}
