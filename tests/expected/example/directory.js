/* Partner directory filters.
 *
 * Progressive enhancement: without JavaScript the home page lists every partner and
 * links to static value pages. With it, this script loads partners.json (URL in the
 * script tag's data-index attribute), shows the filter form and filters the cards in
 * place. Works under a strict CSP: no inline styles or handlers, only the `hidden`
 * attribute and attributes are toggled.
 */
(function () {
  "use strict";

  var script =
    document.currentScript || document.querySelector("script[data-index]");
  var form = document.getElementById("filters");
  var list = document.getElementById("cards");
  var count = document.getElementById("count");
  if (!script || !form || !list || !count || !window.fetch) return;

  var indexUrl = script.getAttribute("data-index");
  if (!indexUrl) return;

  var MULTI = { regions: true, services: true, languages: true };
  var search = document.getElementById("f-q");
  var selects = Array.prototype.slice.call(
    form.querySelectorAll("select[data-facet]")
  );
  var cards = Array.prototype.slice.call(
    list.querySelectorAll("li.card[data-slug]")
  );

  var marks;
  try {
    marks = new RegExp("\\p{M}", "gu");
  } catch (e) {
    marks = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  }

  /** Lower case, accents and other combining marks removed, spaces collapsed. */
  function fold(s) {
    return String(s || "")
      .normalize("NFD")
      .replace(marks, "")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }

  function plural(n) {
    return n === 1 ? "partner" : "partners";
  }

  var bySlug = Object.create(null);

  /** Current filter state read from the form: {q, facets: {key: id}}. */
  function readState() {
    var facets = {};
    selects.forEach(function (sel) {
      if (sel.value) facets[sel.getAttribute("data-facet")] = sel.value;
    });
    return { q: search ? search.value : "", facets: facets };
  }

  function matches(p, state, words) {
    if (!p) return words.length === 0 && Object.keys(state.facets).length === 0;
    for (var key in state.facets) {
      var want = state.facets[key];
      var have = p[key];
      if (MULTI[key] || Array.isArray(have)) {
        if (!Array.isArray(have) || have.indexOf(want) === -1) return false;
      } else if (have !== want) {
        return false;
      }
    }
    for (var i = 0; i < words.length; i++) {
      if (p._text.indexOf(words[i]) === -1) return false;
    }
    return true;
  }

  function apply() {
    var state = readState();
    var q = fold(state.q);
    var words = q ? q.split(" ") : [];
    var shown = 0;
    cards.forEach(function (li) {
      var ok = matches(bySlug[li.getAttribute("data-slug")], state, words);
      li.hidden = !ok;
      if (ok) shown++;
    });
    var total = cards.length;
    var filtered = words.length > 0 || Object.keys(state.facets).length > 0;
    var text = filtered
      ? shown + " of " + total + " " + plural(total)
      : total + " " + plural(total);
    if (filtered && shown === 0) {
      text += " \u2014 no partner matches these filters. Try removing one.";
    }
    if (count.textContent !== text) count.textContent = text;
    list.classList.toggle("is-empty", shown === 0);
    writeUrl(state);
  }

  function writeUrl(state) {
    if (!window.history || !history.replaceState || !window.URLSearchParams) return;
    var params = new URLSearchParams();
    if (state.q.trim()) params.set("q", state.q.trim());
    selects.forEach(function (sel) {
      var key = sel.getAttribute("data-facet");
      if (state.facets[key]) params.set(key, state.facets[key]);
    });
    var qs = params.toString();
    var url = location.pathname + (qs ? "?" + qs : "") + location.hash;
    if (url !== location.pathname + location.search + location.hash) {
      history.replaceState(history.state, "", url);
    }
  }

  function readUrl() {
    if (!window.URLSearchParams) return;
    var params = new URLSearchParams(location.search);
    if (search && params.has("q")) search.value = params.get("q");
    selects.forEach(function (sel) {
      var v = params.get(sel.getAttribute("data-facet"));
      if (v === null) return;
      for (var i = 0; i < sel.options.length; i++) {
        if (sel.options[i].value === v) {
          sel.value = v;
          return;
        }
      }
    });
  }

  function setup(data) {
    var partners = (data && data.partners) || [];
    partners.forEach(function (p) {
      if (!p || typeof p.slug !== "string") return;
      p._text = fold((p.name || "") + " " + (p.summary || ""));
      bySlug[p.slug] = p;
    });

    readUrl();
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      apply();
    });
    form.addEventListener("reset", function (e) {
      e.preventDefault();
      if (search) search.value = "";
      selects.forEach(function (sel) {
        sel.value = "";
      });
      apply();
      if (search) search.focus();
    });
    form.hidden = false;
    document.documentElement.classList.add("js-filters");
    apply();
  }

  fetch(indexUrl, { credentials: "same-origin" })
    .then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    })
    .then(setup)
    .catch(function () {
      /* Keep the no-JavaScript page: all cards and the value-page links. */
    });
})();
