// Behaviour that would otherwise be inline (the Content-Security-Policy allows no inline script).
// A form with data-reset-after-swap empties itself after htmx added its result to the page.
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.detail.elt;
  if (form.matches && form.matches("form[data-reset-after-swap]") && event.detail.successful &&
      event.detail.target && event.detail.target.id === form.dataset.resetAfterSwap) {
    form.reset();
  }
});

// A table wider than the screen scrolls inside its .table-responsive wrapper. Someone without a
// mouse must reach that scroll too (WCAG 2.1.1): a wrapper that overflows becomes a focusable,
// named region (named by the table's caption, else by the heading before it).
function leerborgScrollRegions(root) {
  (root || document).querySelectorAll(".table-responsive").forEach(function (wrapper) {
    var overflows = wrapper.scrollWidth > wrapper.clientWidth + 1;
    if (!overflows) {
      if (wrapper.dataset.scrollRegion) {
        wrapper.removeAttribute("tabindex");
        wrapper.removeAttribute("role");
        wrapper.removeAttribute("aria-labelledby");
        delete wrapper.dataset.scrollRegion;
      }
      return;
    }
    var name = wrapper.querySelector("caption");
    if (!name) {
      for (var el = wrapper.previousElementSibling; el && !name; el = el.previousElementSibling) {
        if (/^H[1-6]$/.test(el.tagName)) name = el;
      }
    }
    if (!name) {
      var section = wrapper.closest("section, article, main");
      name = section && section.querySelector("h1, h2, h3, h4, h5, h6");
    }
    wrapper.setAttribute("tabindex", "0");
    wrapper.setAttribute("role", "region");
    wrapper.dataset.scrollRegion = "1";
    if (name) {
      if (!name.id) name.id = "scroll-name-" + Math.random().toString(36).slice(2, 10);
      wrapper.setAttribute("aria-labelledby", name.id);
    }
  });
}
document.addEventListener("DOMContentLoaded", function () { leerborgScrollRegions(); });
document.addEventListener("htmx:afterSettle", function (event) { leerborgScrollRegions(event.detail.elt.parentNode); });
var leerborgResizeTimer;
window.addEventListener("resize", function () {
  clearTimeout(leerborgResizeTimer);
  leerborgResizeTimer = setTimeout(function () { leerborgScrollRegions(); }, 150);
});

// A person search inside the audience widget (its manager) searches by itself. Leaving its box
// fires "change", which would make the audience widget fetch itself again and replace the people
// found before one is chosen; choosing one (a radio) still does, so the reach follows.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.matches && box.matches(".audience-widget .employee-choice input[type=search]")) {
    event.stopPropagation();
  }
}, true);
