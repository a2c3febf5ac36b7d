// The ALTCHA widget (static/altcha/, its "external" build: styles and the
// hashing worker in files of their own, so the Content-Security-Policy needs
// no inline styles or blob: workers) solves the server's SHA-256 challenge in
// a worker from our own origin. Loaded after altcha/vi.js, which creates the
// widget's registry, and before altcha/altcha.min.js, which defines the widget.
"use strict";
(function () {
  const worker = document.currentScript.dataset.worker;
  globalThis.$altcha.algorithms.set("SHA-256", () => new Worker(worker));
})();
