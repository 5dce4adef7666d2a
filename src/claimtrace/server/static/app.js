/* claimtrace dashboard: a small hash-routed page over the JSON API (/api/...).
 *
 * Safety rule: data from the API is only ever put into the page as text (textContent,
 * text nodes, SVG <title> text) or as encoded URL parts; innerHTML is never used.
 * Offsets from the API are Python string indices (code points), so texts are sliced as
 * arrays of code points, never as UTF-16 strings.
 */
"use strict";

const STANCES = ["AMPLIFIES", "ATTRIBUTES", "CONTESTS", "DEBUNKS"];
const STANCE_HELP = {
  AMPLIFIES: "asserts the claim in its own voice",
  ATTRIBUTES: "reports the claim, attributed to its source",
  CONTESTS: "reports a denial or challenge",
  DEBUNKS: "says the claim is false",
};
const PAGE = 25;
const SVGNS = "http://www.w3.org/2000/svg";

/* ---------- helpers ---------- */

/** Create an element; string children become text nodes, null/false children are skipped. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "style") el.style.cssText = String(v); // CSSOM: allowed by the page's CSP
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const enc = encodeURIComponent;
const docLink = (id, label) => h("a", { href: `#/documents/${enc(id)}` }, label || id);
const narrativeLink = (id, label) => h("a", { href: `#/narratives/${enc(id)}` }, label || id);
const entityLink = (id, label) => h("a", { href: `#/entities/${enc(id)}` }, label || id);
const badge = (text, cls) => h("span", { class: `badge ${cls || ""}`, title: STANCE_HELP[text] || null }, text);
const fmt = (n) => (typeof n === "number" ? n.toLocaleString("en") : "–");

/** A link to an outside source only when it is an http(s) URL; otherwise plain text. */
function sourceLink(source) {
  try {
    const u = new URL(source);
    if (u.protocol === "http:" || u.protocol === "https:") {
      return h("a", { href: u.href, rel: "noopener noreferrer nofollow", target: "_blank" }, source);
    }
  } catch (_) { /* not a URL: a file path */ }
  return h("span", {}, source);
}

/** The request options with the access token (asked for once when the server wants one). */
function withToken(options) {
  const token = sessionStorage.getItem("claimtrace-token");
  const headers = Object.assign({}, (options && options.headers) || {});
  if (token) headers.Authorization = `Bearer ${token}`;
  return Object.assign({}, options || {}, { headers });
}

async function api(path, options) {
  let res = await fetch(path, withToken(options));
  if (res.status === 401) {
    const token = window.prompt("This server needs an access token (from 'claimtrace users add'):");
    if (token && token.trim()) {
      sessionStorage.setItem("claimtrace-token", token.trim());
      res = await fetch(path, withToken(options));
    }
  }
  let body = null;
  try { body = await res.json(); } catch (_) { body = null; }
  if (!res.ok) {
    const message = (body && body.error) || `${res.status} ${res.statusText}`;
    const err = new Error(message);
    err.status = res.status;
    throw err;
  }
  return body;
}

function showError(message) {
  const box = document.getElementById("error");
  box.textContent = message || "";
  box.hidden = !message;
}

function render(...nodes) {
  const view = document.getElementById("view");
  view.replaceChildren(...nodes.flat().filter(Boolean));
}

function table(headers, rows, numeric) {
  const num = new Set(numeric || []);
  return h("table", {},
    h("thead", {}, h("tr", {}, headers.map((t, i) => h("th", { class: num.has(i) ? "num" : null }, t)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c, i) => h("td", { class: num.has(i) ? "num" : null }, c))))));
}

function pager(data, go) {
  const from = data.total ? data.offset + 1 : 0;
  const to = Math.min(data.offset + data.limit, data.total);
  return h("div", { class: "pager" },
    h("button", { class: "secondary", disabled: data.offset === 0, onclick: () => go(Math.max(0, data.offset - data.limit)) }, "‹ Previous"),
    h("span", { class: "muted" }, `${fmt(from)}–${fmt(to)} of ${fmt(data.total)}`),
    h("button", { class: "secondary", disabled: data.next_offset === null, onclick: () => go(data.next_offset) }, "Next ›"));
}

