/* IsoCross Mini App: the calculator and the portfolio view. Plain JavaScript, no build.
 *
 * Every figure and every word comes from /api/* (the bot's engine and catalogs); this file
 * only sends what the user types or drags and shows what comes back.
 */
(function () {
  "use strict";
  var tg = window.Telegram.WebApp;
  var texts = {};
  var modes = ["", ""];
  var chart = null;
  var timers = {};
  var sequence = { calc: 0, slider: 0 };

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function later(name, ms, fn) {
    clearTimeout(timers[name]);
    timers[name] = setTimeout(fn, ms);
  }

  function api(path, body) {
    var options = { headers: { Authorization: "tma " + tg.initData } };
    if (body !== undefined) {
      options.method = "POST";
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 401) {
          problem(data.message || texts.unauthorized || "401");
          throw new Error("unauthorized");
        }
        return { ok: response.ok, data: data };
      });
    });
  }

  function problem(message) {
    $("app").hidden = true;
    var box = $("problem");
    box.textContent = message;
    box.hidden = false;
  }

  function theme() {
    var p = tg.themeParams || {};
    var root = document.documentElement;
    var map = { bg_color: "--bg", text_color: "--text", hint_color: "--hint", link_color: "--link",
      button_color: "--button", button_text_color: "--button-text", secondary_bg_color: "--card" };
    Object.keys(map).forEach(function (key) {
      if (p[key]) { root.style.setProperty(map[key], p[key]); }
    });
    root.classList.toggle("dark", tg.colorScheme === "dark");
  }

  function applyTexts() {
    document.querySelectorAll("[data-text]").forEach(function (node) {
      var text = texts[node.getAttribute("data-text")];
      if (text) { node.textContent = text; }
    });
    var options = $("mode").options;
    options[0].textContent = texts.isolated;
    options[1].textContent = texts.cross;
    $("legend-iso").textContent = texts.isolated;
    $("legend-cross").textContent = texts.cross;
  }

  function show(view) {
    ["calc", "portfolio"].forEach(function (name) {
      $("view-" + name).hidden = name !== view;
      $("tab-" + name).classList.toggle("active", name === view);
    });
    if (view === "portfolio") { loadPortfolio(null); }
  }

  /* The calculator */

  function formData() {
    var data = {};
    Array.prototype.forEach.call($("calc-form").elements, function (field) {
      if (field.name) { data[field.name] = field.value; }
    });
    return data;
  }

  function calculate() {
    var mine = ++sequence.calc;
    api("/api/calc", formData()).then(function (answer) {
      if (mine !== sequence.calc) { return; }
      Array.prototype.forEach.call($("calc-form").elements, function (field) {
        field.removeAttribute("aria-invalid");
      });
      if (!answer.ok) {
        $("calc-error").textContent = answer.data.error || texts.failed;
        $("calc-error").hidden = false;
        if (answer.data.field && $(answer.data.field)) {
          $(answer.data.field).setAttribute("aria-invalid", "true");
        }
        return;
      }
      $("calc-error").hidden = true;
      renderCalc(answer.data);
    }).catch(function () { /* shown by api() */ });
  }

  function renderCalc(result) {
    modes = result.modes;
    $("calc-title").textContent = result.title;
    var table = $("calc-table");
    table.textContent = "";
    var chosen = Number($("mode").value);
    var head = el("tr");
    head.appendChild(el("th", {}, ""));
    modes.forEach(function (name, i) { head.appendChild(el("th", i === chosen ? { class: "chosen" } : {}, name)); });
    table.appendChild(head);
    result.rows.forEach(function (row) {
      var tr = el("tr", { "data-key": row.key });
      tr.appendChild(el("td", {}, row.label));
      row.values.forEach(function (value, i) {
        var attrs = { id: "calc-" + row.key + "-" + i };
        if (i === chosen) { attrs["class"] = "chosen"; }
        tr.appendChild(el("td", attrs, value));
      });
      table.appendChild(tr);
    });
    $("calc-notes").textContent = result.notes.join(" ");
  }

  /* The portfolio view */

  function loadPortfolio(symbol) {
    var path = "/api/portfolio" + (symbol ? "?symbol=" + encodeURIComponent(symbol) : "");
    api(path).then(function (answer) {
      var view = answer.data;
      $("portfolio-empty").hidden = !view.empty;
      $("portfolio-body").hidden = !!view.empty;
      if (!answer.ok || view.empty) {
        $("portfolio-empty").textContent = view.message || view.error || texts.failed;
        $("portfolio-empty").hidden = false;
        return;
      }
      modes = view.modes;
      $("wallet").textContent = view.wallet;
      renderMarkets(view.markets, view.chart.symbol);
      renderCards(view.cards, view.chart.symbol);
      chart = view.chart;
      drawChart(Number(view.mark));
      setSlider(Number(view.mark));
      $("portfolio-notes").textContent = view.notes.join(" ");
      slide();
    }).catch(function () { /* shown by api() */ });
  }

  function renderMarkets(markets, current) {
    var select = $("market");
    select.textContent = "";
    markets.forEach(function (symbol) {
      var option = el("option", { value: symbol }, symbol);
      if (symbol === current) { option.selected = true; }
      select.appendChild(option);
    });
    $("market-label").hidden = markets.length < 2;
  }

  function renderCards(cards, symbol) {
    var box = $("cards");
    box.textContent = "";
    cards.forEach(function (card) {
      var node = el("article", { class: "card", id: "card-" + card.id, "data-symbol": card.symbol });
      node.appendChild(el("h3", {}, card.title));
      var list = el("dl");
      [[texts.entry_short, card.entry], [texts.mark, card.mark], [texts.mode, card.mode]].forEach(function (pair) {
        var cell = el("div");
        cell.appendChild(el("dt", {}, pair[0]));
        cell.appendChild(el("dd", {}, pair[1]));
        list.appendChild(cell);
      });
      modes.forEach(function (name, i) {
        var cell = el("div");
        cell.appendChild(el("dt", {}, name));
        cell.appendChild(el("dd", {}, card.liquidation[i]));
        list.appendChild(cell);
      });
      var state = el("div");
      state.appendChild(el("dt", {}, texts.at_price));
      state.appendChild(el("dd", { id: "state-" + card.id }, ""));
      list.appendChild(state);
      node.appendChild(list);
      box.appendChild(node);
    });
  }

  var W = 340, H = 180, PAD = 6;

  function scales() {
    var xs = chart.prices, ys = chart.isolated.concat(chart.cross);
    var x0 = xs[0], x1 = xs[xs.length - 1];
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    if (y1 === y0) { y1 = y0 + 1; }
    return {
      x: function (v) { return PAD + (W - 2 * PAD) * (v - x0) / (x1 - x0); },
      y: function (v) { return H - PAD - (H - 2 * PAD) * (v - y0) / (y1 - y0); }
    };
  }

  function svg(tag, attrs) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function drawChart(mark) {
    var box = $("chart");
    box.textContent = "";
    var s = scales();
    chart.markers.forEach(function (m) {
      var x = s.x(Number(m.price));
      box.appendChild(svg("line", { x1: x, x2: x, y1: 0, y2: H, class: m.kind }));
    });
    ["isolated", "cross"].forEach(function (curve) {
      var points = chart.prices.map(function (p, i) {
        return s.x(p).toFixed(1) + "," + s.y(chart[curve][i]).toFixed(1);
      });
      box.appendChild(svg("polyline", { points: points.join(" "), class: curve === "isolated" ? "iso" : "cross" }));
    });
    box.appendChild(svg("line", { id: "cursor", x1: s.x(mark), x2: s.x(mark), y1: 0, y2: H, class: "cursor" }));
  }

  function range() { return [chart.prices[0], chart.prices[chart.prices.length - 1]]; }

  function setSlider(price) {
    var r = range();
    $("slider").value = String(Math.round(1000 * (price - r[0]) / (r[1] - r[0])));
  }

  function sliderPrice() {
    var r = range();
    var price = r[0] + (r[1] - r[0]) * Number($("slider").value) / 1000;
    return Number(price.toPrecision(8));
  }

  function slide() {
    var price = sliderPrice();
    var x = scales().x(price);
    var cursor = $("cursor");
    if (cursor) { cursor.setAttribute("x1", x); cursor.setAttribute("x2", x); }
    later("slider", 60, function () { whatIf(price); });
  }

  function whatIf(price) {
    var mine = ++sequence.slider;
    api("/api/slider", { symbol: chart.symbol, price: String(price) }).then(function (answer) {
      if (mine !== sequence.slider || !answer.ok) { return; }
      var view = answer.data;
      $("slider-price").textContent = view.price;
      var table = $("outcome");
      table.textContent = "";
      var head = el("tr");
      head.appendChild(el("th", {}, ""));
      modes.forEach(function (name) { head.appendChild(el("th", {}, name)); });
      table.appendChild(head);
      [["equity", texts.equity_left, view.equity], ["liquidated", texts.liquidated, view.liquidated]].forEach(function (row) {
        var tr = el("tr", { "data-key": row[0] });
        tr.appendChild(el("td", {}, row[1]));
        row[2].forEach(function (value, i) { tr.appendChild(el("td", { id: "outcome-" + row[0] + "-" + i }, value)); });
        table.appendChild(tr);
      });
      view.positions.forEach(function (p) {
        var state = $("state-" + p.id);
        if (!state) { return; }
        state.textContent = p.texts[0] + " / " + p.texts[1];
        state.className = p.liquidated[0] || p.liquidated[1] ? "gone" : "";
        var card = $("card-" + p.id);
        card.setAttribute("data-isolated", p.liquidated[0] ? "liquidated" : "survives");
        card.setAttribute("data-cross", p.liquidated[1] ? "liquidated" : "survives");
      });
    }).catch(function () { /* shown by api() */ });
  }

  function boot(me) {
    texts = me.texts;
    document.documentElement.lang = me.locale;
    applyTexts();
    var select = $("exchange");
    me.exchanges.forEach(function (e) {
      var option = el("option", { value: e.id }, e.name);
      if (e.id === me.exchange) { option.selected = true; }
      select.appendChild(option);
    });
    $("leverage").placeholder = me.leverage;
    $("app").hidden = false;
    $("calc-form").addEventListener("input", function () { later("calc", 150, calculate); });
    $("calc-form").addEventListener("submit", function (e) { e.preventDefault(); calculate(); });
    $("tab-calc").addEventListener("click", function () { show("calc"); });
    $("tab-portfolio").addEventListener("click", function () { show("portfolio"); });
    $("market").addEventListener("change", function () { loadPortfolio($("market").value); });
    $("slider").addEventListener("input", slide);
    var wanted = new URLSearchParams(window.location.search).get("view") || tg.startParam;
    show(wanted === "portfolio" ? "portfolio" : "calc");
  }

  theme();
  tg.onEvent("themeChanged", theme);
  tg.ready();
  tg.expand();
  api("/api/me").then(function (answer) {
    if (!answer.ok) { problem(answer.data.error || "error"); return; }
    boot(answer.data);
  }).catch(function () { /* shown by api() */ });
})();
