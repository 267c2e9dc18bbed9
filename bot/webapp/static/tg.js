/* The Mini Apps launch protocol, the little this page needs of it (no CDN, no library).
 *
 * Telegram opens the page with its launch parameters in the URL's fragment:
 * tgWebAppData (the signed initData), tgWebAppThemeParams (JSON colours), tgWebAppStartParam.
 * This file reads them into window.Telegram.WebApp, keeps them for a reload (the fragment
 * is gone after one), and passes theme changes on. Events to Telegram go through the
 * webview proxy (mobile and desktop apps) or a postMessage to the parent (web clients).
 */
(function () {
  "use strict";
  var STORE = "isocross.launch";

  function launchParams() {
    var hash = window.location.hash.replace(/^#/, "");
    var found = new URLSearchParams(hash);
    if (found.get("tgWebAppData")) {
      try { sessionStorage.setItem(STORE, hash); } catch (e) { /* private mode */ }
      return found;
    }
    try { return new URLSearchParams(sessionStorage.getItem(STORE) || ""); } catch (e) {
      return new URLSearchParams("");
    }
  }

  function parseJson(text) {
    try { return JSON.parse(text || "{}") || {}; } catch (e) { return {}; }
  }

  function postEvent(name, data) {
    var payload = JSON.stringify(data || {});
    if (window.TelegramWebviewProxy && window.TelegramWebviewProxy.postEvent) {
      window.TelegramWebviewProxy.postEvent(name, payload);
    } else if (window.parent !== window) {
      window.parent.postMessage(JSON.stringify({ eventType: name, eventData: data || {} }), "*");
    }
  }

  function brightness(hex) {
    var m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex || "");
    if (!m) { return 255; }
    return 0.299 * parseInt(m[1], 16) + 0.587 * parseInt(m[2], 16) + 0.114 * parseInt(m[3], 16);
  }

  var params = launchParams();
  var handlers = {};
  var app = {
    initData: params.get("tgWebAppData") || "",
    startParam: params.get("tgWebAppStartParam") || "",
    themeParams: parseJson(params.get("tgWebAppThemeParams")),
    colorScheme: "light",
    ready: function () { postEvent("web_app_ready"); },
    expand: function () { postEvent("web_app_expand"); },
    onEvent: function (name, fn) { (handlers[name] = handlers[name] || []).push(fn); }
  };
  app.colorScheme = brightness(app.themeParams.bg_color) < 128 ? "dark" : "light";

  function receive(name, data) {
    if (name === "theme_changed" && data && data.theme_params) {
      app.themeParams = data.theme_params;
      app.colorScheme = brightness(app.themeParams.bg_color) < 128 ? "dark" : "light";
    }
    (handlers[name === "theme_changed" ? "themeChanged" : name] || []).forEach(function (fn) {
      fn.call(app);
    });
  }

  window.addEventListener("message", function (event) {
    var message = typeof event.data === "string" ? parseJson(event.data) : {};
    if (message.eventType) { receive(message.eventType, message.eventData); }
  });
  window.Telegram = window.Telegram || {};
  window.Telegram.WebView = { receiveEvent: receive };
  window.Telegram.WebApp = app;
})();
