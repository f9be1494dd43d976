// Charts: each <div class="chart" data-chart="ID"> is drawn from the ECharts option in the
// <script type="application/json" id="ID"> next to it, so pages work with a strict CSP (no
// inline scripts) and charts re-draw after htmx swaps fragments in.
(function () {
  function draw(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("div.chart[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.dataset.chart);
      if (!src) { return; }
      var option = JSON.parse(src.textContent);
      var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option, true);
      el.dataset.drawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (evt) { draw(evt.target); });
  window.addEventListener("resize", function () {
    document.querySelectorAll("div.chart[data-drawn]").forEach(function (el) {
      var c = echarts.getInstanceByDom(el); if (c) { c.resize(); }
    });
  });
})();
