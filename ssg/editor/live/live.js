// The live preview's own script: served by `build.py serve` only, never part of the published site.
// At each rebuild the server says so over a websocket; this page then fetches its own address again
// and patches itself in place with Idiomorph (scroll position, focus and open <details> are kept).
// Whatever a patch cannot express is a full reload instead: the server asks for one after a template
// or a script changed, and so does any doubt here (an error page, a changed script, a failed fetch),
// so the page is never left stale or half-updated.
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
      callbacks: {beforeAttributeUpdated: keepOpenState}
    }));
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
    connect(false);
  }
})();
