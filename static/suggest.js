// City Playbook: search suggestions as you type, as an ARIA 1.2 combobox.
// Progressive enhancement only: without this script the search forms work as before.
(function () {
  "use strict";
  var DELAY_MS = 120;

  function setup(input) {
    var form = input.form;
    var listId = input.id + "-suggestions";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var items = [];
    var active = -1;
    var timer = null;
    var latest = 0;
    // What the shown suggestions were asked for.
    var shownFor = "";

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    // Escape hides the list but keeps it: ArrowDown shows it again.
    function hide() {
      list.hidden = true;
      highlight(-1);
      input.setAttribute("aria-expanded", "false");
    }

    function reopen() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function highlight(index) {
      items.forEach(function (item, i) {
        item.element.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].element.id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(suggestions) {
      list.textContent = "";
      items = suggestions.map(function (s, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.className = "suggestion";
        var title = document.createElement("span");
        title.textContent = s.title;
        var where = document.createElement("span");
        where.className = "suggestion-where";
        where.textContent = s.jurisdiction;
        li.appendChild(title);
        li.appendChild(where);
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          window.location.href = s.url;
        });
        list.appendChild(li);
        return { element: li, url: s.url };
      });
      active = -1;
      var open = items.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      input.removeAttribute("aria-activedescendant");
      status.textContent = open
        ? items.length + (items.length === 1 ? " suggestion" : " suggestions") + ". Use the up and down arrows to choose."
        : "";
    }

    function fetchSuggestions() {
      var query = input.value;
      if (query.trim().length === 0) {
        close();
        return;
      }
      var ticket = ++latest;
      fetch("/api/suggest?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (body) {
          if (ticket !== latest || document.activeElement !== input) {
            return;
          }
          // Which query was last answered (for tests and debugging).
          input.setAttribute("data-answered", query);
          var suggestions = body.suggestions || [];
          // Typing on past every title's words keeps the best suggestions so far in view.
          if (suggestions.length === 0 && items.length > 0 && query.indexOf(shownFor) === 0) {
            return;
          }
          shownFor = query;
          show(suggestions);
        })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && list.hidden) {
        if (items.length > 0) {
          event.preventDefault();
          reopen();
          highlight(0);
        } else if (input.value.trim().length > 0) {
          event.preventDefault();
          fetchSuggestions();
        }
      } else if (event.key === "ArrowDown" && items.length > 0) {
        event.preventDefault();
        highlight(active + 1 >= items.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp" && items.length > 0 && !list.hidden) {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
        event.preventDefault();
        window.location.href = items[active].url;
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
        }
        hide();
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });
    if (form) {
      form.addEventListener("submit", close);
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), setup);
})();
