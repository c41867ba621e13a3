/*
 * News pages (소식): print and copy-link buttons, and htmx answers of the comment and
 * list partials. Loaded with `defer` by the news templates. No inline styles or
 * handlers (CSP): behaviour hangs on data attributes.
 *
 * - `[data-hj-print]` prints the page (the print stylesheet leaves the article only).
 * - `[data-hj-copy-link][data-url]` copies the article's address and says so in
 *   `[data-hj-copy-status]` (texts from its data-ok / data-fail attributes).
 * - Comment actions answer 4xx with the changed part of the page, marked with the
 *   header `X-Hanjari-Partial: 1`; htmx does not swap 4xx answers by default, so
 *   those are let through. Other failures put a message in #hj-messages (texts from
 *   this script element's data-msg-failed / data-msg-offline, translated by the
 *   template news/partials/_news_js.html).
 * - After a swap, focus moves to `[data-hj-focus]` (the result message) or, after
 *   "더보기", to the first newly added item (`[data-hj-page-start]`).
 */
(function () {
  "use strict";

  // Messages come translated from the template, on this <script> element.
  var script = document.currentScript;
  function message(name) {
    return (script && script.getAttribute("data-msg-" + name)) || "";
  }

  function setStatus(el, text, isError) {
    if (!el) return;
    el.textContent = "";
    el.classList.toggle("is-error", !!isError);
    // A fresh text node in the live region is announced even when the text repeats.
    window.setTimeout(function () {
      el.textContent = text;
    }, 50);
  }

  function fallbackCopy(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "sr-only";
    document.body.appendChild(field);
    field.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(field);
    return ok;
  }

  function copyLink(button) {
    var url = button.getAttribute("data-url") || window.location.href.split("#")[0];
    var status = document.querySelector("[data-hj-copy-status]");
    var okText = status ? status.getAttribute("data-ok") : "";
    var failText = status ? status.getAttribute("data-fail") : "";
    function done(ok) {
      setStatus(status, ok ? okText : failText + " " + url, !ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(
        function () {
          done(true);
        },
        function () {
          done(fallbackCopy(url));
        }
      );
    } else {
      done(fallbackCopy(url));
    }
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    if (event.target.closest("[data-hj-print]")) {
      window.print();
      return;
    }
    var copy = event.target.closest("[data-hj-copy-link]");
    if (copy) copyLink(copy);
  });

  /* ---- htmx ---------------------------------------------------------------------- */

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status >= 400 && xhr.status < 500 && xhr.getResponseHeader("X-Hanjari-Partial")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function showError(text) {
    var box = document.getElementById("hj-messages");
    if (!box) return;
    var message = document.createElement("div");
    message.className = "hj-message hj-message-error";
    message.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.textContent = text;
    message.appendChild(p);
    box.appendChild(message);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.getResponseHeader("X-Hanjari-Partial")) return;
    showError(message("failed") + (xhr ? " (" + xhr.status + ")" : ""));
  });

  document.addEventListener("htmx:sendError", function () {
    showError(message("offline"));
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (target && !target.isConnected && target.id) {
      // outerHTML swaps replace the target: look its successor up by id.
      target = document.getElementById(target.id);
    }
    var scope = target && target.isConnected ? target : document;
    if (target && target.id === "news-list") {
      var starts = target.querySelectorAll("[data-hj-page-start]");
      var first = starts[starts.length - 1];
      if (first) {
        first.focus();
        Array.prototype.forEach.call(starts, function (el) {
          if (el !== first) el.removeAttribute("data-hj-page-start");
        });
      }
      return;
    }
    var focus = scope.querySelector("[data-hj-focus]");
    if (focus) focus.focus();
  });
})();
