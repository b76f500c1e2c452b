// Browser checks of a built partner directory (issue 5), in one headless Chromium:
//
//   node tests/browser/suite.mjs --site URL [--screenshots DIR]
//                                [--live URL --live-root DIR]
//
// --site        a static server over a `partnersite build` output (built with that
//               URL as --base-url)
// --screenshots where to write the PNGs (home, richest profile, transparency at 360 and
//               1280 px wide, full page)
// --live        a running `partnersite serve` of the site folder --live-root; its files
//               are edited (about.md appended, partner.toml broken then restored)
//
// Prints one line per check; exit status 0 when all pass, 1 otherwise, 3 without Chromium.

import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { Runner, assert, assertSameSet, fold, launch, watchProblems } from "./lib.mjs";
import { axeChecks, directoryChecks, model, phoneChecks } from "./directory.mjs";
import { badgeChecks } from "./badge.mjs";
import { decisionsChecks } from "./decisions.mjs";
import { itemsChecks } from "./items.mjs";
import { navChecks } from "./nav.mjs";
import { pageKindChecks } from "./pages.mjs";
import { reportChecks } from "./report.mjs";
import { archiveChecks } from "./archive.mjs";
import { spotlightChecks } from "./spotlight.mjs";

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i];
    const v = argv[i + 1];
    if (!k.startsWith("--") || v === undefined) {
      console.error(`bad arguments near ${k}`);
      process.exit(2);
    }
    out[k.slice(2)] = v;
  }
  return out;
}

