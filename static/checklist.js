// A checklist's tick boxes are remembered in this browser, per page, so a staffer can work
// through the steps and come back. Without JavaScript they can still be ticked; they are only
// not remembered. Printing shows the boxes as they are: blank unless ticked.
(function () {
  "use strict";
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
