// The report's findings, drawn from the data embedded once in the page: a page of findings at
// a time, verified and unverifiable ones when opened, filters kept in the address (#severity=error&q=...).
// Plain DOM, no server, no network. Without script the first discrepancies still show.
(function () {
  "use strict";
  var PAGE = 50;
  var COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C6D1F", "#5A5A5A"];
  var HEADINGS = { error: "Errors", warning: "Warnings", info: "Notes" };
  var BADGES = { error: "error", warning: "warning", info: "note" };
  var holder = document.getElementById("report-data");
  var bar = document.getElementById("filters");
  if (!holder || !bar) return;
  if (!window.DecompressionStream || !window.Blob || !window.Response) return;

  function decode(text) {
    var binary = atob(text.trim());
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  function number(n) { return n.toLocaleString("en-US"); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function start(data) {
    var findings = data.findings;
    var documents = data.documents;
    var byId = new Map(findings.map(function (f, i) { return [f.id, i]; }));
    var controls = Array.prototype.slice.call(bar.querySelectorAll("[data-filter]"));
    var reset = document.getElementById("filter-reset");
    var count = document.getElementById("visible-count");
    var searchText = null;
    var sections = Array.prototype.slice.call(document.querySelectorAll("[data-section]")).map(function (node) {
      var details = node.querySelector("details[data-lazy]");
      return {
        node: node,
        verdict: node.getAttribute("data-section"),
        details: details,
        list: node.querySelector("[data-list]"),
        more: node.querySelector("[data-more]"),
        label: node.querySelector("[data-section-count]"),
        none: node.querySelector("[data-filtered-out]"),
        total: findings.filter(function (f) { return f.verdict === node.getAttribute("data-section"); }).length,
        limit: PAGE,
        matched: [],
      };
    });
    document.querySelectorAll("[data-without-script]").forEach(function (node) { node.hidden = true; });

    function filters() {
      var state = {};
      controls.forEach(function (control) {
        var name = control.getAttribute("data-filter");
        state[name] = control.type === "checkbox" ? (control.checked ? "1" : "") : control.value.trim();
      });
      return state;
    }

    function setFilters(state) {
      controls.forEach(function (control) {
        var value = state[control.getAttribute("data-filter")] || "";
        if (control.type === "checkbox") control.checked = value === "1" && !control.disabled;
        else if (control.tagName === "SELECT") control.value = Array.prototype.some.call(control.options, function (o) { return o.value === value; }) ? value : "";
        else control.value = value;
      });
    }

    function matchingDocuments(query) {
      var wanted = query.toLowerCase();
      var found = new Set();
      documents.forEach(function (d, i) {
        if (d[0].toLowerCase().indexOf(wanted) >= 0 || d[1].toLowerCase().indexOf(wanted) >= 0 || d[2].toLowerCase().indexOf(wanted) >= 0) found.add(i);
      });
      return found;
    }

    function textOf(i) {
      if (!searchText) {
        searchText = findings.map(function (f) {
          var parts = [f.headline, f.detail, f.expected || "", f.observed || ""].concat(f.also || []);
          f.quotes.forEach(function (q) { q.parts.forEach(function (p) { parts.push(p[0]); }); });
          return parts.join(" ").toLowerCase();
        });
      }
      return searchText[i];
    }

    function apply(keepLimits) {
      var state = filters();
      var docs = state.source ? matchingDocuments(state.source) : null;
      var words = state.q ? state.q.toLowerCase().split(/\s+/).filter(Boolean) : [];
      var shown = 0;
      sections.forEach(function (section) {
        section.matched = [];
        findings.forEach(function (f, i) {
          if (f.verdict !== section.verdict) return;
          if (state.severity && f.severity !== state.severity) return;
          if (state.check && f.check !== state.check) return;
          if (state.new && !f.new) return;
          if (docs && !f.docs.some(function (d) { return docs.has(d); })) return;
          if (words.length) {
            var text = textOf(i);
            if (!words.every(function (w) { return text.indexOf(w) >= 0; })) return;
          }
          section.matched.push(i);
        });
        shown += section.matched.length;
        if (!keepLimits) section.limit = PAGE;
        draw(section);
      });
      var dimmedIds = null;
      if (docs) {
        dimmedIds = new Set();
        docs.forEach(function (d) { dimmedIds.add(documents[d][0]); });
      }
      document.querySelectorAll("[data-mark-doc]").forEach(function (mark) {
        mark.classList.toggle("dimmed", dimmedIds !== null && !dimmedIds.has(mark.getAttribute("data-mark-doc")));
      });
      var active = Object.keys(state).some(function (key) { return state[key]; });
      count.textContent = active ? number(shown) + " of " + number(findings.length) + " findings match" : number(findings.length) + " findings";
      reset.disabled = !active;
      remember(state);
    }

    function remember(state) {
      var params = new URLSearchParams();
      Object.keys(state).forEach(function (key) { if (state[key]) params.set(key, state[key]); });
      var hash = params.toString();
      var current = location.hash.slice(1);
      if (!hash && current.indexOf("=") < 0) return;
      if (hash === current) return;
      try {
        history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
      } catch (error) {
        location.hash = hash;
      }
    }

    function draw(section) {
      var open = !section.details || section.details.open;
      if (section.label) {
        section.label.textContent = section.matched.length === section.total ? number(section.total) : number(section.matched.length) + " of " + number(section.total);
      }
      if (section.none) section.none.hidden = !(section.total > 0 && section.matched.length === 0);
      if (!open) return;
      section.list.textContent = "";
      var seen = { severity: "", check: "" };
      section.matched.slice(0, section.limit).forEach(function (i) {
        var f = findings[i];
        if (section.verdict === "discrepancy" && f.severity !== seen.severity) {
          seen.severity = f.severity;
          seen.check = "";
          section.list.appendChild(el("h3", "severity-heading severity-" + f.severity, HEADINGS[f.severity] || f.severity));
        }
        if (f.check !== seen.check) {
          seen.check = f.check;
          var check = data.checks[f.check] || { label: f.check, rule: "" };
          section.list.appendChild(el(section.verdict === "discrepancy" ? "h4" : "h3", "check-heading", check.label));
          if (check.rule) section.list.appendChild(el("p", "rule", check.rule));
        }
        section.list.appendChild(card(f));
      });
      var left = section.matched.length - Math.min(section.limit, section.matched.length);
      section.more.hidden = left <= 0;
      section.more.textContent = "Show " + Math.min(left, PAGE) + " more (" + number(left) + " not shown)";
    }

    function citation(index) {
      var caption = el("figcaption");
      if (index < 0) return caption;
      var d = documents[index];
      var swatch = el("span", "swatch");
      swatch.style.setProperty("--source", COLOURS[index % COLOURS.length]);
      swatch.setAttribute("aria-hidden", "true");
      caption.appendChild(swatch);
      var cite = el("cite");
      if (d[4]) {
        var link = el("a", null, d[1] || d[0]);
        link.href = d[4];
        link.rel = "noreferrer";
        cite.appendChild(link);
      } else {
        cite.textContent = d[1] || d[0];
      }
      caption.appendChild(cite);
      if (d[2]) {
        caption.appendChild(document.createTextNode(", "));
        caption.appendChild(el("span", "publisher", d[2]));
      }
      if (d[3]) {
        caption.appendChild(document.createTextNode(", "));
        var time = el("time", null, d[3]);
        time.setAttribute("datetime", d[3]);
        caption.appendChild(time);
      }
      return caption;
    }

    function card(f) {
      var node = el("article", "finding verdict-" + f.verdict + " severity-" + f.severity);
      node.id = f.id;
      node.setAttribute("data-finding", "");
      node.setAttribute("data-verdict", f.verdict);
      node.setAttribute("data-severity", f.severity);
      node.setAttribute("data-check", f.check);
      var head = el("header", "finding-head");
      if (f.verdict === "discrepancy") head.appendChild(el("span", "badge severity-" + f.severity, BADGES[f.severity] || f.severity));
      else if (f.verdict === "consistent") head.appendChild(el("span", "badge verdict-consistent", "verified"));
      else head.appendChild(el("span", "badge verdict-unverifiable", "unverifiable"));
      head.appendChild(el("span", "check-name", (data.checks[f.check] || { label: f.check }).label));
      if (f.new) head.appendChild(el("span", "badge new", "new"));
      var permalink = el("a", "permalink", f.id);
      permalink.href = "#" + f.id;
      permalink.title = "Link to this finding";
      head.appendChild(permalink);
      node.appendChild(head);
      node.appendChild(el("p", "headline", f.headline));
      node.appendChild(el("p", "detail", f.detail));
      if (f.also && f.also.length) {
        var also = el("ul", "also");
        f.also.forEach(function (line) { also.appendChild(el("li", null, line)); });
        node.appendChild(also);
      }
      f.quotes.forEach(function (q) {
        var figure = el("figure", "quote");
        figure.style.setProperty("--source", q.doc >= 0 ? COLOURS[q.doc % COLOURS.length] : "#5a5a5a");
        var quote = el("blockquote");
        var p = el("p");
        q.parts.forEach(function (part) { p.appendChild(part[1] ? el("mark", null, part[0]) : document.createTextNode(part[0])); });
        quote.appendChild(p);
        figure.appendChild(quote);
        figure.appendChild(citation(q.doc));
        node.appendChild(figure);
      });
      if (f.expected !== undefined || f.observed !== undefined) {
        var figures = el("dl", "figures");
        [["Expected", f.expected], ["Found", f.observed]].forEach(function (pair) {
          if (pair[1] === undefined) return;
          var item = el("div");
          item.appendChild(el("dt", null, pair[0]));
          item.appendChild(el("dd", null, pair[1]));
          figures.appendChild(item);
        });
        node.appendChild(figures);
      }
      if (f.fact !== undefined) {
        var fact = data.facts[f.fact];
        var box = el("div", "reference");
        var line = el("p");
        line.appendChild(el("span", "label", "Reference"));
        line.appendChild(document.createTextNode(" "));
        line.appendChild(el("strong", null, fact.subject));
        line.appendChild(document.createTextNode(", " + fact.property + ": "));
        line.appendChild(el("span", "value", fact.value));
        if (fact.rank !== "preferred") {
          line.appendChild(document.createTextNode(" "));
          line.appendChild(el("span", "rank", fact.rank + " rank"));
        }
        box.appendChild(line);
        if (fact.sources.length) {
          var list = el("ul", "citations");
          fact.sources.forEach(function (s) {
            var item = el("li");
            var cite = el("cite");
            if (s.url) {
              var link = el("a", null, s.name);
              link.href = s.url;
              link.rel = "noreferrer";
              cite.appendChild(link);
            } else {
              cite.textContent = s.name;
            }
            item.appendChild(cite);
            if (s.retrieved) item.appendChild(document.createTextNode(", retrieved " + s.retrieved));
            if (s.quote) {
              item.appendChild(document.createTextNode(": "));
              item.appendChild(el("q", null, s.quote));
            }
            list.appendChild(item);
          });
          box.appendChild(list);
        }
        node.appendChild(box);
      }
      return node;
    }

    // A link to one finding (#<id>) opens its section and draws it, even one not on the first page.
    function reveal(id) {
      var i = byId.get(id);
      if (i === undefined) return false;
      var section = sections.filter(function (s) { return s.verdict === findings[i].verdict; })[0];
      if (!section) return false;
      var at = section.matched.indexOf(i);
      if (at < 0) {
        setFilters({});
        apply(false);
        at = section.matched.indexOf(i);
      }
      section.limit = Math.max(section.limit, Math.ceil((at + 1) / PAGE) * PAGE);
      if (section.details) section.details.open = true;
      draw(section);
      var target = document.getElementById(id);
      if (target) target.scrollIntoView();
      return true;
    }

    function fromAddress() {
      var hash = decodeURIComponent(location.hash.slice(1));
      if (hash.indexOf("=") >= 0) {
        var params = new URLSearchParams(location.hash.slice(1));
        var state = {};
        params.forEach(function (value, key) { state[key] = value; });
        setFilters(state);
        apply(false);
        return;
      }
      apply(false);
      if (hash) reveal(hash);
    }

    controls.forEach(function (control) {
      control.addEventListener(control.type === "search" ? "input" : "change", function () { apply(false); });
    });
    reset.addEventListener("click", function () {
      setFilters({});
      apply(false);
    });
    sections.forEach(function (section) {
      section.more.addEventListener("click", function () {
        section.limit += PAGE;
        draw(section);
      });
      if (section.details) section.details.addEventListener("toggle", function () { if (section.details.open) draw(section); });
    });
    window.addEventListener("hashchange", function () {
      var hash = location.hash.slice(1);
      if (hash.indexOf("=") >= 0) fromAddress();
      else if (hash && !document.getElementById(hash)) reveal(decodeURIComponent(hash));
    });
    document.querySelectorAll("[data-source]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        setFilters({ source: link.getAttribute("data-source") });
        apply(false);
        bar.scrollIntoView();
      });
    });
    sourceSearch(documents, function (value) {
      setFilters({ source: value });
      apply(false);
      bar.scrollIntoView();
    });

    // Printed, the collapsed sections would be lost: open them for the print, then restore.
    var opened = [];
    window.addEventListener("beforeprint", function () {
      sections.forEach(function (section) {
        if (section.details && !section.details.open) {
          section.details.open = true;
          opened.push(section.details);
          draw(section);
        }
      });
    });
    window.addEventListener("afterprint", function () {
      opened.splice(0).forEach(function (details) { details.open = false; });
    });

    bar.hidden = false;
    fromAddress();
  }

  // The sources section: a search over every source's publisher, title and file name.
  function sourceSearch(documents, choose) {
    var box = document.querySelector(".source-search");
    var input = document.getElementById("source-search");
    var results = document.getElementById("source-results");
    if (!box || !input || !results) return;
    box.hidden = false;
    input.addEventListener("input", function () {
      results.textContent = "";
      var wanted = input.value.trim().toLowerCase();
      if (wanted.length < 2) return;
      var publishers = new Map();
      var articles = [];
      documents.forEach(function (d) {
        if (d[2] && d[2].toLowerCase().indexOf(wanted) >= 0) publishers.set(d[2], (publishers.get(d[2]) || 0) + 1);
        else if (articles.length < 20 && (d[1].toLowerCase().indexOf(wanted) >= 0 || d[0].toLowerCase().indexOf(wanted) >= 0)) articles.push(d);
      });
      function row(label, value, detail) {
        var item = el("li");
        var button = el("button", "link", label);
        button.type = "button";
        button.addEventListener("click", function () { choose(value); });
        item.appendChild(button);
        if (detail) item.appendChild(el("span", "source-counts", detail));
        results.appendChild(item);
      }
      publishers.forEach(function (n, name) { row(name, name, n + (n === 1 ? " article" : " articles")); });
      articles.forEach(function (d) { row(d[1] || d[0], d[0], [d[2], d[3]].filter(Boolean).join(", ")); });
      if (!results.childNodes.length) results.appendChild(el("li", "muted", "No source matches."));
    });
  }

  decode(holder.textContent).then(start, function (error) {
    var note = el("p", "muted", "The findings beyond the first page could not be read from this page (" + error + "); see report.md.");
    bar.parentNode.insertBefore(note, bar);
  });
})();
