// Filters for the findings: plain DOM, no server, no network. Without script every finding shows.
(function () {
  "use strict";
  var bar = document.getElementById("filters");
  if (!bar) return;
  var selects = Array.prototype.slice.call(bar.querySelectorAll("select[data-filter]"));
  var reset = document.getElementById("filter-reset");
  var count = document.getElementById("visible-count");
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-finding]"));
  var docsOf = new Map(items.map(function (item) {
    return [item, JSON.parse(item.getAttribute("data-docs") || "[]")];
  }));

  function current() {
    var filters = {};
    selects.forEach(function (select) { filters[select.getAttribute("data-filter")] = select.value; });
    return filters;
  }

  function matches(item, filters) {
    return (!filters.severity || item.getAttribute("data-severity") === filters.severity) &&
      (!filters.check || item.getAttribute("data-check") === filters.check) &&
      (!filters.doc || docsOf.get(item).indexOf(filters.doc) >= 0);
  }

  function apply() {
    var filters = current();
    var shown = 0;
    items.forEach(function (item) {
      var visible = matches(item, filters);
      item.hidden = !visible;
      if (visible) shown += 1;
    });
    // A heading with nothing left under it would only be noise.
    document.querySelectorAll("[data-group]").forEach(function (group) {
      group.hidden = !group.querySelector("[data-finding]:not([hidden])");
    });
    document.querySelectorAll("[data-section]").forEach(function (section) {
      var all = section.querySelectorAll("[data-finding]").length;
      var visible = section.querySelectorAll("[data-finding]:not([hidden])").length;
      var label = section.querySelector("[data-section-count]");
      if (label) label.textContent = visible === all ? String(all) : visible + " of " + all;
      var none = section.querySelector("[data-filtered-out]");
      if (none) none.hidden = !(all > 0 && visible === 0);
    });
    document.querySelectorAll("[data-mark-doc]").forEach(function (mark) {
      mark.classList.toggle("dimmed", Boolean(filters.doc) && mark.getAttribute("data-mark-doc") !== filters.doc);
    });
    count.textContent = shown + " of " + items.length + " findings shown";
    reset.disabled = !selects.some(function (select) { return select.value; });
  }

  selects.forEach(function (select) { select.addEventListener("change", apply); });
  reset.addEventListener("click", function () {
    selects.forEach(function (select) { select.value = ""; });
    apply();
  });

  // Printed, the collapsed sections would be lost: open them for the print, then restore.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (details) {
      details.open = true;
      opened.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.splice(0).forEach(function (details) { details.open = false; });
  });

  bar.hidden = false;
  apply();
})();
