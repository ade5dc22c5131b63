// The transcript editor: player and segments side by side, keyboard first, every keystroke
// kept. Each segment saves on its own with the version it was loaded at; a save that someone
// else overtook comes back 409 and both texts are shown to settle. Until the server confirms
// a save, the text is also kept in this browser (localStorage), so a closed tab, a lost
// connection or a crash loses nothing: the page brings it back on the next visit.
(function () {
  "use strict";
  var root = document.getElementById("editor");
  if (!root) { return; }
  var player = document.getElementById("player");
  var list = document.getElementById("segments");
  var state = document.getElementById("save-state");
  var strings = JSON.parse(document.getElementById("editor-strings").textContent);
  var segments = JSON.parse(document.getElementById("segments-data").textContent);
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var rtl = root.dataset.rtl === "1";
  var language = root.dataset.language;
  var draftKey = root.dataset.draftKey;
  var SAVE_AFTER_MS = 700;
  var RETRY_MS = 3000;
  var NUDGE = 0.1;
  var REPLAY = 3;

  var byId = {};          // id -> segment data (as the server last confirmed it)
  var pending = {};       // id -> {text?, translation?} typed but not confirmed
  var inFlight = {};      // id -> true while a save is on its way
  var timers = {};
  var focusedId = null;   // the segment the keyboard works on
  var playingId = null;   // the segment under the playhead

  function url(template, id, action) {
    var out = template.replace("/0/", "/" + id + "/");
    return action ? out.replace(/\/save$/, "/" + action) : out;
  }

  function setState(text, kind) {
    state.textContent = text;
    state.className = "save-state" + (kind ? " " + kind : "");
  }

  function fmt(seconds) {
    var m = Math.floor(seconds / 60), s = seconds - m * 60;
    return m + ":" + (s < 10 ? "0" : "") + s.toFixed(1);
  }

  // --- drafts kept in the browser until the server has them -------------------------------
  function loadDrafts() {
    try { return JSON.parse(localStorage.getItem(draftKey) || "{}"); } catch (e) { return {}; }
  }
  function keepDrafts() {
    try {
      var out = {};
      Object.keys(pending).forEach(function (id) {
        if (byId[id]) { out[id] = { base: byId[id].version, fields: pending[id] }; }
      });
      localStorage.setItem(draftKey, JSON.stringify(out));
    } catch (e) { /* private mode or full: the page still saves to the server */ }
  }

  // --- progress ------------------------------------------------------------------------------
  function showProgress(p) {
    var box = document.getElementById("progress");
    var share = p.seconds ? p.verified_seconds / p.seconds : 0;
    box.querySelector("progress").value = share;
    box.querySelector(".label").textContent = strings.progress
      .replace("{segments}", p.verified_segments).replace("{total}", p.segments)
      .replace("{time}", fmt(p.verified_seconds)).replace("{length}", fmt(p.seconds)) +
      " (" + Math.round(share * 100) + "%)";
  }
  function progressFromSegments() {
    var p = { segments: 0, verified_segments: 0, seconds: 0, verified_seconds: 0 };
    segments.forEach(function (s) {
      p.segments += 1; p.seconds += s.end - s.start;
      if (s.verified) { p.verified_segments += 1; p.verified_seconds += s.end - s.start; }
    });
    return p;
  }

  // --- rendering -------------------------------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function who(s) {
    var parts = [];
    if (s.edited_by) { parts.push(strings.edited_by + " " + s.edited_by); }
    else if (!s.edited) { parts.push(strings.machine); }
    if (s.verified) { parts.push(strings.verified_by + " " + (s.verified_by || "?")); }
    return parts.join(" · ");
  }

  function renderOne(s) {
    var item = el("li", { id: "seg-" + s.id, "class": "segment" + (s.verified ? " verified" : "") });
    item.dataset.id = s.id;
    var head = el("div", { "class": "seg-head" });
    var times = el("button", { type: "button", "class": "seek times", title: fmt(s.start) });
    times.textContent = fmt(s.start) + " – " + fmt(s.end);
    times.addEventListener("click", function () { go(s.id, true); });
    head.appendChild(times);
    var check = el("label", { "class": "verify" });
    var box = el("input", { type: "checkbox", "class": "verified-box" });
    box.checked = s.verified;
    box.addEventListener("change", function () { verify(s.id, box.checked, false); });
    check.appendChild(box);
    check.appendChild(document.createTextNode(" " + strings.verified));
    head.appendChild(check);
    head.appendChild(el("span", { "class": "who meta" }, who(s)));
    var hist = el("button", { type: "button", "class": "small history-button" }, strings.history);
    hist.addEventListener("click", function () { showHistory(s.id); });
    head.appendChild(hist);
    item.appendChild(head);

    var draft = pending[s.id] || {};
    var text = el("textarea", {
      "class": "text", rows: "2", lang: language, dir: rtl ? "rtl" : "auto",
      "aria-label": strings.text + " " + fmt(s.start)
    });
    text.value = draft.text !== undefined ? draft.text : s.text;
    var english = el("textarea", {
      "class": "translation", rows: "2", lang: "en", dir: "ltr",
      "aria-label": strings.english + " " + fmt(s.start)
    });
    english.value = draft.translation !== undefined ? draft.translation : s.translation;
    [[text, "text"], [english, "translation"]].forEach(function (pair) {
      pair[0].addEventListener("input", function () { typed(s.id, pair[1], pair[0].value); grow(pair[0]); });
      pair[0].addEventListener("blur", function () { flush(s.id); });
      pair[0].addEventListener("focus", function () { focus(s.id, false); });
    });
    item.appendChild(text);
    item.appendChild(english);
    if (s.previous && !s.edited && s.previous !== s.text) {
      var prev = el("p", { "class": "previous meta" });
      prev.appendChild(document.createTextNode(strings.previous + " "));
      prev.appendChild(el("q", { dir: "auto", lang: language }, s.previous));
      var take = el("button", { type: "button", "class": "small" }, strings.take);
      take.addEventListener("click", function () {
        text.value = s.previous; typed(s.id, "text", s.previous); flush(s.id);
      });
      prev.appendChild(take);
      item.appendChild(prev);
    }
    if (s.proposals && s.proposals.length) {
      // Names and places found in these words: the review page links them to a record.
      var found = el("p", { "class": "proposals meta" });
      found.appendChild(document.createTextNode(strings.proposals + " "));
      s.proposals.forEach(function (m) {
        var label = m.kind + ": " + m.surface + (m.linked ? " → " + m.linked : "") + " (" + m.review + ")";
        found.appendChild(el("a", { href: m.url, target: "_blank", rel: "noopener", dir: "auto" }, label));
        found.appendChild(document.createTextNode(" "));
      });
      item.appendChild(found);
    }
    item.appendChild(el("div", { "class": "conflict", hidden: "" }));
    item.appendChild(el("div", { "class": "history", hidden: "" }));
    return item;
  }

  // Each box as tall as its words: a whole segment is read without scrolling inside it.
  function grow(box) {
    box.style.height = "auto";
    box.style.height = box.scrollHeight + 2 + "px";
  }
  function growAll(scope) {
    Array.prototype.forEach.call(scope.querySelectorAll("textarea"), grow);
  }

  function render() {
    byId = {};
    list.textContent = "";
    segments.forEach(function (s) { byId[s.id] = s; list.appendChild(renderOne(s)); });
    if (!segments.length) { list.appendChild(el("li", {}, strings.empty)); }
    growAll(list);
    if (focusedId && byId[focusedId]) { mark(focusedId, "focused"); }
    if (playingId && byId[playingId]) { mark(playingId, "current"); }
    showProgress(progressFromSegments());
  }

  function replaceOne(s) {
    var old = document.getElementById("seg-" + s.id);
    // An action's answer carries no proposals: the ones shown stay until the next reload.
    if (!s.proposals || !s.proposals.length) { s.proposals = (byId[s.id] && byId[s.id].proposals) || []; }
    var index = segments.findIndex(function (x) { return x.id === s.id; });
    if (index >= 0) { segments[index] = s; }
    byId[s.id] = s;
    if (!old) { return; }
    var active = document.activeElement;
    var field = active && old.contains(active) ? active.className : null;
    var caret = field ? [active.selectionStart, active.selectionEnd] : null;
    var fresh = renderOne(s);
    fresh.className = old.className;
    old.replaceWith(fresh);
    growAll(fresh);
    if (field) {
      var again = fresh.querySelector("textarea." + field.split(" ")[0]);
      if (again) { again.focus(); again.setSelectionRange(caret[0], caret[1]); }
    }
  }

  // --- saving ---------------------------------------------------------------------------------
  function typed(id, field, value) {
    pending[id] = pending[id] || {};
    pending[id][field] = value;
    keepDrafts();
    setState(strings.saving, "busy");
    clearTimeout(timers[id]);
    timers[id] = setTimeout(function () { flush(id); }, SAVE_AFTER_MS);
  }

  function post(id, action, body) {
    return fetch(url(root.dataset.actionUrl, id, action), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function flush(id) {
    clearTimeout(timers[id]);
    var fields = pending[id];
    if (!fields || inFlight[id] || !byId[id]) { return Promise.resolve(); }
    var sent = {};
    Object.keys(fields).forEach(function (k) { sent[k] = fields[k]; });
    inFlight[id] = true;
    var body = Object.assign({ version: byId[id].version }, sent);
    return post(id, "save", body).then(function (answer) {
      inFlight[id] = false;
      if (answer.status === 200) {
        // Only what was sent is settled: keys typed meanwhile stay pending.
        Object.keys(sent).forEach(function (k) {
          if (pending[id] && pending[id][k] === sent[k]) { delete pending[id][k]; }
        });
        if (pending[id] && !Object.keys(pending[id]).length) { delete pending[id]; }
        keepDrafts();
        answer.data.segments.forEach(function (s) { s.previous = ""; replaceOne(s); });
        showProgress(answer.data.progress);
        if (pending[id]) { return flush(id); }
        settled();
      } else if (answer.status === 409) {
        conflict(id, answer.data);
      } else {
        setState(strings.error + ": " + (answer.data.message || answer.status), "error");
      }
    }, function () {
      inFlight[id] = false;
      setState(strings.offline, "error");
      timers[id] = setTimeout(function () { flush(id); }, RETRY_MS);
    });
  }

  function flushAll() {
    return Promise.all(Object.keys(pending).map(function (id) { return flush(Number(id)); }));
  }

  function settled() {
    if (!Object.keys(pending).length) { setState(strings.saved, "ok"); }
  }

  function conflict(id, data) {
    var item = document.getElementById("seg-" + id);
    if (!data.theirs) { setState(data.message, "error"); return reload(); }
    setState(strings.conflict, "error");
    var box = item.querySelector(".conflict");
    box.hidden = false;
    box.textContent = "";
    box.setAttribute("role", "alert");
    box.appendChild(el("p", {}, data.message));
    var mine = pending[id] || {};
    [["theirs", data.theirs], ["yours", Object.assign({}, data.theirs, mine)]].forEach(function (pair) {
      var block = el("div", { "class": "side " + pair[0] });
      block.appendChild(el("h3", {}, strings[pair[0]]));
      block.appendChild(el("p", { dir: rtl ? "rtl" : "auto", lang: language, "class": "text" }, pair[1].text));
      block.appendChild(el("p", { dir: "ltr", lang: "en", "class": "english" }, pair[1].translation));
      box.appendChild(block);
    });
    var keepMine = el("button", { type: "button", "class": "keep-mine" }, strings.keep_mine);
    var keepTheirs = el("button", { type: "button", "class": "keep-theirs" }, strings.keep_theirs);
    keepMine.addEventListener("click", function () {
      byId[id] = data.theirs; // save mine on top of the version I have now seen
      box.hidden = true;
      flush(id);
    });
    keepTheirs.addEventListener("click", function () {
      delete pending[id];
      keepDrafts();
      replaceOne(data.theirs);
      settled();
    });
    box.appendChild(keepMine);
    box.appendChild(keepTheirs);
    keepMine.focus();
  }

  function reload() {
    return fetch(root.dataset.segmentsUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { segments = data.segments; render(); showProgress(data.progress); });
  }

  function verify(id, verified, thenNext) {
    return flush(id).then(function () {
      if (pending[id]) { return; } // not saved (conflict or offline): verify nothing unsaved
      return post(id, "verify", { version: byId[id].version, verified: verified }).then(function (answer) {
        if (answer.status === 200) {
          answer.data.segments.forEach(replaceOne);
          showProgress(answer.data.progress);
          settled();
          if (thenNext) { step(1); }
        } else if (answer.status === 409) { conflict(id, answer.data); }
        else { setState(strings.error + ": " + (answer.data.message || answer.status), "error"); }
      });
    });
  }

  function structural(id, action, body) {
    // Split and merge renumber segments: everything typed is saved first, then reloaded.
    return flushAll().then(function () {
      return post(id, action, Object.assign({ version: byId[id].version }, body));
    }).then(function (answer) {
      if (answer.status === 200) {
        focusedId = answer.data.segments[answer.data.segments.length - 1].id;
        return reload().then(function () { go(focusedId, false); settled(); });
      }
      if (answer.status === 409) { return reload().then(function () { setState(strings.reload, "error"); }); }
      setState(strings.error + ": " + (answer.data.message || answer.status), "error");
    });
  }

  function nudge(id, field, delta) {
    var s = byId[id];
    var value = Math.max(0, Math.round((s[field] + delta) * 1000) / 1000);
    if (field === "start" && value > s.end) { return; }
    if (field === "end" && value < s.start) { return; }
    return flush(id).then(function () {
      var body = { version: byId[id].version };
      body[field] = value;
      return post(id, "save", body).then(function (answer) {
        if (answer.status === 200) { answer.data.segments.forEach(replaceOne); settled(); }
        else if (answer.status === 409) { conflict(id, answer.data); }
        else { setState(strings.error + ": " + (answer.data.message || answer.status), "error"); }
      });
    });
  }

  function showHistory(id) {
    var box = document.getElementById("seg-" + id).querySelector(".history");
    if (!box.hidden) { box.hidden = true; return; }
    fetch(url(root.dataset.historyUrl, id), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        box.textContent = "";
        var ol = el("ol", { "class": "versions" });
        data.versions.forEach(function (v, i) {
          var li = el("li");
          li.appendChild(el("span", { "class": "meta" }, v.when.slice(0, 16).replace("T", " ") + " · " + v.who + " · " + v.what));
          li.appendChild(el("p", { dir: "auto", lang: language }, v.text));
          if (v.translation) { li.appendChild(el("p", { dir: "ltr", lang: "en", "class": "english" }, v.translation)); }
          if (i > 0) {
            var restore = el("button", { type: "button", "class": "small" }, strings.restore);
            restore.addEventListener("click", function () {
              post(id, "restore", { version: byId[id].version, history_id: v.history_id }).then(function (answer) {
                if (answer.status === 200) { answer.data.segments.forEach(replaceOne); settled(); }
                else if (answer.status === 409) { conflict(id, answer.data); }
              });
            });
            li.appendChild(restore);
          }
          ol.appendChild(li);
        });
        box.appendChild(ol);
        box.hidden = false;
      });
  }

  // --- following the player -------------------------------------------------------------------
  function mark(id, cls) {
    Array.prototype.forEach.call(list.querySelectorAll("." + cls), function (n) { n.classList.remove(cls); });
    var item = id && document.getElementById("seg-" + id);
    if (item) { item.classList.add(cls); }
    return item;
  }

  function at(time) {
    for (var i = segments.length - 1; i >= 0; i--) {
      if (segments[i].start <= time + 0.05) { return segments[i]; }
    }
    return segments[0] || null;
  }

  function focus(id, moveCaret) {
    focusedId = id;
    var item = mark(id, "focused");
    if (item && moveCaret) {
      var text = item.querySelector("textarea.text");
      text.focus();
      item.scrollIntoView({ block: "nearest" });
    }
  }

  function go(id, play) {
    focus(id, true);
    if (player && byId[id]) {
      player.currentTime = byId[id].start;
      if (play) { player.play().catch(function () {}); }
    }
  }

  function step(delta) {
    var index = segments.findIndex(function (s) { return s.id === focusedId; });
    var next = segments[Math.min(segments.length - 1, Math.max(0, index + delta))];
    if (next) { go(next.id, player && !player.paused); }
  }

  if (player) {
    player.addEventListener("timeupdate", function () {
      var s = at(player.currentTime);
      if (s && s.id !== playingId) {
        playingId = s.id;
        var item = mark(s.id, "current");
        if (item && document.activeElement && !item.contains(document.activeElement)) {
          item.scrollIntoView({ block: "nearest" });
        }
      }
    });
  }

  // --- keys ---------------------------------------------------------------------------------------
  // Shortcuts run one after another: a merge reloads the segments before the next key acts.
  var queue = Promise.resolve();
  function serial(action) {
    queue = queue.then(action, action).catch(function () {});
    return queue;
  }

  var ACTIONS = {
    KeyR: function () {
      if (player) { player.currentTime = Math.max(0, player.currentTime - REPLAY); player.play().catch(function () {}); }
    },
    ArrowUp: function () { step(-1); },
    ArrowDown: function () { step(1); },
    KeyS: function (id) {
      var here = player ? at(player.currentTime) : null;
      var inside = here && player.currentTime > here.start && player.currentTime < here.end;
      return structural(inside ? here.id : id, "split", { at: player ? Math.round(player.currentTime * 1000) / 1000 : 0 });
    },
    KeyM: function (id) {
      var index = segments.findIndex(function (s) { return s.id === id; });
      if (segments[index + 1]) { return structural(id, "merge", { next_version: segments[index + 1].version }); }
    },
    Digit1: function (id) { return nudge(id, "start", -NUDGE); },
    Digit2: function (id) { return nudge(id, "start", NUDGE); },
    Digit3: function (id) { return nudge(id, "end", -NUDGE); },
    Digit4: function (id) { return nudge(id, "end", NUDGE); },
    KeyV: function (id) { return verify(id, true, true); }
  };

  // event.code: the physical key, so shortcuts work in Kazakh, Russian or Uyghur layouts alike.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !event.altKey) {
      event.preventDefault();
      if (player) { if (player.paused) { player.play().catch(function () {}); } else { player.pause(); } }
      return;
    }
    if (!event.altKey || event.ctrlKey || event.metaKey || !ACTIONS[event.code]) { return; }
    event.preventDefault();
    var action = ACTIONS[event.code];
    serial(function () {
      var id = focusedId || (segments[0] && segments[0].id);
      return id ? action(id) : undefined;
    });
  });

  window.addEventListener("resize", function () { growAll(list); });

  window.addEventListener("beforeunload", function (event) {
    if (Object.keys(pending).length) { flushAll(); event.preventDefault(); event.returnValue = ""; }
  });

  // --- start: bring back what this browser typed and the server never confirmed -----------------
  var drafts = loadDrafts();
  segments.forEach(function (s) {
    var d = drafts[s.id];
    if (!d) { return; }
    var differs = Object.keys(d.fields).some(function (k) { return d.fields[k] !== s[k]; });
    if (differs) { pending[s.id] = d.fields; }
  });
  render();
  Object.keys(pending).forEach(function (id) {
    var d = drafts[id];
    // Typed on the version the server still has: save it. Otherwise settle it like a conflict.
    if (byId[id].version === d.base) { flush(Number(id)); }
    else { conflict(Number(id), { message: strings.conflict, theirs: byId[id] }); }
  });
  if (segments.length) { focus(segments[0].id, false); }
  // A phone has no keyboard shortcuts to show; the list stays one tap away.
  if (window.matchMedia("(max-width: 52rem)").matches) { document.getElementById("shortcuts").open = false; }
  setState(Object.keys(pending).length ? strings.saving : "", "");
})();
