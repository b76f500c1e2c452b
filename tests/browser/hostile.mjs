// Hostile-page harness (issue 6): load every URL listed in a file (one a line; blank
// lines and lines starting with # ignored) in headless Chromium and fail when injected
// content ran: a dialog opened, `window.__xss` got defined, a popup opened, the page
// navigated by itself, or the DOM holds event handlers / javascript: URLs / inline
// scripts / frames (DOM checks; `--no-dom-checks` turns them off).
//
//   node tests/browser/hostile.mjs [--no-dom-checks] [--json REPORT] <url-list-file>
//
// Exit status: 0 all pages clean, 1 some page failed, 2 usage error, 3 no Chromium.
// Output: one line per page (`ok`/`FAIL`), the reasons indented, CSP violations and
// console errors as notes (recorded, not failures), then a summary line.

import { readFileSync, writeFileSync } from "node:fs";
import { checkHostile, launch } from "./lib.mjs";

const args = process.argv.slice(2);
let domChecks = true;
let jsonOut = null;
let listFile = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--no-dom-checks") domChecks = false;
  else if (args[i] === "--json") jsonOut = args[++i];
  else if (!listFile) listFile = args[i];
  else {
    console.error(`unexpected argument ${args[i]}`);
    process.exit(2);
  }
}
if (!listFile) {
  console.error("usage: node hostile.mjs [--no-dom-checks] [--json REPORT] <url-list-file>");
  process.exit(2);
}
const urls = readFileSync(listFile, "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"));
if (!urls.length) {
  console.error(`no URL in ${listFile}`);
  process.exit(2);
}

const started = Date.now();
const browser = await launch();
let results;
try {
  results = await checkHostile(browser, urls, { domChecks });
} finally {
  await browser.close();
}

let failed = 0;
let noted = 0;
for (const r of results) {
  if (r.failures.length) failed++;
  if (r.notes.length) noted++;
  console.log(`${r.failures.length ? "FAIL" : "ok  "} ${r.url}`);
  for (const f of r.failures) console.log(`       ${f}`);
  for (const n of r.notes) console.log(`       note: ${n}`);
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
const secs = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `\nhostile: ${results.length} page(s), ${failed} failed, ${noted} with notes, in ${secs} s`,
);
process.exit(failed ? 1 : 0);
