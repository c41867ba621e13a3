/*
 * Hanjari (한자리) page behaviour. Loaded synchronously in <head> (it is small), so the
 * saved text size is applied before the first paint; everything that touches the body
 * waits for DOMContentLoaded.
 *
 * No inline styles are written (CSP `style-src 'self'`): state is expressed with classes
 * and data attributes that hanjari.css styles.
 *
 * - Text size (화면 크기, KRDS "resize" pattern): buttons with `data-text-size` inside
 *   `[data-hj-text-size]`; the choice is stored in localStorage under
 *   "hanjari.textSize" and put on <html data-text-size="…">. Buttons anywhere with
 *   `data-hj-text-step="1"` / `"-1"` (the article's `+` / `-`) move one size up or
 *   down through the same mechanism; at either end they say aria-disabled="true".
 * - Dropdowns (KRDS `.krds-drop-wrap`): a `.drop-btn` toggles the wrap's `is-open`
 *   class; Escape, a click outside or focus leaving closes it.
 * - Error summary (KRDS / GOV.UK pattern, includes/form_error_summary.html): on page
 *   load focus moves to `[data-hj-error-summary]` so that a screen reader reads it
 *   (once: it has no role="alert"); its links focus their field and bring the field's
 *   label into view too.
 * - `html.js` marks that scripts run (CSS shows script-only controls with it).
 */
(function () {
  "use strict";

  var STORAGE_KEY = "hanjari.textSize";
  var SIZES = ["sm", "md", "lg", "xlg", "xxlg"];
  var DEFAULT_SIZE = "md";
  var root = document.documentElement;

  function readSize() {
    try {
      var saved = window.localStorage.getItem(STORAGE_KEY);
      return SIZES.indexOf(saved) >= 0 ? saved : DEFAULT_SIZE;
    } catch (e) {
      return DEFAULT_SIZE; // storage disabled (privacy mode): keep the default
    }
  }

  function applySize(size) {
    if (size === DEFAULT_SIZE) {
      root.removeAttribute("data-text-size");
    } else {
      root.setAttribute("data-text-size", size);
    }
  }

  // Before paint: mark JS and restore the saved text size.
  root.classList.add("js");
  applySize(readSize());

  function saveSize(size) {
    try {
      if (size === DEFAULT_SIZE) {
        window.localStorage.removeItem(STORAGE_KEY);
      } else {
        window.localStorage.setItem(STORAGE_KEY, size);
      }
    } catch (e) {
      /* ignore: the size still applies to this page */
    }
  }

  function markSizeButtons(size) {
    var buttons = document.querySelectorAll("[data-hj-text-size] .drop-list [data-text-size]");
    Array.prototype.forEach.call(buttons, function (button) {
      var on = button.getAttribute("data-text-size") === size;
      button.classList.toggle("active", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
    var index = SIZES.indexOf(size);
    var steps = document.querySelectorAll("[data-hj-text-step]");
    Array.prototype.forEach.call(steps, function (button) {
      var delta = parseInt(button.getAttribute("data-hj-text-step"), 10) || 0;
      var target = index + delta;
      var atEnd = target < 0 || target >= SIZES.length;
      button.setAttribute("aria-disabled", atEnd ? "true" : "false");
    });
  }

  // The size now shown (the attribute, so that steps add up even without storage).
  function currentSize() {
    var size = root.getAttribute("data-text-size");
    return SIZES.indexOf(size) >= 0 ? size : DEFAULT_SIZE;
  }

  function stepSize(delta) {
    var index = SIZES.indexOf(currentSize()) + delta;
    if (index < 0 || index >= SIZES.length) return;
    var size = SIZES[index];
    applySize(size);
    saveSize(size);
    markSizeButtons(size);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-hj-text-step]") : null;
    if (!button) return;
    stepSize(parseInt(button.getAttribute("data-hj-text-step"), 10) || 0);
  });

  /* ---- dropdowns ---------------------------------------------------------------- */

  function closeDrop(wrap, returnFocus) {
    if (!wrap.classList.contains("is-open")) return;
    wrap.classList.remove("is-open");
    var button = wrap.querySelector(".drop-btn");
    if (button) {
      button.setAttribute("aria-expanded", "false");
      button.classList.remove("active");
      if (returnFocus) button.focus();
    }
  }

  function closeAllDrops(except) {
    var open = document.querySelectorAll(".krds-drop-wrap.is-open");
    Array.prototype.forEach.call(open, function (wrap) {
      if (wrap !== except) closeDrop(wrap, false);
    });
  }

  function openDrop(wrap) {
    closeAllDrops(wrap);
    wrap.classList.add("is-open");
    var button = wrap.querySelector(".drop-btn");
    if (button) {
      button.setAttribute("aria-expanded", "true");
      button.classList.add("active");
    }
  }

  function initDrops() {
    var wraps = document.querySelectorAll("[data-hj-drop]");
    Array.prototype.forEach.call(wraps, function (wrap) {
      var button = wrap.querySelector(".drop-btn");
      if (!button || wrap.hasAttribute("data-hj-drop-ready")) return;
      wrap.setAttribute("data-hj-drop-ready", "");
      button.setAttribute("aria-expanded", "false");
      button.addEventListener("click", function () {
        if (wrap.classList.contains("is-open")) {
          closeDrop(wrap, false);
        } else {
          openDrop(wrap);
        }
      });
      wrap.addEventListener("focusout", function (event) {
        if (!event.relatedTarget || !wrap.contains(event.relatedTarget)) {
          closeDrop(wrap, false);
        }
      });
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") return;
    var wrap = event.target.closest ? event.target.closest(".krds-drop-wrap.is-open") : null;
    if (wrap) {
      closeDrop(wrap, true);
    } else {
      closeAllDrops(null);
    }
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest(".krds-drop-wrap")) {
      closeAllDrops(null);
    }
  });

  /* ---- text size ---------------------------------------------------------------- */

  function initTextSize() {
    markSizeButtons(readSize());
    var controls = document.querySelectorAll("[data-hj-text-size]");
    Array.prototype.forEach.call(controls, function (control) {
      if (control.hasAttribute("data-hj-text-size-ready")) return;
      control.setAttribute("data-hj-text-size-ready", "");
      control.addEventListener("click", function (event) {
        var button = event.target.closest("[data-text-size]");
        if (!button || !control.contains(button)) return;
        var size = button.getAttribute("data-text-size");
        if (SIZES.indexOf(size) < 0) return;
        applySize(size);
        saveSize(size);
        markSizeButtons(size);
      });
    });
  }

  // Another tab changed the size: follow it.
  window.addEventListener("storage", function (event) {
    if (event.key === STORAGE_KEY) {
      var size = readSize();
      applySize(size);
      markSizeButtons(size);
    }
  });

  /* ---- error summary -------------------------------------------------------------- */

  function focusErrorSummary() {
    var summary = document.querySelector("[data-hj-error-summary]");
    if (summary) summary.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-hj-error-summary] a[href^='#']") : null;
    if (!link) return;
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!field) return;
    event.preventDefault();
    var group = field.closest(".form-group");
    (group || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });

  function init() {
    initDrops();
    initTextSize();
  }

  // The error summary is focused once per page load (not after htmx swaps).
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
    document.addEventListener("DOMContentLoaded", focusErrorSummary);
  } else {
    init();
    focusErrorSummary();
  }
  // Content swapped in by htmx may carry its own dropdowns.
  document.addEventListener("htmx:load", init);
})();
