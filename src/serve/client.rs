//! The live-reload client served only by `serve`: an external script and stylesheet
//! (the theme's Content-Security-Policy forbids inline ones).

/// Inserted before `</body>` of every page in serve mode.
pub const SNIPPET: &str = "<link rel=\"stylesheet\" href=\"/__partnersite/overlay.css\"><script src=\"/__partnersite/livereload.js\" defer></script>\n";

pub const JS: &str = r#"// partnersite serve: live reload and error overlay.
(function () {
  "use strict";
  var overlay = null;
  function show(problems) {
    var errors = problems.errors || [], warnings = problems.warnings || [];
    if (!errors.length && !warnings.length) { hide(); return; }
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "partnersite-overlay";
      overlay.setAttribute("role", "alert");
      document.body.appendChild(overlay);
    }
    overlay.className = errors.length ? "has-errors" : "has-warnings";
    overlay.textContent = "";
    var h = document.createElement("h2");
    h.textContent = errors.length ? "Build failed: " + errors.length + " problem(s). Fix the files and save; this page recovers by itself."
                                  : warnings.length + " warning(s)";
    overlay.appendChild(h);
    var pre = document.createElement("pre");
    pre.textContent = errors.concat(warnings).join("\n");
    overlay.appendChild(pre);
    if (!errors.length) {
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "Dismiss";
      close.addEventListener("click", hide);
      overlay.appendChild(close);
    }
  }
  function hide() { if (overlay) { overlay.remove(); overlay = null; } }
  var source = new EventSource("/__partnersite/events");
  source.addEventListener("reload", function () { window.location.reload(); });
  source.addEventListener("problems", function (e) {
    try { show(JSON.parse(e.data)); } catch (err) { /* ignore malformed events */ }
  });
})();
"#;

pub const CSS: &str = "#partnersite-overlay{position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;background:#1b1b1b;color:#f5f5f5;font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:1rem 1.25rem;border-top:4px solid #d23228;box-shadow:0 -4px 24px rgba(0,0,0,.4)}#partnersite-overlay.has-warnings{border-top-color:#e0a100}#partnersite-overlay h2{font-size:15px;margin:0 0 .5rem;color:#ffb4ab}#partnersite-overlay.has-warnings h2{color:#ffd479}#partnersite-overlay pre{white-space:pre-wrap;word-break:break-word;margin:0}#partnersite-overlay button{margin-top:.75rem}\n";
