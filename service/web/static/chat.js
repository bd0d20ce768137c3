/* Bearings chat: small progressive enhancements. Every page works the same without them. */
(function () {
  "use strict";

  function groupThousands(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  /* Show an amount with thousands separators and cents: -250000 -> -250,000.00. */
  function tidyAmount(input) {
    var raw = input.value.replace(/[\s$,]/g, "");
    var match = /^(-?)(\d+)(?:\.(\d{0,2}))?$/.exec(raw);
    if (!match) return;
    var cents = (match[3] || "").padEnd(2, "0");
    input.value = match[1] + groupThousands(match[2].replace(/^0+(?=\d)/, "")) + "." + cents;
  }

  function enhanceAmounts() {
    document.querySelectorAll(".money input").forEach(function (input) {
      input.addEventListener("blur", function () { tidyAmount(input); });
    });
  }

  function enhanceCopy() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-copy"));
        navigator.clipboard.writeText(target.textContent.trim()).then(function () {
          button.textContent = "Copied";
          button.addEventListener("blur", function () { button.textContent = label; }, { once: true });
        });
      });
    });
  }

  function enhancePrint() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  /* A link in the error summary puts focus on the first control of its field. */
  function enhanceErrorLinks() {
    document.querySelectorAll(".errors a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (!field) return;
        var control = field.matches("input, textarea, select") ? field
          : field.querySelector("input, textarea, select, button");
        if (!control) return;
        event.preventDefault();
        control.focus();
        field.scrollIntoView({ block: "center" });
      });
    });
  }

  /* One press sends a form once, even when the network is slow. */
  function preventDoubleSubmit() {
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.sent) { event.preventDefault(); return; }
        form.dataset.sent = "1";
        form.setAttribute("aria-busy", "true");
      });
    });
    window.addEventListener("pageshow", function () {
      document.querySelectorAll("form[data-sent]").forEach(function (form) {
        delete form.dataset.sent;
        form.removeAttribute("aria-busy");
      });
    });
  }

  /* Send the browser's time zone, so a time typed without one is read where the person is. */
  function fillTimeZone() {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
    document.querySelectorAll("input[name='_time_zone']").forEach(function (input) { input.value = zone; });
  }

  fillTimeZone();
  enhanceAmounts();
  enhanceCopy();
  enhancePrint();
  enhanceErrorLinks();
  preventDoubleSubmit();
}());
