// The engagement switcher in the navigation: choosing an engagement opens
// it at once. Without this script the form's button does the same.
(function () {
  "use strict";
  var form = document.getElementById("switcher");
  if (!form) { return; }
  var select = form.querySelector("select");
  var button = form.querySelector("button");
  if (button) { button.hidden = true; }
  select.addEventListener("change", function () { form.submit(); });
})();
