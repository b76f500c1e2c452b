// Checks of the decisions pages (issue 14, part 2), run by suite.mjs: the listing, every
// decision page and the home page's open consultations load without console errors or
// failed requests, have no WCAG 2.2 A/AA violation (axe-core) and no horizontal page
// scroll, at 360 and 1280 px; the listing's groups come in the documented order; the
// feed the listing links to is an Atom feed.

import { createRequire } from "node:module";
import { assert, watchProblems } from "./lib.mjs";

const require = createRequire(import.meta.url);
const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];
const ORDER = ["group-open", "group-awaiting", "group-proposed", "group-decided", "group-withdrawn"];

async function axe(page) {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }), WCAG);
  const found = result.violations.map(
    (v) => `${v.id} (${v.nodes.length}): ${v.help}; e.g. ${v.nodes[0].target.join(" ")}`,
  );
  assert(!found.length, found.join("\n"));
  return result.passes.length;
}

export async function decisionsChecks({ runner, browser, site }) {
  const res = await fetch(new URL("decisions/", site));
  if (res.status === 404) {
    await runner.check("decisions: the site publishes none (no /decisions/)", async () => "skipped");
    return;
  }
  let pages = [];
  await runner.check("decisions: the listing's groups are in order, each links to its pages, the feed is Atom", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(new URL("decisions/", site).href, { waitUntil: "load" });
    const ids = await page.$$eval("section.decision-group > h2", (hs) => hs.map((h) => h.id));
    const expected = ORDER.filter((id) => ids.includes(id));
    assert(ids.length > 0 && JSON.stringify(ids) === JSON.stringify(expected), `groups ${ids}`);
    const links = await page.$$eval(".decisions-list h3 a", (as) => as.map((a) => new URL(a.href).pathname));
    const feed = await page.$eval('link[rel="alternate"][href$="decisions/atom.xml"]', (l) => l.href);
    await context.close();
    const root = new URL(site).pathname;
    pages = ["decisions/", ...links.map((p) => p.replace(root, ""))];
    const xml = await (await fetch(feed)).text();
    assert(/<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/.test(xml), "the feed is not Atom");
    const entries = (xml.match(/<entry>/g) || []).length;
    assert(entries === links.length, `${entries} feed entries for ${links.length} decisions`);
    return `${links.length} decisions, groups ${ids.join(", ")}`;
  });
  if (!pages.length) return;
  for (const width of [360, 1280]) {
    // axe is injected as a script the page's CSP would refuse.
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    const problems = watchProblems(page);
    for (const path of [...pages, ""]) {
      const what = path || "home (open consultations)";
      await runner.check(`decisions: ${what} at ${width} px loads cleanly, axe clean, no page scroll`, async () => {
        problems.length = 0;
        await page.goto(new URL(path, site).href, { waitUntil: "load" });
        if (!path) {
          const n = await page.$$eval("section.consultations li a", (as) => as.length);
          assert(n > 0, "the home page shows no open consultation");
        }
        const o = await page.evaluate(() => ({ vw: innerWidth, sw: document.documentElement.scrollWidth }));
        assert(o.sw <= o.vw + 1, `horizontal page scroll: scrollWidth ${o.sw} > ${o.vw}`);
        const passes = await axe(page);
        assert(!problems.length, problems.join("\n"));
        return `${passes} rules pass`;
      });
    }
    await context.close();
  }
}
