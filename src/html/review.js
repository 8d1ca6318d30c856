"use strict";
// The mtlint review page. Article text is only ever inserted as text nodes (never as markup).
(function () {
  const data = JSON.parse(document.getElementById("mtlint-data").textContent);
  const CATEGORIES = ["duplicate", "repetition", "typography", "boilerplate", "fake_bio", "calque",
    "false_friend", "literal_idiom", "grammar", "name", "terminology", "untranslated", "oddity"];
  // Every category has its own underline style as well as its colour: never colour alone.
  const STYLE = { duplicate: "double", repetition: "wavy", typography: "dotted", boilerplate: "dashed",
    fake_bio: "double", calque: "solid", false_friend: "wavy", literal_idiom: "dashed", grammar: "dotted",
    name: "solid", terminology: "dashed", untranslated: "double", oddity: "dotted" };
  const SEVERITIES = ["minor", "major", "critical"];
  const label = (c) => c.replace(/_/g, " ");

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "style") e.style.cssText = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return e;
  }

  // Filter state, kept in the URL hash: #cat=a,b&sev=major,critical&conf=0.5
  const state = { cats: new Set(CATEGORIES), sevs: new Set(SEVERITIES), conf: 0, selected: -1 };
  function readHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    if (params.has("cat")) state.cats = new Set(params.get("cat").split(",").filter((c) => CATEGORIES.includes(c)));
    if (params.has("sev")) state.sevs = new Set(params.get("sev").split(",").filter((s) => SEVERITIES.includes(s)));
    if (params.has("conf")) state.conf = Math.min(1, Math.max(0, parseFloat(params.get("conf")) || 0));
    if (params.has("f")) state.selected = parseInt(params.get("f"), 10);
  }
  function writeHash() {
    const parts = [];
    if (state.cats.size !== CATEGORIES.length) parts.push("cat=" + [...state.cats].join(","));
    if (state.sevs.size !== SEVERITIES.length) parts.push("sev=" + [...state.sevs].join(","));
    if (state.conf > 0) parts.push("conf=" + state.conf);
    if (current >= 0) parts.push("f=" + current);
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
  }

  const marks = []; // every highlight, in document order
  const counts = {};
  for (const a of data.articles) for (const f of a.findings) counts[f.category] = (counts[f.category] || 0) + 1;

  // Header
  const t = data.totals;
  const header = el("header", {},
    el("h1", {}, "mtlint review"),
    el("span", { class: "totals" },
      `${t.articles} article${t.articles === 1 ? "" : "s"} · ${t.findings} finding${t.findings === 1 ? "" : "s"} ` +
      `(${t.critical} critical, ${t.major} major, ${t.minor} minor)` +
      (data.shown < t.articles ? ` · showing the ${data.shown} highest-scoring articles; all are in summary.csv` : "")),
    el("span", { class: "help", id: "help" },
      el("kbd", {}, "j"), " / ", el("kbd", {}, "k"), " next / previous finding · ",
      el("kbd", {}, "Enter"), " details · ", el("kbd", {}, "Esc"), " clear"));

  // Sidebar: legend and filters, then the ranking
  const side = el("aside", { class: "side", "aria-label": "Filters and articles" });
  const legend = el("fieldset", { class: "legend" }, el("legend", { class: "sr" }));
  legend.firstChild.remove();
  side.append(el("h2", {}, "Categories"));
  for (const c of CATEGORIES) {
    if (!counts[c]) continue;
    const box = el("input", { type: "checkbox", "data-cat": c });
    box.checked = state.cats.has(c);
    box.addEventListener("change", () => { box.checked ? state.cats.add(c) : state.cats.delete(c); apply(); });
    legend.append(el("label", {}, box,
      el("span", { class: `swatch hl s-${STYLE[c]}`, style: `--c: var(--c-${c})`, "aria-hidden": "true" }, "abc"),
      label(c), el("span", { class: "count" }, counts[c])));
  }
  if (!Object.keys(counts).length) legend.append(el("p", { class: "status" }, "No findings."));
  side.append(legend);
  side.append(el("h2", {}, "Severity"));
  const sev = el("fieldset", { class: "sev" });
  for (const s of SEVERITIES) {
    const box = el("input", { type: "checkbox", "data-sev": s });
    box.checked = state.sevs.has(s);
    box.addEventListener("change", () => { box.checked ? state.sevs.add(s) : state.sevs.delete(s); apply(); });
    sev.append(el("label", {}, box, " " + s));
  }
  side.append(sev);
  side.append(el("h2", {}, "Minimum confidence"));
  const confOut = el("output", { id: "conf-value" });
  const conf = el("input", { type: "range", min: "0", max: "1", step: "0.05", id: "conf", "aria-label": "Minimum confidence" });
  conf.addEventListener("input", () => { state.conf = parseFloat(conf.value); apply(); });
  side.append(el("div", { class: "conf" }, conf, confOut));
  const status = el("p", { class: "status", id: "status", "aria-live": "polite" });
  side.append(status);

  side.append(el("h2", {}, "Articles by score"));
  const ranking = el("ol", { class: "ranking" });
  const maxScore = Math.max(1, ...data.articles.map((a) => a.score));
  data.articles.forEach((a, i) => {
    const width = Math.max(2, Math.round((100 * a.score) / maxScore));
    ranking.append(el("li", {}, el("a", { href: "#", "data-article": String(i), title: a.title || a.id },
      el("span", { class: "name" }, a.title || a.id),
      el("span", { class: "score" }, a.score.toFixed(1)),
      el("span", { class: "bar", "aria-hidden": "true" }, el("span", { class: a.verdict, style: `width: ${width}%` })))));
  });
  ranking.addEventListener("click", (ev) => {
    const link = ev.target.closest("a[data-article]");
    if (!link) return;
    ev.preventDefault();
    const doc = document.getElementById("article-" + link.dataset.article);
    doc.scrollIntoView({ block: "start" });
    const first = doc.querySelector("mark.hl:not(.off)");
    if (first) select(marks.indexOf(first), false);
  });
  side.append(ranking);
  if (data.boilerplate.length) {
    side.append(el("h2", {}, "Discovered boilerplate"));
    const list = el("ol", { class: "boiler" });
    for (const b of data.boilerplate) list.append(el("li", {}, `${b.site} (${b.count} of ${b.site_articles}): `, el("q", {}, b.text)));
    side.append(list);
  }

  // Articles
  const main = el("main", { id: "main" });
  data.articles.forEach((a, i) => {
    const doc = el("article", { class: "doc", id: "article-" + i, "aria-labelledby": "title-" + i });
    doc.append(el("h2", { id: "title-" + i }, a.title || a.id));
    const meta = el("div", { class: "meta" },
      el("span", { class: "verdict " + a.verdict }, a.verdict),
      el("span", {}, `score ${a.score.toFixed(1)} per 1,000 words`),
      el("span", {}, `${a.words} words`),
      el("span", {}, `${a.critical} critical · ${a.major} major · ${a.minor} minor`),
      a.source_language ? el("span", {}, "source " + a.source_language) : null,
      el("span", {}, a.path));
    if (a.url && /^https?:\/\//i.test(a.url)) meta.append(el("a", { href: a.url, rel: "noreferrer noopener", target: "_blank" }, a.url));
    doc.append(meta);
    const text = el("div", { class: "text" });
    render(text, a, a.text, 0, a.text.length, a.findings.map((f, j) => ({ f, j, s: f.s, e: f.e })));
    doc.append(text);
    if (a.hidden) doc.append(el("p", { class: "note" }, `The text is cut here; ${a.hidden} more finding(s) are in ${a.id}.csv.`));
    main.append(doc);
  });
  if (!data.articles.length) main.append(el("p", { class: "note" }, "No articles."));

  // Highlights: each finding is one <mark>; a finding inside another nests in it, and one that
  // overlaps another's end is clipped there, so every finding keeps exactly one highlight.
  function render(parent, article, text, from, to, items) {
    items.sort((x, y) => x.s - y.s || y.e - x.e);
    let cursor = from;
    let i = 0;
    while (i < items.length) {
      const it = items[i];
      const s = Math.max(it.s, cursor);
      const e = Math.max(s, Math.min(it.e, to));
      if (s > cursor) appendText(parent, text.slice(cursor, s));
      const inner = [];
      let j = i + 1;
      while (j < items.length && items[j].s < e) {
        inner.push({ f: items[j].f, j: items[j].j, s: Math.max(items[j].s, s), e: Math.min(items[j].e, e) });
        j++;
      }
      const f = it.f;
      const mark = el("mark", {
        class: `hl ${f.severity} s-${STYLE[f.category] || "solid"}`,
        style: `--c: var(--c-${f.category})`,
        tabindex: "0", role: "button",
        "data-category": f.category, "data-severity": f.severity, "data-confidence": String(f.confidence),
        "aria-label": `${label(f.category)}, ${f.severity}: ${f.span}`,
        title: `${label(f.category)} · ${f.severity} · ${f.rule}`,
      });
      mark.finding = f;
      marks.push(mark);
      render(mark, article, text, s, e, inner);
      parent.append(mark);
      cursor = Math.max(cursor, e);
      i = j;
    }
    if (cursor < to) appendText(parent, text.slice(cursor, to));
  }
  // Line breaks become paragraph gaps (a run of them, one gap); the text itself stays text.
  function appendText(parent, s) {
    const parts = s.split(/\n+/);
    parts.forEach((part, i) => {
      if (i > 0) parent.append(el("span", { class: "br", "aria-hidden": "true" }));
      if (part) parent.append(part);
    });
  }
  // Document order (nested highlights were pushed after their parent: already in order).

  // Detail panel
  const detail = el("aside", { class: "detail", "aria-label": "Finding details", "aria-live": "polite" });
  const empty = el("p", { class: "empty" }, "Select a highlight (click, or Tab to it and press Enter), or press j to go to the first finding.");
  detail.append(el("h2", {}, "Finding"), empty);
  function show(mark) {
    const f = mark.finding;
    const rule = data.rules[f.rule] || {};
    detail.replaceChildren(el("h2", {}, "Finding"));
    const dl = el("dl", { style: `--c: var(--c-${f.category})` },
      el("dt", {}, "Text"), el("dd", { class: "span" }, f.span),
      el("dt", {}, "Category"), el("dd", {}, `${label(f.category)} · ${f.severity}`),
      el("dt", {}, "Rule"), el("dd", { class: "rule" }, f.rule),
      rule.summary ? el("dt", {}, "Rule summary") : null, rule.summary ? el("dd", {}, rule.summary) : null,
      el("dt", {}, "Why"), el("dd", {}, f.explanation),
      f.suggestion ? el("dt", {}, "Suggestion") : null, f.suggestion ? el("dd", {}, f.suggestion) : null,
      rule.phrase ? el("dt", {}, "Source phrase") : null,
      rule.phrase ? el("dd", {}, el("i", {}, rule.phrase), rule.lang ? ` (${rule.lang})` : "", rule.meaning ? `: ${rule.meaning}` : "") : null,
      el("dt", {}, "Confidence"),
      el("dd", {}, el("span", { class: "conf-bar", "aria-hidden": "true" }, el("span", { style: `width: ${Math.round(f.confidence * 100)}%` })), f.confidence.toFixed(2)),
      el("dt", {}, "Position"), el("dd", {}, `line ${f.line}, column ${f.column}`));
    detail.append(dl);
  }

  let current = -1;
  function select(i, focus) {
    if (current >= 0 && marks[current]) marks[current].classList.remove("current");
    current = i;
    if (i < 0) { detail.replaceChildren(el("h2", {}, "Finding"), empty); writeHash(); return; }
    const m = marks[i];
    m.classList.add("current");
    show(m);
    if (focus !== false) { m.focus({ preventScroll: true }); m.scrollIntoView({ block: "center" }); }
    writeHash();
  }
  function step(dir) {
    const n = marks.length;
    for (let k = 1; k <= n; k++) {
      const i = (((current < 0 ? (dir > 0 ? -1 : 0) : current) + dir * k) % n + n) % n;
      if (!marks[i].classList.contains("off")) { select(i); return; }
    }
  }
  main.addEventListener("click", (ev) => {
    const m = ev.target.closest("mark.hl");
    if (!m || m.classList.contains("off")) return;
    ev.stopPropagation();
    select(marks.indexOf(m), false);
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const tag = (ev.target.tagName || "").toLowerCase();
    if (ev.key === "Enter" && ev.target.matches && ev.target.matches("mark.hl:not(.off)")) {
      ev.preventDefault(); select(marks.indexOf(ev.target), false); return;
    }
    if (tag === "input") return;
    if (ev.key === "j" || ev.key === "n") { ev.preventDefault(); step(1); }
    else if (ev.key === "k" || ev.key === "p") { ev.preventDefault(); step(-1); }
    else if (ev.key === "Escape") select(-1);
  });

  function apply() {
    let hidden = 0;
    for (const m of marks) {
      const f = m.finding;
      const off = !state.cats.has(f.category) || !state.sevs.has(f.severity) || f.confidence < state.conf;
      m.classList.toggle("off", off);
      m.tabIndex = off ? -1 : 0;
      if (off) hidden++;
    }
    conf.value = String(state.conf);
    confOut.textContent = state.conf.toFixed(2);
    status.textContent = hidden ? `${marks.length - hidden} of ${marks.length} findings shown` : `${marks.length} findings shown`;
    document.documentElement.dataset.hidden = String(hidden);
    if (current >= 0 && marks[current].classList.contains("off")) select(-1);
    writeHash();
  }

  readHash();
  document.body.append(header, side, main, detail);
  for (const box of legend.querySelectorAll("input")) box.checked = state.cats.has(box.dataset.cat);
  for (const box of sev.querySelectorAll("input")) box.checked = state.sevs.has(box.dataset.sev);
  apply();
  if (state.selected >= 0 && state.selected < marks.length && !marks[state.selected].classList.contains("off")) select(state.selected);
  document.documentElement.dataset.highlights = String(marks.length);
  document.documentElement.dataset.ready = "1";
})();
