// Optional help for the page; everything works the same without it (plain forms, no fetch).
// It shows the print button, chooses "I know it:" as soon as a number is typed, and unticks
// "I don't know" when an answer is ticked (the server reads the form the same either way).
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
// In a pick-any question, "I don't know" and the answers exclude each other.
document.querySelectorAll('input[type="checkbox"][value="unknown"]').forEach(function (unknown) {
  var others = document.querySelectorAll(
    'input[type="checkbox"][name="' + unknown.name + '"]:not([value="unknown"])');
  unknown.addEventListener("change", function () {
    if (unknown.checked) { others.forEach(function (other) { other.checked = false; }); }
  });
  others.forEach(function (other) {
    other.addEventListener("change", function () {
      if (other.checked) { unknown.checked = false; }
    });
  });
});