function stanceBar(counts) {
  const total = STANCES.reduce((s, k) => s + (counts[k] || 0), 0);
  const bar = h("div", { class: "stancebar", title: STANCES.map((k) => `${k}: ${counts[k] || 0}`).join(", ") });
  if (total) for (const k of STANCES) if (counts[k]) bar.append(h("span", { class: k, style: `width:${(100 * counts[k]) / total}%` }));
  return bar;
}

function legend() {
  return h("div", { class: "legend" }, STANCES.map((k) =>
    h("span", { title: STANCE_HELP[k] }, h("span", { class: "sw", style: `background:var(--${k.slice(0, 3).toLowerCase()})` }), k)));
}

/** Split ``text`` at span edges; each piece carries the classes/titles of the spans covering it. */
function highlight(text, spans) {
  const cps = Array.from(text);
  const cuts = new Set([0, cps.length]);
  const clean = spans
    .map((s) => ({ ...s, start: Math.max(0, Math.min(cps.length, s.start)), end: Math.max(0, Math.min(cps.length, s.end)) }))
    .filter((s) => s.end > s.start);
  for (const s of clean) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const out = h("div", { class: "doctext" });
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    const piece = cps.slice(a, b).join("");
    const on = clean.filter((s) => s.start <= a && s.end >= b);
    if (!on.length) { out.append(document.createTextNode(piece)); continue; }
    const attrs = { class: on.map((s) => s.cls).join(" "), title: on.map((s) => s.title).filter(Boolean).join(" · ") || null };
    const claim = on.find((s) => s.claim);
    if (claim) attrs["data-claim"] = claim.claim;
    out.append(h("span", attrs, piece));
  }
  return out;
}

/* ---------- the timeline (SVG) ---------- */

function dayNumber(date) {
  const t = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(t) ? null : t / 86400000;
}

