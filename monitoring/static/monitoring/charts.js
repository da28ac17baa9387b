/* The cockpit's charts (Apache ECharts, vendored: no CDN). The data is the page's own
   <script type="application/json" id="monitoring-chart-data">; a table beside each chart prints
   the same figures. */
(function () {
  "use strict";
  var source = document.getElementById("monitoring-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var percent = { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } };
  var charts = [];

  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    el.setAttribute("data-drawn", "1");
    charts.push(chart);
  }

  if (data.areas && data.areas.names.length) {
    draw("chart-areas", {
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
      legend: { type: "scroll", top: 0 },
      grid: { left: 48, right: 12, top: 40, bottom: 40 },
      xAxis: { type: "category", data: data.areas.names, axisLabel: { interval: 0, rotate: data.areas.names.length > 4 ? 30 : 0 } },
      yAxis: percent,
      series: data.areas.rates.map(function (r) { return { name: r.name, type: "bar", data: r.values }; })
    });
  }
  if (data.trend && data.trend.days.length) {
    draw("chart-trend", {
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
      legend: { type: "scroll", top: 0 },
      grid: { left: 48, right: 12, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.trend.days },
      yAxis: percent,
      series: data.trend.rates.slice(0, 5).map(function (r) {
        return { name: r.name, type: "line", data: r.values, connectNulls: false, showSymbol: data.trend.days.length < 20 };
      })
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
