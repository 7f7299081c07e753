// Draws each <div data-chart="ID"> from the JSON in <script type="application/json" id="ID">
// (Chart.payload() in reports/charts.py). Load it after vendor/echarts/echarts.min.js.
// On <body class="screen"> (the 大屏) charts are dark, with larger text.
(function () {
  "use strict";
  // SVG, not canvas: a dashboard's few dozen bars draw as fast either way, and SVG stays sharp
  // when the page is zoomed or a 大屏 is scaled up, where a canvas drawn for the old pixel
  // ratio blurs until it is drawn again.
  var RENDERER = "svg";

  function text(value, unit) {
    if (value === null || value === undefined) return "—";
    if (unit === "%") return value.toFixed(1) + "%";
    return String(Math.round(value * 100) / 100);
  }

  function withUnit(value, unit) {
    return text(value, unit) + (unit && unit !== "%" && value !== null ? unit : "");
  }

  // Whether the category names side by side would run into each other at this width.
  function crowded(categories, width, fontSize) {
    var longest = categories.reduce(function (most, name) { return Math.max(most, name.length); }, 0);
    return longest * fontSize * categories.length > width * 0.9;
  }

  function option(data, width, screen) {
    var unit = data.unit, links = data.links || [], size = screen ? 18 : 13;
    var percent = unit === "%", many = data.series.length > 1, line = data.kind === "line";
    var label = {
      show: !(line && (many || data.categories.length > 24)),
      fontSize: size - 1,
      formatter: function (p) { return text(p.value, unit); },
    };
    function items(values) {
      return values.map(function (value, i) {
        return { value: value, cursor: links[i] ? "pointer" : "default" };
      });
    }
    var result = {
      // No entry animation: numbers an office reads, shown at once (and a second sooner).
      animation: false,
      textStyle: { fontSize: size },
      tooltip: { trigger: data.kind === "pie" ? "item" : "axis", textStyle: { fontSize: size },
                 valueFormatter: function (v) { return withUnit(v, unit); } },
      aria: { enabled: true, label: { description: data.title } },
    };
    if (data.kind === "pie") {
      // On a phone the labels beside the ring need the room: a smaller ring, shorter labels.
      var values = data.series[0].values, narrow = width < 480;
      result.series = [{
        type: "pie", radius: narrow ? ["25%", "45%"] : ["38%", "68%"], cursor: "default",
        data: data.categories.map(function (name, i) {
          var shown = Boolean(values[i]);  // no label for an empty slice
          return { name: name, value: values[i], cursor: links[i] ? "pointer" : "default",
                   label: { show: shown }, labelLine: { show: shown } };
        }),
        label: { fontSize: size - 1, formatter: function (p) {
          var share = p.percent.toFixed(1) + "%";
          return p.name + "\n" + (narrow ? share : withUnit(p.value, unit) + "（" + share + "）");
        } },
      }];
      return result;
    }
    var horizontal = data.kind === "hbar";
    var categoryAxis = {
      type: "category", data: data.categories, inverse: horizontal, triggerEvent: links.length > 0,
      axisTick: { show: false },
      axisLabel: { interval: 0, fontSize: size,
                   rotate: !horizontal && crowded(data.categories, width, size) ? 45 : 0 },
    };
    var valueAxis = {
      type: "value", min: 0, max: percent ? 100 : null, minInterval: percent ? 0 : 1,
      name: percent ? "" : unit, nameTextStyle: { fontSize: size },
      axisLabel: { fontSize: size, formatter: percent ? "{value}%" : "{value}" },
    };
    result.xAxis = horizontal ? valueAxis : categoryAxis;
    result.yAxis = horizontal ? categoryAxis : valueAxis;
    // ECharts 6 shrinks the grid until the axis labels fit inside outerBounds; keep them off
    // the edges, and leave room above for the legend and for the labels of full bars.
    var pad = Math.round(size * 0.6);
    result.grid = {
      top: many ? size * 3.5 : size * 2, right: horizontal ? size * 4 : size * 2,
      bottom: pad, left: pad, outerBounds: { top: pad, right: pad, bottom: pad, left: pad },
    };
    if (many) result.legend = { top: 0, textStyle: { fontSize: size } };
    result.series = data.series.map(function (s) {
      return {
        type: line ? "line" : "bar", name: s.name, data: items(s.values), cursor: "default",
        symbolSize: line ? size * 0.6 : undefined, lineStyle: line ? { width: 3 } : undefined,
        barMaxWidth: size * 4, labelLayout: { hideOverlap: true },  // narrow bars: fewer labels
        label: Object.assign({ position: horizontal ? "right" : "top" }, label),
      };
    });
    return result;
  }

  function draw(box) {
    var data = JSON.parse(document.getElementById(box.dataset.chart).textContent);
    var screen = document.body.classList.contains("screen");
    if (data.kind === "hbar") {  // a ranking grows with its units, a row each, to stay legible
      box.style.height = Math.max(box.clientHeight, data.categories.length * (screen ? 34 : 26) + 80) + "px";
    }
    var chart = echarts.init(box, screen ? "dark" : null, { renderer: RENDERER });
    // Marks the box once drawn (what browser tests and the B3 benchmark wait for); set
    // before the option, as without animation the drawing may finish at once.
    chart.on("finished", function () { box.dataset.drawn = "1"; });
    chart.setOption(option(data, box.clientWidth, screen));
    chart.on("click", function (p) {
      // A bar, point or slice gives its index; a category's name on the axis gives its text.
      var i = p.componentType === "series" ? p.dataIndex : data.categories.indexOf(p.value);
      var link = (data.links || [])[i];
      if (link) window.location.assign(link);
    });
    return function resize() {
      chart.resize();
      chart.setOption(option(data, box.clientWidth, screen));
    };
  }

  function start() {
    if (!window.echarts) return;
    var resizers = Array.prototype.map.call(document.querySelectorAll("[data-chart]"), draw);
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () { resizers.forEach(function (r) { r(); }); }, 100);
    });
  }
  // A deferred script runs once the page is parsed, just before DOMContentLoaded; a plain one
  // in <head> runs before the chart boxes exist and waits for it.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
