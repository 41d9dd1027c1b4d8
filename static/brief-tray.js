// The brief being collected, remembered in this browser (localStorage) so that it survives
// leaving the search: a tray at the top of every page shows it, and "Add to brief" adds to it
// in place. Progressive enhancement: without it, the brief travels in the address (`brief=`
// on search pages, `/brief?ids=`), which pages that carry one keep doing; they only tell the
// tray what the brief now holds.
(function () {
  "use strict";
  var KEY = "cityPlaybook.brief";
  var MAX = 50;
  var ID = /^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9-]*$/;

  function valid(ids) {
    var seen = {};
    return ids.filter(function (id) {
      if (typeof id !== "string" || !ID.test(id) || seen[id]) return false;
      seen[id] = true;
      return true;
    }).slice(0, MAX);
  }
  function load() {
    try {
      var ids = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(ids) ? valid(ids) : [];
    } catch (e) {
      return [];
    }
  }
  function store(ids) {
    try {
      if (ids.length) {
        window.localStorage.setItem(KEY, JSON.stringify(ids));
      } else {
        window.localStorage.removeItem(KEY);
      }
    } catch (e) { /* storage refused (private mode): the address still carries the brief */ }
  }
  function counted(n) {
    return n + (n === 1 ? " entry" : " entries");
  }

  // Saved briefs' own pages are about that brief, not the one being collected.
  if (window.location.pathname.indexOf("/briefs") === 0) return;

  // A page that carries a brief in its address is the brief now.
  var carrier = document.querySelector("[data-brief-ids]");
  if (carrier) {
    store(valid(carrier.getAttribute("data-brief-ids").split(",")));
    return;
  }

  var ids = load();
  var main = document.getElementById("main");
  var links = document.querySelectorAll("a[data-brief-add]");
  // Each link's own words (and hidden title), put back when its entry leaves the brief.
  var labels = Array.prototype.map.call(links, function (link) {
    return Array.prototype.slice.call(link.childNodes);
  });
  if (!main || (!ids.length && !links.length)) return;

  var tray = document.createElement("section");
  tray.className = "brief-tray brief-tray-stored notice no-print";
  tray.setAttribute("aria-label", "Your brief");
  var status = document.createElement("span");
  status.setAttribute("role", "status");
  var open = document.createElement("a");
  open.textContent = "View the brief";
  var clear = document.createElement("button");
  clear.type = "button";
  clear.className = "secondary";
  clear.textContent = "Start over";
  tray.appendChild(status);
  tray.appendChild(document.createTextNode(" "));
  tray.appendChild(open);
  tray.appendChild(document.createTextNode(" "));
  tray.appendChild(clear);
  main.insertBefore(tray, main.firstChild);

  function show(said) {
    tray.hidden = !ids.length && !said;
    open.hidden = clear.hidden = !ids.length;
    open.href = "/brief?ids=" + ids.join(",");
    status.textContent = (said ? said + " " : "") +
      (ids.length ? "Brief: " + counted(ids.length) + "." : "");
    Array.prototype.forEach.call(links, function (link, i) {
      var held = ids.indexOf(link.getAttribute("data-brief-add")) >= 0;
      while (link.firstChild) link.removeChild(link.firstChild);
      if (held) {
        link.appendChild(document.createTextNode("In the brief"));
        link.setAttribute("aria-disabled", "true");
      } else {
        labels[i].forEach(function (node) { link.appendChild(node); });
        link.removeAttribute("aria-disabled");
      }
    });
  }

  Array.prototype.forEach.call(links, function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var id = link.getAttribute("data-brief-add");
      if (ids.indexOf(id) >= 0) return;
      if (ids.length >= MAX) {
        show("A brief holds at most " + MAX + " entries.");
        return;
      }
      ids.push(id);
      store(ids);
      show("Added.");
    });
  });
  clear.addEventListener("click", function () {
    ids = [];
    store(ids);
    show("The brief is empty.");
  });
  show("");
})();
