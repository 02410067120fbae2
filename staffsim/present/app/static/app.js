// staffsim workshop page: designs and levers -> a stream of summaries (server-sent events) -> table, charts, week.
"use strict";
const COLOURS = ["#1f5fa8", "#d9730d", "#2e8540", "#8e44ad", "#b3261e"];
const state = { designs: {}, levers: [], slots: [], source: null, timer: null, last: null };
const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  kids.forEach((k) => e.append(k));
  return e;
};

async function api(path, body) {
  const opts = body === undefined ? {} : { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) };
  const res = await fetch(path, opts);
  if (!res.ok) {
    let info = { error: `The server answered ${res.status}.`, problems: [] };
    try { info = await res.json(); } catch (e) { /* not JSON */ }
    throw info;
  }
  return res;
}

function showProblems(info) {
  const box = $("messages");
  box.className = "";
  box.replaceChildren();
  const problems = info.problems || [];
  box.append(el("strong", { text: problems.length ? `${info.source || "Input"}: ${problems.length} problem${problems.length > 1 ? "s" : ""}` : (info.error || "Something went wrong.") }));
  if (problems.length) {
    const ul = el("ul");
    for (const p of problems) {
      const li = el("li", { text: p.text });
      if (p.hint) li.append(el("div", { class: "hint", text: p.hint }));
      ul.append(li);
    }
    box.append(ul);
  }
}
function showNote(text) { const box = $("messages"); box.className = "ok"; box.textContent = text; }
function clearMessages() { $("messages").replaceChildren(); $("messages").className = ""; }

function leverValue(slot, name) { return name in slot.levers ? slot.levers[name] : state.designs[slot.design].levers[name]; }
function isModified(slot) {
  const own = state.designs[slot.design].levers;
  return Object.entries(slot.levers).some(([k, v]) => own[k] !== v);
}
function unitText(lv, v) {
  if (lv.kind === "bool") return v ? "on" : "off";
  const n = lv.kind === "float" && lv.step < 1 ? v.toFixed(1) : Math.round(v * 10) / 10;
  if (lv.name === "supplement") return `${Number(n).toLocaleString("en-US")} a year`;
  const one = { periods: "period", teachers: "teacher", people: "person", students: "student" };
  return `${n} ${Number(n) === 1 && one[lv.unit] ? one[lv.unit] : lv.unit}`;
}

function leverControl(slot, i, lv) {
  const v = leverValue(slot, lv.name);
  const own = state.designs[slot.design].levers[lv.name];
  const id = `lever-${i}-${lv.name}`;
  const val = el("span", { class: "val", text: unitText(lv, v) });
  const box = el("div", { class: "lever" + (v !== own ? " changed" : ""), title: lv.help },
    el("div", { class: "top" }, el("label", { for: id, text: lv.label }), val));
  let input;
  if (lv.kind === "bool") {
    input = el("input", { type: "checkbox", id, "data-lever": lv.name });
    input.checked = !!v;
  } else {
    input = el("input", { type: "range", id, min: lv.low, max: lv.high, step: lv.step, value: v, "data-lever": lv.name,
      "aria-valuetext": unitText(lv, v) });
  }
  input.addEventListener("input", () => {
    const nv = lv.kind === "bool" ? input.checked : Number(input.value);
    slot.levers[lv.name] = nv;
    val.textContent = unitText(lv, nv);
    box.classList.toggle("changed", nv !== own);
    renderBadges();
    schedule();
  });
  if (lv.kind === "bool") {  // a switch: the box before its words, on one line
    box.classList.add("switch");
    box.querySelector(".top").prepend(input);
  } else {  // the range under the slider, in the lever's unit
    const n = (x) => Number(x).toLocaleString("en-US");
    box.append(input, el("div", { class: "range" }, el("span", { text: n(lv.low) }), el("span", { text: `${n(lv.high)} ${lv.unit}` })));
  }
  return box;
}

