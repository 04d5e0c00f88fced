/* The site's own lookup for codes, glossary terms and page titles (docs/smskit_site.py
   writes its data, smskit-lookup-data.js). Sphinx's search drops all-digit words (5420) and
   matches a Chinese word only whole; on the search page this lists, above Sphinx's results,
   every code, term and page whose text contains each word of the query. */
(function () {
  "use strict";
  function matches(haystack, words) {
    var text = haystack.toLowerCase();
    return words.every(function (word) { return text.indexOf(word) !== -1; });
  }
  function item(href, label, kind) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = href;
    a.textContent = label;
    li.appendChild(a);
    if (kind) {
      var span = document.createElement("span");
      span.className = "kind";
      span.textContent = " · " + kind;
      li.appendChild(span);
    }
    return li;
  }
  function show() {
    var data = window.SMSKIT_LOOKUP;
    var results = document.getElementById("search-results");
    if (!data || !results) return;
    var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
    var twin = document.querySelector("a.smskit-twin");  // the other edition's search, same query
    if (twin && query) twin.href = twin.href.split("?")[0] + "?q=" + encodeURIComponent(query);
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return;
    var box = document.createElement("section");
    box.id = "smskit-lookup";
    var found = 0;
    [[data.heading, data.entries.filter(function (e) { return matches(e.keys, words); })
        .map(function (e) { return item(e.target, e.label, e.kind); })],
     [data.pagesHeading, data.pages.filter(function (p) { return matches(p.title, words); })
        .map(function (p) { return item(p.target, p.title, ""); })]
    ].forEach(function (part) {
      if (!part[1].length) return;
      var h = document.createElement("h2");
      h.textContent = part[0];
      var ul = document.createElement("ul");
      part[1].forEach(function (li) { ul.appendChild(li); });
      box.appendChild(h);
      box.appendChild(ul);
      found += part[1].length;
    });
    box.setAttribute("data-found", String(found));
    if (found) results.parentNode.insertBefore(box, results);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", show);
  else show();
})();
