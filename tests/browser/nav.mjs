// The site's navigation (issue 12): the header on one row at 360 and 1280 px, the phone
// Menu button (a <details> toggle: no JavaScript needed) opening onto every header link,
// reachable by keyboard, and axe-core on a tag page and a topic page at both widths.
//
// Run from suite.mjs: navChecks({ runner, browser, site }).

import { createRequire } from "node:module";
import { assert } from "./lib.mjs";

const require = createRequire(import.meta.url);

/** The header's height and its links as laid out: text, shown or not, and row (top). */
async function headerState(page) {
  return page.evaluate(() => {
    const header = document.querySelector(".site-header");
    const links = Array.from(document.querySelectorAll(".site-nav ul a")).map((a) => {
      const r = a.getBoundingClientRect();
      const shown = r.width > 0 && r.height > 0 && getComputedStyle(a).visibility !== "hidden";
      return { text: a.textContent.trim(), shown, top: Math.round(r.top), href: a.href };
    });
    const toggle = document.querySelector(".nav-toggle summary");
    const t = toggle && toggle.getBoundingClientRect();
    return {
      height: Math.round(header.getBoundingClientRect().height),
      links,
      toggleShown: !!t && t.width > 0 && t.height > 0,
      scrollWidth: document.documentElement.scrollWidth,
    };
  });
}

/** Tab from the top of the page until `pred` holds for the focused element (or give up). */
async function tabUntil(page, pred, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(pred)) return true;
  }
  return false;
}

export async function navChecks({ runner, browser, site }) {
  const url = (path) => new URL(path, site).href;
  const tagIndex = await (await fetch(url("case-studies/tags/"))).text();
  const tagHref = tagIndex.match(/<h2><a href="([^"]*case-studies\/tags\/[^"]+\/)"/)?.[1];
  const topicIndex = await (await fetch(url("blog/topics/"))).text();
  const topicHref = topicIndex.match(/<h2><a href="([^"]*blog\/topics\/[^"]+\/)"/)?.[1];

  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await runner.check("navigation at 1280 px: every header link shown on one row, no Menu button", async () => {
      await page.goto(site, { waitUntil: "load" });
      const s = await headerState(page);
      assert(s.links.length >= 3, `only ${s.links.length} header links`);
      const hidden = s.links.filter((l) => !l.shown).map((l) => l.text);
      assert(!hidden.length, `hidden at 1280 px: ${hidden}`);
      const rows = new Set(s.links.map((l) => l.top));
      assert(rows.size === 1, `header links on ${rows.size} rows: ${JSON.stringify(s.links)}`);
      assert(!s.toggleShown, "the Menu button shows at 1280 px");
      return `${s.links.length} links, header ${s.height} px`;
    });
    await context.close();
  }

  // JavaScript off: the menu must work without it.
  const context = await browser.newContext({ viewport: { width: 360, height: 800 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await runner.check("navigation at 360 px (no JavaScript): one header row, Menu opens onto every header link", async () => {
    await page.goto(site, { waitUntil: "load" });
    const closed = await headerState(page);
    assert(closed.height <= 80, `the header is ${closed.height} px tall at 360 px`);
    assert(closed.toggleShown, "no Menu button at 360 px");
    const early = closed.links.filter((l) => l.shown).map((l) => l.text);
    assert(!early.length, `links shown before the menu is opened: ${early}`);
    await page.click(".nav-toggle summary");
    assert(await page.$eval(".nav-toggle", (d) => d.open), "the Menu button did not open the menu");
    const open = await headerState(page);
    const hidden = open.links.filter((l) => !l.shown).map((l) => l.text);
    assert(!hidden.length, `not shown in the open menu: ${hidden}`);
    assert(open.scrollWidth <= 361, `scrollWidth ${open.scrollWidth} with the menu open`);
    // The open menu lies over the page: the header row keeps its height.
    assert(open.height === closed.height, `the header grew from ${closed.height} to ${open.height} px`);
    await page.click(".nav-toggle summary");
    const again = await headerState(page);
    assert(!again.links.some((l) => l.shown), "the Menu button does not close the menu");
    return `header ${closed.height} px, ${open.links.length} links in the menu`;
  });

  await runner.check("navigation at 360 px: the Menu button and every header link are reachable by keyboard", async () => {
    await page.goto(site, { waitUntil: "load" });
    const onToggle = await tabUntil(page, () => document.activeElement?.matches(".nav-toggle summary"));
    assert(onToggle, "Tab never reaches the Menu button");
    const ring = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
    });
    assert(ring, "the focused Menu button shows no focus ring");
    await page.keyboard.press("Enter");
    assert(await page.$eval(".nav-toggle", (d) => d.open), "Enter on the Menu button does not open the menu");
    const expected = await page.$$eval(".site-nav ul a", (as) => as.map((a) => a.textContent.trim()));
    const reached = [];
    for (let i = 0; i < expected.length; i++) {
      await page.keyboard.press("Tab");
      reached.push(await page.evaluate(() => (document.activeElement?.closest(".site-nav ul") ? document.activeElement.textContent.trim() : null)));
    }
    assert(JSON.stringify(reached) === JSON.stringify(expected), `Tab order ${JSON.stringify(reached)}, expected ${JSON.stringify(expected)}`);
    // From the last link back over the others to the button.
    for (let i = 0; i < expected.length; i++) await page.keyboard.press("Shift+Tab");
    assert(await page.evaluate(() => document.activeElement?.matches(".nav-toggle summary")), "Shift+Tab does not return to the Menu button");
    await page.keyboard.press(" ");
    assert(!(await page.$eval(".nav-toggle", (d) => d.open)), "Space on the Menu button does not close the menu");
    return reached.join(", ");
  });
  await context.close();

  const axePath = require.resolve("axe-core/axe.min.js");
  const pages = [
    ["tag page", tagHref],
    ["topic page", topicHref],
  ];
  for (const width of [360, 1280]) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    const p = await ctx.newPage();
    for (const [name, href] of pages) {
      await runner.check(`axe-core: ${name} at ${width} px${width < 641 ? ", menu open" : ""}, no WCAG 2.2 A/AA violation`, async () => {
        assert(href, `no ${name} linked from its index`);
        await p.goto(new URL(href, site).href, { waitUntil: "load" });
        if (width < 641) await p.click(".nav-toggle summary");
        await p.addScriptTag({ path: axePath });
        const result = await p.evaluate(() =>
          window.axe.run(document, {
            runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"] },
          }),
        );
        const found = result.violations.map(
          (v) => `${v.id} (${v.nodes.length}): ${v.help}; e.g. ${v.nodes[0].target.join(" ")}`,
        );
        assert(!found.length, found.join("\n"));
        return `${new URL(href, site).pathname}: ${result.passes.length} rules pass`;
      });
    }
    await ctx.close();
  }
}
