// Live countdown to a round's opening on the home page. The server's "now" is
// sent with the page, so a phone whose clock is wrong still counts correctly.
(function () {
  "use strict";
  var items = document.querySelectorAll("[data-countdown]");
  if (!items.length) return;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  var started = Date.now();
  function tick() {
    items.forEach(function (el) {
      var offset = Date.parse(el.dataset.now) - started;
      var left = Math.max(0, Math.floor((Date.parse(el.dataset.countdown) - (Date.now() + offset)) / 1000));
      if (!el.dataset.prefix) el.dataset.prefix = el.textContent;
      if (left === 0) { window.location.reload(); return; }
      var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
      el.textContent = el.dataset.prefix.trim() + " · " + (d ? d + " " + (el.dataset.days || "ngày") + " " : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
    });
  }
  tick();
  setInterval(tick, 1000);
})();
