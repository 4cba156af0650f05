// The dashboard: reads the emulator's admin API (same origin) and redraws; polls, so new journal
// entries and job progress appear without a reload. No framework, no build step.
"use strict";

const POLL_MS = 1000;
const seenEntries = new Set();
let lastSeq = 0;

async function api(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const answer = await fetch("/__admin" + path, options);
  const data = await answer.json().catch(() => ({}));
  if (!answer.ok) throw new Error(data.error || answer.statusText);
  return data;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
  return node;
}

function short(value) {
  // A record without this column (records of one table need not share every field) shows empty.
  if (value === undefined) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 60 ? text.slice(0, 57) + "…" : text;
}

function pretty(value) {
  if (value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

async function loadInfo() {
  const info = await api("GET", "/");
  document.getElementById("provider").textContent = info.provider;
  document.title = "mockservers · " + info.provider;
  document.getElementById("credentials").textContent = JSON.stringify(info.credentials, null, 2);
  const auth = await api("GET", "/ui/auth").catch((e) => ({ headers: [], error: e.message }));
  document.getElementById("auth-header").textContent = auth.headers.length ? auth.headers.join("\n") : "(" + auth.error + ")";
}

async function refreshClock() {
  const clock = await api("GET", "/clock");
  document.getElementById("clock-now").textContent = clock.now;
  document.getElementById("clock-frozen").textContent = clock.frozen ? "(frozen)" : "(running)";
}

async function refreshJobs() {
  const { jobs } = await api("GET", "/jobs");
  const body = document.querySelector("#jobs tbody");
  body.replaceChildren(...jobs.map((job) => {
    const kind = job.status === "DONE" ? "done" : job.status === "FAILED" ? "failed" : "";
    const bar = el("div", { class: "bar " + kind, role: "progressbar", "aria-valuenow": job.percent, "data-job": job.id },
      el("div", { style: `width:${job.percent}%` }));
    return el("tr", {}, el("td", {}, `${job.table}/${job.record} ${job.name}`), el("td", { class: "job-status" }, job.status),
      el("td", {}, bar, ` ${job.percent}%`), el("td", {}, job.eta_seconds ? `${job.eta_seconds}s` : ""));
  }));
}

async function refreshFaults() {
  const { faults } = await api("GET", "/faults");
  const body = document.querySelector("#faults tbody");
  body.replaceChildren(...faults.map((rule) => el("tr", { class: "fault", "data-id": rule.id },
    el("td", {}, rule.id), el("td", {}, rule.kind), el("td", {}, rule.method), el("td", {}, rule.path),
    el("td", {}, rule.status), el("td", {}, rule.times ?? "always"), el("td", {}, rule.hits),
    el("td", {}, el("button", { class: "fault-remove", onclick: () => act(() => api("DELETE", "/faults/" + encodeURIComponent(rule.id))) }, "Remove")))));
}

function detailOf(entry) {
  const side = (title, headers, body) => el("div", {}, el("h3", {}, title),
    el("pre", {}, Object.entries(headers || {}).map(([k, v]) => `${k}: ${v}`).join("\n")),
    el("pre", {}, body && (body.json !== undefined ? pretty(body.json) : body.text !== undefined ? body.text
      : `(${body.size} bytes${body.content_type ? ", " + body.content_type : ""})`)));
  const warnings = (entry.warnings || []).map((w) => el("li", { class: "warning" }, `${w.code} (${w.source}): ${w.message}`));
  return el("td", { colspan: 7 },
    warnings.length ? el("ul", {}, ...warnings) : "",
    el("div", { class: "detail-grid" },
      side(`Request ${entry.method} ${entry.path}${entry.query ? "?" + entry.query : ""}`, entry.request_headers, entry.request_body),
      side(`Response ${entry.status}`, entry.response_headers, entry.response_body)));
}

async function refreshJournal() {
  const { entries } = await api("GET", "/journal?include_outbound=true");
  const body = document.querySelector("#journal tbody");
  const newestSeq = entries.length ? entries[entries.length - 1].seq : 0;
  if (newestSeq < lastSeq) { body.replaceChildren(); seenEntries.clear(); }  // the journal was reset
  lastSeq = newestSeq;
  for (const entry of entries) {
    if (seenEntries.has(entry.seq)) continue;
    seenEntries.add(entry.seq);
    const warnings = (entry.warnings || []).map((w) => w.code).join(", ");
    const row = el("tr", { class: "entry", "data-seq": entry.seq },
      el("td", {}, entry.seq), el("td", {}, (entry.time || "").slice(11, 19)),
      el("td", {}, (entry.outbound ? "→ " : "") + entry.method), el("td", {}, el("code", {}, entry.path)),
      el("td", { class: "status-" + String(entry.status)[0] }, entry.status + (entry.fault ? " (fault)" : "")),
      el("td", {}, Math.round(entry.duration_ms)), el("td", { class: "warning" }, warnings));
    const detail = el("tr", { class: "detail", hidden: "" }, detailOf(entry));
    row.addEventListener("click", () => { detail.hidden = !detail.hidden; });
    body.prepend(detail);
    body.prepend(row);  // newest first
  }
}

async function refreshState() {
  const snapshot = await api("GET", "/state");
  const holder = document.getElementById("state");
  const open = new Set([...holder.querySelectorAll("details[open]")].map((d) => d.dataset.table));
  holder.replaceChildren(...Object.entries(snapshot.db || {}).map(([table, records]) => {
    const rows = Object.entries(records);
    const columns = [...new Set(rows.flatMap(([, r]) => (r && typeof r === "object" ? Object.keys(r) : [])))].slice(0, 12);
    const details = el("details", { "data-table": table, class: "table" },
      el("summary", {}, `${table} (${rows.length})`),
      el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "id"), ...columns.map((c) => el("th", {}, c)))),
        el("tbody", {}, ...rows.map(([id, record]) => el("tr", { class: "record" }, el("td", {}, el("code", {}, id)),
          ...columns.map((c) => el("td", { title: pretty(record?.[c]) }, short(record?.[c]))))))));
    if (open.has(table) || open.size === 0) details.open = true;
    return details;
  }));
}

