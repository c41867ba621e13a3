/* Typeahead lists under the search boxes (htmx fills them from /search/suggest/).
 * Keyboard: ArrowDown from the box moves into the list, ArrowUp/ArrowDown move
 * between links, Escape closes the list and returns to the box. The list closes when
 * focus leaves the form. A list closed by Escape or by submitting the form stays
 * closed until the visitor types again: a suggestion request still waiting out the
 * typing delay is not sent, and one already answered is not shown. Without scripts
 * the boxes are plain search forms. */
(function () {
  "use strict";

  function listOf(form) {
    return form ? form.querySelector("[data-hj-suggest]") : null;
  }

  /* The form's live region (role=status) says how many suggestions came, so that a
   * screen reader hears that a list appeared under the box. */
  function announce(list) {
    var form = list && list.closest("form");
    var status = form && form.querySelector("[data-hj-suggest-status]");
    if (!status) return;
    var count = list.querySelector("[data-hj-suggest-count]");
    status.textContent = count ? count.textContent : "";
  }

  function close(list) {
    if (!list) return;
    list.innerHTML = "";
    announce(list);
  }

  function closeForGood(list) {
    if (!list) return;
    close(list);
    list.setAttribute("data-hj-closed", "");
  }

  function closedTarget(event) {
    var target = event.detail && event.detail.target;
    return target && target.hasAttribute && target.hasAttribute("data-hj-suggest") &&
      target.hasAttribute("data-hj-closed");
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
        closeForGood(list);
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

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[role=search]");
    var list = listOf(form);
    if (list) list.removeAttribute("data-hj-closed");
  });

  document.addEventListener("submit", function (event) {
    closeForGood(listOf(event.target));
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (closedTarget(event)) {
      event.preventDefault();
      return;
    }
    /* The results page's form itself (a filter changed): its list goes too. */
    var elt = event.detail && event.detail.elt;
    if (elt && elt.matches && elt.matches("form[role=search]")) closeForGood(listOf(elt));
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (closedTarget(event)) event.detail.shouldSwap = false;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.hasAttribute && target.hasAttribute("data-hj-suggest")) announce(target);
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
