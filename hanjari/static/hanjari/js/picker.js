/* The search picker (hanjari.core.picker, core/widgets/picker.html).
 *
 * Turns each `[data-hj-picker]` text box into an ARIA 1.2 combobox with a listbox
 * popup (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/): the box gets
 * role=combobox, aria-autocomplete=list, aria-expanded and aria-controls; htmx fills the
 * listbox from the field's source URL while one types (the box's hx-* attributes; this
 * script only renames the parameter to `q`). Keyboard: ArrowDown opens the list and
 * moves down, ArrowUp moves up (aria-activedescendant follows, focus stays in the box),
 * Enter chooses the active option, Escape closes the list (or, closed, empties the
 * box). A click chooses too. A chosen row becomes a ticked check box named after the
 * field above the box (for a single-row picker it replaces the one there); the box is
 * emptied and a live region says what was chosen or how many results came.
 *
 * No inline styles (CSP `style-src 'self'`): the list is shown with `hidden`, the
 * active option with a class. Without this script the box is a plain text box that the
 * server resolves when the form is posted.
 */
(function () {
  "use strict";

  function pickerOf(element) {
    return element && element.closest ? element.closest("[data-hj-picker]") : null;
  }

  function inputOf(picker) {
    return picker.querySelector("[data-hj-picker-input]");
  }

  function listboxOf(picker) {
    return picker.querySelector("[data-hj-picker-listbox]");
  }

  function optionsOf(picker) {
    return Array.prototype.slice.call(listboxOf(picker).querySelectorAll("[role=option]"));
  }

  function format(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (_match, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  /* Say `text` in the picker's live region (emptied first, so a repeat is heard). */
  function say(picker, text) {
    var status = picker.querySelector("[data-hj-picker-status]");
    if (!status) return;
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  function enhance(picker) {
    if (picker.hasAttribute("data-hj-picker-ready")) return;
    var input = inputOf(picker);
    var listbox = listboxOf(picker);
    if (!input || !listbox) return;
    picker.setAttribute("data-hj-picker-ready", "");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
  }

  function enhanceAll(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("[data-hj-picker]")) enhance(root);
    Array.prototype.forEach.call(root.querySelectorAll("[data-hj-picker]"), enhance);
  }

  function activeIndex(picker) {
    var options = optionsOf(picker);
    for (var i = 0; i < options.length; i += 1) {
      if (options[i].classList.contains("is-active")) return i;
    }
    return -1;
  }

  function setActive(picker, index) {
    var input = inputOf(picker);
    var options = optionsOf(picker);
    options.forEach(function (option, i) {
      var on = i === index;
      option.classList.toggle("is-active", on);
      option.setAttribute("aria-selected", on ? "true" : "false");
    });
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      if (options[index].scrollIntoView) options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function isOpen(picker) {
    return !listboxOf(picker).hidden;
  }

  function open(picker) {
    listboxOf(picker).hidden = false;
    inputOf(picker).setAttribute("aria-expanded", "true");
  }

  function close(picker) {
    listboxOf(picker).hidden = true;
    inputOf(picker).setAttribute("aria-expanded", "false");
    setActive(picker, -1);
  }

  function checkbox(picker, value, title, detail) {
    var input = inputOf(picker);
    var id = input.id + "_chosen_" + value;
    var item = document.createElement("li");
    item.className = "hj-check";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.name = picker.getAttribute("data-name");
    box.value = value;
    box.id = id;
    box.checked = true;
    var label = document.createElement("label");
    label.htmlFor = id;
    var name = document.createElement("span");
    name.className = "hj-picker-title";
    name.textContent = title;
    label.appendChild(name);
    if (detail) {
      var more = document.createElement("span");
      more.className = "hj-picker-detail";
      more.textContent = detail;
      label.appendChild(document.createTextNode(" "));
      label.appendChild(more);
    }
    item.appendChild(box);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(label);
    return item;
  }

  function choose(picker, option) {
    var value = option.getAttribute("data-value");
    var title = option.getAttribute("data-title") || option.textContent;
    var detail = option.getAttribute("data-detail") || "";
    var chosen = picker.querySelector("[data-hj-picker-chosen]");
    var input = inputOf(picker);
    if (picker.getAttribute("data-multiple") !== "true") {
      while (chosen.firstChild) chosen.removeChild(chosen.firstChild);
      /* Candidates offered after a failed text: one row only, so none stays ticked. */
      Array.prototype.forEach.call(
        picker.querySelectorAll(".hj-picker-candidates input"),
        function (box) {
          box.checked = false;
        }
      );
    }
    var existing = null;
    Array.prototype.forEach.call(chosen.querySelectorAll("input"), function (box) {
      if (box.value === value) existing = box;
    });
    if (existing) {
      existing.checked = true;
    } else {
      chosen.appendChild(checkbox(picker, value, title, detail));
    }
    input.value = "";
    close(picker);
    input.focus();
    say(picker, format(picker.getAttribute("data-msg-chosen"), { name: title }));
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("data-hj-picker-input")) return;
    var picker = pickerOf(input);
    if (!picker) return;
    var options = optionsOf(picker);
    var index = activeIndex(picker);
    if (event.key === "ArrowDown") {
      if (!options.length) return;
      if (!isOpen(picker)) {
        open(picker);
        setActive(picker, 0);
      } else {
        setActive(picker, Math.min(index + 1, options.length - 1));
      }
      event.preventDefault();
    } else if (event.key === "ArrowUp") {
      if (!isOpen(picker) || !options.length) return;
      setActive(picker, Math.max(index - 1, 0));
      event.preventDefault();
    } else if (event.key === "Enter") {
      if (isOpen(picker) && index >= 0) {
        choose(picker, options[index]);
        event.preventDefault();
      }
    } else if (event.key === "Escape") {
      if (isOpen(picker)) {
        close(picker);
        event.preventDefault();
      } else if (input.value) {
        input.value = "";
        event.preventDefault();
      }
    } else if (event.key === "Tab") {
      close(picker);
    }
  });

  /* A press on an option must not take focus from the box. */
  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest("[data-hj-picker] [role=option]");
    if (option) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest("[data-hj-picker] [role=option]");
    if (option) choose(pickerOf(option), option);
  });

  document.addEventListener("focusout", function (event) {
    var picker = pickerOf(event.target);
    if (!picker || !event.target.hasAttribute("data-hj-picker-input")) return;
    window.setTimeout(function () {
      if (document.activeElement !== inputOf(picker)) close(picker);
    }, 150);
  });

  /* The suggestion request: the text as `q` (the box's own name is the field's). */
  document.addEventListener("htmx:configRequest", function (event) {
    var input = event.detail && event.detail.elt;
    if (!input || !input.hasAttribute || !input.hasAttribute("data-hj-picker-input")) return;
    var text = input.value.trim();
    if (!text) {
      event.preventDefault();
      var picker = pickerOf(input);
      listboxOf(picker).innerHTML = "";
      close(picker);
      return;
    }
    event.detail.parameters.q = text;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var listbox = event.detail && event.detail.target;
    if (!listbox || !listbox.hasAttribute || !listbox.hasAttribute("data-hj-picker-listbox")) {
      return;
    }
    var picker = pickerOf(listbox);
    var input = inputOf(picker);
    var options = optionsOf(picker);
    options.forEach(function (option, i) {
      option.id = listbox.id + "-opt-" + i;
      option.setAttribute("aria-selected", "false");
    });
    if (!input.value.trim()) {
      close(picker); /* chosen or emptied while the answer was on its way */
      return;
    }
    if (options.length) {
      open(picker);
      setActive(picker, -1);
      say(picker, format(picker.getAttribute("data-msg-results"), { count: options.length }));
    } else {
      close(picker);
      say(picker, picker.getAttribute("data-msg-none"));
    }
  });

  function failed(event) {
    var input = event.detail && event.detail.elt;
    if (!input || !input.hasAttribute || !input.hasAttribute("data-hj-picker-input")) return;
    var picker = pickerOf(input);
    close(picker);
    say(picker, picker.getAttribute("data-msg-error"));
  }

  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);

  document.addEventListener("htmx:load", function (event) {
    enhanceAll(event.target);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhanceAll(document);
    });
  } else {
    enhanceAll(document);
  }
})();
