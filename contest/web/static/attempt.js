// The attempt page, enhanced: each answer is saved to the server as soon as it
// is chosen; an answer that cannot be sent (no network) is kept in this
// browser's localStorage and sent again when the connection returns or the page
// is reopened; a live countdown follows the server's deadline and submits the
// form when time is up. Without this script the same form still works.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) return;
  var id = form.dataset.attempt;
  var csrf = form.dataset.csrf;
  var msg = form.dataset;
  var storeKey = "hoithi:attempt:" + id;
  var pending = load();
  var inFlight = {};
  var finished = false;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "{}") || {}; } catch (e) { return {}; }
  }
  function persist() {
    try {
      if (Object.keys(pending).length) window.localStorage.setItem(storeKey, JSON.stringify(pending));
      else window.localStorage.removeItem(storeKey);
    } catch (e) { /* private mode: the server copy is all we have */ }
  }
  function statusEl(q) { return form.querySelector('[data-q="' + q + '"]'); }
  function setStatus(q, state, text) {
    var el = statusEl(q);
    if (!el) return;
    el.className = "qstatus " + state;
    el.dataset.saved = state === "saved" ? "1" : (state === "unanswered" ? "" : el.dataset.saved);
    el.textContent = text || msg["msg" + state.charAt(0).toUpperCase() + state.slice(1)] || "";
  }
  function choices(q) {
    return Array.prototype.map.call(form.querySelectorAll('input[name="q' + q + '"]:checked'), function (i) { return +i.value; });
  }
  function summary() {
    var total = form.querySelectorAll("fieldset.question:not(.prediction)").length;
    var saved = form.querySelectorAll('fieldset.question:not(.prediction) .qstatus[data-saved="1"]').length;
    var waiting = Object.keys(pending).length;
    var el = document.getElementById("save-status");
    var text = el.dataset.template.replace("{saved}", saved).replace("{total}", total);
    if (waiting) text += " " + el.dataset.pending.replace("{count}", waiting);
    el.textContent = text;
  }

  function send(q) {
    if (finished || inFlight[q] || !(q in pending)) return;
    var value = pending[q];
    var isPrediction = q === "prediction";
    var url = "/attempts/" + id + (isPrediction ? "/prediction" : "/answers/" + q);
    var body = isPrediction ? { prediction: value } : { options: value };
    inFlight[q] = true;
    setStatus(q, "saving");
    fetch(url, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) { return { res: res, data: data }; });
    }).then(function (r) {
      inFlight[q] = false;
      var same = JSON.stringify(pending[q]) === JSON.stringify(value);
      if (r.res.ok) {
        if (same) delete pending[q];
        setStatus(q, (isPrediction || value.length) ? "saved" : "unanswered");
      } else if (r.res.status === 409 || r.res.status === 422 || r.res.status === 404) {
        if (same) delete pending[q];
        setStatus(q, "refused", (msg.msgRefused || "") + ": " + (r.data.message || ""));
        if (r.data.error === "time_up" || r.data.error === "attempt_closed") {
          finished = true;
          window.location.href = "/attempts/" + id + "/result";
        }
      } else {
        setStatus(q, "offline");  // 5xx or a proxy page: keep it and try again
      }
      persist();
      summary();
      if (!same) send(q);
    }, function () {
      inFlight[q] = false;
      setStatus(q, "offline");
      summary();
    });
  }
  function flush() { Object.keys(pending).forEach(send); }

  // Answers chosen but not yet on the server, from an earlier visit: show and resend.
  Object.keys(pending).forEach(function (q) {
    if (q === "prediction") {
      var p = document.getElementById("prediction-input");
      if (p) p.value = pending[q];
    } else {
      form.querySelectorAll('input[name="q' + q + '"]').forEach(function (input) {
        input.checked = pending[q].indexOf(+input.value) !== -1;
      });
    }
    setStatus(q, "offline");
  });
  summary();
  flush();

  form.addEventListener("change", function (event) {
    var m = /^q(\d+)$/.exec(event.target.name || "");
    if (!m) return;
    pending[m[1]] = choices(m[1]);
    persist();
    send(m[1]);
    summary();
  });

  var predictionInput = document.getElementById("prediction-input");
  var predictionTimer = null;
  if (predictionInput) {
    predictionInput.addEventListener("input", function () {
      clearTimeout(predictionTimer);
      if (!/^\d+$/.test(predictionInput.value)) return;
      pending.prediction = +predictionInput.value;
      persist();
      predictionTimer = setTimeout(function () { send("prediction"); }, 600);
    });
  }

  window.addEventListener("online", flush);
  setInterval(flush, 5000);

  // Submitting: confirm unanswered questions; while offline, wait for the network.
  var submitButton = document.getElementById("submit-button");
  var waitingToSubmit = false;
  function submitNow() {
    finished = true;
    if (form.requestSubmit) form.requestSubmit(submitButton);
    else { var h = document.createElement("input"); h.type = "hidden"; h.name = "action"; h.value = "submit"; form.appendChild(h); form.submit(); }
  }
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var submitting = !submitter || submitter === submitButton;
    if (!submitting) return;
    if (!navigator.onLine) {
      event.preventDefault();
      waitingToSubmit = true;
      document.getElementById("save-status").textContent = msg.msgWaiting;
      return;
    }
    if (!finished) {
      var unanswered = form.querySelectorAll('fieldset.question:not(.prediction) .qstatus:not([data-saved="1"])').length;
      if (unanswered && !window.confirm(msg.msgConfirm.replace("{count}", unanswered))) { event.preventDefault(); return; }
    }
    finished = true;
    try { window.localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
  });
  window.addEventListener("online", function () { if (waitingToSubmit) submitNow(); });

  // The countdown follows the server's clock, not the phone's.
  var timer = document.getElementById("timer");
  var offset = Date.parse(timer.dataset.now) - Date.now();
  var deadline = Date.parse(timer.dataset.deadline);
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.floor((deadline - (Date.now() + offset)) / 1000);
    if (left <= 0) {
      timer.textContent = timer.dataset.expired;
      clearInterval(clock);
      if (!finished) {
        if (navigator.onLine) submitNow(); else waitingToSubmit = true;
      }
      return;
    }
    var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
    timer.textContent = timer.dataset.label + ": " + (h ? h + ":" : "") + pad(m) + ":" + pad(s);
    timer.classList.toggle("low", left <= 60);
  }
  var clock = setInterval(tick, 1000);
  tick();
})();
