//! The live-reload client served only by `serve`: an external script and stylesheet
//! (the theme's Content-Security-Policy forbids inline ones), and the page served in
//! place of every page while no build of the site has succeeded yet.

/// Inserted before `</body>` of every page in serve mode.
pub const SNIPPET: &str = "<link rel=\"stylesheet\" href=\"/__partnersite/overlay.css\"><script src=\"/__partnersite/livereload.js\" defer></script>\n";

pub const JS: &str = r#"// partnersite serve: live reload and error overlay.
(function () {
  "use strict";
  // The error page (no good build yet) arrives with the overlay already in it.
  var overlay = document.getElementById("partnersite-overlay");
  var errorPage = !!document.querySelector("meta[name=partnersite-error-page]");
  var problemsSeen = false;
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
    problemsSeen = true;
    try { show(JSON.parse(e.data)); } catch (err) { /* ignore malformed events */ }
  });
  // The server sends its problems right after connecting. An error page that hears none
  // was fixed before it connected (so it missed the reload): fetch the real page.
  source.addEventListener("open", function () {
    if (!errorPage) { return; }
    problemsSeen = false;
    setTimeout(function () { if (!problemsSeen) { window.location.reload(); } }, 1000);
  });
})();
"#;

pub const CSS: &str = "#partnersite-overlay{position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;background:#1b1b1b;color:#f5f5f5;font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:1rem 1.25rem;border-top:4px solid #d23228;box-shadow:0 -4px 24px rgba(0,0,0,.4)}#partnersite-overlay.has-warnings{border-top-color:#e0a100}#partnersite-overlay h2{font-size:15px;margin:0 0 .5rem;color:#ffb4ab}#partnersite-overlay.has-warnings h2{color:#ffd479}#partnersite-overlay pre{white-space:pre-wrap;word-break:break-word;margin:0}#partnersite-overlay button{margin-top:.75rem}\n";

/// The page served at every path while the site has never built: the errors in the
/// overlay markup (readable without JavaScript), and the client, which reloads the page
/// once the site builds.
pub fn error_page(errors: &[String]) -> String {
    let mut text = String::new();
    for line in errors {
        let _ = pulldown_cmark_escape::escape_html(&mut text, line);
        text.push('\n');
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"partnersite-error-page\" content=\"\">\
         <title>Build failed: partnersite serve</title></head><body>\n\
         <div id=\"partnersite-overlay\" class=\"has-errors\" role=\"alert\">\
         <h2>Build failed: {n} problem(s). Fix the files and save; this page recovers by itself.</h2>\
         <pre>{text}</pre></div>\n{SNIPPET}</body></html>\n",
        n = errors.len()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn error_page_escapes_the_errors() {
        let page = super::error_page(&["site.toml:1:1: error: <b>&".to_string()]);
        assert!(page.contains("site.toml:1:1: error: &lt;b&gt;&amp;"));
        assert!(page.contains("1 problem(s)"));
        assert!(page.contains(super::SNIPPET));
    }
}
