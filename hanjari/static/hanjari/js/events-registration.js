/*
 * Event registration and check-in pages (참가 신청·신청 관리·도착 확인). Loaded with
 * `defer` by events/registration/partials/_js.html, whose data-msg-* attributes carry
 * the translated messages. No inline styles or handlers (CSP): behaviour hangs on
 * data attributes.
 *
 * - `[data-hj-confirm]` on a submit button asks before the form is sent.
 * - `[data-hj-print]` prints the page (name badges).
 * - htmx answers 4xx marked `X-Hanjari-Partial: 1` are swapped (refusal messages of
 *   the check-in page); other failures put a message in #hj-messages.
 * - Check-in: after an answer the token field is emptied (on success) and focused
 *   again, ready for the next person; a check-in from the search list moves focus to
 *   the result message.
 * - Camera scanning (`[data-hj-scanner]`): shown only where the browser has the
 *   BarcodeDetector API with QR support and a camera (secure context); a read code
 *   fills the token field and submits the form. Elsewhere `[data-hj-scan-fallback]`
 *   stays: a phone's own camera app opens the QR code's address, which is this page
 *   with the token filled in.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  function message(name) {
    return (script && script.getAttribute("data-msg-" + name)) || "";
  }

  function showError(text) {
    var box = document.getElementById("hj-messages");
    if (!box) return;
    var item = document.createElement("div");
    item.className = "hj-message hj-message-error";
    item.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.textContent = text;
    item.appendChild(p);
    box.appendChild(item);
  }

  /* ---- confirm and print ------------------------------------------------------------- */

  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    var confirmer = event.target.closest("[data-hj-confirm]");
    if (confirmer) {
      var text = confirmer.getAttribute("data-hj-confirm") || message("confirm");
      if (!window.confirm(text)) {
        event.preventDefault();
        event.stopPropagation();
      }
      return;
    }
    if (event.target.closest("[data-hj-print]")) {
      window.print();
    }
  });

  /* ---- htmx -------------------------------------------------------------------------- */

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status >= 400 && xhr.status < 500 && xhr.getResponseHeader("X-Hanjari-Partial")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.getResponseHeader("X-Hanjari-Partial")) return;
    // The counts poll failing now and then (a phone on a weak network) is not worth a message.
    var elt = event.detail.elt;
    if (elt && elt.id === "hj-checkin-counts") return;
    showError(message("failed") + (xhr ? " (" + xhr.status + ")" : ""));
  });

  document.addEventListener("htmx:sendError", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.id === "hj-checkin-counts") return;
    showError(message("offline"));
  });

  /* ---- check-in ---------------------------------------------------------------------- */

  var scanner = null; // set up below when the page has one

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.getAttribute || !form.hasAttribute("data-hj-checkin-form")) return;
    var kind = form.getAttribute("data-hj-checkin-form");
    var ok = event.detail.xhr && event.detail.xhr.status === 200;
    var field = document.getElementById("hj-checkin-token");
    window.setTimeout(function () {
      if (kind === "token" && field) {
        if (ok) field.value = "";
        if (!scanner || !scanner.active) {
          field.focus();
          if (!ok) field.select();
        }
      } else {
        var result = document.getElementById("hj-checkin-result");
        if (result) result.focus();
      }
      if (scanner) scanner.resume();
    }, 0);
  });

  function setUpScanner(root) {
    var start = root.querySelector("[data-hj-scan-start]");
    var stop = root.querySelector("[data-hj-scan-stop]");
    var video = root.querySelector("[data-hj-scan-video]");
    var status = root.querySelector("[data-hj-scan-status]");
    var fallback = document.querySelector("[data-hj-scan-fallback]");
    var form = document.getElementById("hj-checkin-form");
    var field = document.getElementById("hj-checkin-token");
    if (!start || !stop || !video || !form || !field) return null;

    var detector = null;
    var stream = null;
    var busy = false; // a code was read and is being checked
    var lastValue = "";
    var lastAt = 0;
    var timer = null;
    var state = { active: false, resume: resume };

    function say(text) {
      if (status) status.textContent = text;
    }

    function loop() {
      timer = null;
      if (!state.active || busy) return;
      if (video.readyState < 2) {
        timer = window.setTimeout(loop, 200);
        return;
      }
      detector
        .detect(video)
        .then(function (codes) {
          var now = Date.now();
          for (var i = 0; i < codes.length; i++) {
            var value = codes[i].rawValue || "";
            // The same code again within 5 s is the same person still in front of the camera.
            if (value && (value !== lastValue || now - lastAt > 5000)) {
              lastValue = value;
              lastAt = now;
              busy = true;
              say(message("found"));
              field.value = value;
              if (form.requestSubmit) form.requestSubmit();
              else form.submit();
              return;
            }
          }
          if (state.active) timer = window.setTimeout(loop, 250);
        })
        .catch(function () {
          if (state.active) timer = window.setTimeout(loop, 500);
        });
    }

    function resume() {
      if (!busy) return;
      busy = false;
      if (state.active && !timer) timer = window.setTimeout(loop, 1200);
    }

    function turnOff() {
      state.active = false;
      busy = false;
      if (timer) window.clearTimeout(timer);
      timer = null;
      if (stream) {
        stream.getTracks().forEach(function (track) {
          track.stop();
        });
      }
      stream = null;
      video.srcObject = null;
      video.hidden = true;
      stop.hidden = true;
      start.hidden = false;
      say("");
    }

    start.addEventListener("click", function () {
      navigator.mediaDevices
        .getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
        .then(function (s) {
          stream = s;
          video.srcObject = s;
          video.hidden = false;
          start.hidden = true;
          stop.hidden = false;
          state.active = true;
          say(message("scanning"));
          return video.play();
        })
        .then(function () {
          loop();
        })
        .catch(function () {
          turnOff();
          say(message("camera-denied"));
        });
    });
    stop.addEventListener("click", turnOff);
    window.addEventListener("pagehide", turnOff);

    window.BarcodeDetector.getSupportedFormats()
      .then(function (formats) {
        if (formats.indexOf("qr_code") < 0) return;
        detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        root.hidden = false;
        if (fallback) fallback.hidden = true;
      })
      .catch(function () {
        /* keep the fallback text */
      });
    return state;
  }

  function init() {
    var root = document.querySelector("[data-hj-scanner]");
    if (
      root &&
      "BarcodeDetector" in window &&
      window.isSecureContext &&
      navigator.mediaDevices &&
      navigator.mediaDevices.getUserMedia
    ) {
      scanner = setUpScanner(root);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