function timeline(items) {
  const dated = items.filter((t) => t.date && dayNumber(t.date) !== null);
  if (!dated.length) return h("p", { class: "muted" }, "No dated documents.");
  const outlets = [...new Set(dated.map((t) => t.outlet || "(unknown outlet)"))];
  const days = dated.map((t) => dayNumber(t.date));
  let lo = Math.min(...days), hi = Math.max(...days);
  if (hi - lo < 2) { lo -= 1; hi += 1; }
  const left = 170, right = 30, top = 24, lane = 28, width = 900;
  const height = top + lane * outlets.length + 30;
  const x = (d) => left + ((d - lo) / (hi - lo)) * (width - left - right);
  const root = svg("svg", { class: "timeline", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Timeline of the narrative by outlet" });
  outlets.forEach((o, i) => {
    const y = top + lane * i + lane / 2;
    root.append(svg("line", { class: "lane", x1: left, x2: width - right, y1: y, y2: y }));
    const name = o.length > 24 ? `${o.slice(0, 23)}…` : o;
    root.append(svg("text", { x: left - 8, y: y + 4, "text-anchor": "end" }, name));
  });
  const axisY = top + lane * outlets.length + 14;
  const ticks = 5;
  for (let i = 0; i <= ticks; i++) {
    const d = lo + ((hi - lo) * i) / ticks;
    const label = new Date(d * 86400000).toISOString().slice(0, 10);
    const anchor = i === 0 ? "start" : i === ticks ? "end" : "middle";
    root.append(svg("text", { x: x(d), y: axisY, "text-anchor": anchor }, label));
  }
  const seen = new Map();
  for (const t of dated) {
    const laneIdx = outlets.indexOf(t.outlet || "(unknown outlet)");
    const key = `${laneIdx}:${t.date}`;
    const nth = seen.get(key) || 0;
    seen.set(key, nth + 1);
    const cx = x(dayNumber(t.date)) + nth * 7;
    const cy = top + lane * laneIdx + lane / 2;
    const dot = svg("circle", {
      class: `tl-dot ${t.stance || "none"}`, cx, cy, r: 7, tabindex: 0,
      onclick: () => { location.hash = `#/documents/${enc(t.doc)}`; },
      onkeydown: (e) => { if (e.key === "Enter") location.hash = `#/documents/${enc(t.doc)}`; },
    });
    dot.append(svg("title", {}, `${t.date} · ${t.outlet || "?"} · ${t.stance || "no stance"}\n${t.title || t.doc}`));
    root.append(dot);
  }
  return root;
}

/* ---------- views ---------- */

async function overview() {
  const [stats, narratives] = await Promise.all([api("/api/stats"), api(`/api/narratives?limit=10`)]);
  const c = stats.counts;
  const range = stats.date_range.first ? `${stats.date_range.first} – ${stats.date_range.last}` : "no dates";
  const card = (n, label, href) => h(href ? "a" : "div", { class: "card", href }, h("div", { class: "n" }, fmt(n)), h("div", { class: "label" }, label));
  render(
    h("h1", {}, "Overview"),
    h("div", { class: "cards", id: "cards" },
      card(c.documents, "documents", "#/documents"), card(c.outlets, "outlets"),
      card(c.claims, "claims"), card(c.entities, "entities", "#/entities"),
      card(c.reuse, "reused passages"), card(c.stories, "stories"),
      card(c.narratives, "narratives", "#/narratives"), card(c.ratings, "rated narratives")),
    h("p", { class: "muted small" }, `Published ${range}.`),
    h("div", { class: "grid2" },
      h("div", {}, h("h2", {}, "Narratives"), narrativeTable(narratives.items),
        narratives.total > narratives.items.length ? h("p", {}, h("a", { href: "#/narratives" }, `All ${fmt(narratives.total)} narratives ›`)) : null),
      h("div", {}, h("h2", {}, "Outlets"),
        table(["Outlet", "Documents"], stats.outlets.slice(0, 15).map((o) =>
          [h("a", { href: `#/documents?outlet=${enc(o.name)}` }, o.name), fmt(o.documents)]), [1]))),
    h("h2", {}, "Match a claim"), matchBox());
}

function narrativeTable(items) {
  if (!items.length) return h("p", { class: "muted" }, "No narratives yet: run 'claimtrace analyze'.");
  return h("table", { id: "narratives" },
    h("thead", {}, h("tr", {}, ["Narrative", "Docs", "Outlets", "Seen", "Stances", "Rating"].map((t, i) => h("th", { class: i === 1 || i === 2 ? "num" : null }, t)))),
    h("tbody", {}, items.map((n) => h("tr", { class: "narrative-row" },
      h("td", {}, narrativeLink(n.id, n.label)),
      h("td", { class: "num" }, fmt(n.documents)),
      h("td", { class: "num" }, fmt(n.outlets)),
      h("td", { class: "small" }, n.first_seen === n.last_seen ? n.first_seen || "" : `${n.first_seen || "?"} – ${n.last_seen || "?"}`),
      h("td", {}, stanceBar(n.stances)),
      h("td", {}, n.rating ? badge(n.rating.rating, "rating") : "")))));
}

async function narrativesList(params) {
  const offset = Number(params.get("offset") || 0);
  const q = params.get("q") || "";
  const data = await api(`/api/narratives?limit=${PAGE}&offset=${offset}&q=${enc(q)}`);
  const input = h("input", { type: "search", value: q, placeholder: "Filter by label", "aria-label": "Filter narratives" });
  const go = (off, query) => { location.hash = `#/narratives?q=${enc(query ?? q)}&offset=${off}`; };
  render(
    h("h1", {}, "Narratives"),
    h("form", { class: "filters", onsubmit: (e) => { e.preventDefault(); go(0, input.value); } }, input, h("button", { type: "submit" }, "Filter")),
    narrativeTable(data.items), pager(data, (off) => go(off)));
}

async function narrativeView(id) {
  const [n, vocab] = await Promise.all([api(`/api/narratives/${enc(id)}`), api("/api/ratings")]);
  const choices = h("datalist", { id: "ct-ratings" }, vocab.ratings.map((r) => h("option", { value: r })));
  const rating = h("input", { name: "rating", list: "ct-ratings", placeholder: `Rating (${vocab.ratings.join(", ")})`, required: true, value: n.rating ? n.rating.rating : "" });
  const note = h("input", { name: "note", placeholder: "Note (optional)" });
  const status = h("span", { class: "muted small" });
  const form = h("form", { class: "rating-form", onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api(`/api/narratives/${enc(id)}/rating`, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ rating: rating.value, note: note.value || null }),
      });
      status.textContent = "Saved.";
      narrativeView(id).catch(fail);
    } catch (err) { status.textContent = err.message; }
  } }, rating, choices, note, h("button", { type: "submit" }, "Rate"), status);
  const current = n.rating
    ? h("p", {}, "Current rating: ", badge(n.rating.rating, "rating"), n.rating.note ? ` “${n.rating.note}”` : "", h("span", { class: "muted small" }, ` ${n.rating.created_at || ""}`))
    : h("p", { class: "muted" }, "Not rated yet.");
  const mutationRows = n.mutations.map((m) => [m.slot, String(m.previous ?? "–"), String(m.text ?? m.value ?? ""), docLink(m.doc, m.title || m.doc), m.outlet || "", m.date || ""]);
  const carrierRows = (n.carried_by || []).map((c) => [c.speaker ? (c.entity ? entityLink(c.entity, c.speaker) : c.speaker) : c.outlet, c.speaker ? "speaker" : "outlet", docLink(c.doc, c.title || c.doc), c.date || ""]);
  const outletRows = n.stances_by_outlet.map((o) => [o.outlet, ...STANCES.map((k) => (o.counts[k] ? fmt(o.counts[k]) : "")), stanceBar(o.counts)]);
  const stanceRows = n.stances.map((s) => [badge(s.stance, s.stance), docLink(s.doc, s.title || s.doc), s.outlet || "", s.published || "",
    (s.evidence || []).map((e) => e.text).filter(Boolean).join(" · ")]);
  render(
    h("p", { class: "small" }, h("a", { href: "#/narratives" }, "‹ Narratives")),
    h("h1", {}, n.label),
    h("div", { class: "meta" }, h("span", {}, `${fmt(n.documents.length)} documents`), h("span", {}, `${fmt(n.outlets)} outlets`),
      h("span", {}, `${n.first_seen || "?"} – ${n.last_seen || "?"}`), h("span", {}, `id ${n.id}`)),
    h("div", { class: "panel" }, current, form),
    h("h2", {}, "Timeline"), legend(), h("div", { class: "panel", id: "timeline" }, timeline(n.timeline)),
    h("h2", {}, "Mutations"),
    mutationRows.length ? table(["Slot", "Before", "After", "Document", "Outlet", "Date"], mutationRows) : h("p", { class: "muted" }, "No detail changed."),
    h("h2", {}, "Carried by"),
    carrierRows.length ? h("details", {}, h("summary", {}, `Speakers and outlets repeating it (${carrierRows.length})`), table(["Who", "As", "Document", "Date"], carrierRows)) : h("p", { class: "muted" }, "No speaker or outlet recorded."),
    h("h2", {}, "Stances per outlet"),
    outletRows.length ? table(["Outlet", ...STANCES, ""], outletRows, [1, 2, 3, 4]) : h("p", { class: "muted" }, "No stances."),
    stanceRows.length ? h("details", {}, h("summary", {}, `Every stance (${stanceRows.length})`), table(["Stance", "Document", "Outlet", "Date", "Evidence"], stanceRows)) : null,
    h("h2", {}, `Claims (${n.claim_list.length})`), claimList(n.claim_list),
    n.entity_list.length ? h("p", {}, "Entities: ", n.entity_list.map((e, i) => [i ? ", " : "", entityLink(e.id, e.name)])) : null);
}

