// The spotlight for smaller companies (issue 14, part 3): the block on the home page and
// the blog's first page, and the /spotlight/ page, at 360 and 1280 px: no console error,
// failed request or HTTP error, axe-core WCAG 2.2 A/AA clean, no horizontal scroll, the
// featured items shown (logo loaded, title linking to a page that loads), the block's
// links to the page and the feed working, and the feed announced with rel=alternate.
//
// Run from suite.mjs: spotlightChecks({ runner, browser, site }). A site without
// [spotlight] (no /spotlight/) skips them.

import { createRequire } from "node:module";
import { assert, watchProblems } from "./lib.mjs";

const require = createRequire(import.meta.url);
const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];
const PAGES = ["", "blog/", "spotlight/"];

/** What a visitor sees of the spotlight on the loaded page. */
async function spotlightState(page) {
  return page.evaluate(() => {
    const items = Array.from(document.querySelectorAll(".spotlight-items > li")).map((li) => {
      const a = li.querySelector(".spotlight-title a");
      const img = li.querySelector("img.item-logo");
      const r = li.getBoundingClientRect();
      return {
        title: a ? a.textContent.trim() : "",
        href: a ? a.href : "",
        logoLoaded: !!img && img.complete && img.naturalWidth > 0,
        shown: r.width > 0 && r.height > 0,
        right: Math.round(r.right),
      };
    });
    const feeds = Array.from(document.querySelectorAll('link[rel=alternate][type="application/atom+xml"]')).map(
      (l) => l.href,
    );
    const links = Array.from(document.querySelectorAll(".spotlight-links a, .feed-link a, .spotlight-teaser a")).map(
      (a) => a.href,
    );
    const teaser = document.querySelector(".spotlight-teaser");
    const t = teaser && teaser.getBoundingClientRect();
    const teaserLinks = teaser ? teaser.querySelectorAll("a").length : 0;
    return {
      items,
      feeds,
      links,
      vw: window.innerWidth,
      sw: document.documentElement.scrollWidth,
      block: !!document.querySelector("section.spotlight"),
      teaserShown: !!t && t.width > 0 && t.height > 0,
      teaserLinks,
    };
  });
}

async function axe(page, axePath) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }), WCAG);
  return result.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.help}; e.g. ${v.nodes[0].target.join(" ")}`);
}

export async function spotlightChecks({ runner, browser, site }) {
  const url = (path) => new URL(path, site).href;
  if ((await fetch(url("spotlight/"))).status !== 200) {
    runner.skip("spotlight", "the site has no [spotlight]");
    return;
  }
  const feedUrl = url("spotlight/atom.xml");
  const axePath = require.resolve("axe-core/axe.min.js");
  for (const width of [360, 1280]) {
    // axe is injected as a script the page's CSP would refuse.
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    for (const path of PAGES) {
      const page = await context.newPage();
      const problems = watchProblems(page);
      await runner.check(`spotlight at ${width} px on /${path}: items shown, links work, no console error, axe clean`, async () => {
        await page.goto(url(path), { waitUntil: "load" });
        // The logos are loading="lazy": load them now, as scrolling would.
        await page.evaluate(() =>
          Promise.all(
            Array.from(document.querySelectorAll(".spotlight-items img")).map((img) => {
              img.loading = "eager";
              return img.decode().catch(() => {});
            }),
          ),
        );
        const s = await spotlightState(page);
        if (path !== "spotlight/") assert(s.block, `no spotlight block on /${path}`);
        assert(s.items.length >= 1, `no featured item on /${path}`);
        // On phones the block is a teaser (the partners' names, a link to /spotlight/) so
        // that the directory starts on the first screen; the page itself has the cards.
        const teaser = width < 640 && path !== "spotlight/";
        if (teaser) {
          assert(s.teaserShown, `no teaser on /${path} at ${width} px`);
          assert(s.teaserLinks === s.items.length + 1, `teaser has ${s.teaserLinks} links for ${s.items.length} items`);
          const shown = s.items.filter((i) => i.shown).map((i) => i.title);
          assert(!shown.length, `cards shown in the block at ${width} px: ${shown}`);
        } else {
          assert(!s.teaserShown, `the teaser shows at ${width} px on /${path}`);
          const hidden = s.items.filter((i) => !i.shown || !i.logoLoaded || !i.title).map((i) => i.title || "?");
          assert(!hidden.length, `items not shown whole (or logo not loaded): ${hidden}`);
        }
        const outside = s.items.filter((i) => i.right > s.vw).map((i) => i.title);
        assert(!outside.length, `items past the right edge at ${width} px: ${outside}`);
        assert(s.sw <= s.vw + 1, `horizontal page scroll: scrollWidth ${s.sw} > ${s.vw}`);
        assert(s.feeds.includes(feedUrl), `no rel=alternate link to ${feedUrl}: ${s.feeds}`);
        assert(s.links.includes(feedUrl), `no link to the feed on /${path}`);
        if (path !== "spotlight/") assert(s.links.includes(url("spotlight/")), `no link to /spotlight/ on /${path}`);
        for (const i of s.items) {
          const r = await fetch(i.href);
          assert(r.ok, `${i.title}: GET ${i.href} HTTP ${r.status}`);
        }
        const violations = await axe(page, axePath);
        assert(!violations.length, violations.join("\n"));
        assert(!problems.length, problems.join("\n"));
        const shownAs = teaser ? `teaser naming ${s.teaserLinks - 1} partners` : `${s.items.length} cards`;
        return `${shownAs}: ${s.items.map((i) => i.title).join(" | ")}`;
      });
      await page.close();
    }
    await context.close();
  }
  await runner.check("spotlight feed: Atom with one entry per featured item of /spotlight/", async () => {
    const r = await fetch(feedUrl);
    assert(r.ok, `GET ${feedUrl}: HTTP ${r.status}`);
    const xml = await r.text();
    assert(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"'), "not an Atom feed");
    const page = await browser.newPage();
    await page.goto(url("spotlight/"), { waitUntil: "load" });
    const titles = await page.$$eval(".spotlight-items .spotlight-title a", (as) => as.map((a) => a.textContent.trim()));
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, "application/xml");
      if (doc.querySelector("parsererror")) return { error: doc.querySelector("parsererror").textContent };
      return { titles: Array.from(doc.querySelectorAll("entry > title")).map((t) => t.textContent) };
    }, xml);
    await page.close();
    assert(!parsed.error, `the feed does not parse: ${parsed.error}`);
    assert(JSON.stringify(parsed.titles) === JSON.stringify(titles), `feed ${parsed.titles} vs page ${titles}`);
    return `${titles.length} entries`;
  });
}
