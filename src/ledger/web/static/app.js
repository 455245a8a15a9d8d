// The page's only own script: the print button (inline handlers are blocked by the page's CSP).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