function claimList(claims) {
  if (!claims.length) return h("p", { class: "muted" }, "No claims.");
  return h("ul", { class: "plain" }, claims.map((c) => h("li", { class: "hit" },
    h("span", { class: "text" }, badge(c.kind, "kind"), `“${c.content}”`),
    h("span", { class: "snippet" },
      c.speaker && c.speaker.text ? (c.speaker.entity ? entityLink(c.speaker.entity, c.speaker.text) : c.speaker.text) : "unattributed",
      c.cue ? ` (${c.cue})` : "", " — ", docLink(c.doc, c.title || c.doc), c.outlet ? `, ${c.outlet}` : "", c.published ? `, ${c.published}` : ""))));
}

async function documentsList(params) {
  const offset = Number(params.get("offset") || 0);
  const f = { q: params.get("q") || "", outlet: params.get("outlet") || "", from: params.get("from") || "", to: params.get("to") || "" };
  const query = Object.entries(f).filter(([, v]) => v).map(([k, v]) => `${k}=${enc(v)}`).join("&");
  const [data, stats] = await Promise.all([api(`/api/documents?limit=${PAGE}&offset=${offset}&${query}`), api("/api/stats")]);
  const q = h("input", { type: "search", value: f.q, placeholder: "Words in title or text", "aria-label": "Full-text filter" });
  const outlet = h("select", { "aria-label": "Outlet" }, h("option", { value: "" }, "All outlets"),
    stats.outlets.map((o) => h("option", { value: o.name, selected: o.name === f.outlet }, o.name)));
  const from = h("input", { type: "date", value: f.from, "aria-label": "From date" });
  const to = h("input", { type: "date", value: f.to, "aria-label": "To date" });
  const go = (off) => {
    const p = new URLSearchParams();
    for (const [k, el] of [["q", q], ["outlet", outlet], ["from", from], ["to", to]]) if (el.value) p.set(k, el.value);
    p.set("offset", off);
    location.hash = `#/documents?${p}`;
  };
  render(
    h("h1", {}, "Documents"),
    h("form", { class: "filters", onsubmit: (e) => { e.preventDefault(); go(0); } }, q, outlet, from, to, h("button", { type: "submit" }, "Filter")),
    table(["Title", "Outlet", "Published", "Claims"], data.items.map((d) => [
      h("span", {}, docLink(d.id, d.title || d.source), d.snippet ? h("span", { class: "snippet muted small" }, " ", marked(d.snippet)) : null),
      d.outlet || "", d.published || "", fmt(d.claims)]), [3]),
    pager(data, go));
}

