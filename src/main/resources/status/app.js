// cync-canary status page. Plain JavaScript and SVG, no library, nothing fetched from outside the
// controller. Every 2 s it reads /metrics (public) and the new samples of /status/history (public,
// derived from the same counters); with the admin token it also reads /api/status. The token lives in
// this tab only (sessionStorage, gone when the tab closes), and is sent in a header, never in a URL.
"use strict";

(function () {
  const REFRESH_MS = 2000;
  const TOKEN_KEY = "cync-canary-admin-token";
  const SVG = "http://www.w3.org/2000/svg"; // the SVG namespace name, not a request
  const TRANSPORTS = ["legacy", "new"];
  const VERDICT_SAMPLES = 60; // the verdict looks at the last 60 samples (5 minutes at the default 5 s)
  const CHARTS = [
    { key: "commands_per_second", title: "commands/s", fmt: num },
    { key: "success_rate", title: "success rate", fmt: pct, min: null },
    { key: "p50_ms", title: "p50 latency (ms)", fmt: ms },
    { key: "p99_ms", title: "p99 latency (ms)", fmt: ms },
    { key: "retransmits_per_second", title: "retransmits/s", fmt: num },
    { key: "not_executed_per_second", title: "not executed/s (received, not carried out)", fmt: num },
    { key: "queue_full_per_second", title: "queue full/s", fmt: num },
  ];

  const state = {
    token: sessionStorage.getItem(TOKEN_KEY),
    samples: [],
    seq: 0,
    capacity: 720,
    everySeconds: 5,
    metrics: null,
    status: null,
    device: null,
    busy: false,
  };

  // ---- small helpers ----
  const $ = (id) => document.getElementById(id);
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      // Styles through the CSSOM: the content security policy forbids style attributes in markup.
      if (k === "class") e.className = v; else if (k === "style") e.style.cssText = v; else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    return e;
  }
  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function setText(id, text, cls) {
    const e = $(id);
    e.textContent = text;
    if (cls !== undefined) e.className = cls;
  }
  function num(v) { return v === null || v === undefined ? "–" : (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)); }
  function pct(v) { return v === null || v === undefined ? "–" : (100 * v).toFixed(2) + "%"; }
  function ms(v) { return v === null || v === undefined ? "–" : (v >= 100 ? v.toFixed(0) : v.toFixed(1)) + " ms"; }
  function when(iso) { return iso ? String(iso).replace("T", " ").replace(/(\d\d:\d\d)(:\d\d(\.\d+)?)?Z$/, "$1 UTC") : "–"; }
  function human(s) { return String(s || "").replace(/_/g, " "); }
  /** "canary 10 → dark launch" for an event that moved the rollout, else its stage. */
  function moved(e) { return e.from_stage ? human(e.from_stage) + " → " + human(e.stage) : human(e.stage); }

  // ---- data sources ----
  async function get(url, withToken) {
    const headers = { "Accept": "application/json, text/plain" };
    if (withToken) headers["Authorization"] = "Bearer " + state.token;
    const r = await fetch(url, { headers, cache: "no-store" });
    return r;
  }

  /** Parses the Prometheus text format into [{name, labels, value}]. */
  function parseMetrics(text) {
    const out = [];
    for (const line of text.split("\n")) {
      if (!line || line.startsWith("#")) continue;
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
      if (!m) continue;
      const labels = {};
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
      let l;
      while ((l = re.exec(m[2] || "")) !== null) labels[l[1]] = l[2].replace(/\\(.)/g, "$1");
      out.push({ name: m[1], labels, value: Number(m[3]) });
    }
    return out;
  }
  function metric(name, labels) {
    if (!state.metrics) return null;
    for (const s of state.metrics) {
      if (s.name !== name) continue;
      if (Object.entries(labels || {}).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
    return null;
  }
  function metricSeries(name) { return state.metrics ? state.metrics.filter((s) => s.name === name) : []; }

  async function refresh() {
    if (state.busy) return;
    state.busy = true;
    try {
      const [m, h] = await Promise.all([get("/metrics", false), get("/status/history?after=" + state.seq, false)]);
      if (!m.ok || !h.ok) throw new Error("HTTP " + (m.ok ? h.status : m.status));
      state.metrics = parseMetrics(await m.text());
      const hist = await h.json();
      state.capacity = hist.capacity;
      state.everySeconds = hist.every_seconds;
      if (hist.seq < state.seq) state.samples = []; // the controller restarted: start over
      state.samples = state.samples.concat(hist.samples).slice(-state.capacity);
      state.seq = hist.seq;
      if (state.token) await refreshProtected();
      render();
      setText("live", "live · updated " + new Date().toLocaleTimeString(), "live ok");
    } catch (e) {
      setText("live", "cannot reach the controller (" + e.message + "); retrying", "live down");
    } finally {
      state.busy = false;
    }
  }

  async function refreshProtected() {
    const r = await get("/api/status", true);
    if (r.status === 401) {
      forgetToken("the controller refused this token; enter the right one");
      return;
    }
    if (!r.ok) throw new Error("/api/status answered " + r.status);
    state.status = await r.json();
    if (state.device) await lookup(state.device, false);
  }

  // ---- token ----
  function useToken(t) {
    state.token = t;
    sessionStorage.setItem(TOKEN_KEY, t);
    lockState();
  }
  function forgetToken(why) {
    state.token = null;
    state.status = null;
    sessionStorage.removeItem(TOKEN_KEY);
    lockState(why);
  }
  function lockState(why) {
    const unlocked = !!state.token;
    $("token-forget").hidden = !unlocked;
    $("token-input").hidden = unlocked;
    $("token-use").hidden = unlocked;
    $("locked-note").hidden = unlocked;
    setText("token-state", why || (unlocked ? "unlocked in this tab" : "locked: public metrics only"));
  }

  // ---- rendering ----
  function render() {
    renderGlance();
    renderRouting();
    renderTimeline();
    renderNow();
    renderCharts();
    renderSlo();
    renderAudit();
    renderDevice();
  }

  function currentStageFromMetrics() {
    const stage = metricSeries("canary_rollout_stage").find((s) => s.value === 1);
    const status = metricSeries("canary_rollout_status").find((s) => s.value === 1);
    return { stage: stage ? stage.labels.stage : null, status: status ? status.labels.status : null };
  }

  function renderGlance() {
    const st = state.status;
    const r = st && st.rollout;
    if (r && r.enabled && !r.stage) {
      // A follower replica that could not read the leader's saved state: say so, with who leads.
      setText("stage-name", "stage unknown");
      setText("rollout-status", human(r.status), "pill");
      setText("stage-percent", r.leader ? "the leader is " + r.leader : "no leader elected yet");
      setText("stage-remaining", r.unknown || "");
    } else if (r && r.enabled) {
      const i = r.stage.index;
      setText("stage-name", human(r.stage.name) + " (" + (i + 1) + " of " + r.stages.length + ")");
      setText("rollout-status", human(r.status), "pill " + r.status);
      setText("stage-percent", "stage target " + r.stage.percentage + "% of devices" + (r.stage.dark_launch ? ", dark launch" : ""));
      $("stage-progress").style.width = Math.round(100 * r.stage.elapsed_fraction) + "%";
      if (r.status === "rolled_back") {
        // The rollout waits in an earlier stage after a rollback; the stage that failed is the news.
        setText("stage-name", "rolled back" + (r.stage.failed_stage ? " from " + human(r.stage.failed_stage) : ""));
        setText("stage-percent", "waits in " + human(r.stage.name) + " (" + (i + 1) + " of " + r.stages.length + ") for an operator: resume or retry");
        setText("stage-remaining", "the stage clock stands still until then");
      } else if (r.status === "complete") {
        setText("stage-remaining", "every stage done");
      } else if (r.status === "paused") {
        setText("stage-remaining", r.stage.remaining + " of its minimum " + r.stage.min_duration + " left; the stage clock stands still while paused");
      } else {
        setText("stage-remaining", r.stage.remaining === "0s"
          ? "minimum time done (" + r.stage.min_duration + "); promotes when every gate passes"
          : r.stage.remaining + " of its minimum " + r.stage.min_duration + " left");
      }
    } else if (r && !r.enabled) {
      setText("stage-name", "no rollout plan running");
      setText("rollout-status", "off", "pill");
      setText("stage-percent", "the canary moves only by hand");
      setText("stage-remaining", "");
    } else {
      const m = currentStageFromMetrics();
      setText("stage-name", m.stage ? human(m.stage) : "no rollout plan running");
      setText("rollout-status", m.status ? human(m.status) : "off", "pill " + (m.status || ""));
      setText("stage-percent", "");
      setText("stage-remaining", "time left and gates: needs the admin token");
    }
    renderVerdict();
    const d = r && r.enabled ? r.last_automatic_decision : null;
    if (!st) {
      setText("last-decision", "–", "big nodata");
      setText("last-decision-reason", "the reasons need the admin token");
      setText("auto-check", "");
    } else if (!r.enabled) {
      setText("last-decision", "none: the rollout is off", "big nodata");
      setText("last-decision-reason", "");
      setText("auto-check", "");
    } else {
      if (d) {
        setText("last-decision", human(d.event) + " · " + moved(d), "big " + d.kind);
        setText("last-decision-reason", when(d.at) + ": " + d.reason);
      } else {
        setText("last-decision", "none yet", "big nodata");
        setText("last-decision-reason", "the plan decides at the end of each stage's minimum time");
      }
      setText("auto-check", "automatic rollback check (every minute): " + r.last_auto_rollback_check
        + (r.consecutive_failures ? " · consecutive failures: " + r.consecutive_failures : ""));
    }
  }

  /** New vs legacy over the last few minutes of samples: success rate first, then p99 latency. */
  function renderVerdict() {
    const recent = state.samples.slice(-VERDICT_SAMPLES);
    const agg = {};
    for (const t of TRANSPORTS) {
      let n = 0, ok = 0, p99w = 0, p99n = 0;
      for (const s of recent) {
        const p = s[t];
        if (!p) continue;
        n += p.commands_per_second;
        if (p.success_rate !== null) ok += p.success_rate * p.commands_per_second;
        if (p.p99_ms !== null) { p99w += p.p99_ms * p.commands_per_second; p99n += p.commands_per_second; }
      }
      agg[t] = { n, success: n > 0 ? ok / n : null, p99: p99n > 0 ? p99w / p99n : null };
    }
    const l = agg.legacy, n = agg.new;
    const minutes = Math.round(recent.length * state.everySeconds / 60);
    let verdict = "not enough data", cls = "nodata";
    const st = state.status;
    const worse = st && st.slo ? st.slo.objectives.filter((o) => o.baseline && o.baseline.verdict === "worse").map((o) => human(o.name)) : [];
    if (worse.length) {
      // The rollout's own statistical comparison (over the SLO windows) found the new transport worse:
      // that outranks a few minutes of samples.
      verdict = "new is worse"; cls = "worse";
    } else if (n.success === null) {
      verdict = "new carries no traffic";
    } else if (l.success === null) {
      verdict = "legacy carries no traffic";
    } else {
      const diff = 100 * (n.success - l.success);
      if (diff <= -0.1) { verdict = "new is worse"; cls = "worse"; }
      else if (diff >= 0.1) { verdict = "new is better"; cls = "better"; }
      else if (n.p99 !== null && l.p99 !== null && n.p99 > 1.25 * l.p99) { verdict = "new is slower"; cls = "worse"; }
      else if (n.p99 !== null && l.p99 !== null && n.p99 < 0.8 * l.p99) { verdict = "new is better"; cls = "better"; }
      else { verdict = "about the same"; cls = "same"; }
    }
    setText("verdict", verdict, "big " + cls);
    setText("verdict-detail", (worse.length ? "the rollout's baseline test finds new worse on " + worse.join(", ") + ". " : "")
      + (recent.length === 0 ? "waiting for the first samples" :
      "Last " + Math.max(1, minutes) + " min: success " + pct(n.success) + " new vs " + pct(l.success) + " legacy · p99 " + ms(n.p99) + " vs " + ms(l.p99)));
    if (st && st.slo) {
      const verdicts = st.slo.objectives.filter((o) => o.baseline).map((o) => human(o.name) + ": " + human(o.baseline.verdict));
      setText("baseline", verdicts.length ? "baseline test, new vs legacy, over the SLO windows · " + verdicts.join(" · ") : "");
    } else {
      setText("baseline", "");
    }
  }

  function renderRouting() {
    const c = state.status && state.status.canary;
    const gauge = metric("canary_percentage");
    setText("canary-percentage", c ? (c.kill_switch ? "0%" : c.percentage + "%") : gauge === null ? "–" : gauge + "%");
    const connected = state.status ? state.status.connected : metric("tcp_comm_connected_devices");
    setText("connected", connected === null ? "–" : String(connected));
    if (c) {
      setText("dark-launch", c.dark_launch.enabled ? "on (" + c.dark_launch.percentage + "%)" : "off");
      setText("cohort-size", String(c.cohort.length));
      setText("exclude-size", String(c.exclude.length));
      setText("kill-switch", c.kill_switch ? "ON" : "off", "value" + (c.kill_switch ? " on" : ""));
      setText("routing-summary", "v" + c.version + " · " + c.summary + (c.rollback_hold ? " · rollback hold: stays at 0% until an operator resumes" : "")
        + " · last change " + when(c.updated_at) + " by " + c.updated_by);
    } else {
      for (const id of ["dark-launch", "cohort-size", "exclude-size", "kill-switch"]) setText(id, "locked", "value locked");
      setText("routing-summary", "dark launch, cohort, exclusions and kill switch need the admin token");
    }
  }

  function renderTimeline() {
    const list = $("timeline");
    list.replaceChildren();
    const r = state.status && state.status.rollout;
    if (r && r.enabled && !r.timeline) {
      setText("plan-name", "");
      list.append(el("li", {}, "Stage unknown on this replica: " + (r.unknown || "no rollout state") + "."));
      $("gates").replaceChildren();
      $("events").replaceChildren();
    } else if (r && r.enabled) {
      setText("plan-name", "plan " + r.plan);
      r.timeline.forEach((s, i) => {
        const cls = [s.state];
        if (s.state === "current") cls.push(r.status);
        if (s.exited_by && ["auto_rollback", "gate_failed", "manual_rollback", "abort"].includes(s.exited_by)) cls.push("rolled-from");
        const li = el("li", { class: cls.join(" "), "data-stage": s.name },
          el("div", { class: "name" }, (i + 1) + ". " + human(s.name)),
          el("div", { class: "small muted" }, r.stage_percentages[i] + "% of devices"),
          el("div", { class: "small" }, s.entered_at ? "entered " + when(s.entered_at) : "not reached"),
          s.exited_at ? el("div", { class: "small" }, "left " + when(s.exited_at) + " (" + human(s.exited_by) + ")") : null,
          s.state === "current" ? el("div", { class: "small" }, human(r.status) + " · " + r.stage.elapsed + " of " + r.stage.min_duration) : null);
        list.append(li);
      });
      const gates = $("gates");
      gates.replaceChildren(el("span", { class: "small muted" }, "gates of " + human(r.stage.name) + ":"));
      for (const g of r.stage.gate_states) {
        gates.append(el("span", { class: "gate" }, el("span", { class: "pill " + g.result }, human(g.result)), " ", g.gate, el("span", { class: "muted" }, " · " + g.detail)));
      }
      const ev = $("events");
      ev.replaceChildren();
      for (const e of r.events.slice().reverse()) {
        ev.append(el("li", { class: e.kind, "data-event": e.event },
          el("span", { class: "what" }, human(e.event)), " · " + moved(e) + " · canary " + e.canary_percent + "% · " + when(e.at) + " · ",
          e.reason));
      }
    } else if (r) {
      setText("plan-name", "");
      list.append(el("li", {}, "The rollout plan is off on this controller: the canary moves only by hand (serve --rollout turns it on)."));
      $("gates").replaceChildren();
      $("events").replaceChildren();
    } else {
      setText("plan-name", "");
      // /metrics names the stages but not their order in the plan: show only where the rollout is now.
      const m = currentStageFromMetrics();
      list.append(m.stage
        ? el("li", { class: "current " + (m.status || "") }, el("div", { class: "name" }, "now: " + human(m.stage)), el("div", { class: "small muted" }, human(m.status)))
        : el("li", {}, "no rollout plan running"));
      $("gates").replaceChildren(el("span", { class: "small muted" }, "the plan's stages in order, entry and exit times, gates and reasons need the admin token"));
      $("events").replaceChildren(el("li", { class: "muted" }, "needs the admin token"));
    }
  }

  function renderNow() {
    const last = state.samples[state.samples.length - 1];
    const cells = { cps: "commands_per_second", success: "success_rate", p50: "p50_ms", p99: "p99_ms",
      retransmits: "retransmits_per_second", notexec: "not_executed_per_second", queuefull: "queue_full_per_second" };
    for (const t of TRANSPORTS) {
      for (const [id, key] of Object.entries(cells)) {
        const v = last && last[t] ? last[t][key] : null;
        const f = key === "success_rate" ? pct : key.endsWith("_ms") ? ms : num;
        setText("now-" + t + "-" + id, f(v));
      }
    }
  }

  function renderCharts() {
    const box = $("charts");
    if (!box.children.length) {
      for (const c of CHARTS) {
        box.append(el("div", { class: "chart", id: "chart-" + c.key }, el("h3", {}, c.title), svg("svg", { viewBox: "0 0 320 130", role: "img", "aria-label": c.title })));
      }
    }
    for (const c of CHARTS) drawChart(box.querySelector("#chart-" + c.key + " svg"), c);
  }

  function drawChart(root, c) {
    const W = 320, H = 130, L = 50, R = 6, T = 6, B = 18;
    root.replaceChildren();
    const samples = state.samples;
    // The last hour at most; a younger controller's charts span what there is (at least 5 minutes).
    const now = samples.length ? Date.parse(samples[samples.length - 1].at) : Date.now();
    const full = state.capacity * state.everySeconds * 1000;
    const span = Math.min(full, Math.max(5 * 60000, samples.length ? now - Date.parse(samples[0].at) : full));
    let lo = Infinity, hi = -Infinity;
    for (const s of samples) for (const t of TRANSPORTS) {
      const v = s[t] ? s[t][c.key] : null;
      if (v !== null && v !== undefined) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    if (c.key === "success_rate") { lo = Math.min(lo, 0.99); hi = 1; } else { lo = 0; hi = hi <= 0 ? 1 : hi * 1.1; }
    const x = (ms) => L + (W - L - R) * (1 - (now - ms) / span);
    const y = (v) => T + (H - T - B) * (1 - (v - lo) / (hi - lo || 1));
    for (let i = 0; i <= 2; i++) {
      const v = lo + (hi - lo) * i / 2;
      root.append(svg("line", { class: "grid", x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      root.append(svg("text", { class: "axis", x: L - 3, y: y(v) + 3, "text-anchor": "end" }, c.fmt(v).replace(" ms", "")));
    }
    const minutes = (f) => "-" + Math.round(span * f / 60000) + "m";
    for (const [label, frac] of [[minutes(1), 0], [minutes(0.5), 0.5], ["now", 1]]) {
      root.append(svg("text", { class: "axis", x: L + (W - L - R) * frac, y: H - 4, "text-anchor": frac === 0 ? "start" : frac === 1 ? "end" : "middle" }, label));
    }
    for (const t of TRANSPORTS) {
      let d = "", pen = false;
      for (const s of samples) {
        const v = s[t] ? s[t][c.key] : null;
        const at = Date.parse(s.at);
        if (v === null || v === undefined || now - at > span) { pen = false; continue; }
        d += (pen ? "L" : "M") + x(at).toFixed(1) + " " + y(v).toFixed(1) + " ";
        pen = true;
      }
      if (d) root.append(svg("path", { class: "l-" + t, d }));
    }
  }

  function renderSlo() {
    const table = $("slo");
    table.replaceChildren();
    const st = state.status;
    if (st && st.slo) {
      table.append(el("thead", {}, el("tr", {}, el("th", {}, "objective"), el("th", {}, "target"), el("th", {}, "window"),
        el("th", {}, "legacy"), el("th", {}, "new"), el("th", {}, "baseline (new vs legacy)"))));
      const body = el("tbody");
      for (const o of st.slo.objectives) {
        const cells = TRANSPORTS.map((t) => {
          const x = o.transports[t];
          const burns = Object.entries(x.burn_rates || {}).map(([w, b]) => w + " " + (b === null ? "–" : Number(b).toFixed(1) + "x")).join(" · ");
          const budget = Math.max(0, Math.min(1, x.budget_remaining));
          return el("td", { "data-transport": t },
            el("span", { class: "pill " + x.result }, human(x.result)), " ",
            x.ratio === null ? "" : pct(x.ratio) + " of " + x.total, el("br"),
            el("span", { class: "budget", title: "error budget left: " + (100 * budget).toFixed(1) + "%" },
              el("div", { style: "width:" + (100 * budget).toFixed(1) + "%" })), " budget " + (100 * budget).toFixed(0) + "% left", el("br"),
            el("span", { class: "burn" }, "burn " + burns));
        });
        body.append(el("tr", {}, el("td", {}, human(o.name)), el("td", {}, o.target_percent + "%" + (o.threshold_ms ? " within " + o.threshold_ms + " ms" : "")),
          el("td", {}, o.window), ...cells, el("td", {}, o.baseline ? human(o.baseline.verdict) : "–")));
      }
      table.append(body);
      return;
    }
    // Public: the new transport's check results and both budgets, as /metrics has them.
    const names = [...new Set(metricSeries("canary_error_budget_remaining").map((s) => s.labels.slo))];
    table.append(el("thead", {}, el("tr", {}, el("th", {}, "objective"), el("th", {}, "new: check"), el("th", {}, "budget left, legacy"), el("th", {}, "budget left, new"))));
    const body = el("tbody");
    if (!names.length) body.append(el("tr", {}, el("td", { colspan: 4, class: "muted" }, "no SLO check yet (the rollout checks every minute); details need the admin token")));
    for (const n of names) {
      const check = metricSeries("canary_slo_check").find((s) => s.labels.slo === n && s.value === 1);
      const budget = (t) => {
        const v = metric("canary_error_budget_remaining", { slo: n, transport: t });
        if (v === null) return el("td", {}, "–");
        const b = Math.max(0, Math.min(1, v));
        return el("td", {}, el("span", { class: "budget" }, el("div", { style: "width:" + (100 * b).toFixed(1) + "%" })), " " + (100 * b).toFixed(0) + "%");
      };
      body.append(el("tr", {}, el("td", {}, human(n)), el("td", {}, check ? el("span", { class: "pill " + check.labels.result }, human(check.labels.result)) : "–"),
        budget("legacy"), budget("new")));
    }
    table.append(body);
  }

  function renderAudit() {
    const table = $("audit");
    table.replaceChildren();
    const st = state.status;
    if (!st) {
      table.append(el("tbody", {}, el("tr", {}, el("td", { class: "muted" }, "needs the admin token"))));
      return;
    }
    table.append(el("thead", {}, el("tr", {}, el("th", {}, "when"), el("th", {}, "who"), el("th", {}, "what"), el("th", {}, "from → to"), el("th", {}, "why"))));
    const body = el("tbody");
    for (const a of st.audit.slice().reverse()) {
      body.append(el("tr", { "data-action": a.action }, el("td", {}, when(a.at)), el("td", {}, a.actor), el("td", {}, human(a.action)),
        el("td", {}, (a.old === null ? "" : a.old) + " → " + (a.new === null ? "" : a.new)), el("td", {}, a.reason)));
    }
    table.append(body);
  }

  // ---- devices ----
  async function lookup(id, show) {
    if (!state.token) {
      askForToken("looking up a device needs the admin token");
      return;
    }
    state.device = id;
    const r = await get("/api/status/device/" + encodeURIComponent(id), true);
    if (r.status === 401) { forgetToken("the controller refused this token; enter the right one"); return; }
    const body = await r.json();
    state.deviceView = r.ok ? body : { error: body.error || "HTTP " + r.status };
    if (show) renderDevice();
  }

  function renderDevice() {
    const box = $("device");
    if (!state.token) { box.replaceChildren("needs the admin token"); box.className = "device muted"; return; }
    const d = state.deviceView;
    box.className = "device";
    if (!d) { box.replaceChildren(el("span", { class: "muted" }, "enter a device id to see its state, its route and its last outcomes")); return; }
    if (d.error) { box.replaceChildren(el("span", { class: "err" }, d.error)); return; }
    const dl = el("dl");
    const row = (k, v) => dl.append(el("dt", {}, k), el("dd", {}, v));
    row("device", d.device);
    row("connected", d.connected ? "yes, since " + when(d.connected_at) + (d.tls ? " (TLS)" : "") + " from " + d.remote : "no");
    if (d.connected) row("last seen", when(d.last_seen));
    if (d.power !== undefined) row("power", d.power);
    // Mesh devices behind this connection, as the device state model reports them (absent fields are skipped).
    for (const m of d.mesh || []) {
      const parts = [];
      if (m.type) parts.push(human(m.type).toLowerCase());
      if (m.on !== undefined) parts.push(m.on ? "on" : "off");
      if (m.brightness !== undefined) parts.push("brightness " + m.brightness + "%");
      if (m.rgb_mode && m.red !== undefined) parts.push(el("span", { class: "swatch", style: "background:rgb(" + m.red + "," + m.green + "," + m.blue + ")" }), " rgb " + m.red + "," + m.green + "," + m.blue);
      else if (m.color_temp !== undefined) parts.push("colour temperature " + m.color_temp + "/100");
      if (m.online === false) parts.push("offline");
      if (m.last_report) parts.push("reported " + when(m.last_report));
      if (m.firmware) parts.push("firmware " + m.firmware);
      const dd = el("dd");
      parts.forEach((p, i) => dd.append(i && typeof p === "string" && typeof parts[i - 1] === "string" ? " · " : "", p));
      dl.append(el("dt", {}, "mesh " + (m.mesh_id !== undefined ? m.mesh_id : "?")), dd);
    }
    const route = d.route || {};
    row("route", (route.transport || "?") + " (" + human(route.reason) + ")" + (route.mirrored ? ", mirrored to new" : ""));
    row("why", route.explanation || "–");
    const outcomes = d.recent_outcomes || [];
    row("last outcomes", outcomes.length ? outcomes.slice().reverse().map((o) =>
      o.command + " via " + o.transport + ": " + human(o.outcome) + " (" + o.attempts + " attempt" + (o.attempts === 1 ? "" : "s") + ", " + ms(o.latency_ms) + ")").join("\n") : "none recorded");
    dl.lastChild.style.whiteSpace = "pre-line";
    box.replaceChildren(dl);
  }

  // ---- actions ----
  function askForToken(why) {
    setText("action-result", why + ": enter it at the top of the page", "small err");
    $("token-input").focus();
  }

  const ACTIONS = {
    "action-set-canary": () => {
      const p = $("set-canary-percent").value;
      return { title: "Set the canary to " + p + "%", text: "Devices in the first " + p + "% of buckets go to the new transport; a rollout plan that is running pauses.",
        method: "PUT", path: "/api/canary", body: { percentage: Number(p) }, ok: "Set canary" };
    },
    "action-rollback": () => ({ title: "Roll back to 0%", text: "Every device goes back to the legacy transport at once, and stays there until an operator resumes.",
      method: "POST", path: "/api/canary/rollback", body: {}, ok: "Roll back now" }),
    "action-pause": () => ({ title: "Pause the rollout", text: "The plan stops judging and promoting; routing stays as it is.",
      method: "POST", path: "/api/rollout/pause", body: {}, ok: "Pause" }),
    "action-resume": () => ({ title: "Resume the rollout", text: "The plan takes control again from its current stage.",
      method: "POST", path: "/api/rollout/resume", body: {}, ok: "Resume" }),
    "action-promote": () => ({ title: "Promote to the next stage", text: "Skips the rest of this stage's minimum time and its gates.",
      method: "POST", path: "/api/rollout/promote", body: {}, ok: "Promote" }),
  };

  let pending = null;
  function startAction(id) {
    if (!state.token) { askForToken("this needs the admin token"); return; }
    pending = ACTIONS[id]();
    setText("confirm-title", pending.title);
    setText("confirm-text", pending.text);
    setText("confirm-ok", pending.ok);
    $("confirm-reason").value = "";
    $("confirm").showModal();
    $("confirm-reason").focus();
  }

  async function confirmAction() {
    const reason = $("confirm-reason").value.trim();
    if (!reason || !pending) return;
    const a = pending;
    pending = null;
    $("confirm").close();
    try {
      const r = await fetch(a.path, { method: a.method, cache: "no-store",
        headers: { "Content-Type": "application/json", "Authorization": "Bearer " + state.token, "X-Actor": "status-page" },
        body: JSON.stringify(Object.assign({}, a.body, { reason })) });
      const body = await r.json().catch(() => ({}));
      if (r.status === 401) {
        forgetToken("the controller refused this token; nothing was changed");
        setText("action-result", "refused: " + (body.error || "wrong token") + "; nothing was changed", "small err");
      } else if (!r.ok) {
        setText("action-result", a.title + " refused (" + r.status + "): " + (body.error || ""), "small err");
      } else {
        setText("action-result", a.title + ": done", "small ok");
      }
    } catch (e) {
      setText("action-result", a.title + " failed: " + e.message + " (the controller may be unreachable)", "small err");
    }
    refresh();
  }

  // ---- wiring ----
  function start() {
    lockState();
    $("token-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const t = $("token-input").value.trim();
      $("token-input").value = "";
      if (t) { useToken(t); refresh(); }
    });
    $("token-forget").addEventListener("click", () => { forgetToken(); state.deviceView = null; render(); });
    $("device-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const id = $("device-input").value.trim().toLowerCase();
      if (id) lookup(id, true);
    });
    for (const id of Object.keys(ACTIONS)) $(id).addEventListener("click", () => startAction(id));
    $("confirm-form").addEventListener("submit", (e) => { e.preventDefault(); confirmAction(); });
    $("confirm-cancel").addEventListener("click", () => { pending = null; $("confirm").close(); setText("action-result", "cancelled; nothing was changed", "small"); });
    refresh();
    setInterval(refresh, REFRESH_MS);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