function renderDesigns() {
  const root = $("designs");
  root.replaceChildren();
  state.slots.forEach((slot, i) => {
    const card = el("div", { class: "card", "data-slot": i, style: `--c:${COLOURS[i]}` });
    const pick = el("select", { "aria-label": `Design ${i + 1}` });
    for (const name of Object.keys(state.designs)) {
      const o = el("option", { value: name, text: name });
      if (name === slot.design) o.selected = true;
      pick.append(o);
    }
    pick.addEventListener("change", () => { slot.design = pick.value; slot.levers = {}; renderDesigns(); schedule(); });
    const h = el("h3", {}, pick, el("span", { class: "badges" }));
    card.append(h);
    const own = state.designs[slot.design].levers;
    for (const lv of state.levers) if (lv.name in own) card.append(leverControl(slot, i, lv));
    const save = el("button", { type: "button", class: "save", text: "Save this design" });
    save.addEventListener("click", () => saveDesign(slot));
    const reset = el("button", { type: "button", text: "Reset levers" });
    reset.addEventListener("click", () => { slot.levers = {}; renderDesigns(); schedule(); });
    const actions = el("div", { class: "actions" }, save, reset);
    if (state.slots.length > 2) {
      const drop = el("button", { type: "button", text: "Remove" });
      drop.addEventListener("click", () => { state.slots.splice(i, 1); renderDesigns(); schedule(); });
      actions.append(drop);
    }
    card.append(actions);
    root.append(card);
  });
  renderBadges();
  renderWeekChoices();
}

function renderBadges() {
  document.querySelectorAll(".card").forEach((card) => {
    const slot = state.slots[Number(card.dataset.slot)];
    const b = card.querySelector(".badges");
    b.replaceChildren();
    if (Number(card.dataset.slot) === 0) b.append(el("span", { class: "badge base", text: "baseline" }));
    if (isModified(slot)) b.append(el("span", { class: "badge modified", text: "modified" }));
  });
}

function spec() {
  return { designs: state.slots.map((s) => ({ design: s.design, levers: s.levers })),
           replications: Number($("replications").value), seed: Number($("seed").value) };
}

function schedule() { clearTimeout(state.timer); state.timer = setTimeout(start, 200); }

async function start() {
  if (state.source) state.source.close();
  clearMessages();
  const s = spec();
  // check first (errors come back as JSON with the CLI's messages), then stream
  const url = "/api/run?spec=" + encodeURIComponent(JSON.stringify(s));
  $("progress-text").textContent = "Starting…";
  $("progress-bar").style.width = "0";
  const source = new EventSource(url);
  state.source = source;
  const t0 = performance.now();
  source.onmessage = (e) => {
    const ev = JSON.parse(e.data);
    state.last = ev;
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    $("progress-bar").style.width = `${(100 * ev.done) / ev.total}%`;
    $("progress-text").textContent = progressText(ev, secs);
    renderResults(ev);
    renderFigures(ev);
  };
  source.addEventListener("end", () => {
    source.close();
    document.body.dataset.done = String(Date.now());
    $("progress-text").textContent += " · done";
  });
  source.addEventListener("failed", (e) => { source.close(); showProblems(JSON.parse(e.data)); });
  source.onerror = async () => {
    if (source.readyState === EventSource.CLOSED || state.source !== source) return;
    source.close();
    try { await api(url); } catch (info) { showProblems(info); $("progress-text").textContent = "Not run: see the problem above."; }
  };
}

function progressText(ev, secs) {
  if (!ev.ensemble) return `${ev.done} of ${ev.total} replications (${secs} s)`;
  const seeds = Math.min(ev.done, ev.seeds_total), over = Math.max(0, ev.done - ev.seeds_total);
  return `${seeds} of ${ev.seeds_total} replications, then ${over} of ${ev.total - ev.seeds_total} over the ensemble (${secs} s)`;
}

