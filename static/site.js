/* Progressive enhancement only: the page works the same without this file. */
(function () {
  "use strict";
  document.querySelectorAll(".copy-link").forEach(function (button) {
    var tools = button.closest(".share-tools");
    var status = tools.querySelector(".copy-status");
    if (!navigator.clipboard && !navigator.share) { return; }
    tools.hidden = false;
    if (navigator.share) { button.textContent = button.getAttribute("data-share-text"); }
    button.addEventListener("click", function () {
      var link = button.getAttribute("data-link");
      if (navigator.share) {
        navigator.share({ title: document.title, url: link }).catch(function () {});
        return;
      }
      navigator.clipboard.writeText(link).then(function () {
        status.textContent = button.getAttribute("data-copied-text");
      }, function () {
        status.textContent = button.getAttribute("data-failed-text");
      });
    });
  });
  document.querySelectorAll(".print-button").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
}());
