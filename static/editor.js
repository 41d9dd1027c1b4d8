// The editor, enhanced: while an entry's address (slug) has not been typed by hand, it follows
// the title (lowercase words joined by hyphens). Without JavaScript the address is typed.
(function () {
  "use strict";
  var title = document.getElementById("title");
  var slug = document.getElementById("slug");
  if (!title || !slug) return;
  var typedByHand = slug.value.trim().length > 0;
  function slugOf(text) {
    return text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80)
      .replace(/-+$/g, "");
  }
  slug.addEventListener("input", function () {
    typedByHand = slug.value.trim().length > 0;
  });
  title.addEventListener("input", function () {
    if (!typedByHand) slug.value = slugOf(title.value);
  });
})();
