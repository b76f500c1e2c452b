// Checks of the home page's directory filters (issue 12 "Directory"), run by suite.mjs:
// multi-select facets with live counts, search over services and countries, the
// "Serves country" filter, sorting, the empty state, the phone-width "Filters" button
// and axe-core (WCAG 2.2 A/AA) at 360 and 1280 px.
//
// The expected results are computed here from partners.json, following what the README
// says the fields mean, not by calling directory.js.

import { createRequire } from "node:module";
import { assert, assertSameSet } from "./lib.mjs";

/** Lower case, accents removed, anything but letters and digits one space. */
export function foldq(s) {
  return String(s || "")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The model of partners.json the checks reason with. */
export function model(index) {
  const partners = index.partners;
  const label = (key, id) => (index.vocabularies[key].find((t) => t[0] === id) || [id, id])[1];
  const served = (p) => {
    const out = new Set();
    for (const r of p.regions) for (const cc of index.region_countries[r] || []) out.add(cc);
    return [...out];
  };
  const values = (p, key) => {
    if (key === "serves") return served(p);
    const v = p[key];
    return Array.isArray(v) ? v : v ? [v] : [];
  };
  // What search matches: the prebuilt text plus the labels of the partner's values.
  const text = (p) => {
    const words = [p.search];
    for (const key of ["tier", "country", "regions", "services", "languages", "pricing", "company_size", "market_size"])
      for (const id of values(p, key)) words.push(label(key, id));
    for (const cc of served(p)) words.push(label("serves", cc));
    return foldq(words.join(" "));
  };
  const searchHits = (q) => {
    const words = foldq(q).split(" ").filter(Boolean);
    return partners.filter((p) => words.every((w) => text(p).includes(w)));
  };
  /** Partners matching `state` ({key: [ids]}, any of within a facet). */
  const matching = (state, except = null) =>
    partners.filter((p) =>
      Object.entries(state).every(([k, ids]) => k === except || !ids.length || values(p, k).some((v) => ids.includes(v))),
    );
  /** The count a value of `key` should show under `state`. */
  const countOf = (state, key, id) => matching(state, key).filter((p) => values(p, key).includes(id)).length;
  return { partners, label, served, values, searchHits, matching, countOf };
}

/** Every facet checkbox on the page with its count, and the serves options' texts. */
async function shownCounts(page) {
  return page.$$eval("#filters input[type=checkbox][data-facet]", (boxes) =>
    boxes.map((b) => ({
      key: b.getAttribute("data-facet"),
      id: b.value,
      checked: b.checked,
      disabled: b.disabled,
      count: b.parentElement.querySelector(".term-count").textContent.trim(),
    })),
  );
}

/** Assert each checkbox shows the count the model gives for `state`. */
async function checkCounts(page, m, state, what) {
  const errors = [];
  for (const c of await shownCounts(page)) {
    const want = m.countOf(state, c.key, c.id);
    if (c.count !== String(want)) errors.push(`${c.key}=${c.id} shows "${c.count}", expected ${want}`);
    if (c.disabled !== (want === 0 && !c.checked)) errors.push(`${c.key}=${c.id} disabled=${c.disabled} with count ${want}`);
  }
  assert(!errors.length, `${what}: ${errors.slice(0, 6).join("; ")}`);
}

/** The slugs of the shown cards in page order. */
const shownOrder = (page) =>
  page.$$eval("#cards li.card[data-slug]", (cs) => cs.filter((c) => !c.hidden).map((c) => c.getAttribute("data-slug")));

/**
 * The directory checks, on a page already showing the filter form. `expectCards(page,
 * slugs, what)` asserts the shown cards.
 */
export async function directoryChecks({ runner, page, context, index, expectCards }) {
  const m = model(index);
  const all = m.partners.map((p) => p.slug);
  const box = (key, id) => `#filters input[data-facet="${key}"][value="${id}"]`;
  const clearForm = async () => {
    await page.click("#filters button[type=reset]");
    await page.selectOption("#f-sort", "");
    await expectCards(page, all, "after Clear filters");
  };

  await runner.check("filters: multi-select (any of within a facet) with live counts", async () => {
    await clearForm();
    await checkCounts(page, m, {}, "no filter");
    // Two services with different partners, and a region that narrows their union.
    const services = index.vocabularies.services.map((t) => t[0]);
    let pick = null;
    for (const a of services)
      for (const b of services) {
        const one = m.matching({ services: [a] });
        const both = m.matching({ services: [a, b] });
        if (a < b && one.length && both.length > one.length && both.length < all.length)
          for (const [r] of index.vocabularies.regions) {
            const narrowed = m.matching({ services: [a, b], regions: [r] });
            if (narrowed.length && narrowed.length < both.length && (!pick || narrowed.length > pick.narrowed.length))
              pick = { a, b, r, one, both, narrowed };
          }
      }
    assert(pick, "no two services and a region that narrow the example site");
    await page.check(box("services", pick.a));
    await expectCards(page, pick.one.map((p) => p.slug), `services=${pick.a}`);
    await checkCounts(page, m, { services: [pick.a] }, `services=${pick.a}`);
    await page.check(box("services", pick.b));
    await expectCards(page, pick.both.map((p) => p.slug), `services=${pick.a}|${pick.b}`);
    await page.check(box("regions", pick.r));
    const state = { services: [pick.a, pick.b], regions: [pick.r] };
    await expectCards(page, pick.narrowed.map((p) => p.slug), `services=${pick.a}|${pick.b} regions=${pick.r}`);
    await checkCounts(page, m, state, "services + region");
    const count = (await page.textContent("#count")) || "";
    assert(count.includes(`${pick.narrowed.length} of ${all.length}`), `#count reads "${count}"`);
    const q = new URL(page.url()).searchParams;
    assertSameSet(q.getAll("services"), [pick.a, pick.b], "services in the URL");
    assert(q.get("regions") === pick.r, `URL does not keep the region: ${page.url()}`);
    const again = await context.newPage();
    await again.goto(page.url(), { waitUntil: "load" });
    await again.waitForSelector("#filters:not([hidden])", { timeout: 5000 });
    await expectCards(again, pick.narrowed.map((p) => p.slug), "state restored from the URL");
    await again.close();
    await clearForm();
    return `${pick.a} (${pick.one.length}) or ${pick.b} → ${pick.both.length}, in ${pick.r} → ${pick.narrowed.length}`;
  });

  await runner.check("search: a service's name finds the partners offering it", async () => {
    await clearForm();
    // A service whose label is in fewer partners' name/summary than offer it.
    let pick = null;
    for (const [id, label] of index.vocabularies.services) {
      const offering = m.matching({ services: [id] });
      const inSummary = m.partners.filter((p) => foldq(`${p.name} ${p.summary}`).includes(foldq(label)));
      const missed = offering.filter((p) => !inSummary.includes(p));
      if (offering.length && offering.length < all.length && missed.length && (!pick || missed.length > pick.missed.length))
        pick = { id, label, offering, missed };
    }
    assert(pick, "every service is named in the summaries of all partners offering it; nothing to prove");
    await page.fill("#f-q", pick.label.toLowerCase());
    const s = await expectCards(page, m.searchHits(pick.label).map((p) => p.slug), `search "${pick.label}"`);
    for (const p of pick.offering) assert(s.shown.includes(p.slug), `"${pick.label}" misses ${p.slug}, which offers it`);
    return `"${pick.label}" → ${s.shown.length} (${pick.missed.length} do not name it in name or summary)`;
  });

  await runner.check("search: a country's name finds the partners serving it or based there", async () => {
    await clearForm();
    let pick = null;
    for (const [cc, name] of index.vocabularies.serves) {
      if (foldq(name).includes(" ")) continue;
      const serving = m.matching({ serves: [cc] });
      const hq = m.matching({ country: [cc] });
      const hits = m.searchHits(name);
      if (serving.length && serving.length < all.length && hits.length < all.length && (!pick || hq.length > pick.hq.length))
        pick = { cc, name, serving, hq, hits };
    }
    assert(pick, "no country that some but not all partners serve");
    await page.fill("#f-q", pick.name.toUpperCase());
    const s = await expectCards(page, pick.hits.map((p) => p.slug), `search "${pick.name}"`);
    for (const p of [...pick.serving, ...pick.hq]) assert(s.shown.includes(p.slug), `"${pick.name}" misses ${p.slug}`);
    return `"${pick.name.toUpperCase()}" → ${s.shown.length} (${pick.serving.length} serve it, ${pick.hq.length} based there)`;
  });

  await runner.check("filters: Serves country keeps partners serving a region that holds it", async () => {
    await clearForm();
    const labelText = await page.textContent("label[for=f-serves]");
    assert(/serves country/i.test(labelText || ""), `the filter is labelled "${labelText}"`);
    const summaries = await page.$$eval("#filters details.facet summary", (s) => s.map((x) => x.textContent.trim()));
    assert(summaries.includes("Headquarters") && summaries.includes("Region served"), `facet names: ${summaries}`);
    let pick = null;
    for (const [cc] of index.vocabularies.serves) {
      const serving = m.matching({ serves: [cc] });
      const hq = m.matching({ country: [cc] });
      if (serving.length && serving.length < all.length && (!pick || serving.length - hq.length > pick.serving.length - pick.hq.length))
        pick = { cc, serving, hq };
    }
    assert(pick, "no country some but not all partners serve");
    const option = await page.$eval(`#f-serves option[value="${pick.cc}"]`, (o) => o.textContent);
    assert(option.endsWith(`(${pick.serving.length})`), `option reads "${option}", expected a count of ${pick.serving.length}`);
    await page.selectOption("#f-serves", pick.cc);
    await expectCards(page, pick.serving.map((p) => p.slug), `serves=${pick.cc}`);
    await checkCounts(page, m, { serves: [pick.cc] }, `serves=${pick.cc}`);
    assert(new URL(page.url()).searchParams.get("serves") === pick.cc, `URL: ${page.url()}`);
    await clearForm();
    return `${option}: ${pick.serving.length} serve it, ${pick.hq.length} based there`;
  });

  await runner.check("sort: name, newest member, most case studies", async () => {
    await clearForm();
    const byName = all;
    const rank = new Map(all.map((s, i) => [s, i]));
    const by = (key) => [...m.partners].sort((a, b) => key(a) - key(b) || rank.get(a.slug) - rank.get(b.slug)).map((p) => p.slug);
    const newest = by((p) => (p.joined ? -Date.parse(p.joined) : Infinity));
    const most = by((p) => -p.case_studies);
    assert(newest.join() !== byName.join() && most.join() !== byName.join(), "the example site cannot tell the sort orders apart");
    const order = async (value, want, what) => {
      await page.selectOption("#f-sort", value);
      const got = await shownOrder(page);
      assert(got.join() === want.join(), `${what}: got [${got}], expected [${want}]`);
    };
    await order("newest", newest, "newest member");
    assert(new URL(page.url()).searchParams.get("sort") === "newest", `URL: ${page.url()}`);
    await order("case-studies", most, "most case studies");
    const top = m.partners.find((p) => p.slug === most[0]);
    const facts = await page.textContent(`#cards li[data-slug="${top.slug}"] .card-facts`);
    assert(facts.includes(`${top.case_studies} case stud`), `the first card does not show its case studies: "${facts}"`);
    await order("", byName, "name");
    return `newest ${newest[0]}, most case studies ${most[0]} (${top.case_studies})`;
  });

  await runner.check("empty state: names the last filter and offers to remove it", async () => {
    await clearForm();
    // Two facets' values with no partner in common, from a URL (the counts never lead
    // there from the form).
    let pick = null;
    for (const [t] of index.vocabularies.tier)
      for (const [s] of index.vocabularies.services)
        if (!pick && m.matching({ tier: [t] }).length && m.matching({ services: [s] }).length && !m.matching({ tier: [t], services: [s] }).length)
          pick = { t, s };
    assert(pick, "every tier has every service; no empty combination");
    const u = new URL(page.url());
    u.search = `?tier=${pick.t}&services=${pick.s}`;
    await page.goto(u.href, { waitUntil: "load" });
    await page.waitForSelector("#filters:not([hidden])", { timeout: 5000 });
    await expectCards(page, [], "a dead-end combination");
    await page.waitForSelector("#dir-empty:not([hidden])", { timeout: 2000 });
    const button = (await page.textContent("#drop-last")) || "";
    const service = m.label("services", pick.s);
    assert(button.includes(service), `the button reads "${button}", expected it to name ${service}`);
    await page.click("#drop-last");
    await expectCards(page, m.matching({ tier: [pick.t] }).map((p) => p.slug), `after "${button}"`);
    assert(await page.isHidden("#dir-empty"), "the empty state stays after removing the filter");
    // Typed last: the search is what it offers to drop.
    await page.fill("#f-q", "zzqx-no-partner-is-called-this");
    await expectCards(page, [], "a nonsense query");
    const again = (await page.textContent("#drop-last")) || "";
    assert(/search/.test(again), `with a query typed last the button reads "${again}"`);
    await page.click("#drop-last");
    assert((await page.inputValue("#f-q")) === "", "the search was not cleared");
    await expectCards(page, m.matching({ tier: [pick.t] }).map((p) => p.slug), "after removing the search");
    await clearForm();
    return `"${button}", then "${again}"`;
  });
}

/** The phone-width checks: filters behind one button, no page-level horizontal scroll. */
export async function phoneChecks({ runner, browser, site }) {
  const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
  const page = await context.newPage();
  await runner.check("phone (360 px): facets behind one Filters button, no horizontal scroll", async () => {
    await page.goto(site, { waitUntil: "load" });
    await page.waitForSelector("#filters:not([hidden])", { timeout: 5000 });
    assert(await page.isVisible("#f-q"), "search is not visible at 360 px");
    assert(await page.isVisible("#filters-toggle"), "no Filters button at 360 px");
    assert(await page.isHidden("#filters-panel"), "the facets show before the Filters button is pressed");
    const firstCard = await page.$eval("#cards li.card", (c) => c.getBoundingClientRect().top);
    assert(firstCard < 800, `the first card starts at ${Math.round(firstCard)} px, below the first screen`);
    await page.click("#filters-toggle");
    assert(await page.isVisible("#filters-panel"), "the Filters button does not open the facets");
    assert((await page.getAttribute("#filters-toggle", "aria-expanded")) === "true", "aria-expanded is not true");
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(sw <= 361, `scrollWidth ${sw} with the filters open`);
    await page.click("#filters-toggle");
    assert(await page.isHidden("#filters-panel"), "the Filters button does not close the facets");
    return `first card at ${Math.round(firstCard)} px`;
  });
  await context.close();
}

const require = createRequire(import.meta.url);

/** axe-core on the home page at 360 and 1280 px: no WCAG 2.2 A/AA violation. */
export async function axeChecks({ runner, browser, site }) {
  const axePath = require.resolve("axe-core/axe.min.js");
  for (const width of [360, 1280]) {
    // axe is injected as a script the page's CSP would refuse.
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await runner.check(`axe-core: home at ${width} px, filters shown, no WCAG 2.2 A/AA violation`, async () => {
      await page.goto(site, { waitUntil: "load" });
      await page.waitForSelector("#filters:not([hidden])", { timeout: 5000 });
      if (width < 768) await page.click("#filters-toggle");
      await page.addScriptTag({ path: axePath });
      const result = await page.evaluate(() =>
        window.axe.run(document, {
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"] },
        }),
      );
      const found = result.violations.map(
        (v) => `${v.id} (${v.nodes.length}): ${v.help}; e.g. ${v.nodes[0].target.join(" ")}`,
      );
      assert(!found.length, found.join("\n"));
      return `${result.passes.length} rules pass`;
    });
    await context.close();
  }
}
