// Starts Pagefind's search UI on the search page. Reading the site never needs this file.
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("search");
    if (!box || typeof window.PagefindUI !== "function") {
      return;
    }
    var data = box.dataset;
    var ui = new window.PagefindUI({
      element: "#search",
      showSubResults: true,
      showImages: false,
      resetStyles: false,
      translations: {
        placeholder: data.placeholder,
        zero_results: data.zeroResults,
        clear_search: data.clear,
        load_more: data.loadMore
      }
    });
    // /search/?q=word opens with results, so searches can be linked to.
    var query = new URLSearchParams(window.location.search).get("q");
    if (query && typeof ui.triggerSearch === "function") {
      ui.triggerSearch(query);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
