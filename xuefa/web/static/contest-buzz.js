/* 学法通 · 知识竞赛 buzzer: a phone joins as its team with the team's code, follows the contest's state and
   presses. The server alone decides who was first (by when each press reaches it); this page only tells
   the team what the server said. */
"use strict";

(function () {
  const C = window.XfContest;
  const $ = (id) => document.getElementById(id);
  const STORE = "xf-contest-team";
  let team = null;      // {contest, contest_name, team, team_name, code}
  let follower = null;
  let state = null;
  let pressing = false;

  function setState(name) { $("xb-pad").dataset.state = name; }

  function describe(s) {
    const r = s.round;
    const buzzRound = r && r.kind === "buzz";
    const won = (s.presses || []).find((p) => p.outcome === "won");
    if (s.phase === "finished") return ["closed", "竞赛已结束"];
    if (!s.question) return ["waiting", r ? r.title + "：等待出题" : "等待竞赛开始"];
    if (!buzzRound) return ["waiting", (s.team_name || "") + " 答题中（本轮不抢答）"];
    if (s.phase === "shown") return ["waiting", "请听题，主持人宣布开始后再按"];
    if (s.phase === "buzzing") {
      const answered = (s.attempts || []).some((a) => a.team === team.team);
      return answered ? ["closed", "本题你队已答过"] : ["open", "抢答开始！快按！"];
    }
    if (s.phase === "answering" && won) {
      return won.team === team.team ? ["won", "你队抢到了，请作答！"] : ["lost", won.team_name + " 抢到了"];
    }
    if (s.phase === "judged") return ["waiting", "已判定，等待主持人"];
    return ["waiting", "等待下一题"];
  }

  function tick() {
    const node = $("xb-clock");
    if (!state || typeof state.deadline !== "number" || !["buzzing", "answering"].includes(state.phase)) {
      node.textContent = "";
      return;
    }
    const left = C.secondsLeft(state.deadline);
    node.textContent = left <= 0 ? "时间到" : (state.phase === "buzzing" ? "抢答剩余 " : "答题剩余 ") + Math.ceil(left) + " 秒";
    if (left <= 0 && state.phase === "buzzing" && $("xb-pad").dataset.state === "open") {
      setState("closed");
      $("xb-status").textContent = "抢答时间已到";
    }
  }

  function render(s) {
    state = s;
    const [mode, text] = describe(s);
    setState(mode);
    $("xb-status").textContent = text;
    $("xb-pad").dataset.version = String(s.version);
    const mine = (s.scores || []).find((x) => x.team === team.team);
    $("xb-score").textContent = mine ? "本队得分 " + mine.score + " · 第 " + mine.rank + " 名" : "";
    if (mode === "open") $("xb-result").textContent = "";
    tick();
  }

  async function press() {
    if (!team || pressing) return;
    pressing = true;
    const button = $("xb-button");
    button.classList.add("xb-pressed");
    try {
      const reply = await C.getJSON("/api/contest/buzz", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ team_code: team.code }),
      });
      C.syncClock(reply.server_now);
      const result = $("xb-result");
      result.textContent = reply.message;
      result.dataset.outcome = reply.outcome;
      if (reply.outcome === "won") {
        setState("won");
        if (navigator.vibrate) navigator.vibrate(300);
      }
    } catch (err) {
      $("xb-result").textContent = err.message || "网络错误，请重按";
      $("xb-result").dataset.outcome = "error";
    } finally {
      pressing = false;
      setTimeout(() => button.classList.remove("xb-pressed"), 120);
    }
  }

  function start(entry) {
    team = entry;
    localStorage.setItem(STORE, entry.code);
    $("xb-team").textContent = entry.team_name;
    $("xb-contest").textContent = entry.contest_name;
    document.title = entry.team_name + " · 抢答器";
    $("xb-join").hidden = true;
    $("xb-pad").hidden = false;
    if (follower) follower.stop();
    follower = C.follow(entry.contest, render, (ok, message) => {
      $("xb-link").textContent = ok ? "" : message;
    });
  }

  async function join(code) {
    const clean = String(code || "").replace(/\D/g, "");
    const errorNode = $("xb-join-error");
    errorNode.textContent = "";
    if (clean.length !== 6) {
      errorNode.textContent = "队伍码是 6 位数字，请核对。";
      return;
    }
    try {
      const entry = await C.getJSON("/api/contest/team/" + clean);
      entry.code = clean;
      start(entry);
    } catch (err) {
      errorNode.textContent = err.message || "加入失败，请重试。";
      localStorage.removeItem(STORE);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const button = $("xb-button");
    // pointerdown: the press leaves at the touch, not at the release; keyboard users get click (detail 0)
    button.addEventListener("pointerdown", (ev) => { ev.preventDefault(); press(); });
    button.addEventListener("click", (ev) => { if (ev.detail === 0) press(); });
    button.addEventListener("contextmenu", (ev) => ev.preventDefault());
    $("xb-form").addEventListener("submit", (ev) => { ev.preventDefault(); join($("xb-code").value); });
    $("xb-leave").addEventListener("click", () => {
      if (follower) follower.stop();
      localStorage.removeItem(STORE);
      team = null;
      $("xb-pad").hidden = true;
      $("xb-join").hidden = false;
      $("xb-code").value = "";
      $("xb-code").focus();
    });
    setInterval(tick, 200);
    const fromLink = new URLSearchParams(location.search).get("team");
    const saved = fromLink || localStorage.getItem(STORE);
    if (saved) {
      $("xb-code").value = saved.replace(/\D/g, "").slice(0, 6);
      join(saved);
    }
  });
})();
