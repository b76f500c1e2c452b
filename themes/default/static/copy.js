// Copy buttons for the badge embed snippets of a partner profile (issue 12).
//
// Each element with `data-copy` (the snippet's textarea) gets a "Copy" button after its
// label; a click puts the snippet's text on the clipboard and announces "Copied" in the
// page's status region (`[data-copy-status]`, `role="status"`). Without JavaScript there
// is no button and the snippets stay selectable text. No inline script: CSP script-src 'self'.
(function () {
  "use strict";

  const status = document.querySelector("[data-copy-status]");
  let clear = 0;

  function announce(message) {
    if (!status) return;
    // Emptied first, so that a second copy of the same snippet is announced again.
    status.textContent = "";
    window.clearTimeout(clear);
    window.setTimeout(function () {
      status.textContent = message;
    }, 50);
    clear = window.setTimeout(function () {
      status.textContent = "";
    }, 5000);
  }

  // The older way, for browsers without the async clipboard (or pages not served over a
  // secure origin): select the text and ask the document to copy it.
  function legacyCopy(field) {
    field.focus();
    field.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    return ok;
  }

  function copy(field, button) {
    const text = field.value !== undefined ? field.value : field.textContent;
    const done = function () {
      announce("Copied");
      button.focus();
    };
    const failed = function () {
      if (legacyCopy(field)) {
        done();
      } else {
        announce("Copy failed: the snippet is selected, press Ctrl+C or Cmd+C to copy it");
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  }

  document.querySelectorAll("[data-copy]").forEach(function (field) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    const what = document.createElement("span");
    what.className = "visually-hidden";
    what.textContent = " " + field.getAttribute("data-copy");
    button.appendChild(what);
    button.addEventListener("click", function () {
      copy(field, button);
    });
    const row = field.previousElementSibling;
    if (row && row.classList.contains("snippet-head")) {
      row.appendChild(button);
    } else {
      field.insertAdjacentElement("beforebegin", button);
    }
  });
})();
