// Checks of profiles, item pages and listings (issue 12 "Profiles and items"), run by
// suite.mjs: the badge snippets' Copy buttons (clipboard and the "Copied"
// announcement; no button without JavaScript), the whole snippet visible, one frame
// around the profile logo, the profile's right column used, the item sidebar beside the
// text at 1280 px and below it at 360 px, the greyscale logo wall, no horizontal page
// scroll at 360 px and axe-core (WCAG 2.2 A/AA) on a profile, a case study, a post, both
// listings and the clients page at 360 and 1280 px.

import { createRequire } from "node:module";
import { assert } from "./lib.mjs";

const require = createRequire(import.meta.url);
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

/** The pages to look at: the profile with most case studies, and its first items. */
async function pagesOf(browser, site) {
  const index = await (await fetch(new URL("partners.json", site))).json();
  const partner = [...index.partners].sort((a, b) => (b.case_studies || 0) - (a.case_studies || 0))[0];
  const profile = `partners/${partner.slug}/`;
  const page = await browser.newPage();
  await page.goto(new URL(profile, site).href, { waitUntil: "load" });
  const first = (prefix) =>
    page.$$eval(".profile-main a[href]", (as, prefix) => {
      const a = as.find((a) => new URL(a.href).pathname.includes(prefix));
      return a ? new URL(a.href).pathname : null;
    }, prefix);
  const caseStudy = await first(`/case-studies/${partner.slug}/`);
  const post = await first(`/blog/${partner.slug}/`);
  await page.close();
  assert(caseStudy && post, `${profile} links to no case study or no post`);
  const rel = (path) => path.replace(new URL(site).pathname, "");
  return {
    profile,
    caseStudy: rel(caseStudy),
    post: rel(post),
    caseStudies: "case-studies/",
    blog: "blog/",
    clients: "clients/",
  };
}

async function axe(page) {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
    AXE_TAGS,
  );
  const found = result.violations.map(
    (v) => `${v.id} (${v.nodes.length}): ${v.help}; e.g. ${v.nodes[0].target.join(" ")}`,
  );
  assert(!found.length, found.join("\n"));
  return result.passes.length;
}

/** Box of the first element matching `css`. */
const box = (page, css) =>
  page.$eval(css, (el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top + scrollY, bottom: r.bottom + scrollY };
  });

async function copyChecks({ runner, browser, site, pages }) {
  const origin = new URL(site).origin;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  const page = await context.newPage();
  await runner.check(`profile ${pages.profile}: each badge snippet's Copy button copies it and says "Copied"`, async () => {
    await page.goto(new URL(pages.profile, site).href, { waitUntil: "load" });
    await page.waitForFunction(() => document.querySelectorAll(".copy-button").length === 2, null, { timeout: 5000 });
    for (const id of ["badge-html", "badge-md"]) {
      const button = page.locator(`.snippet-head:has(label[for="${id}"]) .copy-button`);
      const name = await button.evaluate((b) => b.textContent.trim());
      assert(/^Copy\b/.test(name) && /snippet/.test(name), `button name ${JSON.stringify(name)}`);
      await page.evaluate(() => navigator.clipboard.writeText("before"));
      await button.click();
      await page.waitForFunction(() => document.querySelector("[data-copy-status]").textContent === "Copied", null, {
        timeout: 5000,
      });
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      const snippet = await page.$eval(`#${id}`, (t) => t.value);
      assert(copied === snippet, `#${id}: clipboard ${JSON.stringify(copied)} != ${JSON.stringify(snippet)}`);
      assert(copied.includes(pages.profile.replace(/\/$/, "")), `#${id}: ${copied}`);
      const live = await page.$eval("[data-copy-status]", (s) => s.getAttribute("role"));
      assert(live === "status", `status role ${live}`);
      // The button keeps the focus, for the next snippet.
      const focused = await page.evaluate(() => document.activeElement.className);
      assert(focused === "copy-button", `focus on ${focused}`);
    }
  });
  await context.close();

  const noJs = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  const plain = await noJs.newPage();
  await runner.check(`profile ${pages.profile} without JavaScript: no Copy button, the snippets still there`, async () => {
    await plain.goto(new URL(pages.profile, site).href, { waitUntil: "load" });
    const buttons = await plain.$$eval("button", (b) => b.length);
    assert(buttons === 0, `${buttons} buttons`);
    const text = await plain.$eval("#badge-md", (t) => t.value);
    assert(text.startsWith("[!["), text);
  });
  await noJs.close();
}