function renderResults(ev) {
  const table = $("results");
  const head = el("tr", {}, el("th", { text: "" }));
  ev.designs.forEach((d, i) => head.append(el("th", { style: `--c:${COLOURS[i]}`, text: d })));
  const body = el("tbody");
  for (const row of ev.rows) {
    const tr = el("tr", { "data-metric": row.metric },
      el("td", { class: "metric" }, row.label, el("span", { class: "unit", text: row.unit })));
    row.cells.forEach((c, i) => {
      const td = el("td", { "data-design": i }, el("span", { class: "num", text: c.text }));
      if (c.value !== null) td.dataset.value = c.value;
      if (c.interval) td.append(el("span", { class: "ci", text: ev.ensemble ? `seeds: ${c.interval}` : c.interval }));
      if (ev.ensemble) td.append(el("span", { class: "ci ens", text: `with parameters: ${c.ens_interval || "…"}` }));
      if (c.diff) td.append(diffLine(c.diff, ""));
      if (c.ens_diff) td.append(diffLine(c.ens_diff + (c.verdict === "does not survive" ? " (the seed-only difference does not survive)" : ""), "with parameters: "));
      tr.append(td);
    });
    body.append(tr);
  }
  table.replaceChildren(el("thead", {}, head), body);
}

function diffLine(text, lead) {
  const tone = text.endsWith("(better)") ? "better" : text.endsWith("(worse)") ? "worse" : "";
  return el("span", { class: "diff " + tone + (lead ? " ens" : ""), text: lead + text });
}

const SVGNS = "http://www.w3.org/2000/svg";
function svg(tag, attrs) { const e = document.createElementNS(SVGNS, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); return e; }

function renderFigures(ev) {
  const root = $("figures");
  root.replaceChildren();
  for (const row of ev.rows) {
    const cells = row.cells.filter((c) => c.value !== null);
    if (!cells.length) continue;
    const top = Math.max(...row.cells.map((c) => Math.max(c.high ?? c.value ?? 0, c.ens_high ?? 0))) || 1;
    const longest = Math.max(...ev.designs.map((d) => d.length));
    const W = 560, bar = 34, gap = 14, left = Math.min(300, 20 + 9 * longest), H = row.cells.length * (bar + gap) + 10;
    const fig = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": row.label });
    row.cells.forEach((c, i) => {
      const y = 5 + i * (bar + gap);
      fig.append(Object.assign(svg("text", { x: left - 8, y: y + bar * 0.68, "text-anchor": "end", "font-size": 16 }), { textContent: ev.designs[i] }));
      if (c.value === null) return;
      const sx = (v) => left + ((W - left - 90) * Math.max(0, v)) / top;
      fig.append(svg("rect", { x: left, y, width: Math.max(1, sx(c.value) - left), height: bar, fill: COLOURS[i], opacity: 0.85 }));
      if (c.low !== undefined && c.low !== null) {
        fig.append(svg("line", { x1: sx(c.low), x2: sx(c.high), y1: y + bar / 2, y2: y + bar / 2, stroke: "#111", "stroke-width": 2.5 }));
      }
      if (c.ens_low !== undefined && c.ens_low !== null) {  // with parameter uncertainty: under the bar, dashed
        fig.append(svg("line", { x1: sx(c.ens_low), x2: sx(c.ens_high), y1: y + bar - 3, y2: y + bar - 3, stroke: "#6b4f00", "stroke-width": 3, "stroke-dasharray": "6 3" }));
      }
      fig.append(Object.assign(svg("text", { x: sx(c.high ?? c.value) + 8, y: y + bar * 0.68, "font-size": 17, "font-weight": 700 }), { textContent: c.text }));
    });
    root.append(el("figure", {}, el("figcaption", { text: `${row.label} (${row.unit})` }), fig));
  }
}

