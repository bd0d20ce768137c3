/*
 * Bearings widget loader. One tag on the host page:
 *   <script src="https://HOST/embed.js" data-flow="crypto-loss-recovery" async></script>
 * Optional: data-title="Help after a loss", data-color="#1f5f8b", data-position="left|right".
 *
 * Adds a launcher button and, when opened, an iframe at HOST/widget. The conversation token is
 * kept in this page's own localStorage and handed to the iframe by postMessage, so the widget
 * keeps its conversation where third-party cookies and storage are blocked. Every message is
 * origin-checked both ways. Styles are set through the CSSOM, so a strict host CSP allows them.
 * API: window.Bearings.open(), .close(), .on("ready"|"step"|"document"|"complete", fn).
 * "step" fires when the person arrives at a step and "complete" once per conversation; a reload
 * of this page does not announce the same step again ("ready" carries the current step).
 */
(function () {
  "use strict";
  if (window.Bearings && window.Bearings.version) return;

  var script = document.currentScript || document.querySelector("script[src$='/embed.js']");
  var base = new URL(script.src, location.href).origin;
  var data = script.dataset;
  var flow = data.flow || "crypto-loss-recovery";
  var title = (data.title || "Bearings").slice(0, 60);
  var colour = /^#[0-9a-fA-F]{6}$/.test(data.color || "") ? data.color : "#1f5f8b";
  var side = data.position === "left" ? "left" : "right";
  var storageKey = "bearings:" + base + ":" + flow;
  var phone = window.matchMedia("(max-width: 600px)");
  var handlers = {};
  var memory = null, announcedMemory = {};
  var announcedKey = storageKey + ":announced";
  var state = { allowed: null, wantOpen: false, open: false, frameReady: false };
  var launcher, panel, frame;

  function emit(name, detail) {
    (handlers[name] || []).slice().forEach(function (fn) {
      try { fn(detail); } catch (error) { console.error("Bearings: an event handler failed", error); }
    });
  }

  function stored() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { return memory; }
  }

  function store(conversation) {
    memory = conversation;
    try {
      if (conversation) localStorage.setItem(storageKey, JSON.stringify(conversation));
      else localStorage.removeItem(storageKey);
    } catch (e) { /* storage off: keep it for this page view only */ }
  }

  /* What this page was last told, kept with the conversation so a reload does not repeat it. */
  function announced() {
    try { return JSON.parse(localStorage.getItem(announcedKey) || "null") || {}; } catch (e) { return announcedMemory; }
  }

  function announce(what) {
    announcedMemory = what;
    try {
      if (Object.keys(what).length) localStorage.setItem(announcedKey, JSON.stringify(what));
      else localStorage.removeItem(announcedKey);
    } catch (e) { /* storage off: remember it for this page view only */ }
  }

  /* Emit "step" and "complete" only when they are news to this page. */
  function emitOnce(type, message) {
    var detail = message.detail || {};
    var told = announced();
    var key = type === "step" ? String(message.seen || "") : String(detail.id || "");
    if (key && told[type] === key) return;
    if (key) { told[type] = key; announce(told); }
    emit(type, detail);
  }

  function remember(conversation) {
    if (conversation && typeof conversation.id === "string" && typeof conversation.token === "string") {
      store({ id: conversation.id, token: conversation.token });
    }
  }

  function textOn(hex) {
    var c = [1, 3, 5].map(function (i) {
      var v = parseInt(hex.slice(i, i + 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    var l = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? "#000" : "#fff";
  }

  function css(element, rules) {
    Object.keys(rules).forEach(function (name) { element.style.setProperty(name, rules[name]); });
  }

  function buildLauncher() {
    launcher = document.createElement("button");
    launcher.type = "button";
    launcher.textContent = title;
    launcher.setAttribute("aria-haspopup", "dialog");
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("data-bearings", "launcher");
    css(launcher, {
      position: "fixed", bottom: "20px", "z-index": "2147483000", font: "600 16px/1.2 system-ui, sans-serif",
      padding: "14px 20px", "border-radius": "999px", border: "2px solid " + textOn(colour),
      background: colour, color: textOn(colour), cursor: "pointer", "box-shadow": "0 4px 14px rgba(0,0,0,.25)"
    });
    launcher.style.setProperty(side, "20px");
    launcher.addEventListener("click", function () { if (state.open) close(); else open(); });
    document.body.appendChild(launcher);
  }

  function layout() {
    if (!panel) return;
    var full = phone.matches;
    css(panel, full ? { top: "0", bottom: "0", left: "0", right: "0", width: "100%", height: "100%", "border-radius": "0" }
      : { top: "auto", bottom: "88px", left: side === "left" ? "20px" : "auto", right: side === "right" ? "20px" : "auto",
          width: "400px", height: "min(660px, calc(100vh - 110px))", "border-radius": "16px" });
    launcher.style.setProperty("display", full && state.open ? "none" : "block");
  }

  function buildPanel() {
    panel = document.createElement("div");
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", title);
    panel.setAttribute("data-bearings", "panel");
    css(panel, { position: "fixed", "z-index": "2147483001", overflow: "hidden", display: "none",
      background: "#fff", "box-shadow": "0 8px 32px rgba(0,0,0,.3)", "max-width": "100vw" });
    frame = document.createElement("iframe");
    frame.title = title + " chat";
    frame.src = base + "/widget?" + new URLSearchParams({ origin: location.origin, flow: flow, title: title, color: colour });
    css(frame, { border: "0", width: "100%", height: "100%", display: "block" });
    panel.appendChild(frame);
    document.body.appendChild(panel);
    phone.addEventListener("change", layout);
  }

  function send(message) {
    if (frame && frame.contentWindow) frame.contentWindow.postMessage(message, base);
  }

  function open() {
    if (state.allowed === false) { console.error("Bearings: open() ignored; this origin is not allowed."); return; }
    if (!state.allowed) { state.wantOpen = true; return; }
    if (!panel) buildPanel();
    state.open = true;
    panel.style.setProperty("display", "block");
    launcher.setAttribute("aria-expanded", "true");
    layout();
    frame.focus();
    if (state.frameReady) send({ type: "opened" });
  }

  function close() {
    if (!panel || !state.open) return;
    state.open = false;
    panel.style.setProperty("display", "none");
    launcher.setAttribute("aria-expanded", "false");
    layout();
    launcher.focus();
  }

  function receive(event) {
    if (!frame || event.source !== frame.contentWindow || event.origin !== base) return;
    var message = event.data || {};
    switch (message.type) {
      case "hello":
        state.frameReady = true;
        send({ type: "init", conversation: stored(), open: state.open });
        break;
      case "save": remember((message.detail || {}).conversation); break;
      case "forget": store(null); announce({}); break;
      case "close": close(); break;
      case "step": case "complete": emitOnce(message.type, message); break;
      case "ready": case "document": emit(message.type, message.detail || {}); break;
      default: break;
    }
  }

  function start(allowed, why) {
    state.allowed = allowed;
    if (!allowed) { console.error(why); return; }
    window.addEventListener("message", receive);
    buildLauncher();
    if (state.wantOpen) open();
  }

  window.Bearings = {
    version: "1",
    open: open,
    close: close,
    on: function (name, fn) { (handlers[name] = handlers[name] || []).push(fn); return window.Bearings; }
  };

  function begin() {
    fetch(base + "/widget/config?origin=" + encodeURIComponent(location.origin), { credentials: "omit" })
      .then(function (response) { return response.json(); })
      .then(function (config) { start(Boolean(config.allowed), config.message); })
      .catch(function () {
        console.warn("Bearings: could not ask " + base + " whether this page may show the widget " +
          "(is it in connect-src?); showing it, and the server's frame-ancestors still decides.");
        start(true);
      });
  }

  if (document.body) begin(); else document.addEventListener("DOMContentLoaded", begin);
  document.dispatchEvent(new CustomEvent("bearings:load"));
}());
