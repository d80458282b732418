/* 统计图表: draws each chart of the page from the JSON the server rendered (#dashboard-data).
   Every label comes from the server in the page's language; this file holds no text. The site's
   CSP forbids inline scripts and inline style attributes, so the chart code lives here and the
   tooltips are plain text lines. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) {
    return;
  }
  var specs = JSON.parse(source.textContent);
  var lang = document.documentElement.lang || "zh-Hans";

  function numberFormat(options) {
    try {
      return new Intl.NumberFormat(lang, options);
    } catch (error) {
      return new Intl.NumberFormat(undefined, options);
    }
  }

  var formats = {
    money: numberFormat({ minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    count: numberFormat({ maximumFractionDigits: 0 }),
    days: numberFormat({ minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    compact: numberFormat({ notation: "compact", maximumFractionDigits: 1 }),
  };

  function format(kind, value) {
    if (value === null || value === undefined || value === "") {
      return "—";
    }
    return (formats[kind] || formats.count).format(Number(value));
  }

  function stackCount(spec) {
    var stacks = {};
    var count = 0;
    spec.series.forEach(function (series) {
      if (!series.stack) {
        count += 1;
      } else if (!stacks[series.stack]) {
        stacks[series.stack] = true;
        count += 1;
      }
    });
    return count;
  }

  function valueAxis(axis, index, horizontal, spec) {
    var result = {
      type: "value",
      name: axis.name,
      nameLocation: horizontal ? "middle" : "end",
      nameGap: horizontal ? 28 : 12,
      nameTextStyle: horizontal ? {} : { align: index === 0 ? "left" : "right" },
      minInterval: axis.kind === "money" ? 0 : 1,
      position: horizontal ? (index === 0 ? "bottom" : "top") : index === 0 ? "left" : "right",
      splitLine: { show: index === 0 },
      axisLabel: {
        formatter: function (value) {
          return formats.compact.format(value);
        },
      },
    };
    if (spec.markLine && index === 0) {
      // The reference line (the quota) stays inside the axis even when every bar is shorter.
      result.max = function (extent) {
        return Math.max(extent.max, spec.markLine.value);
      };
    }
    return result;
  }

  // The height of the legend's rows at this width: ECharts wraps a plain legend but does not move
  // the plot down, and a scrolling legend would hide series on a phone.
  function legendHeight(spec, width) {
    var rows = 1;
    var used = 0;
    var available = Math.max(width - 20, 100);
    spec.series.forEach(function (series) {
      var text = 0;
      for (var i = 0; i < series.name.length; i += 1) {
        text += series.name.charCodeAt(i) > 255 ? 12 : 7;
      }
      var item = 25 + 5 + text + 10;
      if (used && used + item > available) {
        rows += 1;
        used = 0;
      }
      used += item;
    });
    return rows * 22;
  }

  function layout(spec, width) {
    var top = 8 + legendHeight(spec, width);
    var twoAxes = spec.horizontal && spec.axes.length > 1;
    return {
      grid: {
        left: 8,
        right: 24,
        top: top + (twoAxes ? 44 : spec.horizontal ? 8 : 28),
        bottom: spec.horizontal ? 48 : 16,
        containLabel: true,
      },
    };
  }

  // Money charts read the same way everywhere: paid green, planned orange, queued yellow.
  var COLOURS = {
    budget: "#3d6fd6",
    paid: "#2e9d5b",
    scheduled: "#f08c2b",
    planned: "#f08c2b",
    remaining: "#a9b4c2",
    queued: "#f5c242",
    count: "#3d6fd6",
    average: "#2e9d5b",
    longest: "#d9534f",
  };

  function option(spec, width) {
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      inverse: spec.horizontal,
      axisLabel: spec.horizontal
        ? { width: 120, overflow: "break", interval: 0 }
        : { interval: 0 },
    };
    var valueAxes = spec.axes.map(function (axis, index) {
      return valueAxis(axis, index, spec.horizontal, spec);
    });
    var encode = echarts.format.encodeHTML;
    var series = spec.series.map(function (item) {
      var entry = {
        type: "bar",
        name: item.name,
        data: item.values.map(function (value) {
          return value === null ? "-" : Number(value);
        }),
        barMaxWidth: 28,
      };
      if (COLOURS[item.key]) {
        entry.itemStyle = { color: COLOURS[item.key] };
      }
      if (item.stack) {
        entry.stack = item.stack;
      }
      entry[spec.horizontal ? "xAxisIndex" : "yAxisIndex"] = item.axis;
      return entry;
    });
    if (spec.markLine && series.length) {
      var line = {};
      line[spec.horizontal ? "xAxis" : "yAxis"] = spec.markLine.value;
      series[0].markLine = {
        symbol: "none",
        silent: true,
        lineStyle: { type: "dashed", color: "#dc3545" },
        label: { formatter: spec.markLine.name + " " + spec.markLine.value, position: "insideEndTop" },
        data: [line],
      };
    }
    return {
      animation: true,
      legend: { type: "plain", top: 4, left: "center" },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        confine: true,
        formatter: function (params) {
          var list = Array.isArray(params) ? params : [params];
          if (!list.length) {
            return "";
          }
          var lines = [encode(String(list[0].name))];
          list.forEach(function (param) {
            var kind = spec.series[param.seriesIndex].kind;
            var raw = spec.series[param.seriesIndex].values[param.dataIndex];
            lines.push(encode(param.seriesName) + "：" + encode(format(kind, raw)));
          });
          return lines.join("<br>");
        },
      },
      xAxis: spec.horizontal ? valueAxes : categoryAxis,
      yAxis: spec.horizontal ? categoryAxis : valueAxes,
      series: series,
      grid: layout(spec, width).grid,
    };
  }

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var spec = specs[element.getAttribute("data-chart")];
    if (!spec) {
      return;
    }
    if (spec.horizontal) {
      // A bar per category and stack: a chart of many counties or items grows taller.
      var bars = spec.categories.length * stackCount(spec);
      element.style.height = Math.max(280, 120 + bars * 14 + spec.categories.length * 10) + "px";
    }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option(spec, element.clientWidth));
    charts.push({ chart: chart, spec: spec, element: element });
  });

  var pending = null;
  function resizeAll() {
    if (pending) {
      return;
    }
    pending = window.requestAnimationFrame(function () {
      pending = null;
      charts.forEach(function (entry) {
        entry.chart.setOption(layout(entry.spec, entry.element.clientWidth));
        entry.chart.resize();
      });
    });
  }
  if (window.ResizeObserver) {
    var observer = new ResizeObserver(resizeAll);
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      observer.observe(element);
    });
  } else {
    window.addEventListener("resize", resizeAll);
  }
})();
