/* 学法通 · 知识竞赛: what the big screen and the buzzers share — the state poll and the server's clock.
   Plain script, no framework, nothing fetched from outside this server. */
"use strict";

window.XfContest = (function () {
  let offsetMs = 0; // server clock − this device's clock

  function syncClock(serverNowSeconds) {
    if (typeof serverNowSeconds === "number") offsetMs = serverNowSeconds * 1000 - Date.now();
  }

  function serverNow() {
    return Date.now() + offsetMs;
  }

  /* Seconds left until a deadline given in server epoch seconds (null: no countdown). */
  function secondsLeft(deadline) {
    if (typeof deadline !== "number") return null;
    return Math.max(0, (deadline * 1000 - serverNow()) / 1000);
  }

  async function getJSON(url, options) {
    const response = await fetch(url, Object.assign({ cache: "no-store", credentials: "same-origin" }, options || {}));
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      const message = data && data.error ? data.error : "服务器返回错误（" + response.status + "）";
      const err = new Error(message);
      err.status = response.status;
      throw err;
    }
    return data;
  }

  /* Follow a contest's state: onState(state) on every new version; onLink(ok, message) on connection
     changes. Long poll: the server answers at once on a change, or after ~10 s with the same state. */
  function follow(code, onState, onLink) {
    let version = null;
    let stopped = false;
    let failures = 0;
    async function loop() {
      while (!stopped) {
        const url = "/api/contest/" + encodeURIComponent(code) + "/state" +
          (version === null ? "" : "?since=" + version + "&wait=10");
        const abort = new AbortController();
        const timer = setTimeout(() => abort.abort(), 20000);
        try {
          const state = await getJSON(url, { signal: abort.signal });
          clearTimeout(timer);
          syncClock(state.server_now);
          failures = 0;
          if (onLink) onLink(true, "");
          if (state.version !== version) {
            version = state.version;
            onState(state);
          }
        } catch (err) {
          clearTimeout(timer);
          failures += 1;
          if (onLink) onLink(false, err && err.status === 404 ? err.message : "连接中断，正在重连…");
          if (err && err.status === 404) { stopped = true; return; }
          await new Promise((r) => setTimeout(r, Math.min(5000, 500 * failures)));
        }
      }
    }
    loop();
    return { stop() { stopped = true; } };
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function keyText(question, key) {
    if (!key) return "";
    if (question && (question.type === "single" || question.type === "multi")) {
      const byLetter = {};
      (question.options || []).forEach((o) => { byLetter[o.letter] = o.text; });
      return key.keys.map((k) => k + ". " + (byLetter[k] || "")).join("；");
    }
    if (key.answer === true) return "正确";
    if (key.answer === false) return "错误";
    return String(key.answer);
  }

  function givenText(given) {
    if (given === true) return "正确";
    if (given === false) return "错误";
    if (Array.isArray(given)) return given.join("") || "（未作答）";
    return String(given || "") || "（未作答）";
  }

  return { follow, getJSON, syncClock, serverNow, secondsLeft, el, keyText, givenText };
})();
