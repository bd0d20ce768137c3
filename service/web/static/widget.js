/* Bearings widget: the conversation inside the host's iframe, driven through the JSON API.
   The token arrives from the host page by postMessage (kept in the host's own storage) and
   goes back to it the same way; messages go only to, and come only from, the declared host. */
(function () {
  "use strict";
  var UI = window.BearingsUI, el = UI.el;
  var settings = JSON.parse(document.getElementById("bearings-settings").textContent);
  var host = settings.origin;
  var app = document.getElementById("app");
  var session = null, current = null, completed = false, chat = null, announcedReady = false;

  // -- talking to the host page and to the server -------------------------------------------

  function tell(type, detail, extra) {
    window.parent.postMessage(Object.assign({ type: type, detail: detail }, extra || {}), host);
  }

  function stepDetail(step) {
    return { id: step.id, state: step.state, title: step.title, stage: step.stage,
      progress: step.progress, status: step.status };
  }

  function api(method, path, body) {
    var headers = { Accept: "application/json" };
    if (session) headers.Authorization = "Bearer " + session.token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(path, { method: method, headers: headers, credentials: "omit",
      body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (response) {
        if (response.status === 204) return { status: 204, body: null };
        return response.json().then(function (json) { return { status: response.status, body: json }; });
      });
  }

  /* Send an exchange export to the upload API (multipart, part "file"); same shape as api(). */
  function upload(file) {
    var body = new FormData();
    body.append("file", file, file.name);
    return fetch(conversation("/uploads"), { method: "POST", body: body, credentials: "omit",
      headers: { Accept: "application/json", Authorization: "Bearer " + session.token } })
      .then(function (response) {
        return response.json().then(function (json) { return { status: response.status, body: json }; },
          function () { return { status: response.status, body: {} }; });
      }, function () { return { status: 0, body: {} }; });
  }

  function conversation(suffix) { return "/api/v1/conversations/" + session.id + (suffix || ""); }
  function extra(suffix) { return "/widget/api/conversations/" + session.id + suffix; }

  function download(path, name, detail) {
    return fetch(path, { headers: { Authorization: "Bearer " + session.token }, credentials: "omit" })
      .then(function (response) {
        if (!response.ok) throw new Error("download failed: " + response.status);
        var given = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
        if (given) name = given[1];
        return response.blob();
      })
      .then(function (blob) {
        var link = el("a", { href: URL.createObjectURL(blob), download: name });
        document.body.appendChild(link);
        link.click();
        link.remove();
        tell("document", detail);
      })
      .catch(function () { notice("That download did not work. Please try again."); });
  }

  // -- screens -------------------------------------------------------------------------------

  function show(nodes, focusTarget) {
    app.replaceChildren.apply(app, nodes);
    if (focusTarget) focusTarget.focus();
  }

  function heading(text, level) { return el(level || "h2", { tabindex: "-1", text: text }); }

  function notice(text) {
    if (chat) chat.log.appendChild(el("li", { "class": "message assistant" }, [el("p", { text: text })]));
  }

  function lost() {
    session = null; chat = null; current = null;
    tell("forget");
    startScreen("We could not open your earlier conversation here. You can start again, or use your resume code.");
  }

  function startScreen(note) {
    var title = heading("You are not alone, and there are things you can do today.");
    var code = el("input", { id: "resume-code", name: "code", type: "text", autocomplete: "off",
      autocapitalize: "characters", spellcheck: "false", maxlength: 20, "aria-describedby": "resume-help" });
    var error = el("p", { "class": "error", id: "resume-error", hidden: true });
    var resumeForm = el("form", { novalidate: true, on: { submit: function (event) {
      event.preventDefault();
      api("POST", "/widget/api/resume", { code: code.value }).then(function (reply) {
        if (reply.status !== 200) {
          error.textContent = reply.status === 422 ? reply.body.errors.code.join(" ") : reply.body.message;
          error.hidden = false;
          code.setAttribute("aria-invalid", "true");
          code.setAttribute("aria-describedby", "resume-help resume-error");
          code.focus();
          return;
        }
        session = reply.body;
        tell("save", { conversation: session });
        load();
      });
    } } }, [el("div", { "class": "field" }, [el("label", { "for": "resume-code", text: "Resume code" }),
      el("p", { "class": "help", id: "resume-help", text: "Ten letters and digits, like 7KQ2-M9XD-4T." }), error, code]),
    el("button", { type: "submit", text: "Continue" })]);
    show([el("section", { "class": "card welcome" }, [title,
      note ? el("p", { "class": "note", text: note }) : null,
      el("p", { text: "Bearings walks you through what to do after a big crypto loss, one step at a time: stop further damage, keep proof, contact the platform and the bank, and get legal and tax help." }),
      el("button", { type: "button", "class": "primary", text: "Start", on: { click: begin } }),
      el("p", { "class": "small", text: "Your answers are encrypted with a key only this page holds. You can delete everything at any time." })]),
    el("section", { "class": "card" }, [el("h2", { text: "Started before?" }), resumeForm])], note ? title : null);
    ready();
  }

  function begin() {
    api("POST", "/api/v1/conversations", settings.flow ? { flow: settings.flow } : {}).then(function (reply) {
      if (reply.status !== 201) { notice(reply.body.message); return; }
      session = { id: reply.body.id, token: reply.body.token };
      tell("save", { conversation: session });
      delete reply.body.token;
      render(reply.body, null, true);
    });
  }

  function load() {
    api("GET", conversation()).then(function (reply) {
      if (reply.status === 200) render(reply.body, null, false);
      else lost();
    });
  }

  function ready() {
    if (announcedReady) return;
    announcedReady = true;
    tell("ready", current ? { conversation: Boolean(session), step: stepDetail(current) }
      : { conversation: Boolean(session) });
  }

  window.BearingsWidget = { show: show, heading: heading, api: api, upload: upload, formats: settings.formats || {},
    extra: extra, conversation: conversation,
    download: download, tell: tell, el: el,
    session: function () { return session; }, current: function () { return current; },
    chat: function () { return chat; }, setChat: function (c) { chat = c; },
    setCurrent: function (step) {
      current = step;
      // "seen" lets the host page skip a step it was already told of, after a reload of its own.
      tell("step", stepDetail(step), { seen: step.id + ":" + step.version });
      if (step.status === "complete" && !completed) { completed = true; tell("complete", { id: step.id }); }
      ready();
    },
    forget: function () { session = null; chat = null; current = null; tell("forget"); },
    lost: lost, startScreen: startScreen, notice: notice };

  function render(step, said, focus) { window.BearingsChat.render(step, said, focus); }

  // -- start-up ------------------------------------------------------------------------------

  window.addEventListener("message", function (event) {
    if (event.origin !== host || event.source !== window.parent) return;
    var message = event.data || {};
    if (message.type === "init") {
      if (message.conversation && message.conversation.id && message.conversation.token) {
        session = { id: String(message.conversation.id), token: String(message.conversation.token) };
        load();
      } else {
        startScreen();
      }
    } else if (message.type === "opened") {
      var target = app.querySelector("h2[tabindex], h1[tabindex]");
      if (target) target.focus();
    }
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") tell("close"); });
  if (window.parent === window) {
    show([el("section", { "class": "card" }, [el("h2", { text: "This chat opens from a web page" }),
      el("p", {}, ["Bearings also works on ", el("a", { href: "/", text: "its own page" }), "."])])]);
  } else {
    var closer = document.getElementById("widget-close");
    closer.hidden = false;
    closer.addEventListener("click", function () { tell("close"); });
    tell("hello");
  }
}());
