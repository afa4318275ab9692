/* 学法通 · 知识竞赛 big screen: follows /api/contest/<code>/state and shows the question, the countdown,
   the verdicts, then the key and its article, with a live scoreboard. All text goes in as textContent. */
"use strict";

(function () {
  const C = window.XfContest;
  const $ = (id) => document.getElementById(id);
  const code = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
  const RING = 2 * Math.PI * 52;
  let state = null;
  let lastScores = {};

  function show(node, visible) { node.hidden = !visible; }

  function roundLine(s) {
    const r = s.round;
    if (!r) return s.rounds_total ? "共 " + s.rounds_total + " 轮" : "";
    const head = "第 " + (r.index + 1) + " / " + s.rounds_total + " 轮 · " + r.title;
    if (s.question) return head + " · 第 " + s.question.in_round + " / " + r.planned + " 题";
    return head + " · 已出 " + r.asked + " / " + r.planned + " 题";
  }

  function idleText(s) {
    if (s.phase === "finished") {
      const top = s.scores.filter((x) => x.rank === 1).map((x) => x.name).join("、");
      return ["竞赛结束", top ? "第一名：" + top : ""];
    }
    const r = s.round;
    if (!r) return [s.name, "竞赛即将开始"];
    if (s.round_done) return [r.title + " 结束", "请等待下一轮"];
    if (r.kind === "required") return [r.title, "下一题：" + s.team_name + " 必答（每题 " + r.points + " 分）"];
    if (r.kind === "risk") return [r.title, "请" + s.team_name + "选择分值：" + r.stakes.join(" / ") + " 分"];
    return [r.title, "准备抢答：听完题、主持人宣布开始后再按"];
  }

  function banner(s) {
    const node = $("xs-banner");
    node.replaceChildren();
    node.className = "xs-banner";
    const r = s.round || {};
    const add = (cls, text) => node.appendChild(C.el("span", cls, text));
    if (s.phase === "shown") {
      node.classList.add("xs-wait");
      add("xs-banner-main", "请听题");
      add("xs-banner-sub", "主持人宣布“开始抢答”后再按，提前按无效");
    } else if (s.phase === "buzzing") {
      node.classList.add("xs-go");
      add("xs-banner-main", s.attempts.length ? "再次抢答！" : "开始抢答！");
    } else if (s.phase === "answering") {
      node.classList.add("xs-turn");
      const won = s.presses.find((p) => p.outcome === "won");
      add("xs-banner-main", (won ? won.team_name + " 抢到" : s.team_name) + " · 请作答");
      if (s.stake) add("xs-banner-sub", "风险题 " + s.stake + " 分：答对加 " + s.stake + "，答错扣 " + s.stake);
      else if (won) {
        const next = s.presses.find((p) => p.outcome === "late");
        if (next) add("xs-banner-sub", "领先 " + next.team_name + " " + (next.behind_ms / 1000).toFixed(2) + " 秒");
      } else if (r.points) add("xs-banner-sub", "答对 +" + r.points + " 分");
    }
    if (["judged", "revealed"].includes(s.phase) || (s.phase === "buzzing" && s.attempts.length)) {
      s.attempts.forEach((a) => {
        const chip = C.el("span", "xs-verdict " + (a.correct ? "xs-right" : "xs-wrong"));
        chip.appendChild(C.el("b", "", a.team_name));
        chip.appendChild(C.el("span", "", " 答：" + C.givenText(a.given) + " "));
        chip.appendChild(C.el("strong", "", (a.correct ? "✓ 正确 " : "✗ 错误 ") + (a.points > 0 ? "+" : "") + a.points + " 分"));
        node.appendChild(chip);
      });
      if (!s.attempts.length && s.phase === "revealed") add("xs-banner-main", r.kind === "buzz" ? "无人抢答" : "");
    }
    show(node, node.childNodes.length > 0);
  }

  function question(s) {
    const q = s.question;
    show($("xs-question"), !!q);
    if (!q) return;
    $("xs-meta").textContent = q.type_name + "题" + (q.law ? " · " + q.law : "") + (s.stake ? " · " + s.stake + " 分" : "");
    $("xs-stem").textContent = q.stem;
    const list = $("xs-options");
    list.replaceChildren();
    const keys = s.key ? s.key.keys : [];
    list.className = "xs-options" + (q.options.length > 4 ? " xs-many" : "") +
      (q.options.some((o) => o.text.length > 22) ? " xs-long" : "");
    q.options.forEach((o) => {
      const item = C.el("li", "xs-option");
      if (s.key) item.classList.add(keys.includes(o.letter) ? "xs-right" : "xs-dim");
      item.appendChild(C.el("span", "xs-letter", o.letter));
      item.appendChild(C.el("span", "xs-option-text", o.text));
      list.appendChild(item);
    });
    if (q.type === "judge") {
      list.className = "xs-options xs-judge";
      [["对", true], ["错", false]].forEach(([label, value]) => {
        const item = C.el("li", "xs-option");
        if (s.key) item.classList.add(s.key.answer === value ? "xs-right" : "xs-dim");
        item.appendChild(C.el("span", "xs-letter", label === "对" ? "✓" : "✗"));
        item.appendChild(C.el("span", "xs-option-text", label === "对" ? "正确" : "错误"));
        list.appendChild(item);
      });
    }
  }

  function reveal(s) {
    const k = s.key;
    show($("xs-reveal"), !!k);
    if (!k) return;
    $("xs-key").textContent = C.keyText(s.question, k);
    $("xs-source").textContent = k.sources.length ? "依据：" + k.sources.join("；") : "";
    $("xs-explain").textContent = k.explanation || "";
  }

  function scores(s) {
    const list = $("xs-scores");
    list.replaceChildren();
    s.scores.forEach((x) => {
      const item = C.el("li", "xs-score");
      if (x.team === s.team && ["answering", "judged"].includes(s.phase)) item.classList.add("xs-active");
      if (lastScores[x.team] !== undefined && lastScores[x.team] !== x.score) {
        item.classList.add(x.score > lastScores[x.team] ? "xs-up" : "xs-down");
      }
      item.appendChild(C.el("span", "xs-rank", x.rank));
      item.appendChild(C.el("span", "xs-team", x.name));
      item.appendChild(C.el("span", "xs-points", x.score));
      list.appendChild(item);
    });
    lastScores = {};
    s.scores.forEach((x) => { lastScores[x.team] = x.score; });
  }

  function final(s) {
    const list = $("xs-final");
    show(list, s.phase === "finished");
    if (s.phase !== "finished") return;
    list.replaceChildren();
    s.scores.forEach((x) => {
      const item = C.el("li", x.rank === 1 ? "xs-first" : "");
      item.appendChild(C.el("span", "xs-rank", "第" + x.rank + "名"));
      item.appendChild(C.el("span", "xs-team", x.name));
      item.appendChild(C.el("span", "xs-points", x.score + " 分"));
      list.appendChild(item);
    });
  }

  /* Shrink a box's type (its CSS variable) step by step until its content fits, down to ``floor``. */
  function shrink(box, variable, floor) {
    let scale = 1;
    box.style.setProperty(variable, "1");
    while (box.scrollHeight > box.clientHeight + 1 && scale > floor) {
      scale = Math.round((scale - 0.05) * 100) / 100;
      box.style.setProperty(variable, String(scale));
    }
  }

  function fit() {
    shrink($("xs-stage"), "--xs-scale", 0.5);
    shrink($("xs-scores"), "--xs-sscale", 0.4);
  }

  function tick() {
    const clock = $("xs-clock");
    const s = state;
    const running = s && typeof s.deadline === "number" && ["buzzing", "answering"].includes(s.phase);
    if (clock.hidden === !!running) {
      show(clock, !!running);
      fit();
    }
    if (!running) return;
    const left = C.secondsLeft(s.deadline);
    const whole = Math.ceil(left);
    $("xs-seconds").textContent = left <= 0 ? "0" : String(whole);
    $("xs-clock-label").textContent = left <= 0 ? (s.phase === "buzzing" ? "抢答时间到" : "时间到")
      : (s.phase === "buzzing" ? "抢答倒计时" : "答题倒计时");
    const share = s.countdown > 0 ? Math.min(1, left / s.countdown) : 0;
    $("xs-ring").style.strokeDashoffset = String(RING * (1 - share));
    clock.classList.toggle("xs-hurry", left > 0 && left <= 10);
    clock.classList.toggle("xs-urgent", left > 0 && left <= 5);
    clock.classList.toggle("xs-over", left <= 0);
  }

  function render(s) {
    state = s;
    const app = $("xs-app");
    app.dataset.phase = s.phase;
    app.classList.toggle("xs-many", s.scores.length > 8);
    app.dataset.version = String(s.version);
    document.title = s.name + " · 知识竞赛";
    $("xs-name").textContent = s.name;
    $("xs-round").textContent = roundLine(s);
    const idle = !s.question;
    show($("xs-idle"), idle);
    if (idle) {
      const [main, sub] = idleText(s);
      $("xs-idle-text").textContent = main;
      $("xs-idle-sub").textContent = sub;
    }
    final(s);
    banner(s);
    question(s);
    reveal(s);
    scores(s);
    tick();
    fit();
  }

  function link(ok, message) {
    const node = $("xs-link");
    node.textContent = ok ? "● 已连接" : "○ " + message;
    node.classList.toggle("xs-offline", !ok);
    if (!ok && !state) {
      $("xs-idle-text").textContent = message;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("xs-ring").style.strokeDasharray = String(RING);
    $("xs-join").textContent = "手机抢答：打开 " + location.origin + "/contest/buzz ，输入本队的六位队伍码";
    C.follow(code, render, link);
    setInterval(tick, 100);
    window.addEventListener("resize", fit);
  });
})();