async function documentView(id, params) {
  const d = await api(`/api/documents/${enc(id)}`);
  const doc = d.document;
  const focus = params.get("claim");
  const spans = [
    ...d.mentions.map((m) => ({ start: m.start, end: m.end, cls: `ent ${m.type}`, title: `${m.type}: ${m.name}` })),
    ...d.claims.map((c) => ({ start: c.content_span[0], end: c.content_span[1], cls: c.id === focus ? "claim focus" : "claim", claim: c.id,
      title: `claim (${c.kind})${c.speaker.text ? ` by ${c.speaker.text}` : ""}` })),
    ...d.reuse.map((r) => ({ start: r.start, end: r.end, cls: "reuse", title: `${r.kind} reuse with ${r.other.outlet || r.other.doc}` })),
  ];
  const reuseRows = d.reuse.map((r) => [badge(r.kind, "kind"), docLink(r.other.doc, r.other.title || r.other.doc), r.other.outlet || "",
    r.source ? (r.source === doc.id ? "this document" : docLink(r.source, "the other")) : "unknown", r.score.toFixed(2)]);
  render(
    h("p", { class: "small" }, h("a", { href: "#/documents" }, "‹ Documents")),
    h("h1", { id: "doc-title" }, doc.title || "(untitled)"),
    h("div", { class: "meta" }, doc.outlet ? h("span", {}, doc.outlet) : null, doc.published ? h("span", {}, doc.published) : null,
      doc.author ? h("span", {}, doc.author) : null, h("span", {}, sourceLink(doc.source))),
    h("div", { class: "legend" }, h("span", {}, h("span", { class: "sw claim" }), "claim"), h("span", {}, h("span", { class: "sw PERSON" }), "person"),
      h("span", {}, h("span", { class: "sw ORG" }), "organisation"), h("span", {}, h("span", { class: "sw LOC" }), "place"),
      h("span", {}, h("span", { class: "sw reuse" }), "reused passage")),
    h("div", { class: "panel", id: "doc-text" }, highlight(doc.text, spans)),
    d.narratives.length ? h("p", {}, "Narratives: ", d.narratives.map((n, i) => [i ? ", " : "", narrativeLink(n.id, n.label)])) : null,
    d.stances.length ? h("p", {}, "Stance: ", d.stances.map((s) => [badge(s.stance, s.stance), " on ", narrativeLink(s.narrative, s.label), " "])) : null,
    h("h2", {}, `Claims (${d.claims.length})`), claimList(d.claims),
    h("h2", {}, `Reused passages (${d.reuse.length})`),
    reuseRows.length ? table(["Kind", "Other document", "Outlet", "Origin", "Score"], reuseRows, [4]) : h("p", { class: "muted" }, "None found."));
  if (focus) {
    const el = [...document.querySelectorAll("[data-claim]")].find((x) => x.dataset.claim === focus);
    if (el) el.scrollIntoView({ block: "center" });
  }
}