async function saveDesign(slot) {
  try {
    const res = await api("/api/design.yaml", { design: slot.design, levers: slot.levers });
    const name = (res.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/)?.[1] || "design.yaml";
    const blob = new Blob([await res.text()], { type: "application/x-yaml" });
    const a = el("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(a); a.click(); a.remove();
    const s = spec();
    showNote(`Saved ${name}. Check it with: staffsim validate ${name}\nSame numbers with: staffsim compare ${state.slots[0].design} ${name} -n ${s.replications} --seed ${s.seed}`);
  } catch (info) { showProblems(info); }
}

async function upload(file) {
  try {
    const res = await api("/api/upload?filename=" + encodeURIComponent(file.name), await file.text());
    const info = await res.json();
    state.designs[info.name] = { name: info.name, origin: "upload", levers: info.levers };
    if (state.slots.length < 5) state.slots.push({ design: info.name, levers: {} });
    else state.slots[state.slots.length - 1] = { design: info.name, levers: {} };
    renderDesigns();
    showNote(`${file.name} is valid and was added as "${info.name}".`);
    schedule();
  } catch (info) { showProblems(info); }
}

async function exportReport() {
  showNote("Running the comparison into a run folder and writing its report…");
  try {
    const info = await (await api("/api/report", spec())).json();
    showNote(`Report written: ${info.report}\nRun folder: ${info.run_dir}\nIts figures are below the charts.`);
    renderReportFigures(info.figures || []);
  } catch (info) { showProblems(info); }
}

function renderReportFigures(figures) {
  const root = $("report-figures");
  root.replaceChildren();
  if (!figures.length) return;
  root.append(el("h2", { text: "The report's figures (of the exported run)" }));
  const grid = el("div", { class: "grid" });
  for (const f of figures) {
    grid.append(el("figure", {}, el("figcaption", { text: f.title }), el("img", { src: f.src, alt: f.title }),
      el("p", { class: "note", text: f.caption || "" })));
  }
  root.append(grid);
}

function renderWeekChoices() {
  const sel = $("week-design");
  const keep = sel.value;
  sel.replaceChildren(...state.slots.map((s, i) => el("option", { value: i, text: s.design + (isModified(s) ? " (modified)" : "") })));
  if (keep && Number(keep) < state.slots.length) sel.value = keep;
  drawWeek(true);
}

async function drawWeek(newDesign) {
  const slot = state.slots[Number($("week-design").value || 0)];
  if (!slot) return;
  const role = newDesign ? "" : $("week-role").value;
  try {
    const info = await (await api("/api/timetable", { design: slot.design, levers: slot.levers, role })).json();
    if (newDesign) {
      $("week-role").replaceChildren(el("option", { value: "", text: "every role" }), ...info.roles.map((r) => el("option", { value: r, text: r.replace(/_/g, " ") })));
    }
    $("week-figure").innerHTML = info.svg;
  } catch (info) { $("week-figure").textContent = info.error || "The week could not be drawn."; }
}

async function init() {
  const info = await (await api("/api/designs")).json();
  state.levers = info.levers;
  if (info.ensemble) {
    const e = info.ensemble;
    $("interval-note").textContent = `Two intervals per number: "seeds" is the 95 % interval of the simulation's own variation; ` +
      `"with parameters" also carries the uncertainty of ${e.size} calibrated parameter sets (${e.path}, fitted to ${e.scenario}): ` +
      "every replication runs again with a parameter set drawn from them, so it fills in after the seed-only numbers.";
  }
  for (const d of info.designs) state.designs[d.name] = d;
  const names = info.designs.map((d) => d.name);
  const pick = ["traditional", "team-based", "pilot-4plus1"].filter((n) => names.includes(n));
  const chosen = info.designs.filter((d) => d.origin !== "shipped").map((d) => d.name);
  state.slots = (chosen.length ? [...chosen, ...pick].slice(0, Math.max(2, chosen.length)) : pick).slice(0, 5).map((d) => ({ design: d, levers: {} }));
  if (state.slots.length < 2) state.slots = names.slice(0, 2).map((d) => ({ design: d, levers: {} }));
  $("add-design").addEventListener("click", () => {
    if (state.slots.length >= 5) return showNote("At most five designs at once.");
    state.slots.push({ design: names[0], levers: {} }); renderDesigns(); schedule();
  });
  $("upload").addEventListener("change", (e) => { if (e.target.files[0]) upload(e.target.files[0]); e.target.value = ""; });
  $("export").addEventListener("click", exportReport);
  $("replications").addEventListener("change", schedule);
  $("seed").addEventListener("change", schedule);
  $("week-design").addEventListener("change", () => drawWeek(true));
  $("week-role").addEventListener("change", () => drawWeek(false));
  renderDesigns();
  start();
}
init();
