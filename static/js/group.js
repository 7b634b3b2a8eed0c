/* Seed-group page: per series, the median curve with its 10–90 % band, and the
 * time-to-target curve (Kaplan–Meier, censored runs kept) when a target is set. */
(function () {
  "use strict";
  var holder = document.getElementById("group-data");
  var root = document.getElementById("group-charts");
  if (!holder || !root) return;
  var summary = JSON.parse(holder.textContent);
  var yscale = "log";

  function escapeText(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function draw() {
    root.textContent = "";
    if (!summary.series.length) { root.textContent = "No finished run of this group has curve points yet."; return; }
    summary.series.forEach(function (s, k) {
      var title = document.createElement("h3");
      title.textContent = s.name + " — median of " + s.band.runs + " runs, 10–90 % band";
      var box = document.createElement("div");
      box.className = "series-chart";
      box.id = "band-" + k;
      root.appendChild(title); root.appendChild(box);
      var b = s.band;
      var traces = [
        { x: b.step, y: b.q90, mode: "lines", line: { width: 0 }, name: "90 %", showlegend: false },
        { x: b.step, y: b.q10, mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: "rgba(43,89,195,0.2)", name: "10–90 %" },
        { x: b.step, y: b.median, mode: "lines", line: { color: "#2b59c3" }, name: escapeText("median " + s.name) }
      ];
      window.Plotly.react(box, traces, { height: 340, margin: { t: 10, r: 10, b: 40, l: 60 },
        xaxis: { title: { text: "step" } }, yaxis: { type: yscale, exponentformat: "power" } },
        { responsive: true, displaylogo: false });
      if (s.target) {
        var km = document.createElement("div");
        km.className = "series-chart km";
        root.appendChild(km);
        window.Plotly.react(km, [{ x: s.target.step, y: s.target.fraction, mode: "lines", line: { shape: "hv" },
          name: "fraction reached (Kaplan–Meier)" }],
          { height: 240, margin: { t: 10, r: 10, b: 40, l: 60 }, xaxis: { title: { text: "step" } },
            yaxis: { range: [0, 1.05], title: { text: "reached target" } } }, { responsive: true, displaylogo: false });
      }
    });
  }
  document.querySelectorAll("input[name=yscale]").forEach(function (input) {
    input.addEventListener("change", function () { yscale = input.value; draw(); });
  });
  function start() { if (window.Plotly) draw(); else setTimeout(start, 50); }
  start();
})();