async function entitiesList(params) {
  const offset = Number(params.get("offset") || 0);
  const type = params.get("type") || "";
  const data = await api(`/api/entities?limit=${PAGE}&offset=${offset}${type ? `&type=${enc(type)}` : ""}`);
  const sel = h("select", { "aria-label": "Type", onchange: () => { location.hash = `#/entities?type=${enc(sel.value)}`; } },
    ["", "PERSON", "ORG", "GPE", "LOC", "NORP", "OTHER"].map((t) => h("option", { value: t, selected: t === type }, t || "All types")));
  render(h("h1", {}, "Entities"), h("div", { class: "filters" }, sel),
    table(["Name", "Type", "Aliases", "Mentions", "Documents"], data.items.map((e) => [entityLink(e.id, e.name), e.type, e.aliases.join(", "), fmt(e.mentions), fmt(e.documents)]), [3, 4]),
    pager(data, (off) => { location.hash = `#/entities?type=${enc(type)}&offset=${off}`; }));
}

async function entityView(id) {
  const e = await api(`/api/entities/${enc(id)}`);
  render(
    h("p", { class: "small" }, h("a", { href: "#/entities" }, "‹ Entities")),
    h("h1", {}, e.name), h("div", { class: "meta" }, h("span", {}, e.type), h("span", {}, `${fmt(e.mentions)} mentions`), h("span", {}, `${fmt(e.documents)} documents`),
      e.aliases.length ? h("span", {}, `also: ${e.aliases.join(", ")}`) : null),
    e.narratives.length ? h("p", {}, "Narratives: ", e.narratives.map((n, i) => [i ? ", " : "", narrativeLink(n.id, n.label)])) : null,
    h("h2", {}, `Claims made (${e.claims.length})`), claimList(e.claims),
    h("h2", {}, "Mentions"),
    table(["Document", "Outlet", "Published", "As written"], e.mention_list.slice(0, 200).map((m) => [docLink(m.doc, m.title || m.doc), m.outlet || "", m.published || "", m.text])));
}

/** A full-text snippet with its [matched words] as <mark> elements (text only). */
function marked(snippet) {
  return snippet.split(/\[([^\[\]]*)\]/).map((part, i) => (i % 2 ? h("mark", {}, part) : part));
}

function hitList(items) {
  if (!items.length) return h("p", { class: "muted" }, "Nothing found.");
  return h("ul", { class: "plain", id: "search-results" }, items.map((x) => h("li", { class: "hit" },
    h("span", { class: "text" }, badge(x.kind, "kind"),
      x.kind === "claim" ? h("a", { href: `#/documents/${enc(x.doc)}?claim=${enc(x.id)}` }, `“${x.text}”`) : docLink(x.doc, x.title || x.text || x.doc)),
    h("span", { class: "snippet" }, x.kind === "document" ? marked(x.snippet || "") : x.snippet || ""),
    h("span", { class: "snippet" }, [x.speaker, x.outlet, x.published].filter(Boolean).join(" · "),
      x.narrative ? [" · narrative: ", narrativeLink(x.narrative.id, x.narrative.label)] : null,
      ` · matched by ${(x.matched_by || []).join(" + ")}`))));
}

async function searchView(params) {
  const q = params.get("q") || "";
  document.getElementById("search-q").value = q;
  if (!q.trim()) { render(h("h1", {}, "Search"), h("p", { class: "muted" }, "Type words or a sentence in the search box.")); return; }
  render(h("h1", {}, "Search"), h("p", { class: "muted" }, "Searching…"));
  const data = await api(`/api/search?q=${enc(q)}&limit=30`);
  render(h("h1", {}, `Search: ${q}`),
    h("p", { class: "muted small" }, data.mode === "hybrid" ? "Full text and meaning, fused by rank." : data.note || "Full text only."),
    hitList(data.items));
}

