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
  // Escape closes the search suggestions.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var box = document.getElementById("suggestions");
      if (box) box.innerHTML = "";
    }
  });
})();
