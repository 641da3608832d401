// Optional help for the page; everything works the same without it (plain forms, no fetch).
// It shows the print button, and chooses "I know it:" as soon as a number is typed.
"use strict";
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
document.querySelectorAll("input[data-known]").forEach(function (input) {
  input.addEventListener("input", function () {
    var radio = document.getElementById(input.dataset.known);
    if (radio && input.value.trim() !== "") { radio.checked = true; }
  });
});
