// The live preview's own script: served by `build.py serve` only, never part of the published site.
// At each rebuild the server says so over a websocket; this page then fetches its own address again
// and patches itself in place with Idiomorph (scroll position, focus and open <details> are kept).
// Whatever a patch cannot express is a full reload instead: the server asks for one after a template
// or a script changed, and so does any doubt here (an error page, a changed script, a failed fetch),
// so the page is never left stale or half-updated.
// The build's warnings (a broken link, a picture without alt text...) come over the same socket and
// are listed in a panel at the foot of the window, in the page's language: it blocks nothing, the
// page still updates under it, and it goes when the warnings are fixed (or the editor hides it).
(function () {
  "use strict";
  var SOCKET = "/_serve/socket";
  var RETRY_MS = 1000;
  var updating = false;  // a patch is under way
  var again = false;     // another update came meanwhile: patch once more when this one ends

  function reload() {
    location.reload();
  }

  var RUNS = ["", "text/javascript", "module"];  // script types a browser runs (not JSON-LD data, say)

  function scripts(root) {
    return Array.prototype.filter.call(root.querySelectorAll("script"), function (script) {
      return RUNS.indexOf(script.type.toLowerCase()) >= 0;
    }).map(function (script) {
      return script.getAttribute("src") + "\n" + script.type + "\n" + script.textContent;
    }).join("\n\n");
  }

  function keepOpenState(attribute, node) {
    // <details open> and <dialog open> belong to the reader, not to the new page
    return !(attribute === "open" && (node.localName === "details" || node.localName === "dialog"));
  }

  function patch(text) {
    var fresh = new DOMParser().parseFromString(text, "text/html");
    if (scripts(fresh) !== scripts(document) || document.getElementById("build-error")) {
      reload();  // new script (or leaving the error page): only a reload runs it as the page would
      return Promise.resolve();
    }
    return Promise.resolve(Idiomorph.morph(document.documentElement, fresh.documentElement, {
      head: {style: "merge"},
      restoreFocus: true,
      callbacks: {beforeAttributeUpdated: keepOpenState, beforeNodeRemoved: keepWarnings}
    }));
  }

  var WARNINGS = "serve-warnings";  // the id of the polite live region that holds the panel
  var HIDDEN = "serve-hidden-warnings";  // sessionStorage: the warnings the editor hid, hidden until they change

  function keepWarnings(node) {
    return node.id !== WARNINGS;  // serve's own panel is not part of the page a patch brings
  }

  function remembered(key) {
    try {
      return sessionStorage.getItem(key);
    } catch (error) {  // storage refused: the panel just comes back
      return null;
    }
  }

  function remember(key, value) {
    try {
      sessionStorage.setItem(key, value);
    } catch (error) { /* as above */ }
  }

  function whenReady(action) {
    if (document.body) action();
    else document.addEventListener("DOMContentLoaded", action);
  }

  function warningsRegion() {
    // Made once per page, empty, so that a screen reader announces the panel put in it later.
    var region = document.getElementById(WARNINGS);
    if (!region) {
      region = document.createElement("div");
      region.id = WARNINGS;
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    return region;
  }

  function element(name, text, style) {
    var made = document.createElement(name);
    if (text) made.textContent = text;
    Object.assign(made.style, style || {});  // CSSOM, which the pages' CSP allows (a style attribute it would not)
    return made;
  }

  function warningItem(warning, words, messagesLanguage) {
    var item = element("li", "", {margin: "0 0 0.5rem"});
    var location = element("code", warning.location, {fontWeight: "bold"});
    var problem = element("span", ": " + warning.problem);
    problem.lang = location.lang = messagesLanguage;
    item.append(location, problem);
    if (warning.hint) {
      var hint = element("div", " " + warning.hint);
      hint.lang = messagesLanguage;
      hint.prepend(element("span", words.hint, {fontWeight: "bold"}));
      item.append(hint);
    }
    return item;
  }

  function showWarnings(message) {
    var region = warningsRegion();
    var shown = JSON.stringify(message.warnings);
    region.textContent = "";
    if (!message.warnings.length || shown === remembered(HIDDEN) || document.getElementById("build-error")) return;
    var words = message.words[document.documentElement.lang] || message.words[message.language];
    var panel = element("section", "", {
      position: "fixed", right: "0", bottom: "0", zIndex: "2147483647", boxSizing: "border-box",
      width: "min(100%, 40rem)", maxHeight: "40vh", overflow: "auto", padding: "0.75rem 1rem",
      font: "1rem/1.4 system-ui, sans-serif", color: "#1a1a1a", background: "#fff8e1",
      borderTop: "0.4rem solid #8a5a00", boxShadow: "0 0 0.5rem rgba(0, 0, 0, 0.4)"
    });
    panel.setAttribute("aria-labelledby", WARNINGS + "-title");
    var title = element("h2", words.warnings_title.replace("{count}", message.warnings.length),
                        {font: "bold 1.1rem/1.3 system-ui, sans-serif", margin: "0 0 0.25rem"});
    title.id = WARNINGS + "-title";
    var list = element("ul", "", {margin: "0.5rem 0", paddingLeft: "1.25rem"});
    message.warnings.forEach(function (warning) {
      list.append(warningItem(warning, words, message.messages_language));
    });
    var hide = element("button", words.hide, {font: "inherit", padding: "0.25rem 0.75rem"});
    hide.type = "button";
    function dismiss() {
      remember(HIDDEN, shown);
      region.textContent = "";
    }
    hide.addEventListener("click", dismiss);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") dismiss();
    });
    var top = element("div", "", {display: "flex", justifyContent: "space-between", alignItems: "baseline", gap: "1rem"});
    top.append(title, hide);  // the button first in reach, above a list that may scroll
    panel.append(top, element("p", words.warnings_intro, {margin: "0"}), list);
    region.append(panel);
  }

  function update() {
    if (updating) {
      again = true;
      return;
    }
    updating = true;
    fetch(location.href, {cache: "no-store", credentials: "same-origin"})
      .then(function (answer) {
        if (!answer.ok || answer.redirected) throw new Error("not a page to patch: " + answer.status);
        return answer.text();
      })
      .then(patch)
      .then(function () {
        updating = false;
        document.dispatchEvent(new CustomEvent("serve:patched"));
        if (again) {
          again = false;
          update();
        }
      })
      .catch(reload);
  }

  function connect(reconnecting) {
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + SOCKET);
    socket.onopen = function () {
      if (reconnecting) reload();  // the server restarted: the site may have changed meanwhile
      window.serveLive.connected = true;
    };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.command === "warnings") {
        whenReady(function () { showWarnings(message); });
        return;
      }
      if (message.pages && message.pages.indexOf(location.pathname) < 0) return;  // another page's early news
      if (message.reload) reload();
      else update();
    };
    socket.onclose = function () {
      window.serveLive.connected = false;
      setTimeout(function () { connect(true); }, RETRY_MS);
    };
  }

  if (!window.serveLive) {  // a patch may add this script's tag again: connect once per page
    window.serveLive = {connected: false};
    whenReady(warningsRegion);
    connect(false);
  }
})();
