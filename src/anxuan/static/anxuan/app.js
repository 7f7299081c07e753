// Anxuan's only script. A form is sent once, however often its button is pressed.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sent === "1") {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  window.setTimeout(function () {
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  }, 0);
});
// A page shown again from the back/forward cache can be sent again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sent]").forEach(function (form) {
    delete form.dataset.sent;
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
  });
});
// <input type="checkbox" data-check-all="#list"> ticks or unticks every box in #list.
document.addEventListener("change", function (event) {
  var selector = event.target.dataset && event.target.dataset.checkAll;
  if (!selector) return;
  document.querySelectorAll(selector + " input[type=checkbox]").forEach(function (box) {
    box.checked = event.target.checked;
  });
});
