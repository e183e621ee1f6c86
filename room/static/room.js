// Live updates for the room's pages. The pages work without this file: every form is a plain POST.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.EventSource) { return; }
  var source = null;

  function remember() {
    var state = { values: {}, radios: {}, focus: null, start: null, end: null };
    live.querySelectorAll("textarea[id], input[type=text][id]").forEach(function (el) {
      state.values[el.id] = el.value;
    });
    live.querySelectorAll("input[type=radio]:checked").forEach(function (el) {
      state.radios[el.name] = el.value;
    });
    var active = document.activeElement;
    if (active && active.id && live.contains(active)) {
      state.focus = active.id;
      try { state.start = active.selectionStart; state.end = active.selectionEnd; } catch (e) { /* not text */ }
    }
    return state;
  }

  function restore(state) {
    Object.keys(state.values).forEach(function (id) {
      var el = document.getElementById(id);
      if (el && state.values[id] && el.value !== state.values[id]) { el.value = state.values[id]; }
    });
    Object.keys(state.radios).forEach(function (name) {
      var group = live.querySelectorAll("input[type=radio][name='" + name + "']");
      var anyChecked = Array.prototype.some.call(group, function (el) { return el.checked; });
      if (!anyChecked) {
        group.forEach(function (el) { if (el.value === state.radios[name]) { el.checked = true; } });
      }
    });
    if (state.focus) {
      var el = document.getElementById(state.focus);
      if (el) {
        el.focus();
        if (state.start !== null) { try { el.setSelectionRange(state.start, state.end); } catch (e) { /* */ } }
      }
    }
  }

  function element(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    return holder.content.firstElementChild;
  }

  // One change's operations (room/live.py): replace, remove or insert single elements of the page by id.
  // Returns false when the page does not hold what they name (then a fresh connection sends the whole page).
  function apply(ops) {
    for (var i = 0; i < ops.length; i++) {
      var op = ops[i];
      var target = document.getElementById(op[1]);
      if (!target) { return false; }
      if (op[0] === "replace") {
        target.replaceWith(element(op[2]));
      } else if (op[0] === "remove") {
        target.remove();
      } else if (op[0] === "insert") {
        var after = op[2] === null ? null : document.getElementById(op[2]);
        if (op[2] !== null && (!after || after.parentNode !== target)) { return false; }
        target.insertBefore(element(op[3]), after ? after.nextSibling : target.firstChild);
      } else {
        return false;
      }
    }
    return true;
  }

  // The live part this page was loaded with: the first connection need not send it again. Once anything has
  // changed it, a new connection (a phone waking up) gets the whole page.
  var have = live.getAttribute("data-have") || "";

  // The waiting page (a new name asking to join) has its own title and a "Cancel my request" button around its
  // live part: once the facilitator lets the device in, the live part turns into a participant's, and the whole
  // page is loaded again so its frame (the name, "Leave") is a participant's too.
  var waiting = live.hasAttribute("data-waiting");
  // The top of the page (outside the live part) follows the live part: the workshop's title and the
  // participant's name, as the facilitator changes them.
  function frame() {
    var marks = live.querySelector("[data-me]");
    if (!marks) { return; }
    var pairs = [["header .workshop", marks.getAttribute("data-title")], ["header .me", marks.getAttribute("data-me")]];
    pairs.forEach(function (pair) {
      var el = document.querySelector(pair[0]);
      if (el && pair[1] !== null && el.textContent !== pair[1]) {
        el.textContent = pair[1];
        if (pair[0] === "header .workshop") { document.title = pair[1]; }
      }
    });
  }

  function admitted() {
    if (waiting && !document.getElementById("live-waiting")) {
      source.close();
      window.location.replace("/");
      return true;
    }
    return false;
  }

  // A form's answer ("Saved", "Thanks: ... done", a refusal) belongs to the page it answered: once a whole new
  // page arrives live (the stage moved on, a vote opened or was revealed), it no longer applies and goes.
  var settled = have !== "";
  function dropFlash() {
    document.querySelectorAll("#main > .flash").forEach(function (el) { el.remove(); });
  }

  function connect() {
    source = new EventSource("/events" + (have ? "?have=" + encodeURIComponent(have) : ""));
    source.addEventListener("page", function (event) {
      have = "";
      if (settled) { dropFlash(); }
      settled = true;
      var state = remember();
      live.innerHTML = JSON.parse(event.data);
      if (admitted()) { return; }
      frame();
      restore(state);
    });
    source.addEventListener("patch", function (event) {
      have = "";
      settled = true;
      var state = remember();
      var applied = false;
      try { applied = apply(JSON.parse(event.data)); } catch (e) { applied = false; }
      if (applied && admitted()) { return; }
      if (applied) { frame(); }
      restore(state);
      if (!applied) { source.close(); connect(); }  // out of step: start again from the whole page
    });
    source.addEventListener("signed-out", function () { source.close(); window.location.replace("/"); });
    // The room closing stops its server a moment later: a reload would find nobody there and the phone would
    // show the browser's own "This site can't be reached". The page says it in place instead.
    source.addEventListener("closed", function () {
      source.close();
      var main = document.getElementById("main");
      var heading = document.createElement("h1");
      heading.setAttribute("role", "status");
      heading.textContent = "The room is closed. Thank you for joining!";
      main.replaceChildren(heading);
      document.querySelectorAll("header .leave").forEach(function (el) { el.remove(); });
    });
    source.onerror = function () {
      // A dropped connection reconnects by itself; one the room refused (closed, signed out) shows why.
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(function () { window.location.replace("/"); }, 3000);
      }
    };
  }

  connect();
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && source && source.readyState === EventSource.CLOSED) {
      connect();
    }
  });
})();
