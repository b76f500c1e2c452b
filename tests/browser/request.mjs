// The request form (issue 13, part 4) in headless Chromium, run by tests/browser.rs
// (`request_form_posts_an_export`):
//
//   node tests/browser/request.mjs --site URL --endpoint-port PORT --partner SLUG
//                                  --out FILE [--screenshots DIR]
//
// --site           a static server over a build whose [request] endpoint is
//                  http://127.0.0.1:PORT/submit
// --endpoint-port  the loopback endpoint this script starts: it records every POST
// --partner        a profile of an eligible tier (its form fills requested_partner)
// --out            where the posted forms are written, as JSON: [{path, fields: [[name,
//                  value], ...]}], for the Rust side to turn into an export
//
// Checks: the form pages without console errors, CSP violations or failed requests;
// axe-core (WCAG 2.2 A/AA) and no horizontal scroll at 360 and 1280 px (screenshots of
// both); the browser refuses to send the form without its required fields; with
// JavaScript off, the general form and the partner's form are filled and submitted,
// and the endpoint receives exactly the form's field names with the values typed.
// Exit status 0 when all pass, 1 otherwise, 3 without Chromium.

import { createServer } from "node:http";
import { createRequire } from "node:module";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Runner, assert, launch, watchProblems } from "./lib.mjs";

const require = createRequire(import.meta.url);
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

const opts = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) opts[argv[i].replace(/^--/, "")] = argv[i + 1];
for (const k of ["site", "endpoint-port", "partner", "out"]) {
  if (!opts[k]) {
    console.error(`missing --${k}\nusage: node request.mjs --site URL --endpoint-port PORT --partner SLUG --out FILE [--screenshots DIR]`);
    process.exit(2);
  }
}
const site = opts.site.endsWith("/") ? opts.site : opts.site + "/";
const url = (path) => new URL(path, site).href;
const port = Number(opts["endpoint-port"]);

// The loopback endpoint: records each POST (names and values in body order).
const received = [];
const endpoint = createServer((req, res) => {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    if (req.method === "POST") {
      received.push({
        path: req.url,
        type: req.headers["content-type"] || "",
        fields: [...new URLSearchParams(body)],
      });
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<!DOCTYPE html><html lang=en><title>Thank you</title><p>Request received.</p>");
  });
});
await new Promise((resolve) => endpoint.listen(port, "127.0.0.1", resolve));

const runner = new Runner();
const browser = await launch();
const general = "request/";
const partnerForm = `partners/${opts.partner}/request/`;

// Records CSP violations before any page script runs.
const CSP_INIT = `window.__csp = []; document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline")), true);`;

for (const path of [general, partnerForm, `partners/${opts.partner}/`]) {
  await runner.check(`${path}: loads with no console error, CSP violation or failed request`, async () => {
    const context = await browser.newContext();
    await context.addInitScript(CSP_INIT);
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(url(path), { waitUntil: "load" });
    const csp = await page.evaluate(() => window.__csp);
    await context.close();
    assert(!problems.length && !csp.length, [...problems, ...csp].join("\n"));
  });
}

await runner.check("the profile's Request a proposal button leads to the partner's form", async () => {
  const page = await browser.newPage();
  await page.goto(url(`partners/${opts.partner}/`), { waitUntil: "load" });
  await page.getByRole("link", { name: "Request a proposal" }).click();
  await page.waitForLoadState("load");
  const at = new URL(page.url()).pathname;
  await page.close();
  assert(at === new URL(url(partnerForm)).pathname, `landed on ${at}`);
});

for (const width of [360, 1280]) {
  // axe is injected as a script the page's CSP would refuse.
  const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  for (const path of [general, partnerForm]) {
    await runner.check(`${path} at ${width} px: axe-core clean, no horizontal scroll`, async () => {
      await page.goto(url(path), { waitUntil: "load" });
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(wide <= width, `page ${wide} px wide at ${width}`);
      if (opts.screenshots) {
        mkdirSync(opts.screenshots, { recursive: true });
        const name = path === general ? "request" : "request-partner";
        await page.screenshot({ path: join(opts.screenshots, `${name}-${width}.png`), fullPage: true });
      }
      await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
      const result = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
        AXE_TAGS,
      );
      const found = result.violations.map(
        (v) => `${v.id} (${v.nodes.length}): ${v.help}; e.g. ${v.nodes[0].target.join(" ")}`,
      );
      assert(!found.length, found.join("\n"));
      return `${result.passes.length} rules pass`;
    });
  }
  await context.close();
}

