// Progressive enhancement only: every page works without this file.
(function () {
  document.documentElement.classList.add("js");
  // Preference selects (language, ship-to country) submit on change.
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // On phones the search filters start folded so the results come first.
  function foldFacets() {
    if (window.matchMedia("(max-width: 800px)").matches) {
      document.querySelectorAll("details.facet-details[open]").forEach(function (d) {
        if (!d.dataset.userOpened) d.removeAttribute("open");
      });
    }
  }
  foldFacets();
  document.addEventListener("click", function (event) {
    var summary = event.target.closest("details.facet-details > summary");
    if (summary && !window.matchMedia("(max-width: 800px)").matches) event.preventDefault();
  });
  document.body.addEventListener("htmx:afterSwap", foldFacets);
  // Gallery: show a clicked thumbnail in the main image.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-gallery-src]");
    var main = document.getElementById("gallery-main");
    if (!link || !main) return;
    event.preventDefault();
    main.src = link.getAttribute("data-gallery-src");
    var thumb = link.querySelector("img");
    if (thumb) main.alt = thumb.alt;
  });
  // Search suggestions: arrow keys move through them, Escape closes them.
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("suggestions");
    if (!box) return;
    if (event.key === "Escape") {
      box.innerHTML = "";
      document.getElementById("site-search").focus();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var links = Array.prototype.slice.call(box.querySelectorAll("a"));
    if (!links.length) return;
    var input = document.getElementById("site-search");
    var index = links.indexOf(document.activeElement);
    if (document.activeElement !== input && index === -1) return;
    event.preventDefault();
    if (event.key === "ArrowDown") {
      (links[index + 1] || links[0]).focus();
    } else if (index <= 0) {
      input.focus();
    } else {
      links[index - 1].focus();
    }
  });
})();
