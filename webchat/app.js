/*
 * The web chat page: plain JavaScript, no framework, nothing loaded from elsewhere.
 *
 * Talks to the Rasa server that serves it (POST webhook, same origin). Each reply carries its
 * language and direction: bubbles get `lang`/`dir` from their reply, and the whole page follows
 * the latest reply, so Arabic and Urdu lay out right-to-left. The browser's languages go along
 * with every message as metadata: the bot's default until the person chooses.
 *
 * Storage, on this device only: the random sender id and the last language in localStorage (so
 * the bot remembers the person's answers when they come back); the visible conversation in
 * sessionStorage (gone when the tab closes: a shared phone does not keep it). "Quick exit"
 * clears both and replaces the location, so Back does not return to the chat.
 */
(function () {
  "use strict";

  var KEY_SENDER = "webchat.sender";
  var KEY_LANGUAGE = "webchat.language";
  var KEY_LOG = "webchat.log";
  var URL_PATTERN = /(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]])/g;
  var CHOOSE_LANGUAGE = /^\/choose_language\{"language":"([a-z]{2,3})"\}$/;

  var els = {};
  var labels = {};
  var state = { language: "en", direction: "ltr", busy: false, batch: 0, entries: [] };
  var controller = null;
  var labelsRequest = 0;
  var preset = corridorPreset();

  /* ---------- a briefing's deep link: ?origin=NP&destination=QA&sector=construction&lang=ne ---------- */

  function corridorPreset() {
    // Only codes pass (the channel checks them again): nothing personal rides along.
    var params;
    try { params = new URLSearchParams(window.location.search); } catch (e) { return null; }
    var found = {};
    [["origin", /^[A-Za-z]{2}$/], ["destination", /^[A-Za-z]{2}$/], ["sector", /^[a-z_]{2,30}$/],
      ["lang", /^[a-z]{2,3}$/]].forEach(function (pair) {
      var value = params.get(pair[0]);
      if (value && pair[1].test(value)) found[pair[0] === "lang" ? "language" : pair[0]] = value;
    });
    if (found.origin) found.origin = found.origin.toUpperCase();
    if (found.destination) found.destination = found.destination.toUpperCase();
    return found.origin || found.destination || found.sector ? found : null;
  }

  /* ---------- storage that never throws (private mode, storage disabled) ---------- */

  function read(store, key) {
    try { return window[store].getItem(key); } catch (e) { return null; }
  }
  function write(store, key, value) {
    try { window[store].setItem(key, value); } catch (e) { /* the chat still works */ }
  }
  function clearAll() {
    try { window.localStorage.clear(); } catch (e) { /* nothing to clear */ }
    try { window.sessionStorage.clear(); } catch (e) { /* nothing to clear */ }
  }

  /* ---------- the random sender id ---------- */

  function randomId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // randomUUID needs a secure context; a phone on the local network over http has none.
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
      hex.slice(20)].join("-");
  }

  function senderId() {
    var id = read("localStorage", KEY_SENDER);
    if (!id) {
      id = randomId();
      write("localStorage", KEY_SENDER, id);
    }
    return id;
  }

  function browserLanguages() {
    var list = Array.prototype.slice.call(navigator.languages || []);
    if (!list.length && navigator.language) list = [navigator.language];
    return list;
  }

  /* ---------- language of the page ---------- */

  function applyDirection(language, direction) {
    state.language = language || "en";
    state.direction = direction === "rtl" ? "rtl" : "ltr";
    document.documentElement.lang = state.language;
    document.documentElement.dir = state.direction;
    els.privacy.href = "privacy?lang=" + encodeURIComponent(state.language);
  }

  function applyLabels(data) {
    labels = data.strings || {};
    // The latest reply decides the page's direction; the labels only until there is one.
    if (!hasReply() || data.language === state.language) {
      applyDirection(data.language, data.direction);
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-label]"), function (el) {
      var text = labels[el.getAttribute("data-label")];
      if (text) el.textContent = text;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-aria]"), function (el) {
      var text = labels[el.getAttribute("data-aria")];
      if (text) {
        el.setAttribute("aria-label", text);
        if (el.tagName === "BUTTON") el.title = text;
      }
    });
    if (labels.input_label) els.input.placeholder = labels.input_label;
    if (labels.title) document.title = labels.title;
  }

  function hasReply() {
    return state.entries.some(function (entry) { return entry.who === "bot"; });
  }

  function loadLabels(language) {
    var request = ++labelsRequest;
    return fetch("strings?lang=" + encodeURIComponent(language), { cache: "no-cache" })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (data) {
        if (data && request === labelsRequest) applyLabels(data);
      })
      .catch(function () { /* keep the labels we have */ });
  }

  /* ---------- rendering ---------- */

  function appendText(parent, text) {
    var parts = String(text || "").split(URL_PATTERN);
    parts.forEach(function (part, index) {
      if (index % 2 === 1) {
        var link = document.createElement("a");
        link.href = part;
        link.textContent = part;
        link.rel = "noopener noreferrer";
        link.target = "_blank";
        link.dir = "ltr";
        parent.appendChild(link);
      } else if (part) {
        parent.appendChild(document.createTextNode(part));
      }
    });
  }

  function choiceButton(entry, button, active) {
    var el = document.createElement("button");
    el.type = "button";
    el.className = "choice";
    el.textContent = button.title;
    el.dir = "auto";
    el.setAttribute("data-payload", button.payload);
    var picked = CHOOSE_LANGUAGE.exec(button.payload || "");
    // A language's name is written in that language: the right font, the right direction.
    el.lang = picked ? picked[1] : entry.language || state.language;
    el.disabled = !active;
    el.addEventListener("click", function (event) {
      send(button.payload, button.title, event.detail === 0 ? "keyboard" : "pointer");
    });
    return el;
  }

  function render(entry, active) {
    var row = document.createElement("div");
    row.className = "msg " + (entry.who === "user" ? "user" : "bot");
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    if (entry.who === "user") {
      bubble.dir = "auto";
    } else {
      bubble.lang = entry.language || state.language;
      bubble.dir = entry.direction === "rtl" ? "rtl" : "ltr";
    }
    var who = document.createElement("span");
    who.className = "sr-only";
    who.textContent = (entry.who === "user" ? labels.you || "You" : labels.assistant || "Assistant")
      + ": ";
    bubble.appendChild(who);
    appendText(bubble, entry.text);
    row.appendChild(bubble);
    if (entry.buttons && entry.buttons.length) {
      var group = document.createElement("div");
      group.className = "choices";
      group.lang = bubble.lang;
      group.dir = bubble.dir;
      entry.buttons.forEach(function (button) {
        group.appendChild(choiceButton(entry, button, active));
      });
      row.appendChild(group);
    }
    els.log.appendChild(row);
    return row;
  }

  function save() {
    write("sessionStorage", KEY_LOG, JSON.stringify({ batch: state.batch, entries: state.entries }));
  }

  function disableChoices() {
    Array.prototype.forEach.call(els.log.querySelectorAll("button.choice"), function (b) {
      b.disabled = true;
    });
  }

  function started() {
    els.startRow.hidden = true;
    els.intro.hidden = true;
  }

  function showNotice(text) {
    els.notice.textContent = text || "";
    els.notice.hidden = !text;
  }

  function typing(on) {
    els.log.setAttribute("aria-busy", on ? "true" : "false");
    var existing = document.getElementById("typing");
    if (on && !existing) {
      var row = document.createElement("div");
      row.id = "typing";
      row.className = "msg bot typing";
      row.setAttribute("aria-hidden", "true");
      row.innerHTML = '<div class="bubble"><span></span><span></span><span></span></div>';
      els.log.appendChild(row);
    } else if (!on && existing) {
      existing.remove();
    }
  }

  /* ---------- talking to the bot ---------- */

  function send(message, shown, from, corridor) {
    var text = String(message || "").trim();
    if (!text || state.busy) return false;
    started();
    showNotice("");
    disableChoices();
    var user = { who: "user", text: shown || text, batch: state.batch };
    state.entries.push(user);
    var userRow = render(user, false);
    userRow.scrollIntoView({ block: "nearest" });
    state.busy = true;
    typing(true);
    controller = typeof AbortController === "function" ? new AbortController() : null;
    fetch("webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      cache: "no-store",
      signal: controller ? controller.signal : undefined,
      body: JSON.stringify({
        sender: senderId(),
        message: text,
        metadata: metadataFor(corridor),
      }),
    })
      .then(function (res) {
        if (!res.ok) throw new Error("HTTP " + res.status);
        return res.json();
      })
      .then(function (replies) {
        typing(false);
        state.busy = false;
        received(Array.isArray(replies) ? replies : [], from);
      })
      .catch(function (error) {
        typing(false);
        state.busy = false;
        if (error && error.name === "AbortError") return;
        // Not sent: take the bubble back, give the text back, let the person try again.
        state.entries.pop();
        userRow.remove();
        restoreChoices();
        if (from === "input") els.input.value = text;
        showNotice(labels.not_sent || "Your message was not sent. Try again.");
      });
    return true;
  }

  function metadataFor(corridor) {
    var metadata = { language: navigator.language || "", languages: browserLanguages() };
    if (corridor) {
      metadata.corridor = corridor;
      if (corridor.language) {
        metadata.language = corridor.language;
        metadata.languages = [corridor.language].concat(metadata.languages);
      }
    }
    return metadata;
  }

  function received(replies, from) {
    state.batch += 1;
    var first = null;
    var before = state.language;
    replies.forEach(function (reply) {
      if (!reply || (typeof reply.text !== "string" && !reply.buttons)) return;
      var entry = {
        who: "bot",
        text: reply.text || "",
        language: reply.language || state.language,
        direction: reply.direction || state.direction,
        buttons: (reply.buttons || []).filter(function (b) {
          return b && typeof b.title === "string" && typeof b.payload === "string";
        }).map(function (b) { return { title: b.title, payload: b.payload }; }),
        batch: state.batch,
      };
      state.entries.push(entry);
      var row = render(entry, true);
      if (!first) first = row;
      applyDirection(entry.language, entry.direction);
    });
    save();
    write("localStorage", KEY_LANGUAGE, state.language);
    if (state.language !== before) loadLabels(state.language);
    if (first) first.scrollIntoView({ block: "start" });
    if (from === "keyboard" || from === "pointer" || from === "start") {
      // Answered with a button: the next buttons get the focus (the keyboard stays closed).
      var choice = firstNewChoice();
      if (choice) choice.focus({ preventScroll: true });
      else if (from === "keyboard") els.input.focus({ preventScroll: true });
    }
  }

  function firstNewChoice() {
    var rows = els.log.querySelectorAll(".msg.bot");
    for (var i = 0; i < rows.length; i++) {
      var button = rows[i].querySelector("button.choice:enabled");
      if (button) return button;
    }
    return null;
  }

  function restoreChoices() {
    // After a failed send, the last batch's buttons work again.
    var rows = els.log.querySelectorAll(".msg");
    var entries = state.entries;
    for (var i = 0; i < rows.length; i++) {
      var entry = entries[i];
      if (entry && entry.who === "bot" && entry.batch === state.batch) {
        Array.prototype.forEach.call(rows[i].querySelectorAll("button.choice"), function (b) {
          b.disabled = false;
        });
      }
    }
  }

  function restore() {
    var saved = null;
    try { saved = JSON.parse(read("sessionStorage", KEY_LOG) || "null"); } catch (e) { saved = null; }
    if (!saved || !Array.isArray(saved.entries) || !saved.entries.length) return;
    state.batch = saved.batch || 0;
    state.entries = saved.entries;
    var last = state.entries[state.entries.length - 1];
    state.entries.forEach(function (entry) {
      render(entry, entry.who === "bot" && entry.batch === state.batch && last.who === "bot");
      if (entry.who === "bot") applyDirection(entry.language, entry.direction);
    });
    started();
  }

  /* ---------- quick exit ---------- */

  function quickExit() {
    if (controller) controller.abort();
    els.log.textContent = "";
    els.input.value = "";
    state.entries = [];
    clearAll();
    // replace(): the chat's entry leaves the history, Back cannot bring it back.
    window.location.replace(els.exit.getAttribute("data-exit-url") || "about:blank");
  }

  /* ---------- start ---------- */

  function init() {
    els = {
      log: document.getElementById("log"),
      input: document.getElementById("message"),
      form: document.getElementById("composer"),
      start: document.getElementById("start"),
      startRow: document.getElementById("start-row"),
      intro: document.getElementById("intro"),
      notice: document.getElementById("notice"),
      language: document.getElementById("language"),
      privacy: document.getElementById("privacy-link"),
      exit: document.getElementById("quick-exit"),
    };
    restore();
    // The language of the latest reply, else the one last used here, else the browser's.
    var remembered = hasReply() ? state.language : read("localStorage", KEY_LANGUAGE);
    loadLabels(remembered || (preset && preset.language) || browserLanguages().join(","));

    els.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = els.input.value;
      if (send(text, null, "input")) els.input.value = "";
    });
    els.start.addEventListener("click", function (event) {
      // A deep link's corridor goes with the first message only; the bot fills the profile.
      if (send("/greet", labels.start || "Start", event.detail === 0 ? "keyboard" : "start",
        preset)) {
        preset = null;
      }
    });
    els.language.addEventListener("click", function (event) {
      send("/language", labels.change_language || "Change language",
        event.detail === 0 ? "keyboard" : "pointer");
    });
    els.exit.addEventListener("click", quickExit);
    els.privacy.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault(); // no history entry for the chat: quick exit stays complete
      window.location.replace(els.privacy.href);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
