// Checks of the transparency archive (issue 14, part 1), run by suite.mjs: every period
// page and the trends page load without console errors or failed requests, the period
// switcher reaches each of them, nothing sticks out of the page at 360 px, and axe-core
// (WCAG 2.2 A/AA) finds nothing at 360 and 1280 px.

import { createRequire } from "node:module";
import { assert, watchProblems } from "./lib.mjs";

const require = createRequire(import.meta.url);
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

/** The archive's checks; skipped when the build has no /transparency/trends/. */
export async function archiveChecks({ runner, browser, site }) {
  const trends = new URL("transparency/trends/", site).href;
  if ((await fetch(trends)).status !== 200) {
    runner.skip("transparency archive pages and axe-core", "the build has no /transparency/trends/");
    return;
  }
  // The pages the switcher of /transparency/ links to: every period and the trends page.
  let urls = [];
  {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(new URL("transparency/", site).href, { waitUntil: "load" });
    urls = await page.$$eval("nav.period-switch a", (as) => as.map((a) => a.href));
    await context.close();
  }
  await runner.check("archive: the switcher of /transparency/ lists the periods and the trends page", async () => {
    assert(urls.length >= 4, `switcher links: ${urls.join(", ")}`);
    assert(urls.includes(trends), `no link to ${trends}`);
    return `${urls.length} links`;
  });
  const axePath = require.resolve("axe-core/axe.min.js");
  for (const url of urls.filter((u) => u !== new URL("transparency/", site).href)) {
    const name = new URL(url).pathname;
    for (const width of [360, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(url, { waitUntil: "load" });
      await runner.check(`archive: ${name} at ${width} px, no console error or failed request, nothing wider than the page`, async () => {
        const r = await page.evaluate(() => {
          for (const d of document.querySelectorAll("details")) d.open = true;
          const wide = [];
          for (const el of document.querySelectorAll(".report figure.chart, .report .table-wrap, .report svg, nav.period-switch")) {
            const b = el.getBoundingClientRect();
            if (b.width && (b.left < -0.5 || b.right > innerWidth + 0.5))
              wide.push(`${el.className.baseVal ?? el.className} ${Math.round(b.left)}..${Math.round(b.right)}`);
          }
          const current = document.querySelectorAll("nav.period-switch a[aria-current]").length;
          return { sw: document.documentElement.scrollWidth, wide, current };
        });
        assert(!problems.length, problems.join("\n"));
        assert(r.sw <= width + 1, `the page scrolls sideways: scrollWidth ${r.sw}`);
        assert(!r.wide.length, `out of the page: ${r.wide.join("; ")}`);
        assert(r.current === 1, `${r.current} switcher links marked current`);
        return "ok";
      });
      await runner.check(`archive axe-core: ${name} at ${width} px, no WCAG 2.2 A/AA violation`, async () => {
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
}
