/* Live Plotly curves of a run (or of several runs on the compare page), one chart per panel.
 *
 * Data come from the metrics JSON endpoint(s) named in data-metrics-url (space-separated).
 * Each series names its panel (declared by the method through ctx.log, else a default from
 * its name) and its unit, the y-axis title. Every chart has its own log/linear switches for y
 * and x; a click on a legend entry hides or shows that series.
 *
 * Traces are SVG ("scatter"): curves arrive bucketed to a few thousand points, which SVG draws
 * well, and a page may hold many charts (a browser allows only ~16 WebGL contexts at once).
 *
 * While a run is active the page polls every 2 s for the points after the last step it holds
 * (`after`); it refetches whole curves when a series it does not know appears, when its copy
 * grows past twice the bucketing limit, and once when the run ends, so a finished page shows
 * exactly what the server stores. Series names are user-controlled text: they are escaped
 * before Plotly sees them (its labels accept a few HTML tags). */
(function () {
  "use strict";
  var root = document.getElementById("curves");
  if (!root) return;
  var MAX_POINTS = 2000;
  var labels = (root.dataset.labels || "").split("\u001f");
  var runs = root.dataset.metricsUrl.split(" ").filter(Boolean).map(function (url, i) {
    return { url: url, label: labels[i] || "", status: null, loaded: false, series: {}, names: [] };
  });
  var compare = runs.length > 1 || root.dataset.mode === "compare";
  var state = { xaxis: "step" };
  var scales = {};   /* panel -> {y: "log" | "linear" | null (automatic), x: "linear" | "log"} */
  var charts = {};   /* panel -> {box, plot, controls} */

  function escapeText(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function running(status) { return status === "queued" || status === "running"; }

  function pageActive() {
    var block = document.querySelector("#run-status .status-block");
    return (block ? block.dataset.active : root.dataset.active) === "true";
  }

  /* ---- data --------------------------------------------------------------------------- */
  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }

  function lastStep(curve) { return curve.step.length ? curve.step[curve.step.length - 1] : -Infinity; }

  function replaceAll(run, payload) {
    run.series = {};
    run.names = payload.series.map(function (s) { run.series[s.name] = s; return s.name; });
  }

  /* Appends the new points; false when only a whole refetch can be right. */
  function merge(run, payload) {
    var ok = true;
    payload.series.forEach(function (s) {
      var mine = run.series[s.name];
      if (!mine) { ok = false; return; }
      var from = lastStep(mine);
      for (var i = 0; i < s.step.length; i++) {
        if (s.step[i] <= from) continue;
        mine.step.push(s.step[i]); mine.wall_s.push(s.wall_s[i]); mine.value.push(s.value[i]);
      }
      mine.points = s.points; mine.bucketed = mine.bucketed || s.bucketed;
      mine.panel = s.panel; mine.unit = s.unit; mine.last_value = s.last_value;
      if (mine.step.length > 2 * MAX_POINTS) ok = false;
    });
    return ok;
  }

  function refresh(run, whole) {
    var incremental = !whole && run.loaded && run.names.length > 0 && running(run.status);
    var after = Math.min.apply(null, run.names.map(function (n) { return lastStep(run.series[n]); }));
    var sep = run.url.indexOf("?") < 0 ? "?" : "&";
    var url = incremental && isFinite(after) ? run.url + sep + "after=" + encodeURIComponent(after) : run.url;
    incremental = url !== run.url;
    return getJson(url).then(function (payload) {
      run.status = payload.status;
      run.events = payload.events || [];
      run.loaded = true;
      if (!incremental) { replaceAll(run, payload); return; }
      if (!merge(run, payload) || !running(payload.status)) return refresh(run, true);
    });
  }

  /* ---- charts ------------------------------------------------------------------------- */
  function panels() {
    var order = [], members = {};
    runs.forEach(function (run, r) {
      run.names.forEach(function (name) {
        var s = run.series[name];
        var panel = s.panel || "values";
        if (!members[panel]) { members[panel] = []; order.push(panel); }
        members[panel].push({ run: run, index: r, curve: s });
      });
    });
    return order.map(function (panel) { return { name: panel, members: members[panel] }; });
  }

  function scaleSelect(panel, axis) {
    var select = document.createElement("select");
    select.name = axis + "scale";
    select.setAttribute("aria-label", axis + " axis scale of " + panel);
    ["log", "linear"].forEach(function (scale) {
      var option = document.createElement("option");
      option.value = scale;
      option.textContent = scale + " " + axis;
      select.appendChild(option);
    });
    select.addEventListener("change", function () { scales[panel][axis] = select.value; draw(); });
    return select;
  }

  function chartFor(panel, k) {
    if (charts[panel]) return charts[panel];
    var box = document.createElement("div");
    box.className = "panel-chart";
    box.dataset.panel = panel;
    var head = document.createElement("div");
    head.className = "panel-head";
    var title = document.createElement("h3");
    title.textContent = panel;
    var controls = document.createElement("span");
    controls.className = "panel-scales";
    controls.appendChild(scaleSelect(panel, "y"));
    controls.appendChild(scaleSelect(panel, "x"));
    head.appendChild(title);
    head.appendChild(controls);
    var plot = document.createElement("div");
    plot.className = "panel-plot";
    plot.id = "panel-chart-" + k;
    box.appendChild(head);
    box.appendChild(plot);
    root.appendChild(box);
    scales[panel] = { y: null, x: "linear" };
    charts[panel] = { box: box, plot: plot, controls: controls };
    return charts[panel];
  }

  function traceFor(member) {
    var s = member.curve;
    var prefix = compare ? (member.run.label || ("run " + (member.index + 1))) + " · " : "";
    return {
      x: s[state.xaxis], y: s.value, type: "scatter", mode: "lines",
      name: escapeText(prefix + s.name) + (s.bucketed ? " (bucketed)" : ""),
      uid: member.index + ":" + s.name
    };
  }

  /* Numerical-trouble events of the panel's series, as ✕ markers at their step, on the last
     finite value at or before it (a NaN has no height of its own). */
  function eventTraces(panel) {
    var traces = [];
    panel.members.forEach(function (member) {
      (member.run.events || []).forEach(function (event) {
        if (event.series !== member.curve.name) return;
        var s = member.curve, at = -1;
        for (var i = 0; i < s.step.length; i++) {
          if (s.step[i] <= event.step && s.value[i] !== null && isFinite(s.value[i])) at = i;
        }
        var y = event.value !== null && isFinite(event.value) ? event.value : (at >= 0 ? s.value[at] : null);
        var x = state.xaxis === "step" ? event.step : (at >= 0 ? s.wall_s[at] : null);
        if (x === null || y === null) return;
        traces.push({ x: [x], y: [y], type: "scatter", mode: "markers", showlegend: true,
          name: "trouble: " + event.kind + " · " + escapeText(event.series),
          text: [escapeText(event.detail)], hoverinfo: "text+name",
          marker: { symbol: "x", size: 13, color: "#b3261e", line: { width: 2 } },
          uid: "event:" + member.index + ":" + event.series + ":" + event.kind });
      });
    });
    return traces;
  }

  function allPositive(traces) {
    return traces.every(function (t) { return t.y.every(function (v) { return v === null || v > 0; }); });
  }

  function unitOf(panel) {
    var units = [];
    panel.members.forEach(function (m) { if (m.curve.unit && units.indexOf(m.curve.unit) < 0) units.push(m.curve.unit); });
    return units.length ? units.join(", ") : panel.name;
  }

  function drawPanel(panel, k) {
    var chart = chartFor(panel.name, k);
    var curves = panel.members.map(traceFor);
    var scale = scales[panel.name];
    var y = scale.y || (allPositive(curves) ? "log" : "linear");
    var traces = curves.concat(eventTraces(panel));
    chart.controls.querySelector("select[name=yscale]").value = y;
    chart.controls.querySelector("select[name=xscale]").value = scale.x;
    var layout = {
      margin: { t: 10, r: 10, b: 50, l: 70 }, height: traces.length > 12 ? 460 : 380, uirevision: "keep",
      xaxis: { type: scale.x, title: { text: state.xaxis === "step" ? "step" : "wall time (s)" },
               uirevision: state.xaxis + scale.x },
      yaxis: { type: y, exponentformat: "power", title: { text: escapeText(unitOf(panel)) }, uirevision: y },
      legend: { orientation: "h", y: -0.25 }, showlegend: true
    };
    window.Plotly.react(chart.plot, traces, layout, { responsive: true, displaylogo: false });
    return curves.length;
  }

  function draw() {
    var groups = panels();
    var note = document.getElementById("curves-note");
    if (!groups.length) {
      var active = runs.some(function (run) { return running(run.status); }) || pageActive();
      root.textContent = active ? "Waiting for the first curve points…"
        : (compare ? "These runs logged no curve points." : "This run logged no curve points.");
      return;
    }
    if (!Object.keys(charts).length) root.textContent = "";
    var count = 0;
    groups.forEach(function (panel, k) { count += drawPanel(panel, k); });
    root.dataset.charts = String(groups.length);
    if (note) note.dataset.traces = String(count);
  }

  function tick() {
    Promise.all(runs.map(function (run) { return refresh(run, false); })).then(draw)
      .catch(function (error) { console.warn(error); })
      .finally(function () {
        var finished = runs.every(function (run) { return run.loaded && !running(run.status); });
        if (!finished) setTimeout(tick, pageActive() || compare ? 2000 : 500);
        else root.dataset.finished = "true";
      });
  }

  document.querySelectorAll("input[name=xaxis]").forEach(function (input) {
    input.addEventListener("change", function () { state.xaxis = input.value; draw(); });
  });
  function start() { if (window.Plotly) tick(); else setTimeout(start, 50); }
  start();
})();
