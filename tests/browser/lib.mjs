// Shared helpers of the browser tests: launching Debian's Chromium through
// playwright-core, a tiny check runner, text folding, and the hostile-page harness.
//
// Run by tests/browser.rs; see tests/browser/README.md.

import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.PARTNERSITE_CHROMIUM || "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launch headless Chromium, or exit 3 with an install hint. */
export async function launch() {
  if (!existsSync(CHROMIUM)) {
    console.error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
    process.exit(3);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** Run named checks in order; a failed check is reported and the next one still runs. */
export class Runner {
  constructor() {
    this.failed = [];
    this.started = Date.now();
  }

  async check(name, fn) {
    // PARTNERSITE_BROWSER_ONLY=regex runs only the matching checks (for debugging).
    const only = process.env.PARTNERSITE_BROWSER_ONLY;
    if (only && !new RegExp(only).test(name)) return;
    const t = Date.now();
    try {
      const note = await fn();
      console.log(`ok   ${name} (${Date.now() - t} ms)${note ? ` — ${note}` : ""}`);
    } catch (e) {
      this.failed.push(name);
      const msg = e && e.stack ? e.stack : String(e);
      console.log(`FAIL ${name} (${Date.now() - t} ms)\n     ${msg.replace(/\n/g, "\n     ")}`);
    }
  }

  skip(name, why) {
    console.log(`skip ${name} — ${why}`);
  }

  /** Print the summary; returns the process exit code. */
  finish() {
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    if (this.failed.length) {
      console.log(`\n${this.failed.length} check(s) failed in ${secs} s: ${this.failed.join(", ")}`);
      return 1;
    }
    console.log(`\nall checks passed in ${secs} s`);
    return 0;
  }
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

/** Compare two sets of strings; throws with both sides listed when they differ. */
export function assertSameSet(actual, expected, what) {
  const a = [...new Set(actual)].sort();
  const e = [...new Set(expected)].sort();
  const missing = e.filter((x) => !a.includes(x));
  const extra = a.filter((x) => !e.includes(x));
  if (missing.length || extra.length) {
    throw new Error(
      `${what}: expected [${e.join(", ")}], got [${a.join(", ")}]` +
        (missing.length ? `; missing [${missing.join(", ")}]` : "") +
        (extra.length ? `; unexpected [${extra.join(", ")}]` : ""),
    );
  }
}

/** Lower case, accents removed, spaces collapsed (what a visitor expects search to ignore). */
export function fold(s) {
  return String(s || "")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Record what goes wrong on a page: console errors, uncaught exceptions, failed requests
 * and HTTP errors. Returns the live list of problems (strings).
 */
export function watchProblems(page) {
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught exception: ${e.message}`));
  page.on("requestfailed", (r) => {
    const f = r.failure();
    problems.push(`request failed: ${r.method()} ${r.url()} (${f ? f.errorText : "?"})`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

// ---------------------------------------------------------------------------------------
// Hostile-page harness (issue 6)
// ---------------------------------------------------------------------------------------

// Set before any page script: records CSP violations so they can be reported.
const HOSTILE_INIT = `(() => {
  window.__partnersiteCsp = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__partnersiteCsp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
      (e.sample ? " (" + e.sample.slice(0, 60) + ")" : ""));
  }, true);
})();`;

// What a sanitised page must not contain, whether or not a script ran: event-handler
// attributes, javascript:/vbscript: URLs, inline executable scripts, frames and objects.
function domFindings() {
  const out = [];
  const describe = (el) => {
    const html = el.outerHTML || "";
    return html.length > 120 ? html.slice(0, 120) + "…" : html;
  };
  const all = document.querySelectorAll("*");
  for (const el of all) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) out.push(`event-handler attribute ${name}: ${describe(el)}`);
      if (["href", "src", "action", "formaction", "xlink:href", "data", "poster"].includes(name)) {
        const v = attr.value.replace(/[\u0000-\u0020]/g, "").toLowerCase();
        if (v.startsWith("javascript:") || v.startsWith("vbscript:"))
          out.push(`${name}=${attr.value.slice(0, 60)}: ${describe(el)}`);
      }
    }
  }
  for (const s of document.querySelectorAll("script")) {
    const type = (s.getAttribute("type") || "").trim().toLowerCase();
    const executable = ["", "text/javascript", "application/javascript", "module"].includes(type);
    if (executable && !s.hasAttribute("src") && s.textContent.trim())
      out.push(`inline script: ${describe(s)}`);
    if (s.hasAttribute("src")) {
      try {
        const u = new URL(s.getAttribute("src"), location.href);
        if (u.origin !== location.origin) out.push(`third-party script: ${u.href}`);
      } catch (e) {
        out.push(`script with a bad src: ${describe(s)}`);
      }
    }
  }
  for (const el of document.querySelectorAll("iframe, frame, object, embed, base, meta[http-equiv=refresh i]"))
    out.push(`forbidden element: ${describe(el)}`);
  return out;
}

/**
 * Load every URL and report whether anything injected ran. A page FAILS when a dialog
 * opens, `window.__xss` is defined (in any frame), a popup opens, the page navigates
 * away by itself, or (with `domChecks`, the default) the DOM holds an event-handler
 * attribute, a javascript: URL, an inline or third-party script, a frame or an object.
 * CSP violations and console errors are recorded, not failures: a blocked injection
 * still means the sanitiser let something through, so they are listed for review.
 *
 * Returns [{url, failures: [..], notes: [..]}].
 */
export async function checkHostile(browser, urls, { domChecks = true, concurrency = 4 } = {}) {
  const context = await browser.newContext();
  await context.addInitScript(HOSTILE_INIT);
  const results = [];
  let next = 0;

  // One tab per worker, reused: what a page does is recorded into `current`.
  async function worker() {
    const page = await context.newPage();
    let current = null;
    const fail = (m) => current && current.failures.push(m);
    const note = (m) => current && current.notes.push(m);
    page.on("dialog", (d) => {
      fail(`dialog opened: ${d.type()} ${JSON.stringify(d.message())}`);
      d.dismiss().catch(() => {});
    });
    page.on("popup", (p) => fail(`popup opened: ${p.url()}`));
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      const text = m.text();
      // Failed loads are reported with their URL by the response handler below.
      if (/^Failed to load resource/.test(text)) return;
      if (/Content Security Policy/i.test(text) && /violat|refused/i.test(text))
        note(`CSP: ${text.slice(0, 200)}`);
      else note(`console error: ${text.slice(0, 200)}`);
    });
    page.on("response", (r) => {
      if (current && r.status() >= 400 && r.url() !== current.url) note(`HTTP ${r.status()}: ${r.url()}`);
    });
    page.on("pageerror", (e) => note(`uncaught exception: ${e.message.slice(0, 200)}`));

    while (next < urls.length) {
      const i = next++;
      const url = urls[i];
      current = { url, failures: [], notes: [] };
      try {
        const resp = await page.goto(url, { waitUntil: "load", timeout: 15000 });
        if (!resp) note("no response");
        else if (resp.status() >= 400) fail(`HTTP ${resp.status()}`);
        // Give timers, autofocus and lazily loaded images their chance, hover and focus
        // what is on the page (cheap triggers for onmouseover/onfocus vectors), then
        // collect the marker and CSP violations.
        const found = await page.evaluate(
          async () => {
            window.scrollTo(0, document.documentElement.scrollHeight);
            await new Promise((r) => setTimeout(r, 50));
            for (const el of document.querySelectorAll("a, button, input, img, svg, math, details, [tabindex]")) {
              try {
                el.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
                if (typeof el.focus === "function") el.focus({ preventScroll: true });
              } catch (e) {
                /* keep going */
              }
            }
            await new Promise((r) => setTimeout(r, 100));
            return {
              xss: (() => {
                const v = window.__xss;
                if (typeof v === "undefined") return null;
                // id="__xss" / name="__xss" defines it too: DOM clobbering, also a finding.
                if (v instanceof Element || v instanceof HTMLCollection)
                  return `a DOM element (id/name clobbering): ${(v.outerHTML || String(v)).slice(0, 80)}`;
                return String(v);
              })(),
              csp: window.__partnersiteCsp || [],
              hasCsp: !!document.querySelector('meta[http-equiv="Content-Security-Policy" i]'),
            };
          },
        );
        found.dom = domChecks
          ? await page.evaluate(domFindings).catch((e) => [`DOM check failed: ${e.message}`])
          : [];
        if (page.url().split("#")[0] !== new URL(url).href.split("#")[0]) {
          fail(`page navigated by itself to ${page.url()}`);
        }
        if (found.xss !== null) fail(`window.__xss = ${found.xss}`);
        for (const frame of page.frames().slice(1)) {
          const xss = await frame
            .evaluate(() => (typeof window.__xss === "undefined" ? null : String(window.__xss)))
            .catch(() => null);
          if (xss !== null) fail(`window.__xss = ${xss} in frame ${frame.url()}`);
        }
        for (const v of found.csp) note(`CSP violation: ${v}`);
        if (!found.hasCsp) note("no Content-Security-Policy meta tag");
        for (const f of found.dom) fail(`DOM: ${f}`);
      } catch (e) {
        fail(`load error: ${e.message.split("\n")[0]}`);
      }
      results[i] = { url, failures: [...new Set(current.failures)], notes: [...new Set(current.notes)] };
      current = null;
    }
    await page.close().catch(() => {});
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, urls.length) }, worker));
  await context.close();
  return results;
}
