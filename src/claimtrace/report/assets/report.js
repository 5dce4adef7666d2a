/* claimtrace report: navigation, filters and layer toggles. No network, no eval. */
(function () {
  "use strict";
  var $ = function (s, r) { return (r || document).querySelector(s); };
  var $$ = function (s, r) { return Array.prototype.slice.call((r || document).querySelectorAll(s)); };

  function reveal(id, scroll) {
    if (!id) { return; }
    var el = document.getElementById(id);
    if (!el) { return; }
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") { p.open = true; }
    }
    var target = el.classList.contains("anc") ? el.nextElementSibling || el : el;
    if (scroll) { target.scrollIntoView({ block: "center" }); }
    target.classList.add("flash");
    window.setTimeout(function () { target.classList.remove("flash"); }, 1800);
  }
  function fromHash() {
    try { return decodeURIComponent(window.location.hash.slice(1)); } catch (e) { return ""; }
  }
  window.addEventListener("hashchange", function () { reveal(fromHash(), true); });
  if (window.location.hash) { reveal(fromHash(), true); }

  $$("input[data-layer]").forEach(function (cb) {
    cb.addEventListener("change", function () {
      document.body.classList.toggle("hide-" + cb.getAttribute("data-layer"), !cb.checked);
    });
  });

  $$("button.legend-item[data-chart]").forEach(function (b) {
    b.addEventListener("click", function () {
      b.classList.toggle("off");
      var off = b.classList.contains("off");
      var svg = document.getElementById(b.getAttribute("data-chart"));
      if (!svg) { return; }
      $$("circle.tl-dot", svg).forEach(function (c) {
        if (c.getAttribute("data-stance") === b.getAttribute("data-stance")) { c.classList.toggle("hidden", off); }
      });
    });
  });

  var q = $("#doc-filter"), outlet = $("#outlet-filter"), stance = $("#stance-filter"), count = $("#doc-count");
  function applyFilter() {
    var text = (q && q.value || "").trim().toLowerCase();
    var o = outlet ? outlet.value : "", s = stance ? stance.value : "", n = 0;
    $$("#doc-table tbody tr").forEach(function (tr) {
      var ok = (!text || (tr.getAttribute("data-q") || "").indexOf(text) >= 0) &&
        (!o || tr.getAttribute("data-outlet") === o) &&
        (!s || (" " + (tr.getAttribute("data-stance") || "") + " ").indexOf(" " + s + " ") >= 0);
      tr.hidden = !ok;
      if (ok) { n += 1; }
    });
    if (count) { count.textContent = String(n); }
  }
  [q, outlet, stance].forEach(function (el) { if (el) { el.addEventListener("input", applyFilter); } });

  var expand = $("#expand-all");
  if (expand) {
    expand.addEventListener("click", function () {
      var docs = $$("#doc-sections details.doc");
      var open = docs.some(function (d) { return !d.open; });
      docs.forEach(function (d) { d.open = open; });
      expand.textContent = open ? "Collapse all" : "Expand all";
    });
  }

  var links = $$("nav.side a[href^='#']");
  if ("IntersectionObserver" in window) {
    var obs = new IntersectionObserver(function (entries) {
      entries.forEach(function (en) {
        if (!en.isIntersecting) { return; }
        links.forEach(function (a) { a.classList.toggle("active", a.getAttribute("href") === "#" + en.target.id); });
      });
    }, { rootMargin: "-10% 0px -80% 0px" });
    $$("main > section[id]").forEach(function (s) { obs.observe(s); });
  }
})();
