/* Typeahead lists under the search boxes (htmx fills them from /search/suggest/).
 * Keyboard: ArrowDown from the box moves into the list, ArrowUp/ArrowDown move
 * between links, Escape closes the list and returns to the box. The list closes when
 * focus leaves the form. Without scripts the boxes are plain search forms. */
(function () {
  "use strict";

  function listOf(form) {
    return form ? form.querySelector("[data-hj-suggest]") : null;
  }

  function close(list) {
    if (list) list.innerHTML = "";
  }

  function links(list) {
    return list ? Array.prototype.slice.call(list.querySelectorAll("a")) : [];
  }

  document.addEventListener("keydown", function (event) {
    var form = event.target.closest && event.target.closest("form[role=search]");
    var list = listOf(form);
    if (!list) return;
    var items = links(list);
    var index = items.indexOf(event.target);
    if (event.key === "Escape") {
      if (items.length) {
        close(list);
        var box = form.querySelector("input[type=search]");
        if (box) box.focus();
        event.preventDefault();
      }
    } else if (event.key === "ArrowDown" && items.length) {
      items[Math.min(index + 1, items.length - 1)].focus();
      event.preventDefault();
    } else if (event.key === "ArrowUp" && index >= 0) {
      if (index === 0) form.querySelector("input[type=search]").focus();
      else items[index - 1].focus();
      event.preventDefault();
    }
  });

  document.addEventListener("focusout", function (event) {
    var form = event.target.closest && event.target.closest("form[role=search]");
    var list = listOf(form);
    if (!list) return;
    var next = event.relatedTarget;
    if (next && form.contains(next)) return;
    /* Let a click on a suggestion finish before the list goes away. */
    window.setTimeout(function () {
      if (!form.contains(document.activeElement)) close(list);
    }, 200);
  });
})();

document.addEventListener("submit", function (event) {
  "use strict";
  var list = event.target.querySelector && event.target.querySelector("[data-hj-suggest]");
  if (list) list.innerHTML = "";
});
