/*
 * Draws the charts of core/_chart.html (specs from core/charts.py) with vega-embed.
 *
 * Each chart's view names the JSON blocks holding its Vega-Lite spec and its
 * vega-embed options (number and date formats of the page's language). The
 * view stays hidden, and the data table open, until the chart is drawn, so
 * without JavaScript, or if drawing fails, the table is the chart.
 *
 * Under the Content-Security-Policy (no eval, no inline styles) Vega runs with
 * its expression interpreter (ast: true), and neither vega-embed nor the
 * tooltip inject a <style> element (static/css/charts.css styles them).
 * Loaded with defer after vega, vega-lite and vega-embed (core/_chart_assets.html).
 */
(function () {
  "use strict";

  var OPTIONS = {
    actions: false,
    renderer: "svg",
    ast: true,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true },
  };

  function readJson(id) {
    var element = id && document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function draw(view) {
    view.setAttribute("data-chart-drawn", "pending");
    var figure = view.closest("figure");
    var table = figure && figure.querySelector("details[data-chart-table]");
    var spec = readJson(view.getAttribute("data-chart-spec"));
    var options = Object.assign({}, readJson(view.getAttribute("data-chart-options")), OPTIONS);
    // Vega gives the element it draws into a role and label of its own; the
    // view keeps role="img" and the description, the drawing goes inside it.
    var canvas = document.createElement("div");
    canvas.className = "th-chart__canvas";
    view.appendChild(canvas);
    view.hidden = false;
    return window
      .vegaEmbed(canvas, spec, options)
      .then(function () {
        view.setAttribute("data-chart-drawn", "done");
        if (table) {
          table.open = false;
        }
      })
      .catch(function (error) {
        view.hidden = true;
        view.removeChild(canvas);
        view.setAttribute("data-chart-drawn", "failed");
        console.error("Chart " + (figure ? figure.id : "") + " could not be drawn:", error);
      });
  }

  function drawAll() {
    if (typeof window.vegaEmbed !== "function") {
      return; // vega-embed did not load: the tables stay open
    }
    var views = document.querySelectorAll("[data-chart-spec]:not([data-chart-drawn])");
    Array.prototype.forEach.call(views, draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  // Charts in content swapped in by htmx (idempotent: drawn views are skipped).
  document.addEventListener("htmx:afterSwap", drawAll);
})();
