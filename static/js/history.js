// Claim history on a paper page: each claim's key number over time, one marker per public run,
// coloured by verdict. Drawn as SVG when its <details> opens (no WebGL context per chart).
(function () {
  const COLOURS = { reproduced: "#1f7a3f", not_reproduced: "#b3261e", inconclusive: "#8a6100" };
  function draw(box) {
    if (box.dataset.drawn || !window.Plotly) return;
    const rows = JSON.parse(document.getElementById(box.dataset.rows).textContent);
    const traces = Object.keys(COLOURS).map(function (verdict) {
      const mine = rows.filter(function (r) { return r.verdict === verdict && r.key_number !== null; });
      return {
        type: "scatter", mode: "markers", name: verdict.replace("_", " "),
        x: mine.map(function (r) { return r.finished_at; }), y: mine.map(function (r) { return r.key_number; }),
        text: mine.map(function (r) { return "run #" + r.run + " · " + r.commit + " · " + r.device + " · " + r.preset; }),
        marker: { color: COLOURS[verdict], size: 8 },
      };
    }).filter(function (t) { return t.x.length; });
    if (!traces.length) { box.textContent = "No key number in these runs' evidence."; box.dataset.drawn = "1"; return; }
    Plotly.newPlot(box, traces, { height: 220, margin: { l: 50, r: 10, t: 10, b: 40 }, yaxis: { title: "key number" },
      legend: { orientation: "h" } }, { displayModeBar: false, responsive: true });
    box.dataset.drawn = "1";
  }
  function init() {
    document.querySelectorAll("details.claim-history").forEach(function (details) {
      const box = details.querySelector(".history-chart");
      if (details.open) draw(box);
      details.addEventListener("toggle", function () { if (details.open) draw(box); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
  window.addEventListener("load", init);
})();
