// The hr password's on-screen PIN pad (issue 12, SPEC PWD-1..3). Each pad fills the password
// input of its own form that last had the focus; the digits stay in that input and leave the
// page only in the form's POST body. Nothing is stored, logged or sent anywhere else.
"use strict";
(function () {
  function setUp(pad) {
    var form = pad.closest("form");
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-pin]"));
    if (!inputs.length) return;
    var target = inputs[0];
    inputs.forEach(function (input) {
      input.addEventListener("focus", function () { target = input; });
    });
    pad.hidden = false;
    pad.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      if (button.dataset.digit !== undefined) {
        if (target.value.length < 6) target.value += button.dataset.digit;
      } else if (button.dataset.key === "back") {
        target.value = target.value.slice(0, -1);
      } else if (button.dataset.key === "clear") {
        target.value = "";
      }
      if (target.value.length === 6) {
        var next = inputs[inputs.indexOf(target) + 1];
        if (next) target = next;
      }
    });
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-pinpad]"), setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
