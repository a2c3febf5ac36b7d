// Live countdown to a round's opening on the home page, read as a duration
// ("2 ngày 3 giờ 5 phút"), never like a clock time. The server's "now" is sent
// with the page, so a phone whose clock is wrong still counts correctly.
(function () {
  "use strict";
  var items = document.querySelectorAll("[data-countdown]");
  if (!items.length) return;
  var started = Date.now();
  function words(el, left) {
    var units = [el.dataset.days || "ngày"].concat((el.dataset.units || "giờ,phút,giây").split(","));
    var parts = [Math.floor(left / 86400), Math.floor(left % 86400 / 3600), Math.floor(left % 3600 / 60), left % 60];
    return parts.map(function (n, i) { return n ? n + " " + units[i] : ""; }).filter(Boolean).join(" ");
  }
  function tick() {
    items.forEach(function (el) {
      var offset = Date.parse(el.dataset.now) - started;
      var left = Math.max(0, Math.floor((Date.parse(el.dataset.countdown) - (Date.now() + offset)) / 1000));
      if (!el.dataset.prefix) el.dataset.prefix = el.textContent;
      if (left === 0) { window.location.reload(); return; }
      el.textContent = el.dataset.prefix.trim() + " · " + (el.dataset.left || "còn") + " " + words(el, left);
    });
  }
  tick();
  setInterval(tick, 1000);
})();