async function layoutChecks({ runner, browser, site, pages }) {
  for (const width of [360, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await runner.check(`profile at ${width} px: one frame around the logo, the snippets shown whole`, async () => {
      await page.goto(new URL(pages.profile, site).href, { waitUntil: "load" });
      const frames = await page.$eval("img.profile-logo", (img) => {
        const out = [];
        for (let el = img; el && !el.matches("article"); el = el.parentElement) {
          const s = getComputedStyle(el);
          const framed = parseFloat(s.borderTopWidth) > 0 || s.backgroundColor !== "rgba(0, 0, 0, 0)";
          if (framed) out.push(el.className || el.tagName);
        }
        return out;
      });
      assert(frames.length === 1 && frames[0] === "profile-head", `frames around the logo: ${frames.join(", ")}`);
      for (const id of ["badge-html", "badge-md"]) {
        const cut = await page.$eval(`#${id}`, (t) => t.scrollHeight - t.clientHeight);
        assert(cut <= 1, `#${id}: ${cut} px of the snippet hidden`);
      }
    });
    if (width === 1280) {
      await runner.check(`profile at 1280 px: facts, clients and badge fill the right column`, async () => {
        const main = await box(page, ".profile-main");
        for (const css of [".profile-facts", ".badge-embed"]) {
          const b = await box(page, css);
          assert(b.left >= main.right, `${css} is not beside the main column`);
          assert(b.top < main.bottom, `${css} starts below the main column`);
        }
      });
    }
    await runner.check(`item ${pages.caseStudy} at ${width} px: the sidebar ${width < 768 ? "below" : "beside"} the text`, async () => {
      await page.goto(new URL(pages.caseStudy, site).href, { waitUntil: "load" });
      const article = await box(page, ".item-layout > article");
      const aside = await box(page, "aside.item-aside");
      if (width < 768) assert(aside.top >= article.bottom, "the sidebar is not below the text");
      else assert(aside.left >= article.right && aside.top < article.bottom, "the sidebar is not beside the text");
    });
    await context.close();
  }

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await runner.check("clients wall: logos grey until hovered or focused", async () => {
    await page.goto(new URL(pages.clients, site).href, { waitUntil: "load" });
    const filter = (i) => page.$eval(`ul.wall > li:nth-child(${i}) img`, (img) => getComputedStyle(img).filter);
    assert((await filter(1)) === "grayscale(1)", `filter ${await filter(1)}`);
    await page.hover("ul.wall > li:nth-child(1) img");
    await page.waitForFunction(() => getComputedStyle(document.querySelector("ul.wall > li img")).filter === "none");
    await page.focus("ul.wall > li:nth-child(2) a");
    await page.waitForFunction(
      () => getComputedStyle(document.querySelector("ul.wall > li:nth-child(2) img")).filter === "none",
    );
    const size = await page.$eval("ul.wall img", (img) => [img.clientWidth, img.clientHeight]);
    assert(size[0] >= 150 && size[1] >= 75, `logo box ${size}`);
  });
  await context.close();
}

export async function itemsChecks({ runner, browser, site }) {
  let pages;
  await runner.check("items: the pages to look at", async () => {
    pages = await pagesOf(browser, site);
    return Object.values(pages).join(" ");
  });
  if (!pages) return;
  await copyChecks({ runner, browser, site, pages });
  await layoutChecks({ runner, browser, site, pages });
  for (const width of [360, 1280]) {
    // axe is injected as a script the page's CSP would refuse.
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    for (const [kind, path] of Object.entries(pages)) {
      await runner.check(`axe-core: ${kind} (${path}) at ${width} px, no WCAG 2.2 A/AA violation`, async () => {
        await page.goto(new URL(path, site).href, { waitUntil: "load" });
        if (width === 360) {
          const wide = await page.evaluate(() => document.documentElement.scrollWidth);
          assert(wide <= 360, `page ${wide} px wide at 360`);
        }
        return `${await axe(page)} rules pass`;
      });
    }
    await context.close();
  }
}
