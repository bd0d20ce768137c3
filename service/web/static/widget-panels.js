/* Bearings widget: the panels under the chat and in the plan (deadlines, pictures, checklist,
   documents, answers). Mirrors templates/web/_figures.html, _checklist.html, _documents.html. */
(function () {
  "use strict";
  var UI = window.BearingsUI, el = UI.el;
  var URGENCY = { today: "Due today", urgent: "Within days", soon: "Within two weeks", later: "Later" };

  function W() { return window.BearingsWidget; }

  function card(id, title, nodes) {
    return el("section", { "class": "card", "aria-labelledby": id }, [el("h2", { id: id, text: title })].concat(nodes));
  }

  function deadlines(step) {
    var items = ((step.results || {}).deadlines || {}).deadlines || [];
    if (!items.length) return null;
    return card("w-deadlines", "Deadlines that are running", [el("ul", { "class": "deadlines-list" }, items.map(function (item) {
      var when = item.passed ? [
        el("p", {}, [el("span", { "class": "badge passed", text: "Date passed" }), " " + item.action]),
        el("p", { text: "It was due " + item.due_text + "." })] : [
        el("p", {}, [el("span", { "class": "badge " + item.urgency, text: URGENCY[item.urgency] || item.urgency }),
          " Due " + item.due_text]),
        el("p", { text: item.action })];
      return el("li", { "class": "deadline " + item.urgency }, [el("p", {}, [el("strong", { text: item.title })])]
        .concat(when, [el("p", { "class": "small", text: item.source })]));
    }))]);
  }

  function carriedText(loss) {
    var short = loss.carryover.short_term, long = loss.carryover.long_term, none = "0.00";
    var said = "This year " + UI.dollars(loss.deduction) + " comes off your other income. ";
    if (short !== none && long !== none) return said + "You carry " + UI.dollars(short) + " of short-term and " + UI.dollars(long) + " of long-term loss into next year.";
    if (short !== none) return said + "You carry " + UI.dollars(short) + " of short-term loss into next year.";
    if (long !== none) return said + "You carry " + UI.dollars(long) + " of long-term loss into next year.";
    return said + "Nothing carries into next year.";
  }

  /* The pictures are drawn on the server; fetch them once the results allow one. */
  function pictures(step) {
    var results = step.results || {};
    var loss = results["capital-loss"];
    if (!(loss && loss.projection && loss.projection.length) && !results["loss-summary"]) return [];
    var carry = el("div", { "class": "picture" }), split = el("div", { "class": "picture" });
    var carryCard = card("w-carryover", "Your loss, carried forward", [
      loss ? el("p", { text: carriedText(loss) }) : null, carry]);
    var splitCard = card("w-loss", "Where the loss came from", [split]);
    carryCard.hidden = true;
    splitCard.hidden = true;
    W().api("GET", W().extra("/figures")).then(function (reply) {
      if (reply.status !== 200) return;
      if (reply.body.carryover) { UI.markup(carry, reply.body.carryover); carryCard.hidden = false; }
      if (reply.body.loss) { UI.markup(split, reply.body.loss); splitCard.hidden = false; }
    });
    return [carryCard, splitCard];
  }

  function checklist(step, plan) {
    if (!step.checklist.length) return null;
    var marks = plan ? ["☑", "☐"] : ["✓", "○"];
    return card("w-checklist", plan ? "What to do next" : "Your checklist", [el("ul", { "class": "checklist-list" },
      step.checklist.map(function (item) {
        return el("li", { "class": item.done ? "done" : "" }, [el("span", { "class": "mark", "aria-hidden": "true", text: item.done ? marks[0] : marks[1] }),
          el("span", {}, [item.text, UI.hidden(item.done ? " (done)" : " (to do)")])]);
      }))]);
  }

  function documents(step) {
    var session = W().session();
    var list = step.documents.map(function (doc) {
      var ready = doc.ready === undefined || doc.ready;
      return el("li", {}, [el("span", { "class": "doc-title", text: doc.title }), ready ?
        el("span", { "class": "formats" }, doc.formats.map(function (fmt) {
          return el("button", { type: "button", "class": "link", on: { click: function () {
            W().download(W().conversation("/documents/" + doc.id + "." + fmt), doc.id + "." + fmt, { id: doc.id, format: fmt });
          } } }, [fmt.toUpperCase(), UI.hidden(" of " + doc.title)]);
        })) : el("span", { "class": "small", text: "Needs your answers on: " + (doc.missing || []).join(", ") })]);
    });
    return card("w-documents", "Your documents", [
      list.length ? el("ul", { "class": "documents-list" }, list) : el("p", { "class": "small", text: "Letters appear here as the steps call for them." }),
      el("ul", { "class": "documents-list downloads" }, [
        step.documents.some(function (doc) { return doc.ready; }) ? el("li", {}, [el("button", { type: "button", "class": "link",
          text: "Download every ready letter with your timeline and worksheets (ZIP)", on: { click: function () {
            W().download(W().conversation("/evidence-pack.zip"), "bearings-evidence-" + session.id + ".zip", { id: "evidence-pack", format: "zip" });
          } } })]) : null,
        el("li", {}, [el("button", { type: "button", "class": "link", text: "Download all my answers (JSON)", on: { click: function () {
          W().download(W().conversation("/export"), "bearings-" + session.id + ".json", { id: "answers", format: "json" });
        } } })])])]);
  }

  function build(step, options) {
    var plan = Boolean(options && options.plan);
    return [checklist(step, plan), deadlines(step)].concat(pictures(step), [documents(step)]).filter(Boolean);
  }

  function answers(steps) {
    steps = steps.filter(function (entry) { return entry.answers.length; });
    return card("w-answers", "What you told Bearings", steps.length ? steps.map(function (entry) {
      return el("div", {}, [el("h3", { text: entry.title }), el("dl", {}, entry.answers.map(function (item) {
        var empty = item.value === null || item.value === "";
        return el("div", {}, [el("dt", { text: item.label }), el("dd", {}, empty ? ["Not answered"] : UI.lines(item.shown))]);
      }))]);
    }) : [el("p", { text: "No answers yet." })]);
  }

  window.BearingsPanels = { build: build, answers: answers };
}());
