// Every page kind of the built site (issue 12 "Done when"): one page of each kind, found
// from the site's own sitemap.xml (plus 404.html), checked with axe-core for WCAG 2.2
// A/AA violations and for page-level horizontal scroll, at 360 and 1280 px.
//
// A "kind" is the first URL segment and the depth (`partners/*`, `case-studies/*/*`, a
// program page such as `about`): a new page kind appears in the sitemap and so is checked
// without editing this file. The list of kinds is printed, so a report shows what ran.

import { createRequire } from "node:module";
import { assert } from "./lib.mjs";

const require = createRequire(import.meta.url);
const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

/** One URL path per page kind, in sitemap order, relative to the site root. */
export function pageKinds(locs, site) {
  const seen = new Map();
  for (const loc of locs) {
    if (!loc.startsWith(site)) continue;
    const path = loc.slice(site.length);
    const parts = path.split("/").filter(Boolean);
    const key = parts.length ? `${parts[0]}/${parts.length}` : "home";
    if (!seen.has(key)) seen.set(key, path);
  }
  seen.set("404", "404.html");
  return [...seen.entries()];
}

async function sitemapLocs(site) {
  const res = await fetch(new URL("sitemap.xml", site));
  assert(res.ok, `GET sitemap.xml: HTTP ${res.status}`);
  const xml = await res.text();
  return [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) =>
    m[1].replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">"),
  );
}

/** axe-core (WCAG 2.2 A/AA) and horizontal overflow on `page`, already loaded. */
async function auditPage(page, axePath) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }), WCAG);
  const found = result.violations.map(
    (v) => `${v.id} (${v.nodes.length}): ${v.help}; e.g. ${v.nodes[0].target.join(" ")}`,
  );
  const o = await page.evaluate(() => ({
    vw: window.innerWidth,
    sw: document.documentElement.scrollWidth,
  }));
  if (o.sw > o.vw + 1) found.push(`horizontal page scroll: scrollWidth ${o.sw} > ${o.vw}`);
  return found;
}

/** axe-core 0 violations and no page-level horizontal scroll on every page kind. */
export async function pageKindChecks({ runner, browser, site }) {
  const axePath = require.resolve("axe-core/axe.min.js");
  const kinds = pageKinds(await sitemapLocs(site), site);
  assert(kinds.length >= 10, `only ${kinds.length} page kinds found in sitemap.xml`);
  for (const width of [360, 1280]) {
    // axe is injected as a script the page's CSP would refuse.
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await runner.check(`every page kind at ${width} px: axe-core WCAG 2.2 A/AA clean, no horizontal scroll`, async () => {
      const bad = [];
      for (const [kind, path] of kinds) {
        await page.goto(new URL(path, site).href, { waitUntil: "load" });
        for (const f of await auditPage(page, axePath)) bad.push(`${kind} (/${path}): ${f}`);
      }
      assert(!bad.length, bad.join("\n"));
      return `${kinds.length} kinds: ${kinds.map(([k]) => k).join(", ")}`;
    });
    await context.close();
  }
}