const opts = parseArgs(process.argv.slice(2));
if (!opts.site) {
  console.error("usage: node suite.mjs --site URL [--screenshots DIR] [--live URL --live-root DIR]");
  process.exit(2);
}
const site = opts.site.endsWith("/") ? opts.site : opts.site + "/";
const url = (path) => new URL(path.replace(/^\//, ""), site).href;

const index = await (await fetch(url("partners.json"))).json();
const partners = index.partners;
assert(Array.isArray(partners) && partners.length > 1, "partners.json lists fewer than 2 partners");
const vocab = (key) => (index.vocabularies?.[key] || []).map((t) => (Array.isArray(t) ? t[0] : t.id));
const allSlugs = partners.map((p) => p.slug);
const hasTransparency = (await fetch(url("transparency/"))).status === 200;

// The profile with the most to show (the largest page) is the one worth looking at.
let richest = partners[0].slug;
{
  let best = -1;
  for (const p of partners) {
    const len = (await (await fetch(url(`partners/${p.slug}/`))).text()).length;
    if (len > best) [best, richest] = [len, p.slug];
  }
}

const runner = new Runner();
const browser = await launch();

/** Cards of the current page: shown ones, and any whose `hidden` state CSS overrides. */
async function cardState(page, selector = "li.card[data-slug]") {
  return page.$$eval(selector, (cards) => {
    const shown = [];
    const hiddenButDisplayed = [];
    const notDisplayed = [];
    for (const c of cards) {
      const slug = c.getAttribute("data-slug");
      const displayed = getComputedStyle(c).display !== "none";
      if (!c.hidden) shown.push(slug);
      if (c.hidden && displayed) hiddenButDisplayed.push(slug);
      if (!c.hidden && !displayed) notDisplayed.push(slug);
    }
    return { shown, hiddenButDisplayed, notDisplayed, total: cards.length };
  }, null);
}

/** The home page's cards, checked that what is marked hidden is what is not displayed. */
async function homeCards(page, what) {
  const s = await cardState(page, "#cards li.card[data-slug]");
  assert(!s.hiddenButDisplayed.length, `${what}: cards marked hidden are still displayed (CSS overrides [hidden]): ${s.hiddenButDisplayed}`);
  assert(!s.notDisplayed.length, `${what}: cards not hidden but not displayed: ${s.notDisplayed}`);
  return s;
}

async function expectCards(page, expected, what) {
  const s = await homeCards(page, what);
  assertSameSet(s.shown, expected, what);
  return s;
}

const inFacet = (p, key, id) => (Array.isArray(p[key]) ? p[key].includes(id) : p[key] === id);

// ---------------------------------------------------------------------------------------
// 1. Directory filters with JavaScript
// ---------------------------------------------------------------------------------------
{
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchProblems(page);
  let ready = false;

  await runner.check("home: directory.js shows the filter form", async () => {
    await page.goto(site, { waitUntil: "load" });
    await page.waitForSelector("#filters:not([hidden])", { state: "visible", timeout: 5000 });
    await expectCards(page, allSlugs, "home before filtering");
    ready = true;
  });

  if (ready) {
    await directoryChecks({ runner, page, context, index, expectCards });

    // Each check starts from a clear form, whatever the previous one left.
    const clearForm = async () => {
      await page.click("#filters button[type=reset]");
    };

    await runner.check("filters: typing part of a name narrows", async () => {
      await clearForm();
      // The shortest unique-ish piece of a name word.
      let pick = null;
      for (const p of partners) {
        for (const w of fold(p.name).split(/[^a-z0-9]+/)) {
          if (w.length < 5) continue;
          const q = w.slice(1, 6);
          const byName = partners.filter((x) => fold(x.name).includes(q));
          if (byName.length < partners.length && (!pick || byName.length < pick.byName.length)) {
            pick = { p, q, byName };
          }
        }
      }
      assert(pick, "no name word of 5+ letters");
      await page.fill("#f-q", pick.q);
      const s = await homeCards(page, `"${pick.q}"`);
      const byText = model(index).searchHits(pick.q);
      for (const x of pick.byName) assert(s.shown.includes(x.slug), `"${pick.q}" hides ${x.slug} (${x.name}); shown: ${s.shown}`);
      for (const slug of s.shown)
        assert(byText.some((x) => x.slug === slug), `"${pick.q}" shows ${slug}, whose searchable text does not contain it`);
      assert(s.shown.length < partners.length, `"${pick.q}" does not narrow: ${s.shown.length} shown`);
      await page.fill("#f-q", "zzqx-no-partner-is-called-this");
      const none = await homeCards(page, "a nonsense query");
      assert(none.shown.length === 0, `a nonsense query still shows ${none.shown}`);
      await page.fill("#f-q", "");
      await expectCards(page, allSlugs, "after clearing the search");
      return `"${pick.q}" → ${s.shown.join(", ")}`;
    });

    await runner.check("filters: search ignores accents and case", async () => {
      await clearForm();
      const accented = partners.filter((p) => p.name.normalize("NFD").replace(/\p{M}/gu, "") !== p.name);
      assert(accented.length, "no accented partner name in the site (expected e.g. Östersjö Lärande)");
      const tried = [];
      for (const p of accented) {
        const word = p.name.split(/\s+/).find((w) => w.normalize("NFD").replace(/\p{M}/gu, "") !== w);
        for (const q of [fold(word), word, fold(word).toUpperCase()]) {
          await page.fill("#f-q", q);
          const s = await homeCards(page, `"${q}"`);
          assert(s.shown.includes(p.slug), `typing "${q}" does not find ${p.name}; shown: [${s.shown}]`);
          assert(s.shown.length < partners.length, `typing "${q}" does not narrow`);
          tried.push(q);
        }
      }
      await page.fill("#f-q", "");
      return tried.join(", ");
    });
  }

  await runner.check("home (JavaScript on): no console errors or failed requests", async () => {
    assert(!problems.length, problems.join("\n"));
  });
  await context.close();
}

await phoneChecks({ runner, browser, site });
await axeChecks({ runner, browser, site });
await reportChecks({ runner, browser, site });
await archiveChecks({ runner, browser, site });
await navChecks({ runner, browser, site });
await badgeChecks({ runner, browser, site });
await itemsChecks({ runner, browser, site });
await pageKindChecks({ runner, browser, site });
await decisionsChecks({ runner, browser, site });
await spotlightChecks({ runner, browser, site });

// ---------------------------------------------------------------------------------------
// 1b. Without JavaScript: value pages and the home page list the right cards
// ---------------------------------------------------------------------------------------
{
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  // Value-page folder → partners.json key.
  const FOLDERS = {
    regions: "regions",
    services: "services",
    languages: "languages",
    countries: "country",
    tiers: "tier",
    pricing: "pricing",
    "company-size": "company_size",
    "market-size": "market_size",
  };

  async function listedSlugs(start, on = page) {
    const slugs = [];
    let next = start;
    for (let n = 0; next && n < 50; n++) {
      const resp = await on.goto(next, { waitUntil: "domcontentloaded" });
      assert(resp && resp.status() === 200, `${next}: HTTP ${resp && resp.status()}`);
      const s = await cardState(on);
      assert(!s.notDisplayed.length, `${next}: cards not displayed without JavaScript: ${s.notDisplayed}`);
      slugs.push(...s.shown);
      next = await on.$eval("a[rel=next]", (a) => a.href).catch(() => null);
    }
    return slugs;
  }

  await runner.check("no JavaScript: /regions/europe/ lists the European partners", async () => {
    const expected = partners.filter((p) => inFacet(p, "regions", "europe")).map((p) => p.slug);
    assert(expected.length, "no partner in europe");
    assertSameSet(await listedSlugs(url("regions/europe/")), expected, "/regions/europe/");
    return `${expected.length} cards`;
  });

  await runner.check("no JavaScript: home lists every partner, filter form stays hidden", async () => {
    await page.goto(site, { waitUntil: "load" });
    const s = await cardState(page);
    assertSameSet(s.shown, allSlugs, "home without JavaScript");
    assert(!s.notDisplayed.length, `cards not displayed: ${s.notDisplayed}`);
    const formShown = await page.$eval("#filters", (f) => getComputedStyle(f).display !== "none").catch(() => false);
    assert(!formShown, "the filter form shows without JavaScript (it cannot work)");
    return `${s.shown.length} cards`;
  });

  await runner.check("value pages: each one linked from home lists its partners in the served HTML", async () => {
    await page.goto(site, { waitUntil: "load" });
    const links = await page.$$eval(".browse a[href]", (as) => as.map((a) => a.href));
    assert(links.length, "no value-page links in the home page's browse section");
    const sitePath = new URL(site).pathname;
    const unknown = new Set();
    const jobs = [];
    for (const link of links) {
      const rel = new URL(link).pathname.slice(sitePath.length).split("/").filter(Boolean);
      const key = FOLDERS[rel[0]];
      if (!key || rel.length !== 2) unknown.add(rel[0]);
      else jobs.push({ link, expected: partners.filter((p) => inFacet(p, key, rel[1])).map((p) => p.slug) });
    }
    // Navigating 50+ pages costs ~200 ms each on a busy 2-core machine: read the served
    // HTML (what a browser without JavaScript renders) with DOMParser in one tab instead,
    // following rel=next pagers. /regions/europe/ above is the real no-JS navigation.
    const scratch = await browser.newPage();
    await scratch.goto(url("partners.json"));
    const listed = await scratch.evaluate(async (urls) => {
      const out = {};
      await Promise.all(
        urls.map(async (u) => {
          const slugs = [];
          let next = u;
          for (let n = 0; next && n < 50; n++) {
            const r = await fetch(next);
            if (!r.ok) {
              slugs.push(`HTTP ${r.status}`);
              break;
            }
            const doc = new DOMParser().parseFromString(await r.text(), "text/html");
            for (const li of doc.querySelectorAll("li.card[data-slug]")) {
              slugs.push(li.hasAttribute("hidden") ? `hidden:${li.getAttribute("data-slug")}` : li.getAttribute("data-slug"));
            }
            const a = doc.querySelector("a[rel=next]");
            next = a ? new URL(a.getAttribute("href"), next).href : null;
          }
          out[u] = slugs;
        }),
      );
      return out;
    }, jobs.map((j) => j.link));
    await scratch.close();
    const errors = [];
    for (const { link, expected } of jobs) {
      try {
        assertSameSet(listed[link] || [], expected, new URL(link).pathname);
      } catch (e) {
        errors.push(e.message);
      }
    }
    assert(!errors.length, errors.join("\n"));
    return `${jobs.length} pages` + (unknown.size ? `; not checked: ${[...unknown].join(", ")}` : "");
  });
  await context.close();
}

// ---------------------------------------------------------------------------------------
// 2. Pages load cleanly: no console errors, no failed requests, no broken images
// ---------------------------------------------------------------------------------------
{
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  async function clean(path) {
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(url(path), { waitUntil: "load" });
    // Bring lazily loaded images in and wait for them, then list broken ones.
    const broken = await page.evaluate(async () => {
      window.scrollTo(0, document.documentElement.scrollHeight);
      const imgs = Array.from(document.images);
      imgs.forEach((i) => (i.loading = "eager"));
      await Promise.race([
        Promise.all(imgs.map((i) => (i.complete ? null : new Promise((r) => { i.onload = i.onerror = r; })))),
        new Promise((r) => setTimeout(r, 3000)),
      ]);
      return imgs.filter((i) => i.complete && i.naturalWidth === 0).map((i) => i.currentSrc || i.src);
    });
    for (const b of broken) problems.push(`broken image: ${b}`);
    await page.close();
    return problems;
  }

  await runner.check(`profile page /partners/${richest}/ loads cleanly`, async () => {
    const problems = await clean(`partners/${richest}/`);
    assert(!problems.length, problems.join("\n"));
  });
  await runner.check("every other profile page loads cleanly", async () => {
    const bad = [];
    const todo = partners.filter((p) => p.slug !== richest);
    await Promise.all(
      [0, 1, 2].map(async () => {
        while (todo.length) {
          const p = todo.shift();
          for (const pr of await clean(`partners/${p.slug}/`)) bad.push(`${p.slug}: ${pr}`);
        }
      }),
    );
    assert(!bad.length, bad.join("\n"));
    return `${partners.length - 1} pages`;
  });
  if (hasTransparency) {
    await runner.check("/transparency/ loads cleanly", async () => {
      const problems = await clean("transparency/");
      assert(!problems.length, problems.join("\n"));
    });
  } else {
    runner.skip("/transparency/ loads cleanly", "the build has no /transparency/ (HTTP 404)");
  }
  await context.close();
}

// ---------------------------------------------------------------------------------------
// 4. Screenshots at 360 and 1280 px, no horizontal overflow
// ---------------------------------------------------------------------------------------
if (opts.screenshots) {
  mkdirSync(opts.screenshots, { recursive: true });
  const pages = [
    ["home", ""],
    ["profile", `partners/${richest}/`],
  ];
  if (hasTransparency) pages.push(["transparency", "transparency/"]);
  for (const width of [360, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    for (const [name, path] of pages) {
      await runner.check(`screenshot ${name} at ${width} px: no horizontal overflow, no number split over lines`, async () => {
        await page.goto(url(path), { waitUntil: "load" });
        if (name === "home") await page.waitForSelector("#filters:not([hidden])", { timeout: 5000 });
        // Lazy images in, so the full-page shot shows them.
        await page.evaluate(async () => {
          const imgs = Array.from(document.images);
          imgs.forEach((i) => (i.loading = "eager"));
          await Promise.race([
            Promise.all(imgs.map((i) => (i.complete ? null : new Promise((r) => { i.onload = i.onerror = r; })))),
            new Promise((r) => setTimeout(r, 3000)),
          ]);
        });
        const file = join(opts.screenshots, `${name}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        const o = await page.evaluate(() => {
          const vw = window.innerWidth;
          const sw = document.documentElement.scrollWidth;
          const culprits = [];
          if (sw > vw + 1) {
            for (const el of document.querySelectorAll("body *")) {
              const r = el.getBoundingClientRect();
              if (r.right > vw + 1 && r.width > 0) {
                const id = el.id ? `#${el.id}` : "";
                const cls = typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
                culprits.push(`${el.tagName.toLowerCase()}${id}${cls} (right ${Math.round(r.right)} px)`);
              }
            }
          }
          return { vw, sw, culprits: culprits.slice(0, 8) };
        });
        assert(
          o.sw <= o.vw + 1,
          `horizontal overflow: scrollWidth ${o.sw} > innerWidth ${o.vw}; widest: ${o.culprits.join("; ")}`,
        );
        // A number is never split over two lines (e.g. a stat card too narrow for "0.3004").
        const broken = await page.evaluate(() => {
          const out = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const t = n.textContent.trim();
            if (!/^[<>≈~]?\d[\d.,]*%?$/.test(t) || t.length < 2) continue;
            const range = document.createRange();
            range.selectNodeContents(n);
            const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
            if (tops.size > 1) {
              const el = n.parentElement;
              const cls = el && typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
              out.push(`"${t}" in ${el ? el.tagName.toLowerCase() + cls : "?"}`);
            }
          }
          return out;
        });
        assert(!broken.length, `numbers broken over two lines: ${broken.join("; ")}`);
        return file;
      });
    }
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------
// 3. Live reload against `partnersite serve`
// ---------------------------------------------------------------------------------------
if (opts.live && opts["live-root"]) {
  const live = opts.live.endsWith("/") ? opts.live : opts.live + "/";
  const root = opts["live-root"];
  const slug =
    partners.map((p) => p.slug).find((s) => existsSync(join(root, "content/partners", s, "about.md"))) || null;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Keep a handle on the page's EventSource so the test knows when it is connected.
  await context.addInitScript(() => {
    const ES = window.EventSource;
    if (!ES) return;
    window.__es = [];
    window.EventSource = class extends ES {
      constructor(u, o) {
        super(u, o);
        window.__es.push(this);
      }
    };
  });
  const page = await context.newPage();
  // Requests still waiting for an answer, named when a navigation times out.
  const pending = new Set();
  page.on("request", (r) => pending.add(r));
  page.on("requestfinished", (r) => pending.delete(r));
  page.on("requestfailed", (r) => pending.delete(r));
  const stuck = () =>
    [...pending]
      .map((r) => new URL(r.url()).pathname)
      .filter((p) => p !== "/__partnersite/events")
      .join(", ");
  const connected = () =>
    page.waitForFunction(() => (window.__es || []).some((s) => s.readyState === 1), null, { timeout: 5000 });
  let edited = false;
  const nonce = `Live reload check ${Date.now().toString(36)} quokka`;

  if (!slug) {
    await runner.check("live reload", async () => {
      throw new Error(`no partner of partners.json has an about.md under ${root}`);
    });
  } else {
    const about = join(root, "content/partners", slug, "about.md");
    const toml = join(root, "content/partners", slug, "partner.toml");
    const tomlText = readFileSync(toml, "utf8");

    let opened = false;
    await runner.check(`serve: /partners/${slug}/ loads completely (every request answered)`, async () => {
      const resp = await page.goto(`${live}partners/${slug}/`, { waitUntil: "domcontentloaded", timeout: 10000 });
      assert(resp && resp.status() === 200, `HTTP ${resp && resp.status()}`);
      opened = true;
      await page.waitForLoadState("load", { timeout: 8000 }).catch(() => {
        throw new Error(`the page did not finish loading within 8 s; partnersite serve never answered: ${stuck() || "?"}`);
      });
    });

    await runner.check(`live reload: editing ${slug}/about.md updates the open page`, async () => {
      assert(opened, "the page did not open");
      await connected().catch(() => {
        throw new Error("the page never connected to /__partnersite/events (live-reload client missing?)");
      });
      await page.evaluate(() => (window.__beforeEdit = true));
      const t = Date.now();
      writeFileSync(about, readFileSync(about, "utf8") + `\n\n${nonce}.\n`);
      edited = true;
      await page.getByText(nonce).waitFor({ state: "visible", timeout: 5000 }).catch(() => {
        throw new Error(`"${nonce}" did not appear within 5 s`);
      });
      const ms = Date.now() - t;
      const reloaded = await page.evaluate(() => window.__beforeEdit !== true);
      return `text shown ${ms} ms after the save (${reloaded ? "page reloaded itself" : "patched in place"})`;
    });

    await runner.check(`live reload: a broken partner.toml shows the overlay, fixing it clears it`, async () => {
      assert(edited, "previous step did not run");
      await connected().catch(() => {
        throw new Error("the page did not reconnect to /__partnersite/events after the reload");
      });
      writeFileSync(toml, `name = \n${tomlText}`);
      const overlay = page.locator("#partnersite-overlay");
      let t = Date.now();
      await overlay.waitFor({ state: "visible", timeout: 5000 }).catch(() => {
        throw new Error("#partnersite-overlay did not appear within 5 s of breaking partner.toml");
      });
      const shownMs = Date.now() - t;
      const text = (await overlay.innerText()) || "";
      assert(text.includes("partner.toml"), `the overlay does not name partner.toml: ${JSON.stringify(text.slice(0, 400))}`);
      writeFileSync(toml, tomlText);
      t = Date.now();
      // Gone, or (on a site with required-content warnings) only the warnings remain.
      await page
        .waitForFunction(
          () => {
            const o = document.getElementById("partnersite-overlay");
            return !o || (!o.classList.contains("has-errors") && !o.textContent.includes("partner.toml"));
          },
          null,
          { timeout: 5000 },
        )
        .catch(() => {
          throw new Error("the error overlay did not go away within 5 s of fixing partner.toml");
        });
      const clearedMs = Date.now() - t;
      await page.getByText(nonce).waitFor({ state: "visible", timeout: 5000 });
      const left = await page.$("#partnersite-overlay");
      return `overlay after ${shownMs} ms, cleared ${clearedMs} ms after the fix` + (left ? " (warnings overlay remains)" : "");
    });
  }
  await context.close();
}

await browser.close();
process.exit(runner.finish());