function matchBox() {
  const text = h("textarea", { id: "match-text", placeholder: "Paste a claim, e.g. “The plant dumped waste into the lake”", "aria-label": "Claim to match" });
  const out = h("div", { id: "match-results" });
  const button = h("button", { type: "submit" }, "Find known claims");
  const form = h("form", { class: "panel", onsubmit: async (e) => {
    e.preventDefault();
    if (!text.value.trim()) return;
    button.disabled = true;
    out.replaceChildren(h("p", { class: "muted" }, "Matching…"));
    try {
      const data = await api("/api/match", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text: text.value, k: 5 }) });
      out.replaceChildren(matchResults(data.items));
    } catch (err) {
      out.replaceChildren(h("p", { class: "error" }, err.message));
    } finally { button.disabled = false; }
  } }, text, h("p", {}, button), out);
  return form;
}

function matchResults(items) {
  if (!items.length) return h("p", { class: "muted" }, "No known claim to compare with.");
  return h("ul", { class: "plain" }, items.map((m) => {
    const c = m.claim, ev = m.evidence || {};
    const differ = (ev.numbers_only_in_query || []).length || (ev.numbers_only_in_match || []).length;
    return h("li", { class: "hit" },
      h("span", { class: "text" }, h("strong", {}, m.score.toFixed(2)), " ", h("a", { href: `#/documents/${enc(c.doc)}?claim=${enc(c.id)}` }, `“${c.text}”`)),
      h("span", { class: "snippet" }, [c.speaker, c.outlet, c.published].filter(Boolean).join(" · "),
        m.narrative ? [" · narrative: ", narrativeLink(m.narrative.id, m.narrative.label)] : null),
      (m.fact_checks || []).map((f) => h("span", { class: "snippet" }, "fact-check: ", badge(f.rating || "?", "rating"),
        f.publisher || f.author || "analyst", f.note ? ` — ${f.note}` : "")),
      (ev.shared_names || []).length || (ev.shared_numbers || []).length
        ? h("span", { class: "snippet" }, `shared: ${[...(ev.shared_names || []), ...(ev.shared_numbers || [])].join(", ")}`) : null,
      differ ? h("span", { class: "snippet" }, `numbers differ: known ${(ev.numbers_only_in_match || []).join(", ") || "–"}; yours ${(ev.numbers_only_in_query || []).join(", ") || "–"}`) : null);
  }));
}

/* ---------- routing ---------- */

function fail(err) {
  showError(err && err.message ? err.message : String(err));
  if (err && err.status === 404) render(h("h1", {}, "Not found"), h("p", {}, h("a", { href: "#/" }, "Back to the overview")));
}

async function route() {
  showError("");
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, query] = raw.split("?");
  const params = new URLSearchParams(query || "");
  const parts = path.split("/").filter(Boolean).map((p) => decodeURIComponent(p));
  const section = parts[0] || "overview";
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.nav === section);
  try {
    if (section === "overview") await overview();
    else if (section === "narratives") await (parts[1] ? narrativeView(parts[1]) : narrativesList(params));
    else if (section === "documents") await (parts[1] ? documentView(parts[1], params) : documentsList(params));
    else if (section === "entities") await (parts[1] ? entityView(parts[1]) : entitiesList(params));
    else if (section === "search") await searchView(params);
    else if (section === "match") render(h("h1", {}, "Match a claim"), h("p", { class: "muted" }, "The known claims nearest in meaning, with their narrative and any fact-check."), matchBox());
    else render(h("h1", {}, "Not found"), h("p", {}, h("a", { href: "#/" }, "Back to the overview")));
  } catch (err) { fail(err); }
  document.body.dataset.ready = section;
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = document.getElementById("search-q").value.trim();
    if (q) location.hash = `#/search?q=${enc(q)}`;
  });
  api("/api").then((info) => { document.getElementById("db-name").textContent = `database: ${info.db}`; }).catch(() => {});
  window.addEventListener("hashchange", route);
  route();
});
