/* Live Plotly curves of a run (or of several runs on the compare page).
 * Data come from the metrics JSON endpoint(s) named in data-metrics-url (space-separated);
 * while the run is active the chart is refreshed every 2 s. Series names are user-controlled
 * text: they are escaped before Plotly sees them (its labels accept a few HTML tags). */
(function () {
  "use strict";
  var chart = document.getElementById("curves");
  if (!chart) return;
  var urls = chart.dataset.metricsUrl.split(" ").filter(Boolean);
  var labels = (chart.dataset.labels || "").split("\u001f");
  var state = { yscale: "log", xaxis: "step" };
  var latest = [];

  function escapeText(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function isActive() {
    var block = document.querySelector("#run-status .status-block");
    var flag = block ? block.dataset.active : chart.dataset.active;
    return flag === "true";
  }

  function allFinished() {
    /* The status inside the metrics payload was read with the points: once it is terminal,
       every point of the run is in that payload. */
    return latest.length > 0 && latest.every(function (p) { return p.status !== "queued" && p.status !== "running"; });
  }

  function traces() {
    var out = [];
    latest.forEach(function (payload, i) {
      payload.series.forEach(function (s) {
        var prefix = urls.length > 1 ? (labels[i] || ("run " + payload.run)) + " · " : "";
        out.push({
          x: s[state.xaxis], y: s.value, type: "scattergl", mode: "lines",
          name: escapeText(prefix + s.name) + (s.bucketed ? " (bucketed)" : ""),
          legendgroup: s.name
        });
      });
    });
    return out;
  }

  function bySeries() {
    var groups = {};
    latest.forEach(function (payload, i) {
      payload.series.forEach(function (s) {
        (groups[s.name] = groups[s.name] || []).push({
          x: s[state.xaxis], y: s.value, type: "scattergl", mode: "lines",
          name: escapeText(labels[i] || ("run " + payload.run)) + (s.bucketed ? " (bucketed)" : "")
        });
      });
    });
    return groups;
  }

  function drawBySeries() {
    var groups = bySeries();
    var names = Object.keys(groups).sort();
    if (!names.length) { chart.textContent = "These runs logged no curve points."; return; }
    names.forEach(function (name, k) {
      var id = "series-chart-" + k;
      var box = document.getElementById(id);
      if (!box) {
        var title = document.createElement("h3");
        title.textContent = name;
        box = document.createElement("div");
        box.id = id;
        box.className = "series-chart";
        chart.appendChild(title);
        chart.appendChild(box);
      }
      window.Plotly.react(box, groups[name], layoutFor(360), { responsive: true, displaylogo: false });
    });
  }

  function layoutFor(height) {
    return {
      margin: { t: 20, r: 10, b: 50, l: 60 }, height: height,
      xaxis: { title: { text: state.xaxis === "step" ? "step" : "wall time (s)" } },
      yaxis: { type: state.yscale, exponentformat: "power" },
      legend: { orientation: "h", y: -0.2 }
    };
  }

  function draw() {
    if (chart.dataset.mode === "by-series") return drawBySeries();
    var data = traces();
    var note = document.getElementById("curves-note");
    if (!data.length) {
      chart.textContent = isActive() ? "Waiting for the first curve points…" : "This run logged no curve points.";
      return;
    }
    if (chart.textContent && !chart.classList.contains("js-plotly-plot")) chart.textContent = "";
    window.Plotly.react(chart, data, layoutFor(460), { responsive: true, displaylogo: false });
    if (note) note.dataset.traces = String(data.length);
  }

  function load() {
    return Promise.all(urls.map(function (u) {
      return fetch(u, { headers: { Accept: "application/json" } }).then(function (r) { return r.json(); });
    })).then(function (payloads) { latest = payloads; draw(); });
  }

  function tick() {
    load().finally(function () { if (!allFinished()) setTimeout(tick, isActive() ? 2000 : 500); });
  }

  document.querySelectorAll("input[name=yscale], input[name=xaxis]").forEach(function (input) {
    input.addEventListener("change", function () { state[input.name] = input.value; draw(); });
  });
  function start() { if (window.Plotly) tick(); else setTimeout(start, 50); }
  start();
})();
