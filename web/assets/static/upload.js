// Sends the evidence upload form to the API with a progress bar. Without
// this script (or without XMLHttpRequest upload events) the form posts as
// a plain form and the server answers with the evidence list.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var limit = parseInt(form.getAttribute("data-limit"), 10) || 0;

  form.addEventListener("submit", function (ev) {
    var files = form.querySelector("input[type=file]").files;
    var total = 0;
    for (var i = 0; i < files.length; i++) { total += files[i].size; }
    if (limit && total > limit) {
      ev.preventDefault();
      status.textContent = "These files are larger than the limit together: upload fewer at a time.";
      return;
    }
    ev.preventDefault();
    var data = new FormData(form);
    var xhr = new XMLHttpRequest();
    var button = form.querySelector("button[type=submit]");
    xhr.open("POST", form.getAttribute("data-api"));
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.hidden = false;
        bar.value = Math.round(100 * e.loaded / e.total);
        status.textContent = "Sending: " + bar.value + "%";
      }
    });
    xhr.addEventListener("load", function () {
      button.disabled = false;
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status === 201 && body && body.length) {
        window.location.assign("/evidence?control=" + encodeURIComponent(body[0].controls[0]));
        return;
      }
      bar.hidden = true;
      status.textContent = (body && body.error && body.error.message) || ("The upload was refused (HTTP " + xhr.status + ").");
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      bar.hidden = true;
      status.textContent = "The upload did not reach the server: check the connection and try again.";
    });
    button.disabled = true;
    status.textContent = "Sending...";
    xhr.send(data);
  });
})();
