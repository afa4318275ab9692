/* 学法通 · 考生答题页: login, one question at a time, answers saved on change with a local queue that
   survives refreshes and network loss, a server-synced countdown, submit, and the released result.
   Every text from the server goes into the page through textContent, never parsed as HTML. */
(function () {
  "use strict";

  var API = "/api/exam";
  var SESSION_KEY = "xf-exam-session";
  var DEVICE_KEY = "xf-exam-device";
  var TEXT_DELAY_MS = 800;        // typing pause before a text answer is sent
  var SYNC_MS = 15000;            // countdown re-sync from /state
  var RESULT_POLL_MS = 60000;     // result poll while not released
  var REQUEST_TIMEOUT_MS = 15000;
  var MAX_BACKOFF_MS = 30000;
  var TYPE_NAMES = {single: "单选", multi: "多选", judge: "判断", blank: "填空", short: "简答", "case": "案例分析"};

  var S = {
    session: null,        // {token, code, officer_id, name, unit, title}
    questions: [],
    answers: {},          // id → given (what the page shows)
    queue: {},            // id → {given, seq}: changed here, not yet acknowledged by the server
    seq: 0,
    pos: 0,
    remaining: null,      // seconds left at syncedAt
    syncedAt: 0,
    submitted: false,
    timeUp: false,
    flushing: false,
    failures: 0,
    retryTimer: null,
    textTimer: null,
    tickTimer: null,
    syncTimer: null,
    resultTimer: null
  };

  // ---- small helpers ------------------------------------------------------------------------------
  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "className") node.className = attrs[k];
        else node.setAttribute(k, attrs[k]);
      });
    }
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function show(id, visible) { $(id).hidden = !visible; }

  var store = {
    get: function (key) {
      try { var raw = window.localStorage.getItem(key); return raw ? JSON.parse(raw) : null; }
      catch (e) { return null; }
    },
    set: function (key, value) {
      try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode, full */ }
    },
    drop: function (key) {
      try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ }
    }
  };

  // A random id of this browser: a login retried from the same phone (its first answer lost on the way)
  // resumes the sitting instead of being refused as a second device.
  function deviceId() {
    var id = store.get(DEVICE_KEY);
    if (!id) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      store.set(DEVICE_KEY, id);
    }
    return id;
  }

  function personKey(kind) {
    var s = S.session;
    return "xf-exam-" + kind + ":" + (s ? s.code + ":" + s.officer_id : "");
  }

  function ApiError(status, message) {
    this.status = status;
    this.message = message;
  }

  function api(method, path, body) {
    var headers = {"Accept": "application/json"};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (S.session && S.session.token) headers["Authorization"] = "Bearer " + S.session.token;
    var ctrl = window.AbortController ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, REQUEST_TIMEOUT_MS) : null;
    var init = {method: method, headers: headers, cache: "no-store", credentials: "same-origin"};
    if (body !== undefined) init.body = JSON.stringify(body);
    if (ctrl) init.signal = ctrl.signal;
    return fetch(API + path, init).then(function (res) {
      return res.text().then(function (raw) {
        var data = null;
        try { data = raw ? JSON.parse(raw) : {}; } catch (e) { data = null; }
        if (!res.ok) {
          var msg = data && typeof data.error === "string" && data.error ? data.error
            : (res.status >= 500 ? "服务器暂时无法处理（" + res.status + "），正在重试"
              : "请求未被接受（" + res.status + "）");
          throw new ApiError(res.status, msg);
        }
        if (data === null) throw new ApiError(502, "服务器返回的内容无法读取");
        return data;
      });
    }, function () {
      throw new ApiError(0, "网络连接中断，请检查网络");
    }).finally(function () { if (timer) clearTimeout(timer); });
  }

  function transient(err) { return err.status === 0 || err.status === 429 || err.status >= 500; }

  // ---- messages -----------------------------------------------------------------------------------
  function showError(message) {
    $("xe-error-text").textContent = message;
    show("xe-error", true);
  }

  function hideError() { show("xe-error", false); }

  function setSave(state) {
    var node = $("xe-save");
    var pending = Object.keys(S.queue).length;
    var text = {saved: "已保存", saving: "保存中…", retry: "未保存，重试中", idle: ""}[state];
    if (state === "retry" && pending) text += "（" + pending + " 题）";
    node.textContent = text;
    node.className = "xe-save xe-save-" + state;
  }

  // ---- the countdown ------------------------------------------------------------------------------
  function syncClock(remaining) {
    if (typeof remaining !== "number" || !isFinite(remaining)) return;
    S.remaining = Math.max(0, remaining);
    S.syncedAt = Date.now();
    renderClock();
  }

  function secondsLeft() {
    if (S.remaining === null) return null;
    return Math.max(0, S.remaining - (Date.now() - S.syncedAt) / 1000);
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function renderClock() {
    var left = secondsLeft();
    var node = $("xe-clock");
    if (left === null) { node.textContent = "--:--"; return; }
    var whole = Math.ceil(left);
    var h = Math.floor(whole / 3600), m = Math.floor((whole % 3600) / 60), s = whole % 60;
    node.textContent = (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(s);
    node.className = "xe-clock" + (whole <= 300 ? " xe-clock-low" : "");
    if (whole <= 0 && S.tickTimer && !S.submitted && !S.timeUp) timeUp();
  }

  function startClock() {
    stopClock();
    S.tickTimer = setInterval(renderClock, 500);
    S.syncTimer = setInterval(syncState, SYNC_MS);
  }

  function stopClock() {
    clearInterval(S.tickTimer);
    clearInterval(S.syncTimer);
    S.tickTimer = S.syncTimer = null;
  }

  function syncState() {
    if (!S.session || S.submitted) return;
    api("GET", "/state").then(function (st) {
      syncClock(st.remaining_s);
      if (st.submitted) finished(S.timeUp || secondsLeft() === 0);
    }, function (err) {
      if (err.status === 401) lostSession(err);
    });
    if (Object.keys(S.queue).length) flush();
  }

  function timeUp(fromServer) {
    // at 0 on this clock: one last upload of what is queued (the server decides if it is in time)
    if (S.submitted || (S.timeUp && !fromServer)) return;
    S.timeUp = true;
    if (fromServer || !Object.keys(S.queue).length || !S.session) { finished(true); return; }
    flush().then(function () { if (!S.submitted) finished(true); });
  }

  // ---- login --------------------------------------------------------------------------------------
  function showLogin(message) {
    stopClock();
    show("xe-loading", false);
    show("xe-exam", false);
    show("xe-done", false);
    show("xe-bar", false);
    show("xe-login", true);
    var params = new URLSearchParams(window.location.search);
    if (params.get("code") && !$("xe-code").value) $("xe-code").value = params.get("code");
    if (message) showError(message);
  }

  function login(ev) {
    ev.preventDefault();
    hideError();
    var code = $("xe-code").value.trim();
    var officer = $("xe-officer").value.trim();
    var name = $("xe-name").value.trim();
    var missing = [];
    if (!code) missing.push("考试码");
    if (!officer) missing.push("警号/执法证号");
    if (!name) missing.push("姓名");
    if (missing.length) { showError("请填写" + missing.join("、")); return; }
    var btn = $("xe-login-btn");
    btn.disabled = true;
    btn.textContent = "正在登录…";
    S.session = {token: "", code: code, officer_id: officer, name: name};
    api("POST", "/login", {code: code, officer_id: officer, name: name, device: deviceId()}).then(function (r) {
      S.session = {token: r.token, code: r.code || code, officer_id: r.officer_id || officer, name: r.name || name,
                   unit: r.unit || "", title: r.title || ""};
      store.set(SESSION_KEY, S.session);
      syncClock(r.remaining_s);
      return loadPaper();
    }).catch(function (err) {
      S.session = null;
      showError(err.message);
    }).finally(function () {
      btn.disabled = false;
      btn.textContent = "进入考试";
    });
  }

  function lostSession(err) {
    // the queue of unsaved answers is kept per person (考试码 + 警号): logging in again uploads it
    stopClock();
    store.drop(SESSION_KEY);
    if (S.session) {
      $("xe-code").value = S.session.code || "";
      $("xe-officer").value = S.session.officer_id || "";
    }
    S.session = null;
    showLogin((err && err.message) || "登录已失效，请重新登录");
  }

  // ---- the paper ----------------------------------------------------------------------------------
  function loadPaper() {
    show("xe-loading", true);
    return api("GET", "/paper").then(function (paper) {
      show("xe-loading", false);
      hideErrorIfNetwork();
      S.failures = 0;
      S.questions = Array.isArray(paper.questions) ? paper.questions : [];
      S.answers = {};
      var given = paper.answers || {};
      Object.keys(given).forEach(function (id) { S.answers[id] = given[id]; });
      S.queue = store.get(personKey("queue")) || {};
      Object.keys(S.queue).forEach(function (id) {
        if (S.questions.some(function (q) { return String(q.id) === id; })) S.answers[id] = S.queue[id].given;
        else delete S.queue[id];
      });
      S.seq = Object.keys(S.queue).reduce(function (m, id) { return Math.max(m, S.queue[id].seq || 0); }, 0);
      var pos = store.get(personKey("pos"));
      S.pos = typeof pos === "number" && pos >= 0 && pos < S.questions.length ? pos : 0;
      if (paper.title) { S.session.title = paper.title; store.set(SESSION_KEY, S.session); }
      if (paper.submitted) { renderHeader(); finished(false); return; }
      syncClock(paper.remaining_s);
      renderHeader();
      show("xe-login", false);
      show("xe-exam", true);
      renderQuestion();
      renderGrid();
      startClock();
      if (Object.keys(S.queue).length) flush(); else setSave("idle");
    }, function (err) {
      show("xe-loading", false);
      if (err.status === 401) { lostSession(err); return; }
      if (err.status === 409 || err.status === 410) { renderHeader(); finished(err.status === 410); return; }
      if (transient(err)) {
        showError(err.message + "，正在重试…");
        S.failures += 1;
        setTimeout(loadPaper, backoff());
        return;
      }
      showLogin(err.message);
    });
  }

  function renderHeader() {
    var s = S.session || {};
    $("xe-title").textContent = s.title || "在线考试";
    document.title = (s.title || "考试") + " · 学法通";
    $("xe-who").textContent = [s.name, s.unit].filter(Boolean).join(" · ");
    show("xe-bar", true);
    show("xe-clock-box", !S.submitted);
  }

  function answered(value) {
    return value !== undefined && value !== null && value !== "";
  }

  function currentQuestion() { return S.questions[S.pos]; }

  function go(pos) {
    if (pos < 0 || pos >= S.questions.length) return;
    flushText();
    S.pos = pos;
    store.set(personKey("pos"), pos);
    renderQuestion();
    renderGrid();
    $("xe-question").focus({preventScroll: true});
    window.scrollTo(0, 0);
  }

  function renderQuestion() {
    var q = currentQuestion();
    var box = $("xe-question");
    clear(box);
    box.setAttribute("tabindex", "-1");
    if (!q) { box.appendChild(el("p", null, "试卷中没有题目。")); return; }
    var head = el("p", {className: "xe-q-head"});
    head.appendChild(el("span", {className: "xe-q-no"}, "第 " + q.number + " / " + S.questions.length + " 题"));
    head.appendChild(el("span", {className: "xe-tag"}, q.type_name || TYPE_NAMES[q.type] || q.type));
    head.appendChild(el("span", {className: "xe-points"}, points(q.points) + " 分"));
    box.appendChild(head);
    box.appendChild(el("p", {className: "xe-stem", id: "xe-stem"}, q.stem));
    var id = String(q.id);
    var value = S.answers[id];
    var locked = S.submitted || S.timeUp;
    if (q.type === "single" || q.type === "multi" || q.type === "judge") {
      var group = el("div", {className: "xe-options", role: q.type === "multi" ? "group" : "radiogroup",
                             "aria-labelledby": "xe-stem"});
      var options = q.type === "judge"
        ? [{key: "true", text: "正确"}, {key: "false", text: "错误"}]
        : (q.options || []);
      options.forEach(function (opt) {
        var input = el("input", {type: q.type === "multi" ? "checkbox" : "radio", name: "xe-opt-" + id,
                                 value: opt.key});
        if (q.type === "judge") input.checked = value === (opt.key === "true");
        else if (q.type === "multi") input.checked = typeof value === "string" && value.indexOf(opt.key) >= 0;
        else input.checked = value === opt.key;
        input.disabled = locked;
        input.addEventListener("change", function () { choose(q, group); });
        var label = el("label", {className: "xe-opt"});
        label.appendChild(input);
        if (q.type !== "judge") label.appendChild(el("span", {className: "xe-key"}, opt.key));
        label.appendChild(el("span", {className: "xe-opt-text"}, opt.text));
        group.appendChild(label);
      });
      box.appendChild(group);
      if (q.type === "multi") box.appendChild(el("p", {className: "xe-hint"}, "多选题：选出全部正确选项。"));
    } else {
      var field = q.type === "blank"
        ? el("input", {type: "text", className: "xe-text", maxlength: "500", autocomplete: "off",
                       "aria-labelledby": "xe-stem", placeholder: "填写答案"})
        : el("textarea", {className: "xe-text xe-long", rows: "7", maxlength: "5000",
                          "aria-labelledby": "xe-stem", placeholder: "作答内容"});
      field.value = typeof value === "string" ? value : "";
      field.disabled = locked;
      field.addEventListener("input", function (ev) {
        if (ev.isComposing) return;
        typed(q, field.value);
      });
      field.addEventListener("compositionend", function () { typed(q, field.value); });
      field.addEventListener("change", function () { typed(q, field.value); flushText(); });
      box.appendChild(field);
    }
    $("xe-prev").disabled = S.pos === 0;
    var last = S.pos === S.questions.length - 1;
    $("xe-next").textContent = last ? "检查并交卷" : "下一题";
  }

  function choose(q, group) {
    var inputs = group.querySelectorAll("input");
    var given;
    if (q.type === "multi") {
      given = "";
      inputs.forEach(function (i) { if (i.checked) given += i.value; });
      given = given.split("").sort().join("");
    } else if (q.type === "judge") {
      given = null;
      inputs.forEach(function (i) { if (i.checked) given = i.value === "true"; });
    } else {
      given = null;
      inputs.forEach(function (i) { if (i.checked) given = i.value; });
    }
    if (given === null) return;
    enqueue(String(q.id), given);
    flush();
  }

  function typed(q, text) {
    var id = String(q.id);
    if (S.answers[id] === text) return;
    enqueue(id, text);
    setSave("saving");
    clearTimeout(S.textTimer);
    S.textTimer = setTimeout(function () { S.textTimer = null; flush(); }, TEXT_DELAY_MS);
  }

  function flushText() {
    if (S.textTimer) { clearTimeout(S.textTimer); S.textTimer = null; flush(); }
  }

  function renderGrid() {
    var grid = $("xe-grid");
    clear(grid);
    var done = 0;
    S.questions.forEach(function (q, i) {
      var has = answered(S.answers[String(q.id)]);
      if (has) done += 1;
      var cls = "xe-cell" + (has ? " xe-cell-done" : "") + (i === S.pos ? " xe-cell-current" : "");
      var btn = el("button", {type: "button", className: cls,
                              "aria-label": "第" + q.number + "题，" + (has ? "已答" : "未答")}, q.number);
      if (i === S.pos) btn.setAttribute("aria-current", "true");
      btn.addEventListener("click", function () { go(i); });
      grid.appendChild(btn);
    });
    $("xe-count").textContent = "已答 " + done + " / " + S.questions.length;
  }

  // ---- saving: a local queue, flushed in order, retried with backoff --------------------------------
  function enqueue(id, given) {
    S.seq += 1;
    S.answers[id] = given;
    S.queue[id] = {given: given, seq: S.seq};
    store.set(personKey("queue"), S.queue);
    renderGrid();
  }

  function backoff() {
    var base = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, Math.max(0, S.failures - 1)));
    return base / 2 + Math.random() * base / 2;
  }

  function scheduleRetry() {
    clearTimeout(S.retryTimer);
    S.retryTimer = setTimeout(function () { S.retryTimer = null; flush(); }, backoff());
  }

  function flush() {
    if (S.flushing || !S.session || !S.session.token) return Promise.resolve(false);
    clearTimeout(S.retryTimer);
    S.retryTimer = null;
    S.flushing = true;
    return step().finally(function () { S.flushing = false; });
  }

  function step() {
    var ids = Object.keys(S.queue);
    if (!ids.length) {
      setSave(S.textTimer ? "saving" : "saved");
      return Promise.resolve(true);
    }
    var id = ids[0];
    var entry = S.queue[id];
    setSave("saving");
    return api("PUT", "/answer", {id: id, given: entry.given}).then(function (r) {
      if (S.queue[id] && S.queue[id].seq === entry.seq) delete S.queue[id];
      store.set(personKey("queue"), S.queue);
      S.failures = 0;
      hideErrorIfNetwork();
      syncClock(r.remaining_s);
      return step();
    }, function (err) {
      if (transient(err)) {
        S.failures += 1;
        setSave("retry");
        if (S.failures === 3) showError(err.message + "。答案已保存在本机，恢复后自动上传。");
        scheduleRetry();
        return false;
      }
      if (err.status === 401) { lostSession(err); return false; }
      if (err.status === 410) { timeUp(true); return false; }
      if (err.status === 409) { finished(false); return false; }
      // refused for this answer (403/404/422): it can never succeed; say why and go on with the rest
      delete S.queue[id];
      store.set(personKey("queue"), S.queue);
      showError(err.message);
      return step();
    });
  }

  function hideErrorIfNetwork() {
    if ($("xe-error-text").textContent.indexOf("网络") >= 0 || $("xe-error-text").textContent.indexOf("服务器") >= 0) {
      hideError();
    }
  }

  // ---- submitting ---------------------------------------------------------------------------------
  function askSubmit() {
    flushText();
    var missing = S.questions.filter(function (q) { return !answered(S.answers[String(q.id)]); });
    $("xe-confirm-text").textContent = missing.length
      ? "还有 " + missing.length + " 道题未作答："
      : "全部 " + S.questions.length + " 道题均已作答。";
    var list = $("xe-confirm-list");
    clear(list);
    missing.forEach(function (q) {
      var btn = el("button", {type: "button", className: "xe-cell", "aria-label": "去第" + q.number + "题"},
                   q.number);
      btn.addEventListener("click", function () {
        closeConfirm();
        go(S.questions.indexOf(q));
      });
      list.appendChild(btn);
    });
    show("xe-confirm", true);
    document.documentElement.classList.add("xe-modal-open");
    $("xe-confirm-cancel").focus();
  }

  function closeConfirm() {
    show("xe-confirm", false);
    document.documentElement.classList.remove("xe-modal-open");
  }

  function submit() {
    var btn = $("xe-confirm-ok");
    btn.disabled = true;
    btn.textContent = "正在交卷…";
    waitSaved().then(function (ok) {
      if (!ok) {
        var n = Object.keys(S.queue).length;
        throw new ApiError(0, "还有 " + n + " 道题的答案没有保存到服务器，请检查网络后再交卷");
      }
      return api("POST", "/submit");
    }).then(function () {
      closeConfirm();
      finished(false);
    }, function (err) {
      if (err.status === 409) { closeConfirm(); finished(false); return; }
      if (err.status === 410) { closeConfirm(); timeUp(true); return; }
      if (err.status === 401) { closeConfirm(); lostSession(err); return; }
      showError(err.message);
    }).finally(function () {
      btn.disabled = false;
      btn.textContent = "确认交卷";
    });
  }

  function waitSaved() {
    // wait for a running flush, then flush what is left; true when nothing is left unsaved
    var tries = 0;
    function again() {
      if (!Object.keys(S.queue).length) return Promise.resolve(true);
      if (tries++ > 200) return Promise.resolve(false);
      if (S.flushing) return new Promise(function (r) { setTimeout(r, 100); }).then(again);
      return flush().then(function () {
        return Object.keys(S.queue).length ? (S.failures ? false : again()) : true;
      });
    }
    return again();
  }

  // ---- after the exam -----------------------------------------------------------------------------
  function finished(byTime) {
    var firstTime = !S.submitted;
    S.submitted = true;
    stopClock();
    clearTimeout(S.retryTimer);
    clearTimeout(S.textTimer);
    if (byTime) S.timeUp = true;
    show("xe-login", false);
    show("xe-exam", false);
    show("xe-loading", false);
    show("xe-done", true);
    show("xe-clock-box", false);
    $("xe-done-title").textContent = S.timeUp ? "时间到，已自动交卷" : "已交卷";
    var lost = Object.keys(S.queue).length;
    $("xe-done-note").textContent = S.timeUp && lost
      ? "考试时间结束时仍有 " + lost + " 道题的修改未能上传，以服务器保存的答案为准。"
      : "答卷已提交，不能再修改。";
    S.queue = {};
    store.drop(personKey("queue"));
    setSave("idle");
    if (firstTime) loadResult();
  }

  function loadResult() {
    clearTimeout(S.resultTimer);
    $("xe-result-note").textContent = "正在查询成绩…";
    api("GET", "/result").then(function (r) {
      if (!r.released) {
        $("xe-result-note").textContent = "成绩尚未公布。公布后本页会自动显示，也可点“刷新成绩”。";
        S.resultTimer = setTimeout(loadResult, RESULT_POLL_MS);
        return;
      }
      $("xe-result-note").textContent = "成绩已公布。";
      show("xe-refresh", false);
      renderResult(r);
    }, function (err) {
      if (err.status === 401) { lostSession(err); return; }
      $("xe-result-note").textContent = err.message;
      S.resultTimer = setTimeout(loadResult, RESULT_POLL_MS);
    });
  }

  function logout() {
    // after the exam, so the next officer can use this phone: forget this one's session here
    clearTimeout(S.resultTimer);
    store.drop(personKey("pos"));
    store.drop(SESSION_KEY);
    S.session = null;
    window.location.reload();
  }

  function shownAnswer(value, options) {
    if (value === true) return "正确";
    if (value === false) return "错误";
    if (value === null || value === undefined || value === "") return "未作答";
    var text = String(value);
    if (options && options.length && /^[A-Z]+$/.test(text)) {
      var byKey = {};
      options.forEach(function (o) { byKey[o.key] = o.text; });
      if (text.split("").every(function (k) { return byKey[k] !== undefined; })) {
        return text.split("").map(function (k) { return k + ". " + byKey[k]; }).join("；");
      }
    }
    return text;
  }

  function points(value) {
    var n = Number(value);
    return isFinite(n) ? String(Math.round(n * 100) / 100) : String(value);
  }

  function renderResult(r) {
    var box = $("xe-result");
    clear(box);
    var head = el("div", {className: "xe-card xe-score"});
    head.appendChild(el("p", {className: "xe-score-label"}, "成绩"));
    var big = el("p", {className: "xe-score-value", id: "xe-score"});
    big.appendChild(el("strong", null, points(r.score)));
    big.appendChild(document.createTextNode(" / " + points(r.total) + " 分"));
    head.appendChild(big);
    box.appendChild(head);
    (r.questions || []).forEach(function (q) {
      var card = el("article", {className: "xe-card xe-review " + (q.correct ? "xe-right" : "xe-wrong")});
      var top = el("p", {className: "xe-q-head"});
      top.appendChild(el("span", {className: "xe-q-no"}, "第 " + q.number + " 题"));
      top.appendChild(el("span", {className: "xe-verdict"}, q.correct ? "✓ 正确" : "✗ 错误"));
      if (q.earned !== undefined && q.earned !== null) {
        top.appendChild(el("span", {className: "xe-points"}, "得 " + points(q.earned) + " / " + points(q.points) + " 分"));
      } else if (q.points !== undefined && q.points !== null) {
        top.appendChild(el("span", {className: "xe-points"}, points(q.points) + " 分"));
      }
      card.appendChild(top);
      card.appendChild(el("p", {className: "xe-stem"}, q.stem));
      var dl = el("dl", {className: "xe-kv"});
      dl.appendChild(el("dt", null, "你的答案"));
      dl.appendChild(el("dd", null, shownAnswer(q.given, q.options)));
      dl.appendChild(el("dt", null, "参考答案"));
      dl.appendChild(el("dd", null, shownAnswer(q.answer, q.options)));
      card.appendChild(dl);
      if (q.explanation) card.appendChild(el("p", {className: "xe-explain"}, q.explanation));
      (q.source || []).forEach(function (src) {
        card.appendChild(el("p", {className: "xe-source"}, "依据：《" + src.law + "》" + (src.article || "")));
      });
      box.appendChild(card);
    });
  }

  // ---- start --------------------------------------------------------------------------------------
  function start() {
    $("xe-login-form").addEventListener("submit", login);
    $("xe-error-close").addEventListener("click", hideError);
    $("xe-prev").addEventListener("click", function () { go(S.pos - 1); });
    $("xe-next").addEventListener("click", function () {
      if (S.pos === S.questions.length - 1) askSubmit(); else go(S.pos + 1);
    });
    $("xe-submit").addEventListener("click", askSubmit);
    $("xe-confirm-cancel").addEventListener("click", closeConfirm);
    $("xe-confirm-ok").addEventListener("click", submit);
    $("xe-refresh").addEventListener("click", loadResult);
    $("xe-logout").addEventListener("click", logout);
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && !$("xe-confirm").hidden) closeConfirm();
    });
    window.addEventListener("online", function () { S.failures = 0; flush(); syncState(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && S.session && !S.submitted) syncState();
    });
    window.addEventListener("pagehide", function () { store.set(personKey("queue"), S.queue); });

    var saved = store.get(SESSION_KEY);
    if (saved && saved.token) {
      S.session = saved;
      renderHeader();
      loadPaper();
    } else {
      showLogin();
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