await runner.check("an empty form is not sent: the browser asks for the required fields", async () => {
  const page = await browser.newPage();
  await page.goto(url(general), { waitUntil: "load" });
  await page.getByRole("button", { name: "Send the request" }).click();
  const invalid = await page.$$eval("form.request-form [name]:invalid", (els) => els.map((e) => e.name));
  const at = page.url();
  await page.close();
  assert(at === url(general), `navigated to ${at}`);
  assert(
    JSON.stringify(invalid) === JSON.stringify(["country", "first_name", "email", "consent"]),
    `invalid fields: ${invalid.join(", ")}`,
  );
});

/** Fill a form page with JavaScript off, submit it, and return what the endpoint got. */
async function submit(path, values) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  await context.addInitScript(CSP_INIT);
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(url(path), { waitUntil: "load" });
  const names = await page.$$eval("form.request-form [name]", (els) => els.map((e) => e.name));
  for (const [name, value] of Object.entries(values)) {
    const el = page.locator(`form.request-form [name="${name}"]`);
    const tag = await el.evaluate((e) => e.tagName.toLowerCase());
    if (tag === "select") await el.selectOption(value);
    else await el.fill(value);
  }
  await page.getByLabel(/I agree that/).check();
  const before = received.length;
  await Promise.all([
    page.waitForURL(`http://127.0.0.1:${port}/**`),
    page.getByRole("button", { name: "Send the request" }).click(),
  ]);
  await context.close();
  assert(!problems.length, problems.join("\n"));
  assert(received.length === before + 1, `the endpoint received ${received.length - before} posts`);
  const got = received[received.length - 1];
  assert(got.type.startsWith("application/x-www-form-urlencoded"), `content type ${got.type}`);
  const postedNames = got.fields.map(([n]) => n);
  assert(
    JSON.stringify(postedNames) === JSON.stringify(names),
    `posted [${postedNames.join(", ")}], the form has [${names.join(", ")}]`,
  );
  const posted = Object.fromEntries(got.fields);
  for (const [name, typed] of Object.entries(values)) {
    // A textarea's line breaks are sent as CRLF (HTML's form submission rules).
    const value = typed.replace(/\r?\n/g, "\r\n");
    assert(posted[name] === value, `${name}: posted ${JSON.stringify(posted[name])}, typed ${JSON.stringify(typed)}`);
  }
  assert(posted.consent === "yes", `consent: ${posted.consent}`);
  assert(posted.homepage === "", `honeypot: ${JSON.stringify(posted.homepage)}`);
  return { names, got };
}

const submissions = [];
await runner.check("without JavaScript, the general form posts every field to the endpoint", async () => {
  const { got } = await submit(general, {
    country: "DE",
    service_requested: "hosting",
    market_segment: "large",
    budget_band: "10k-50k",
    first_name: "Zelda",
    last_name: "Canary",
    email: "zelda.canary@example.org",
    phone: "+49 30 1234567",
    organisation: "Canary, \"Quoted\" & Co",
    notes: "Two lines:\nhosting, then training.",
  });
  assert(!got.fields.some(([n]) => n === "requested_partner"), "the general form names a partner");
  submissions.push(got);
  return got.fields.map(([n]) => n).join(" ");
});

await runner.check(`without JavaScript, ${opts.partner}'s form posts requested_partner = ${opts.partner}`, async () => {
  const { got } = await submit(partnerForm, {
    country: "FR",
    service_requested: "consulting",
    first_name: "Yuri",
    email: "yuri.canary@example.org",
  });
  const requested = got.fields.filter(([n]) => n === "requested_partner");
  assert(
    requested.length === 1 && requested[0][1] === opts.partner,
    `requested_partner: ${JSON.stringify(requested)}`,
  );
  submissions.push(got);
});

writeFileSync(opts.out, JSON.stringify(submissions, null, 2));
await browser.close();
endpoint.close();
process.exit(runner.finish());
