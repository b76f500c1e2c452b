/* Partner directory filters.
 *
 * Progressive enhancement: without JavaScript the home page lists every partner and
 * links to static value pages. With it, this script loads partners.json (URL in the
 * script tag's data-index attribute), shows the filter form and filters the cards in
 * place. Works under a strict CSP: no inline styles or handlers, only the `hidden`
 * attribute, classes and attributes are toggled.
 *
 * Facets are multi-select: values of one facet are OR-ed ("any of"), facets are AND-ed.
 * Each value shows how many partners it would give with the other active filters (its
 * own facet's choices left out), and a value that would give none is disabled. "Serves
 * country" keeps the partners serving a region that holds the country
 * (`region_countries` in partners.json). Search matches every word of the query against
 * the partner's prebuilt `search` text plus the labels of its services, languages,
 * headquarters, regions and served countries, accents and case ignored. The state lives
 * in the URL query (`?services=a&services=b&serves=fr&q=..&sort=newest`).
 */
(function () {
  "use strict";

  var script =
    document.currentScript || document.querySelector("script[data-index]");
  var form = document.getElementById("filters");
  var list = document.getElementById("cards");
  var count = document.getElementById("count");
  if (!script || !form || !list || !count || !window.fetch || !window.Map) return;

  var indexUrl = script.getAttribute("data-index");
  if (!indexUrl) return;

  var $ = function (id) {
    return document.getElementById(id);
  };
  var search = $("f-q");
  var sortSel = $("f-sort");
  var serves = $("f-serves");
  var toggle = $("filters-toggle");
  var empty = $("dir-empty");
  var dropLast = null; /* the empty state's buttons, made by emptyButtons() */
  var boxes = Array.prototype.slice.call(
    form.querySelectorAll("input[type=checkbox][data-facet]")
  );
  var cards = Array.prototype.slice.call(
    list.querySelectorAll("li.card[data-slug]")
  );
  var rank = new Map();
  cards.forEach(function (li, i) {
    rank.set(li, i);
  });
  /* Facet keys in form order; "serves" is the country select. */
  var keys = [];
  boxes.forEach(function (b) {
    var k = b.getAttribute("data-facet");
    if (keys.indexOf(k) === -1) keys.push(k);
  });
  if (serves) keys.push("serves");

  var marks, other;
  try {
    marks = new RegExp("\\p{M}", "gu");
    other = new RegExp("[^\\p{L}\\p{N}]+", "gu");
  } catch (e) {
    marks = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
    other = /[\s!-\/:-@\[-`{-~\u00a0-\u00bf\u2000-\u206f]+/g;
  }
  /* Latin letters that do not decompose, as partners.json's `search` spells them. */
  var LATIN = {
    "\u00df": "ss", "\u00e6": "ae", "\u00f8": "o", "\u0153": "oe", "\u0142": "l",
    "\u0111": "d", "\u00f0": "d", "\u00fe": "th", "\u0131": "i", "\u0127": "h",
    "\u014b": "ng",
  };

  /** Lower case, accents removed, anything but letters and digits one space. */
  function fold(s) {
    return String(s || "")
      .normalize("NFD")
      .replace(marks, "")
      .toLowerCase()
      .replace(/[\u00df\u00e6\u00f8\u0153\u0142\u0111\u00f0\u00fe\u0131\u0127\u014b]/g, function (c) {
        return LATIN[c];
      })
      .replace(other, " ")
      .trim();
  }

  function plural(n) {
    return n === 1 ? "partner" : "partners";
  }

  var bySlug = Object.create(null);
  var labels = Object.create(null); /* facet key -> id -> label */
  var facetNames = Object.create(null); /* facet key -> the label shown */
  var order = []; /* active filters, oldest first: "q", "serves" or "key=id" */

  /** Current filter state: {q, words, sort, facets: {key: [ids]}}. */
  function readState() {
    var facets = {};
    boxes.forEach(function (b) {
      if (!b.checked) return;
      var k = b.getAttribute("data-facet");
      (facets[k] = facets[k] || []).push(b.value);
    });
    if (serves && serves.value) facets.serves = [serves.value];
    var q = fold(search ? search.value : "");
    return {
      q: search ? search.value : "",
      words: q ? q.split(" ") : [],
      sort: sortSel ? sortSel.value : "",
      facets: facets,
    };
  }

  function hasAny(values, wanted) {
    for (var i = 0; i < values.length; i++) {
      if (wanted.indexOf(values[i]) !== -1) return true;
    }
    return false;
  }

  function textOk(p, words) {
    for (var i = 0; i < words.length; i++) {
      if (p._text.indexOf(words[i]) === -1) return false;
    }
    return true;
  }

  /** The facet keys whose filter the partner fails (stops counting after two). */
  function failing(p, state) {
    var out = [];
    for (var k in state.facets) {
      if (!hasAny(p._v[k] || [], state.facets[k])) {
        out.push(k);
        if (out.length > 1) break;
      }
    }
    return out;
  }

  /**
   * Which cards match, and for every facet value the number of partners it would give
   * with the other facets' filters (and the search) kept.
   */
  function evaluate(state) {
    var counts = {};
    keys.forEach(function (k) {
      counts[k] = Object.create(null);
    });
    var matched = Object.create(null);
    var bump = function (p, k) {
      (p._v[k] || []).forEach(function (v) {
        counts[k][v] = (counts[k][v] || 0) + 1;
      });
    };
    for (var slug in bySlug) {
      var p = bySlug[slug];
      if (!textOk(p, state.words)) continue;
      var fails = failing(p, state);
      if (fails.length === 0) {
        matched[slug] = true;
        keys.forEach(function (k) {
          bump(p, k);
        });
      } else if (fails.length === 1) {
        bump(p, fails[0]);
      }
    }
    return { matched: matched, counts: counts };
  }

  function showCounts(counts) {
    boxes.forEach(function (b) {
      var n = counts[b.getAttribute("data-facet")][b.value] || 0;
      var span = b.parentNode.querySelector(".term-count");
      if (span && span.textContent !== String(n)) span.textContent = String(n);
      b.disabled = n === 0 && !b.checked;
      b.parentNode.classList.toggle("is-zero", n === 0);
    });
    if (!serves) return;
    Array.prototype.forEach.call(serves.options, function (o) {
      if (!o.value) return;
      var n = counts.serves[o.value] || 0;
      var text = labels.serves[o.value] + " (" + n + ")";
      if (o.textContent !== text) o.textContent = text;
      o.disabled = n === 0 && !o.selected;
    });
  }

  function sortKey(p, sort) {
    if (sort === "newest") return p.joined ? -Date.parse(p.joined) : Infinity;
    if (sort === "case-studies") return -(p.case_studies || 0);
    return 0;
  }

  /** Reorder the cards; the build's order (by name) breaks ties. */
  function sortCards(sort) {
    var sorted = cards.slice().sort(function (a, b) {
      var pa = bySlug[a.getAttribute("data-slug")];
      var pb = bySlug[b.getAttribute("data-slug")];
      var d = pa && pb ? sortKey(pa, sort) - sortKey(pb, sort) : 0;
      return d || rank.get(a) - rank.get(b);
    });
    var now = list.querySelectorAll("li.card[data-slug]");
    for (var i = 0; i < sorted.length; i++) {
      if (now[i] !== sorted[i]) {
        sorted.forEach(function (li) {
          list.appendChild(li);
        });
        return;
      }
    }
  }

  /** Keep `order` in step with the form: drop what is off, add what is new at the end. */
  function trackOrder(state) {
    var active = [];
    if (state.words.length) active.push("q");
    for (var k in state.facets) {
      state.facets[k].forEach(function (id) {
        active.push(k === "serves" ? "serves" : k + "=" + id);
      });
    }
    order = order.filter(function (t) {
      return active.indexOf(t) !== -1;
    });
    active.forEach(function (t) {
      if (order.indexOf(t) === -1) order.push(t);
    });
  }

  /** How a filter token reads on the "remove" button. */
  function describe(token) {
    if (token === "q") return "the search \u201c" + search.value.trim() + "\u201d";
    if (token === "serves") return "Serves country: " + labels.serves[serves.value];
    var i = token.indexOf("=");
    var k = token.slice(0, i);
    return facetNames[k] + ": " + (labels[k][token.slice(i + 1)] || token.slice(i + 1));
  }

  function removeFilter(token) {
    if (token === "q") search.value = "";
    else if (token === "serves") serves.value = "";
    else {
      boxes.forEach(function (b) {
        if (b.getAttribute("data-facet") + "=" + b.value === token) b.checked = false;
      });
    }
  }

  function showEmpty(shown) {
    var last = order[order.length - 1];
    empty.hidden = shown > 0 || !last;
    if (empty.hidden) return;
    var text = "Remove " + describe(last);
    if (dropLast.textContent !== text) dropLast.textContent = text;
    dropLast.setAttribute("data-token", last);
  }

  function apply() {
    var state = readState();
    trackOrder(state);
    var result = evaluate(state);
    var shown = 0;
    cards.forEach(function (li) {
      var ok = !!result.matched[li.getAttribute("data-slug")];
      li.hidden = !ok;
      if (ok) shown++;
    });
    showCounts(result.counts);
    sortCards(state.sort);
    var total = cards.length;
    var text = order.length
      ? shown + " of " + total + " " + plural(total)
      : total + " " + plural(total);
    if (order.length && shown === 0) text += " \u2014 no partner matches these filters.";
    if (count.textContent !== text) count.textContent = text;
    list.classList.toggle("is-empty", shown === 0);
    if (empty && dropLast) showEmpty(shown);
    var badge = $("filters-active");
    var n = order.filter(function (t) {
      return t !== "q";
    }).length;
    if (badge) badge.textContent = n ? " (" + n + ")" : "";
    writeUrl(state);
  }

  function writeUrl(state) {
    if (!window.history || !history.replaceState || !window.URLSearchParams) return;
    var params = new URLSearchParams();
    if (state.q.trim()) params.set("q", state.q.trim());
    keys.forEach(function (k) {
      (state.facets[k] || []).forEach(function (id) {
        params.append(k, id);
      });
    });
    if (state.sort) params.set("sort", state.sort);
    var qs = params.toString();
    var url = location.pathname + (qs ? "?" + qs : "") + location.hash;
    if (url !== location.pathname + location.search + location.hash) {
      history.replaceState(history.state, "", url);
    }
  }

  /** Set the form from the URL query; the query's order is the filters' order. */
  function readUrl() {
    if (!window.URLSearchParams) return;
    var params = new URLSearchParams(location.search);
    params.forEach(function (v, k) {
      if (k === "q" && search) search.value = v;
      else if (k === "sort" && sortSel) setSelect(sortSel, v);
      else if (k === "serves" && serves) setSelect(serves, v);
      else {
        boxes.forEach(function (b) {
          if (b.getAttribute("data-facet") === k && b.value === v) b.checked = true;
        });
      }
      var token = k === "q" || k === "serves" ? k : k + "=" + v;
      if (k !== "sort" && order.indexOf(token) === -1) order.push(token);
    });
  }

  function setSelect(sel, v) {
    for (var i = 0; i < sel.options.length; i++) {
      if (sel.options[i].value === v) {
        sel.value = v;
        return;
      }
    }
  }

  /** Read labels and names from partners.json and the form; build each partner's text. */
  function index(data) {
    var vocab = (data && data.vocabularies) || {};
    var regions = (data && data.region_countries) || {};
    for (var k in vocab) {
      labels[k] = Object.create(null);
      (vocab[k] || []).forEach(function (t) {
        labels[k][t[0]] = t[1];
      });
    }
    labels.serves = labels.serves || Object.create(null);
    Array.prototype.forEach.call(form.querySelectorAll("details.facet"), function (d) {
      var box = d.querySelector("input[data-facet]");
      var sum = d.querySelector("summary");
      if (box && sum) facetNames[box.getAttribute("data-facet")] = sum.textContent.trim();
    });
    ((data && data.partners) || []).forEach(function (p) {
      if (!p || typeof p.slug !== "string") return;
      p._v = {};
      var words = [p.search || fold(p.name + " " + (p.summary || ""))];
      keys.forEach(function (k) {
        if (k === "serves") return;
        var v = p[k];
        p._v[k] = Array.isArray(v) ? v : v ? [v] : [];
        p._v[k].forEach(function (id) {
          words.push((labels[k] && labels[k][id]) || id);
        });
      });
      var served = {};
      (p._v.regions || []).forEach(function (r) {
        (regions[r] || []).forEach(function (cc) {
          if (served[cc]) return;
          served[cc] = true;
          words.push(labels.serves[cc] || cc);
        });
      });
      p._v.serves = Object.keys(served);
      p._text = " " + fold(words.join(" ")) + " ";
      bySlug[p.slug] = p;
    });
  }

  /** The empty state's "Remove …" and "Clear all filters" buttons (script-only, like the form). */
  function emptyButtons() {
    var box = $("dir-empty-actions");
    if (!box) return;
    var make = function (id, cls, text) {
      var b = document.createElement("button");
      b.type = "button";
      b.id = id;
      b.className = cls;
      b.textContent = text;
      box.appendChild(b);
      return b;
    };
    dropLast = make("drop-last", "button", "");
    make("clear-all", "button secondary", "Clear all filters");
  }

  function wire() {
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      apply();
    });
    var clear = function (e) {
      if (e) e.preventDefault();
      if (search) search.value = "";
      if (serves) serves.value = "";
      boxes.forEach(function (b) {
        b.checked = false;
      });
      apply();
    };
    form.addEventListener("reset", function (e) {
      clear(e);
      if (search) search.focus();
    });
    var clearAll = $("clear-all");
    if (clearAll) {
      clearAll.addEventListener("click", function () {
        clear();
        count.focus();
      });
    }
    if (dropLast) {
      dropLast.addEventListener("click", function () {
        removeFilter(dropLast.getAttribute("data-token"));
        apply();
        count.focus();
      });
    }
    if (toggle) {
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        form.classList.toggle("is-open", open);
      });
    }
  }

  function setup(data) {
    index(data);
    emptyButtons();
    readUrl();
    wire();
    /* At phone width, the facet groups start closed unless one of their values is on. */
    if (window.matchMedia && window.matchMedia("(max-width: 47.99rem)").matches) {
      Array.prototype.forEach.call(form.querySelectorAll("details.facet"), function (d) {
        if (!d.querySelector("input:checked")) d.open = false;
      });
    }
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
