/* Bearings widget: the chat, review, save, delete and plan screens. */
(function () {
  "use strict";
  var UI = window.BearingsUI, el = UI.el;
  var view = "chat";
  /* Set while the person changes an answer from the review screen: the answer then goes on
     past every step still answered (see service/web/changes.py). */
  var changing = false;

  function W() { return window.BearingsWidget; }

  // -- the menu and the frame of the chat ------------------------------------------------------

  function menu(active) {
    var items = [["chat", "Conversation", showChat], ["review", "Review answers", review],
      ["plan", "Your plan", plan], ["save", "Save and resume", save], ["delete", "Delete my data", erase]];
    return el("nav", { "class": "tools", "aria-label": "This conversation" }, [el("ul", {}, items.map(function (item) {
      return el("li", {}, [el("button", { type: "button", "aria-current": item[0] === active ? "page" : null,
        text: item[1], on: { click: item[2] } })]);
    }))]);
  }

  function progress(step) {
    return el("div", { "class": "progress" }, [
      el("p", {}, [el("span", { "class": "stage", text: step.stage.title }), " ",
        el("span", { "class": "count", text: "Step " + step.progress.step + " of " + step.progress.of })]),
      el("progress", { max: step.progress.of, value: step.progress.step,
        "aria-label": "Step " + step.progress.step + " of " + step.progress.of })]);
  }

  function buildChat() {
    var chat = { log: el("ol"), area: el("div", { "class": "answer-area" }), panels: el("div"), top: el("div") };
    chat.card = el("section", { "class": "card chat", "aria-label": "Conversation" }, [
      el("div", { "class": "log", role: "log", "aria-label": "Conversation" }, [chat.log]), chat.area]);
    W().setChat(chat);
    return chat;
  }

  function showChat() {
    var chat = W().chat();
    if (!chat) return;
    view = "chat";
    chat.top.replaceChildren(menu("chat"), progress(W().current()));
    W().show([chat.top, chat.card, chat.panels]);
    reveal(chat);
  }

  /* Focus the current question and scroll so that the menu and progress show whole, or, when
     the conversation so far is too long for that, so that the question starts the screen. */
  function reveal(chat) {
    var latest = chat.log.querySelector(".current h2");
    if (!latest) return;
    latest.focus({ preventScroll: true });
    var bar = document.querySelector(".wbar");
    var covered = bar ? bar.getBoundingClientRect().height : 0;
    var top = latest.closest(".message").getBoundingClientRect().top + window.scrollY;
    var room = Math.min(160, window.innerHeight / 3);
    if (top + room <= window.innerHeight) window.scrollTo(0, 0);
    else window.scrollTo(0, Math.max(0, top - covered - 8));
  }

  // -- one step --------------------------------------------------------------------------------

  function said(step, answers) {
    if (!step.fields.length) return null;
    var lines = step.fields.filter(function (spec) { return answers[spec.name] !== undefined; })
      .map(function (spec) { return UI.shown(spec, answers[spec.name]); });
    return lines.length ? lines : ["Skipped for now"];
  }

  function addMessages(chat, step, lines) {
    Array.prototype.forEach.call(chat.log.querySelectorAll(".current"), function (old) {
      old.classList.remove("current");
      old.classList.add("earlier");
      var h = old.querySelector("h2");
      if (h) h.removeAttribute("tabindex");
    });
    if (lines) {
      chat.log.appendChild(el("li", { "class": "message you" }, [UI.hidden("You answered: ")]
        .concat(lines.map(function (line) { return el("p", {}, UI.lines(line)); }))));
    }
    var message = el("li", { "class": "message assistant current" }, [el("h2", { tabindex: "-1", text: step.title })]);
    step.messages.forEach(function (m) { message.appendChild(UI.markup(el("div"), m.html)); });
    chat.log.appendChild(message);
  }

  function errorSummary(step, errors) {
    var labels = {};
    step.fields.forEach(function (f) { labels[f.name] = f.label; });
    var names = Object.keys(errors);
    return el("div", { "class": "errors", id: "error-summary", tabindex: "-1", "aria-labelledby": "error-summary-title" }, [
      el("h3", { id: "error-summary-title", text: names.length === 1 ? "Please check this answer" : "Please check these answers" }),
      el("ul", {}, names.map(function (name) {
        var text = [].concat(errors[name]).join(" ");
        if (!labels[name]) return el("li", { text: text });
        return el("li", {}, [el("a", { href: "#f-" + name, text: labels[name], on: { click: function (event) {
          event.preventDefault();
          var target = document.getElementById("f-" + name);
          var control = target && (target.matches("input, textarea") ? target : target.querySelector("input, textarea, button"));
          if (control) control.focus();
        } } }), " " + text]);
      }))]);
  }

  function answerArea(step, values, errors) {
    var nodes = [];
    if (errors) nodes.push(errorSummary(step, errors));
    if (step.status !== "active") {
      nodes.push(el("p", { "class": "done", text: "You have worked through every step. Your plan is ready to print or save." }),
        el("button", { type: "button", "class": "primary", text: "Open your plan", on: { click: plan } }));
    } else {
      var quick = step.fields.length === 1 && (step.fields[0].type === "choice" || step.fields[0].type === "boolean");
      var form = el("form", { "class": "answer", novalidate: true });
      if (changing) {
        form.appendChild(el("p", { "class": "note", text: "Your earlier answer is filled in. Change what you need and continue. Your other answers are kept, so you go straight on to the next question that still needs an answer." }));
      } else if (step.fields.some(function (f) { return f.value !== undefined; })) {
        form.appendChild(el("p", { "class": "note", text: "Your earlier answer is filled in. Change what you need and continue; your other answers are kept." }));
      }
      if (quick) {
        var spec = step.fields[0];
        form.appendChild(UI.quickReplies(spec, values[spec.name], errors && errors[spec.name], function (value) {
          var answers = {};
          answers[spec.name] = value;
          send(step, answers);
        }));
      } else {
        var hooks = { upload: W().upload, formats: W().formats };
        step.fields.forEach(function (spec) { form.appendChild(UI.field(spec, values[spec.name], errors && errors[spec.name] && [].concat(errors[spec.name]), hooks)); });
      }
      form.appendChild(el("div", { "class": "actions" }, [
        quick ? null : el("button", { type: "submit", "class": "primary", text: "Continue" }), backButton(step)]));
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        send(step, UI.collect(form, step.fields));
      });
      nodes.push(form);
    }
    if (step.status !== "active" && step.can_go_back) nodes.push(el("div", { "class": "back" }, [backButton(step)]));
    return nodes;
  }

  function backButton(step) {
    if (!step.can_go_back) return null;
    return el("button", { type: "button", on: { click: back } }, [el("span", { "aria-hidden": "true", text: "← " }), "Back"]);
  }

  function send(step, answers) {
    var path = changing ? W().extra("/change") : W().conversation("/answers");
    W().api("POST", path, { state: step.state, version: step.version, answers: UI.withTimeZone(answers) })
      .then(function (reply) {
        if (reply.status === 200) {
          var wasChanging = changing;
          changing = false;
          render(reply.body, said(step, answers), true);
          if (wasChanging) W().notice(reply.body.status === "active" ? "Your change is saved. This question still needs an answer." :
            "Your change is saved. Every other answer still fits, so your plan and letters are up to date.");
        }
        else if (reply.status === 422) showErrors(step, answers, reply.body.errors || {});
        else if (reply.status === 409 && reply.body.current) { changing = false; render(reply.body.current, null, true); }
        else if (reply.status === 401 || reply.status === 404) W().lost();
        else W().notice(reply.body.message);
      });
  }

  function showErrors(step, answers, errors) {
    var chat = W().chat();
    var values = {};
    step.fields.forEach(function (f) { values[f.name] = answers[f.name]; });
    chat.area.replaceChildren.apply(chat.area, answerArea(step, values, errors));
    document.getElementById("error-summary").focus();
  }

  function back() {
    changing = false;
    W().api("POST", W().conversation("/back")).then(function (reply) {
      if (reply.status === 200) render(reply.body, null, true);
      else W().lost();
    });
  }

  /* Show a step: its message joins the log, its fields replace the last ones. */
  function render(step, lines, focus) {
    var chat = W().chat() || buildChat();
    W().setCurrent(step);
    chat.card.setAttribute("data-step", step.state);
    chat.card.setAttribute("data-step-version", String(step.version));
    addMessages(chat, step, lines);
    var values = {};
    step.fields.forEach(function (f) { values[f.name] = f.value; });
    chat.area.replaceChildren.apply(chat.area, answerArea(step, values, null));
    chat.panels.replaceChildren.apply(chat.panels, window.BearingsPanels.build(step));
    if (view !== "chat" || !app().contains(chat.card)) {
      showChat();
    } else {
      chat.top.replaceChildren(menu("chat"), progress(step));
      if (focus) reveal(chat);
    }
  }

  function app() { return document.getElementById("app"); }

  // -- review, save, delete, plan ------------------------------------------------------------------

  function page(active, title, nodes) {
    view = active;
    var h = W().heading(title);
    W().show([menu(active), el("section", { "class": "card" }, [h].concat(nodes))], h);
  }

  function revisit(state) {
    W().api("POST", W().extra("/revisit"), { state: state }).then(function (reply) {
      changing = reply.status === 200 && reply.body.status === "active";
      if (reply.status === 200) render(reply.body, null, true);
      else if (reply.status === 409 && reply.body.current) render(reply.body.current, null, true);
      else W().lost();
    });
  }

  function review() {
    W().api("GET", W().extra("/review")).then(function (reply) {
      if (reply.status !== 200) { W().lost(); return; }
      var steps = reply.body.steps.filter(function (entry) { return entry.answers.length; });
      page("review", "Review your answers", [
        el("p", { text: "Change any answer here. You go back to that step with your answer filled in, and every other answer is kept." }),
        steps.length ? el("ol", { "class": "review" }, steps.map(function (entry) {
          return el("li", {}, [el("h3", { text: entry.title }), el("dl", {}, entry.answers.map(function (item) {
            var empty = item.value === null || item.value === "";
            return el("div", {}, [el("dt", { text: item.label }), el("dd", {}, empty ? ["Not answered"] : UI.lines(item.shown))]);
          })), el("button", { type: "button", on: { click: function () { revisit(entry.state); } } },
            ["Change", UI.hidden(" your answer to: " + entry.title)])]);
        })) : el("p", { text: "You have not answered anything yet." })]);
    });
  }

  function copyButton(target, label) {
    if (!navigator.clipboard) return null;
    return el("button", { type: "button", "class": "copy", text: label, on: { click: function (event) {
      navigator.clipboard.writeText(target.textContent).then(function () { event.target.textContent = "Copied"; });
    } } });
  }

  function save() {
    var area = el("div");
    var make = el("button", { type: "button", "class": "primary", text: "Make my resume code", on: { click: function () {
      W().api("POST", W().extra("/resume-code")).then(function (reply) {
        if (reply.status !== 200) { W().lost(); return; }
        var code = el("strong", { "class": "code", id: "resume-code-shown", text: reply.body.code });
        var link = location.origin + "/r/" + reply.body.code;
        var anchor = el("a", { "class": "resume-link", href: link, target: "_blank", rel: "noopener", text: link });
        area.replaceChildren(
          el("p", { text: "Write this code down or keep the link somewhere private. With either one you can open this conversation on any device." }),
          el("p", { "class": "code-box" }, [el("span", { "class": "small", text: "Your resume code" }), code, copyButton(code, "Copy code")]),
          el("p", { "class": "code-box" }, [el("span", { "class": "small", text: "Your resume link" }), anchor, copyButton(anchor, "Copy link")]),
          el("p", { "class": "small", text: "Anyone with the code or the link can read your answers. Making a new code stops this one from working." }));
        code.setAttribute("tabindex", "-1");
        code.focus();
      });
    } } });
    area.append(el("p", { text: "This page remembers your conversation. To continue on another device, make a resume code: ten letters and digits you can write down, and a link that holds the same code." }), make);
    page("save", "Save and come back later", [area]);
  }

  function erase() {
    var box = el("input", { type: "checkbox", id: "confirm-erase" });
    var error = el("p", { "class": "error", id: "confirm-error", hidden: true, text: "Tick the box to confirm that you want everything erased." });
    page("delete", "Delete everything", [
      el("p", { text: "This erases your answers, your figures, your letters and your resume code from Bearings. It cannot be undone." }),
      el("div", { "class": "field" }, [error, el("label", { "class": "option ack" }, [box, " ", el("span", { text: "I understand that everything will be erased for good." })])]),
      el("div", { "class": "actions" }, [el("button", { type: "button", "class": "danger", text: "Delete my data", on: { click: function () {
        if (!box.checked) {
          error.hidden = false;
          box.setAttribute("aria-invalid", "true");
          box.setAttribute("aria-describedby", "confirm-error");
          box.focus();
          return;
        }
        W().api("DELETE", W().conversation()).then(function (reply) {
          if (reply.status !== 204) { W().notice(reply.body.message); return; }
          W().forget();
          W().startScreen("Your conversation is erased. Everything you told Bearings is gone.");
        });
      } } }), el("button", { type: "button", text: "Keep it", on: { click: showChat } })])]);
  }

  function plan() {
    W().api("GET", W().extra("/review")).then(function (reply) {
      if (reply.status !== 200) { W().lost(); return; }
      var step = W().current();
      var h = W().heading("Your recovery plan");
      view = "plan";
      W().show([menu("plan"), el("section", { "class": "card" }, [h,
        el("p", { text: step.status === "complete" ? "You have worked through every step of the guide." :
          "This is your plan so far: you are at step " + step.progress.step + " of " + step.progress.of + "." }),
        el("button", { type: "button", "class": "primary no-print", text: "Print or save as PDF", on: { click: function () { window.print(); } } })])]
        .concat(window.BearingsPanels.build(step, { plan: true }), [window.BearingsPanels.answers(reply.body.steps)]), h);
    });
  }

  window.BearingsChat = { render: render };
}());
