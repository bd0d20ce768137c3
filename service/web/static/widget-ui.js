/* Bearings widget: building the DOM. Text always goes in as text; only the server's own
   Markdown output and SVG pictures go in as markup. Mirrors templates/web/_field.html. */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "on") Object.keys(value).forEach(function (ev) { node.addEventListener(ev, value[ev]); });
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function hidden(text) { return el("span", { "class": "visually-hidden", text: text }); }

  /* Put server-made markup (safe Markdown output, escaped SVG) into an element. */
  function markup(node, html) {
    node.innerHTML = html;
    return node;
  }

  /* Text with its line breaks kept (a timeline, an address): text nodes and <br>s. */
  function lines(text) {
    var nodes = [];
    String(text).split(/\r\n|\r|\n/).forEach(function (line, index) {
      if (index) nodes.push(el("br"));
      nodes.push(document.createTextNode(line));
    });
    return nodes;
  }

  function groupThousands(digits) { return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ","); }

  function dollars(value) {
    var match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(value));
    if (!match) return String(value);
    var cents = match[3] && !/^0+$/.test(match[3]) ? "." + match[3].padEnd(2, "0").slice(0, 2) : "";
    return match[1] + "$" + groupThousands(match[2]) + cents;
  }

  function peopleDate(text) {
    var match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}))?/.exec(String(text));
    if (!match) return String(text);
    var months = ["January", "February", "March", "April", "May", "June", "July", "August",
      "September", "October", "November", "December"];
    return months[Number(match[2]) - 1] + " " + Number(match[3]) + ", " + match[1] + (match[4] ? ", " + match[4] + " UTC" : "");
  }

  /* The files uploaded from this page, by upload id, as people read them. */
  var uploads = {};

  /* An answer as a person reads it. */
  function shown(spec, value) {
    var labels = {};
    (spec.choices || []).forEach(function (c) { labels[c.value] = c.label; });
    if (value === null || value === undefined || value === "") return "Not answered";
    if (spec.type === "multichoice") return value.map(function (v) { return labels[v] || v; }).join(", ") || "None chosen";
    if (spec.type === "choice") return labels[value] || String(value);
    if (spec.type === "boolean") return value ? "Yes" : "No";
    if (spec.type === "acknowledge") return value ? "Confirmed" : "No";
    if (spec.type === "file") return uploads[value] || "An uploaded file";
    if (spec.type === "money") return dollars(value);
    if (spec.type === "date" || spec.type === "datetime") return peopleDate(value);
    return String(value);
  }

  function describedBy(id, spec, error) {
    return [spec.help ? id + "-help" : "", error ? id + "-error" : ""].filter(Boolean).join(" ") || null;
  }

  function helpAndError(id, spec, error) {
    return [spec.help ? el("p", { "class": "help", id: id + "-help", text: spec.help }) : null,
      error ? el("p", { "class": "error", id: id + "-error" }, [hidden("Error: "), error.join(" ")]) : null];
  }

  function optional(spec) {
    return spec.required ? null : el("span", { "class": "optional", text: " (optional)" });
  }

  function options(spec) {
    return spec.type === "boolean" ? [{ value: "true", label: "Yes" }, { value: "false", label: "No" }] : spec.choices;
  }

  function picked(value, option) {
    if (Array.isArray(value)) return value.indexOf(option) >= 0;
    return value !== null && value !== undefined && String(value).toLowerCase() === option;
  }

  function choiceField(id, spec, value, error) {
    var type = spec.type === "multichoice" ? "checkbox" : "radio";
    var list = options(spec).map(function (option, index) {
      return el("label", { "class": "option" }, [
        el("input", { type: type, name: spec.name, value: option.value, checked: picked(value, option.value),
          "aria-invalid": error && index === 0 ? "true" : null }),
        " ", el("span", { text: option.label })]);
    });
    return el("fieldset", { id: id, "aria-describedby": describedBy(id, spec, error) },
      [el("legend", {}, [spec.label, optional(spec)])].concat(helpAndError(id, spec, error),
        [el("div", { "class": "options" }, list)]));
  }

  function inputFor(id, spec, value, error) {
    var common = { id: id, name: spec.name, "aria-describedby": describedBy(id, spec, error),
      "aria-invalid": error ? "true" : null, "aria-required": spec.required ? "true" : null };
    var text = value === null || value === undefined ? "" : String(value);
    if (spec.type === "textarea") return el("textarea", Object.assign(common, { rows: 5, maxlength: spec.max_length, text: text }));
    if (spec.type === "money" || spec.type === "decimal") {
      return el("div", { "class": spec.type === "money" ? "money" : "number" }, [
        spec.type === "money" ? el("span", { "class": "unit", "aria-hidden": "true", text: "$" }) : null,
        el("input", Object.assign(common, { type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false", value: text }))]);
    }
    var kinds = { email: "email", date: "date", integer: "number" };
    var bounded = spec.type === "integer" || spec.type === "date";
    return el("input", Object.assign(common, { type: kinds[spec.type] || "text", value: text,
      inputmode: spec.type === "integer" ? "numeric" : null, maxlength: spec.max_length,
      min: bounded ? spec.min : null, max: bounded ? spec.max : null,
      placeholder: spec.type === "datetime" ? "2026-11-20 2:00 PM ET" : null }));
  }

  /* What was read from an upload, in the words the chat page uses (service/web/uploads.py). */
  function readSummary(body, formats) {
    var rows = Number(body.rows) || 0, errors = body.errors || [];
    var lines = ["Your file is read: a " + (formats[body.format] || body.format) + " file with " +
      rows + (rows === 1 ? " row." : " rows.")];
    if (errors.length) {
      lines.push(errors.length + (errors.length === 1 ? " row was not read, so it is left out of your figures:" :
        " rows were not read, so they are left out of your figures:"));
      errors.slice(0, 3).forEach(function (e) { lines.push("Row " + e.row + ": " + e.message); });
      if (errors.length > 3) lines.push("And " + (errors.length - 3) + " more.");
    }
    return lines;
  }

  /* A file field: the file goes to the upload API as soon as it is chosen, and the field is
     answered with the upload's id (kept in a hidden input the form sends). */
  function fileField(id, spec, value, error, hooks) {
    var kept = el("input", { type: "hidden", name: spec.name, value: value ? String(value) : "" });
    var status = el("div", { "class": "note read", id: id + "-status", role: "status",
      hidden: !value }, value ? [el("p", { text: "Your file is uploaded. Choose another file only to replace it." })] : []);
    var wrap = el("div", { "class": "field" + (error ? " invalid" : "") });
    var described = [spec.help ? id + "-help" : "", id + "-error", id + "-status"].filter(Boolean).join(" ");
    var errorLine = el("p", { "class": "error", id: id + "-error", hidden: !error },
      [hidden("Error: "), error ? error.join(" ") : ""]);
    var input = el("input", { id: id, type: "file", accept: ".csv,text/csv,text/plain",
      "aria-describedby": described, "aria-invalid": error ? "true" : null,
      "aria-required": spec.required && !value ? "true" : null });
    function say(lines, bad) {
      status.replaceChildren.apply(status, lines.map(function (line) { return el("p", { text: line }); }));
      status.hidden = Boolean(bad);
      errorLine.hidden = !bad;
      if (bad) errorLine.replaceChildren(hidden("Error: "), lines.join(" "));
      wrap.classList.toggle("invalid", Boolean(bad));
      if (bad) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    }
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file || !hooks || !hooks.upload) return;
      kept.value = "";
      say(["Reading your file…"], false);
      hooks.upload(file).then(function (reply) {
        if (reply.status === 201) {
          kept.value = reply.body.upload;
          var rows = Number(reply.body.rows) || 0;
          uploads[reply.body.upload] = ((hooks.formats || {})[reply.body.format] || reply.body.format) +
            " file, " + rows + (rows === 1 ? " row read" : " rows read");
          say(readSummary(reply.body, hooks.formats || {}), false);
        } else if (reply.status === 422 && reply.body.errors) {
          say([].concat(reply.body.errors.file || reply.body.message || "This file could not be read."), true);
        } else {
          say([reply.body.message || "The file could not be sent. Please try again."], true);
        }
      });
    });
    wrap.append(el("label", { "for": id }, [spec.label, optional(spec)]));
    if (spec.help) wrap.append(el("p", { "class": "help", id: id + "-help", text: spec.help }));
    wrap.append(errorLine, status, kept, input);
    return wrap;
  }

  /* One answer field, with its help and error tied to the control. */
  function field(spec, value, error, hooks) {
    var id = "f-" + spec.name;
    if (spec.type === "file") return fileField(id, spec, value, error, hooks);
    var wrap = el("div", { "class": "field" + (error ? " invalid" : "") });
    if (spec.type === "choice" && spec.choices.length > 8) {
      wrap.appendChild(el("label", { "for": id }, [spec.label, optional(spec)]));
      helpAndError(id, spec, error).forEach(function (n) { if (n) wrap.appendChild(n); });
      wrap.appendChild(el("select", { id: id, name: spec.name, "aria-describedby": describedBy(id, spec, error),
        "aria-invalid": error ? "true" : null, "aria-required": spec.required ? "true" : null },
      [el("option", { value: "", text: "Choose…" })].concat(spec.choices.map(function (c) {
        return el("option", { value: c.value, selected: value === c.value, text: c.label });
      }))));
    } else if (spec.type === "choice" || spec.type === "multichoice" || spec.type === "boolean") {
      wrap.appendChild(choiceField(id, spec, value, error));
    } else if (spec.type === "acknowledge") {
      helpAndError(id, spec, error).forEach(function (n) { if (n) wrap.appendChild(n); });
      wrap.appendChild(el("label", { "class": "option ack" }, [
        el("input", { id: id, type: "checkbox", name: spec.name, value: "true", checked: Boolean(value),
          "aria-describedby": describedBy(id, spec, error), "aria-invalid": error ? "true" : null }),
        " ", el("span", { text: spec.label })]));
    } else {
      wrap.appendChild(el("label", { "for": id }, [spec.label, optional(spec)]));
      helpAndError(id, spec, error).forEach(function (n) { if (n) wrap.appendChild(n); });
      wrap.appendChild(inputFor(id, spec, value, error));
    }
    return wrap;
  }

  /* A step with one choice: each choice is a button that answers it. */
  function quickReplies(spec, value, error, answer) {
    var id = "f-" + spec.name;
    var buttons = options(spec).map(function (option) {
      var chosen = picked(value, option.value);
      return el("button", { type: "button", "class": "reply" + (chosen ? " chosen" : ""), on: { click: function () {
        answer(spec.type === "boolean" ? option.value === "true" : option.value);
      } } }, [option.label, chosen ? hidden(" (your earlier answer)") : null]);
    });
    return el("fieldset", { "class": "quick", id: id, "aria-describedby": describedBy(id, spec, error) },
      [el("legend", { text: spec.label })].concat(helpAndError(id, spec, error), [el("div", { "class": "replies" }, buttons)]));
  }

  /* Read a form's answers in the types the API expects. */
  function collect(form, fields) {
    var answers = {};
    fields.forEach(function (spec) {
      var named = Array.prototype.filter.call(form.elements, function (e) { return e.name === spec.name; });
      var value;
      if (spec.type === "multichoice") value = named.filter(function (e) { return e.checked; }).map(function (e) { return e.value; });
      else if (spec.type === "acknowledge") value = named[0] && named[0].checked ? true : null;
      else if (spec.type === "choice" && named[0] && named[0].tagName === "SELECT") value = named[0].value || null;
      else if (spec.type === "boolean" || spec.type === "choice") {
        var on = named.filter(function (e) { return e.checked; })[0];
        value = on ? (spec.type === "boolean" ? on.value === "true" : on.value) : null;
      } else {
        value = named[0] ? named[0].value.trim() : "";
        if (spec.type === "money" || spec.type === "decimal") value = value.replace(/[\s$,]/g, "");
        if (spec.type === "integer" && /^-?\d+$/.test(value)) value = parseInt(value, 10);
        if (value === "") value = null;
      }
      if (value !== null && !(Array.isArray(value) && !value.length && !spec.required)) answers[spec.name] = value;
    });
    return answers;
  }

  /* The answers with the browser's time zone (the API's "_time_zone"), so a time typed without
     a zone is read where the person is. */
  function withTimeZone(answers) {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    return zone ? Object.assign({ _time_zone: zone }, answers) : answers;
  }

  window.BearingsUI = { el: el, hidden: hidden, markup: markup, field: field, quickReplies: quickReplies,
    collect: collect, withTimeZone: withTimeZone, shown: shown, lines: lines, dollars: dollars,
    peopleDate: peopleDate };
}());
