// The attempt page, enhanced. Without this script the same form still works.
//
// - Each answer and flag is saved to the server as soon as it is chosen, based
//   on the revision of the answer this page has seen (the hidden r<id> input):
//   an answer changed elsewhere since is not overwritten; the server answers
//   409 stale_answer with the stored answer, which the page then shows.
// - What cannot be sent (no network) is kept in localStorage with its base
//   revision and sent again when the connection returns, every 5 s, and when
//   the page is reopened. Only sends that failed count as "not sent", answers
//   apart from flags and the prediction.
// - The line in the sticky bar counts the answers the server acknowledged
//   (the page as rendered, then each save's response; data-saved on each
//   question's status), never choices still travelling or waiting. Another
//   tab's saves are not known here, hence "Trang này đã lưu…".
// - The countdown follows the server's clock and tells screen readers at 5
//   minutes, 1 minute and zero. At zero the page is posted as a time-out
//   submit, retried until the server answers, then the result page opens.
// - "Nộp bài" opens a dialog listing unanswered and flagged questions, online
//   or not; confirming posts the page the same way. While the prediction
//   (required to submit) is not a whole number, the dialog says so and offers
//   no confirmation, only a link that focuses the prediction field: nothing
//   promises a submit the server would refuse. Time running out submits
//   without it.
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
  var failed = {};
  var finished = false;
  var saveStatus = document.getElementById("save-status");
  var announcer = document.getElementById("announce");

  function load() {
    var data;
    try { data = JSON.parse(window.localStorage.getItem(storeKey) || "{}") || {}; } catch (e) { data = {}; }
    Object.keys(data).forEach(function (k) {  // kept by an earlier version of this page: options only
      if (Array.isArray(data[k])) data[k] = { options: data[k], base: null };
    });
    return data;
  }
  function persist() {
    try {
      if (Object.keys(pending).length) window.localStorage.setItem(storeKey, JSON.stringify(pending));
      else window.localStorage.removeItem(storeKey);
    } catch (e) { /* private mode: the server copy is all we have */ }
  }
  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }
  function field(name) { return form.querySelector('input[name="' + name + '"]'); }
  function statusEl(q) { return form.querySelector('.qstatus[data-q="' + q + '"]'); }
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
  function showChoices(q, options) {
    form.querySelectorAll('input[name="q' + q + '"]').forEach(function (input) {
      input.checked = options.indexOf(+input.value) !== -1;
    });
  }
  function questionIds() {
    return Array.prototype.map.call(document.querySelectorAll("[data-nav]"), function (a) { return a.dataset.nav; });
  }
  function flagged(q) { var f = field("f" + q); return !!(f && f.checked); }

  // The navigator and the line in the sticky bar follow what the page shows.
  function refresh() {
    var saved = 0;
    questionIds().forEach(function (q) {
      var a = document.querySelector('[data-nav="' + q + '"]');
      var done = choices(q).length > 0;
      if (statusEl(q).dataset.saved === "1") saved += 1;
      a.className = (done ? "answered" : "unanswered") + (flagged(q) ? " flagged" : "");
      a.querySelector(".visually-hidden").textContent = ": " + (done ? msg.msgAnswered : msg.msgNotAnswered) +
        (flagged(q) ? ", " + msg.msgFlagged : "");
    });
    var unsent = Object.keys(failed), data = saveStatus.dataset;
    var answers = unsent.filter(function (k) { return /^\d+$/.test(k); }).length;
    var flags = unsent.filter(function (k) { return /^flag/.test(k); }).length;
    var text = data.template.replace("{saved}", saved).replace("{total}", questionIds().length);
    if (answers) text += " " + data.pending.replace("{count}", answers);
    if (flags) text += " " + data.pendingFlags.replace("{count}", flags);
    if (failed.prediction) text += " " + data.pendingPrediction;
    var link = saveStatus.querySelector("a");
    saveStatus.textContent = text + " ";
    if (link) saveStatus.appendChild(link);
  }

  function request(url, body) {
    return fetch(url, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) { return { res: res, data: data }; });
    });
  }
  function closed(data) {
    if (data.error === "time_up" || data.error === "attempt_closed") {
      finished = true;
      window.location.href = "/attempts/" + id + "/result";
      return true;
    }
    return false;
  }

  // key: "<id>" for an answer, "flag<id>" for a flag, "prediction".
  function send(key) {
    if (finished || inFlight[key] || !(key in pending)) return;
    var item = pending[key];
    var flag = /^flag(\d+)$/.exec(key);
    var q = flag ? flag[1] : key;
    var url, body;
    if (key === "prediction") { url = "/attempts/" + id + "/prediction"; body = { prediction: item }; }
    else if (flag) { url = "/attempts/" + id + "/flags/" + q; body = { flagged: item }; }
    else { url = "/attempts/" + id + "/answers/" + q; body = { options: item.options, base_revision: item.base }; }
    inFlight[key] = true;
    if (!flag) setStatus(q, "saving");
    request(url, body).then(function (r) {
      inFlight[key] = false;
      var same = JSON.stringify(pending[key]) === JSON.stringify(item);
      delete failed[key];
      if (r.res.ok) {
        if (same) delete pending[key];
        if (flag) {
          field("fb" + q).value = item ? "1" : "0";
        } else if (key === "prediction") {
          field("prediction_shown").value = item;
          setStatus(q, "saved");
        } else {
          field("r" + q).value = r.data.revision;
          if (!same && pending[key]) pending[key].base = r.data.revision;  // a newer choice on top of this page's save
          setStatus(q, item.options.length ? "saved" : "unanswered");
        }
      } else if (r.data.error === "stale_answer") {
        delete pending[key];
        field("r" + q).value = r.data.revision;
        showChoices(q, r.data.options);
        setStatus(q, "refused", r.data.message);
        statusEl(q).dataset.saved = r.data.options.length ? "1" : "";  // what the server holds
        announce(r.data.message);
        same = true;
      } else if (r.res.status === 409 || r.res.status === 422 || r.res.status === 404) {
        if (same) delete pending[key];
        if (!closed(r.data)) {
          var text = (msg.msgRefused || "") + ": " + (r.data.message || "");
          if (!flag) setStatus(q, "refused", text);
          announce(msg.msgQuestion + " " + q + " — " + text);
        }
      } else {  // 5xx or a proxy's page: keep it and try again
        failed[key] = true;
        if (!flag) setStatus(q, "offline");
      }
      persist();
      refresh();
      if (!same) send(key);
    }, function () {
      inFlight[key] = false;
      failed[key] = true;
      if (!flag) setStatus(q, "offline");
      refresh();
    });
  }
  function flush() { Object.keys(pending).forEach(send); }

  // Answers chosen but not yet on the server, from an earlier visit: show and resend.
  Object.keys(pending).forEach(function (key) {
    var flag = /^flag(\d+)$/.exec(key);
    if (key === "prediction") {
      var p = document.getElementById("prediction-input");
      if (p) p.value = pending[key];
    } else if (flag) {
      if (field("f" + flag[1])) field("f" + flag[1]).checked = pending[key];
    } else {
      showChoices(key, pending[key].options);
    }
  });
  refresh();
  flush();

  form.addEventListener("change", function (event) {
    var name = event.target.name || "";
    var answer = /^q(\d+)$/.exec(name);
    var flag = /^f(\d+)$/.exec(name);
    if (answer) {
      var q = answer[1];
      var base = q in pending ? pending[q].base : +field("r" + q).value;
      pending[q] = { options: choices(q), base: base };
      persist();
      send(q);
    } else if (flag) {
      pending["flag" + flag[1]] = event.target.checked;
      persist();
      send("flag" + flag[1]);
    }
    refresh();
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

  // Posting the page (a confirmed submit, or time-out): retried until the
  // server answers, then wherever it sends us (the result, or this page with
  // a notice when it was out of date).
  var posting = false;
  function post(action, onWaiting) {
    if (posting) return;
    posting = true;
    finished = true;
    var data = new FormData(form);
    data.append("action", action);
    function attempt() {
      fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin" }).then(function (res) {
        if (res.status >= 500) throw new Error("server");
        try { window.localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
        window.location.href = action === "timeout" ? "/attempts/" + id + "/result" : res.url;
      }).catch(function () {
        onWaiting();
        window.setTimeout(attempt, 3000);
      });
    }
    attempt();
  }

  // "Nộp bài": the same summary dialog online or offline.
  var submitButton = document.getElementById("submit-button");
  var dialog = document.getElementById("submit-dialog");
  var dialogStatus = document.getElementById("submit-dialog-status");
  function links(box, ids) {
    var holder = box.querySelector(".links");
    holder.textContent = "";
    ids.forEach(function (q) {
      var a = document.createElement("a");
      a.href = "#q" + q;
      a.textContent = msg.msgQuestion + " " + q;
      a.addEventListener("click", function () { dialog.close(); });
      holder.appendChild(a);
    });
    box.hidden = !ids.length;
  }
  var confirmButton = document.getElementById("submit-confirm");
  var predictionMissing = document.getElementById("submit-dialog-prediction");
  function openDialog() {
    var ids = questionIds();
    var unanswered = ids.filter(function (q) { return !choices(q).length; });
    var missing = !!predictionInput && !/^\d+$/.test(predictionInput.value);
    var data = dialog.dataset;
    document.getElementById("submit-dialog-summary").textContent = unanswered.length
      ? (missing ? data.left : data.confirm).replace("{count}", unanswered.length)
      : (missing ? data.allAnswered : data.all).replace("{total}", ids.length);
    links(document.getElementById("submit-dialog-unanswered"), unanswered);
    links(document.getElementById("submit-dialog-flagged"), ids.filter(flagged));
    if (predictionMissing) predictionMissing.hidden = !missing;
    confirmButton.hidden = missing;
    dialogStatus.textContent = "";
    dialog.showModal();
    if (missing) predictionMissing.querySelector("a").focus();
  }
  form.addEventListener("submit", function (event) {
    if (event.submitter !== submitButton) return;  // "Lưu bài" posts the page as it is
    event.preventDefault();
    openDialog();
  });
  document.getElementById("submit-cancel").addEventListener("click", function () { dialog.close(); });
  dialog.querySelectorAll('a[href="#prediction"]').forEach(function (a) {
    a.addEventListener("click", function (event) {
      event.preventDefault();
      dialog.close();
      predictionInput.focus();
    });
  });
  confirmButton.addEventListener("click", function () {
    dialogStatus.textContent = dialog.dataset.sending;
    post("submit", function () { dialogStatus.textContent = dialog.dataset.waiting; });
  });

  document.getElementById("save-hint").textContent = document.getElementById("save-hint").dataset.js;

  // Focus and anchors stop below the sticky bar, whatever its height.
  var bar = document.getElementById("status-bar");
  function measure() { document.documentElement.style.setProperty("--bar-height", (bar.offsetHeight + 8) + "px"); }
  window.addEventListener("resize", measure);
  measure();

  // The countdown follows the server's clock, not the phone's.
  var timer = document.getElementById("timer");
  var offset = Date.parse(timer.dataset.now) - Date.now();
  var deadline = Date.parse(timer.dataset.deadline);
  var units = timer.dataset.units.split(",");
  function words(seconds) {
    var parts = [Math.floor(seconds / 3600), Math.floor(seconds % 3600 / 60), seconds % 60];
    var text = parts.map(function (n, i) { return n ? n + " " + units[i] : ""; }).filter(Boolean).join(" ");
    return text || "0 " + units[2];
  }
  var previous = null;
  function tick() {
    var left = Math.floor((deadline - (Date.now() + offset)) / 1000);
    if (left <= 0) {
      timer.textContent = timer.dataset.expired;
      clearInterval(clock);
      if (dialog.open) dialog.close();
      announce(timer.dataset.expired);
      post("timeout", function () { timer.textContent = timer.dataset.retrying; });
      return;
    }
    timer.textContent = timer.dataset.label + ": " + words(left);
    timer.classList.toggle("low", left <= 60);
    [300, 60].forEach(function (mark) {  // once, as the time left passes each mark
      if (previous !== null && previous > mark && left <= mark) announce(timer.dataset.low.replace("{time}", words(mark)));
    });
    previous = left;
  }
  var clock = setInterval(tick, 1000);
  tick();
})();
