/* Progressive enhancement for the staff interface of an aan node.
   Everything works without this file; with it the composer saves drafts automatically,
   shows a live preview, tells the server the browser's time zone, and asks for alt text
   as soon as an image is chosen. No external code, no inline scripts (CSP: script-src 'self'). */
(function () {
  "use strict";

  var csrf = document.body.getAttribute("data-csrf") || "";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  function formPayload(form) {
    var data = new FormData(form);
    data.delete("new_image");
    data.delete("action");
    return data;
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Accept": "application/json, text/html" }
    });
  }

  // A live preview: POST the form to its data-preview URL, put the server's rendering in place
  // (rendered and sanitised there, by the same code as the preview button); a newer request wins.
  function previewer(previewForm) {
    var ticket = 0;
    return function () {
      var mine = ++ticket;
      post(previewForm.getAttribute("data-preview"), formPayload(previewForm)).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      }).then(function (html) {
        if (mine !== ticket) { return; }  // a newer preview is on its way
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#preview-content");
        var current = document.getElementById("preview-content");
        if (fresh && current) { current.replaceWith(fresh); }
      }).catch(function () { /* keep the last preview */ });
    };
  }

  // Focus: the first error, or the row just added with an "add another" button.
  var errors = document.getElementById("errors");
  if (errors) {
    errors.focus();
  }

  // The joint statement form: focus, and a live preview through the same server code.
  var jointForm = document.getElementById("joint-form");
  if (jointForm) {
    var jointFocus = jointForm.getAttribute("data-focus");
    if (!errors && jointFocus && document.getElementById(jointFocus)) {
      document.getElementById(jointFocus).focus();
    }
    var jointPreview = debounce(previewer(jointForm), 700);
    jointForm.addEventListener("input", jointPreview);
    jointForm.addEventListener("change", jointPreview);
    return;
  }

  var form = document.getElementById("composer");
  if (!form) {
    return;
  }
  var focusId = form.getAttribute("data-focus");
  if (!errors && focusId && document.getElementById(focusId)) {
    document.getElementById(focusId).focus();
  }

  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && form.elements.client_tz) {
      form.elements.client_tz.value = zone;
      var label = document.querySelector("label[for='f-scheduled_for']");
      if (label) {
        label.textContent = label.textContent.replace(/\(([^)]*)\)\s*$/, "(" + zone + ")");
      }
    }
  } catch (e) { /* keep the node's time zone */ }

  // Alt text becomes required as soon as a file is chosen.
  var file = document.getElementById("f-new-image");
  var alt = document.getElementById("f-new-image-alt");
  if (file && alt) {
    file.addEventListener("change", function () {
      var chosen = file.files && file.files.length > 0;
      alt.required = chosen;
      alt.setAttribute("aria-required", chosen ? "true" : "false");
      if (chosen && !alt.value) {
        alt.focus();
      }
    });
  }

  // Original texts shown next to translations follow what is typed.
  function mirror() {
    ["headline", "summary", "body", "content_warning"].forEach(function (name) {
      var source = form.elements[name];
      if (!source) { return; }
      document.querySelectorAll("[data-mirror='" + name + "']").forEach(function (el) {
        el.textContent = source.value;
      });
    });
  }

  var status = document.getElementById("save-status");
  var saving = false;
  var again = false;
  var dirty = false;

  function autosave() {
    if (saving) { again = true; return; }
    if (!dirty) { return; }
    saving = true;
    dirty = false;
    post(form.getAttribute("data-autosave"), formPayload(form)).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (result) {
      if (result.url) {  // the first autosave created the draft: keep editing it
        form.setAttribute("action", result.url);
        form.setAttribute("data-autosave", result.autosave);
        if (form.elements.draft_id) { form.elements.draft_id.value = result.id; }
        if (window.history && window.history.replaceState) { window.history.replaceState(null, "", result.url); }
      }
      if (status && result.message) { status.textContent = result.message; }
    }).catch(function () {
      dirty = true;
      if (status && status.getAttribute("data-failed")) { status.textContent = status.getAttribute("data-failed"); }
    }).then(function () {
      saving = false;
      if (again) { again = false; autosave(); }
    });
  }

  var preview = document.getElementById("preview");
  var refreshPreview = preview ? previewer(form) : function () {};

  var saveSoon = debounce(autosave, 2000);
  var previewSoon = debounce(refreshPreview, 700);
  function changed(event) {
    if (event.target && event.target.type === "file") { return; }
    dirty = true;
    mirror();
    saveSoon();
    previewSoon();
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function () {
    if (dirty && navigator.sendBeacon) {
      navigator.sendBeacon(form.getAttribute("data-autosave"), formPayload(form));
    }
  });
}());
