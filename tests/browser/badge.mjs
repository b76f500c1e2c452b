// Checks of the partner badges and the contributions page (issue 12 "Badge" and
// "Contributions"), run by suite.mjs: the badge's textLength is at least the width
// Chromium measures for the text in the font the badge names (DejaVu Sans here), the
// contributions page fits 360 px with the first row's status in view, and axe-core
// finds no WCAG 2.2 A/AA violation on it at 360 and 1280 px.

import { createRequire } from "node:module";
import { assert } from "./lib.mjs";

const require = createRequire(import.meta.url);
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

export async function badgeChecks({ runner, browser, site }) {
  const url = (path) => new URL(path, site).href;
  const index = await (await fetch(url("partners.json"))).json();
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  const page = await context.newPage();
  await runner.check("badges: every text's textLength holds the text as Chromium measures it", async () => {
    const seen = new Set();
    let worst = Infinity;
    for (const p of index.partners) {
      for (const file of ["badge.svg", "badge-card.svg"]) {
        await page.goto(url(`partners/${p.slug}/${file}`), { waitUntil: "load" });
        const texts = await page.evaluate(() =>
          [...document.querySelectorAll("text")].map((t) => {
            const ctx = new OffscreenCanvas(10, 10).getContext("2d");
            const cs = getComputedStyle(t);
            ctx.font = `${cs.fontWeight} ${cs.fontSize} "DejaVu Sans"`;
            return {
              label: t.textContent,
              length: Number(t.getAttribute("textLength")),
              adjust: t.getAttribute("lengthAdjust"),
              measured: ctx.measureText(t.textContent).width,
              right: t.getBBox().x + t.getBBox().width,
              width: document.documentElement.viewBox.baseVal.width,
            };
          }),
        );
        for (const t of texts) {
          seen.add(file);
          assert(t.adjust === "spacingAndGlyphs", `${p.slug}/${file} "${t.label}": lengthAdjust ${t.adjust}`);
          // A fitted card line may be squeezed; the strip never is.
          if (file === "badge.svg") {
            assert(t.length + 0.5 >= t.measured, `${p.slug}/${file} "${t.label}": textLength ${t.length} < measured ${t.measured}`);
            worst = Math.min(worst, t.length - t.measured);
          }
          assert(t.right <= t.width, `${p.slug}/${file} "${t.label}" ends at ${t.right}, past ${t.width}`);
        }
      }
    }
    assert(seen.size === 2, "no badge text found");
    return `smallest margin ${worst.toFixed(2)} px`;
  });
  await context.close();

  const contributions = url("program/contributions/");
  if ((await fetch(contributions)).status !== 200) return;
  const phone = await browser.newContext({ viewport: { width: 360, height: 800 } });
  const p360 = await phone.newPage();
  await runner.check("contributions at 360 px: no horizontal scroll, the first status in view", async () => {
    await p360.goto(contributions, { waitUntil: "load" });
    const sw = await p360.evaluate(() => document.documentElement.scrollWidth);
    assert(sw <= 361, `scrollWidth ${sw}`);
    const box = await p360.$eval("table.contrib tbody tr .contrib-status", (s) => {
      const r = s.getBoundingClientRect();
      return { left: r.left, right: r.right, text: s.textContent.trim() };
    });
    assert(box.left >= 0 && box.right <= 360, `the first status spans ${box.left}..${box.right} px`);
    assert(await p360.isVisible("table.contrib tbody tr .contrib-status"), "the first status is not visible");
    const wide = await p360.$$eval("table.contrib, .contrib-wrap", (els) => els.map((e) => e.scrollWidth > e.clientWidth + 1));
    assert(!wide.some(Boolean), "the table scrolls sideways inside its box");
    return `first status "${box.text}"`;
  });
  await phone.close();

  const axePath = require.resolve("axe-core/axe.min.js");
  for (const width of [360, 1280]) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    const pg = await ctx.newPage();
    await runner.check(`axe-core: contributions at ${width} px, no WCAG 2.2 A/AA violation`, async () => {
      await pg.goto(contributions, { waitUntil: "load" });
      await pg.addScriptTag({ path: axePath });
      const result = await pg.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }), AXE_TAGS);
      const found = result.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.help}; e.g. ${v.nodes[0].target.join(" ")}`);
      assert(!found.length, found.join("\n"));
      return `${result.passes.length} rules pass`;
    });
    await ctx.close();
  }
}
