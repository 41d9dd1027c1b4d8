// An entry's page, enhanced (everything here works without it, or stays hidden):
// - Copy link, Share (the Web Share API, where the browser has it) and Print buttons;
// - a checklist's tick boxes remembered in this browser, per page, so a staffer can work
//   through the steps and come back. Printing shows the boxes as they are: blank unless ticked.
(function () {
  "use strict";
  var actions = document.querySelector(".entry-actions");
  if (actions) {
    var url = actions.getAttribute("data-url");
    var said = actions.querySelector(".entry-actions-status");
    var copy = actions.querySelector("[data-copy-link]");
    if (copy && navigator.clipboard) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(url).then(
          function () { said.textContent = "Link copied."; },
          function () { said.textContent = "Could not copy: the link is at the foot of the page."; }
        );
      });
    }
    var share = actions.querySelector("[data-share]");
    if (share && navigator.share) {
      share.hidden = false;
      share.addEventListener("click", function () {
        navigator.share({ title: document.title, url: url }).catch(function () {});
      });
    }
    var print = actions.querySelector("[data-print]");
    if (print) {
      print.hidden = false;
      print.addEventListener("click", function () { window.print(); });
    }
  }
  var boxes = document.querySelectorAll(".checklist .body input[type=checkbox]");
  if (!boxes.length) return;
  var key = "city-playbook:ticks:" + location.pathname;
  var saved = null;
  try {
    saved = JSON.parse(window.localStorage.getItem(key) || "null");
  } catch (e) {
    saved = null;
  }
  if (Array.isArray(saved)) {
    boxes.forEach(function (box, i) {
      box.checked = saved.indexOf(i) >= 0;
    });
  }
  function remember() {
    var ticked = [];
    boxes.forEach(function (box, i) {
      if (box.checked) ticked.push(i);
    });
    try {
      window.localStorage.setItem(key, JSON.stringify(ticked));
    } catch (e) {
      // Private browsing or a full store: the ticks still show, they are only not kept.
    }
  }
  boxes.forEach(function (box) {
    box.addEventListener("change", remember);
  });
})();