async function act(action) {
  try { await action(); } catch (error) { document.getElementById("fault-error").textContent = error.message; return; }
  document.getElementById("fault-error").textContent = "";
  await refreshAll();
}

let stateTick = 0;
async function refreshAll() {
  await Promise.all([refreshClock(), refreshJobs(), refreshFaults(), refreshJournal()]).catch(() => {});
  if (stateTick++ % 3 === 0) await refreshState().catch(() => {});
}

function wire() {
  document.getElementById("freeze").onclick = () => act(() => api("POST", "/clock", { freeze: true }));
  document.getElementById("unfreeze").onclick = () => act(() => api("POST", "/clock", { freeze: false }));
  document.getElementById("advance").onclick = () =>
    act(() => api("POST", "/clock", { advance_seconds: Number(document.getElementById("advance-seconds").value) }));
  document.getElementById("set").onclick = () => act(() => api("POST", "/clock", { set: document.getElementById("set-time").value }));
  document.getElementById("reset").onclick = () => act(async () => { await api("POST", "/reset"); stateTick = 0; await loadInfo(); });
  document.getElementById("fault-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const rule = {
      kind: document.getElementById("fault-kind").value,
      method: document.getElementById("fault-method").value || "*",
      path: document.getElementById("fault-path").value || "*",
      status: Number(document.getElementById("fault-status").value || 500),
    };
    const times = document.getElementById("fault-times").value;
    if (times) rule.times = Number(times);
    act(() => api("POST", "/faults", rule));
  });
}

wire();
loadInfo().catch((error) => { document.getElementById("auth-header").textContent = error.message; });
refreshAll();
setInterval(refreshAll, POLL_MS);
