// Behaviour that would otherwise be inline (the Content-Security-Policy allows no inline script).
// A form with data-reset-after-swap empties itself after htmx added its result to the page.
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.detail.elt;
  if (form.matches && form.matches("form[data-reset-after-swap]") && event.detail.successful &&
      event.detail.target && event.detail.target.id === form.dataset.resetAfterSwap) {
    form.reset();
  }
});
