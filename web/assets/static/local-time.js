// Shows every <time datetime> the server wrote (in UTC) in the viewer's
// own time zone and locale, to the minute. Without this script the UTC
// text stays; the exact instant is in each element's title either way.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) { return; }
  var fmt = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });
  function localize(root) {
    var els = root.querySelectorAll("time[datetime]:not([data-local])");
    for (var i = 0; i < els.length; i++) {
      var d = new Date(els[i].getAttribute("datetime"));
      if (isNaN(d.getTime())) { continue; }
      els[i].textContent = fmt.format(d);
      els[i].setAttribute("data-local", "");
    }
  }
  function start() {
    localize(document);
    // Parts of a page replaced by htmx are localized too.
    document.body.addEventListener("htmx:afterSettle", function (ev) { localize(ev.target); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
