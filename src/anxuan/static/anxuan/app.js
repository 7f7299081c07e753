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
// <input type="checkbox" data-check-all="#list"> ticks or unticks every box in #list that
// can be changed (a disabled box, such as a unit already taking part, stays as it is).
document.addEventListener("change", function (event) {
  var selector = event.target.dataset && event.target.dataset.checkAll;
  if (!selector) return;
  document.querySelectorAll(selector + " input[type=checkbox]:not(:disabled)").forEach(function (box) {
    box.checked = event.target.checked;
  });
});
// <div data-poll="URL" data-state="…"> is an export's progress: it asks URL every second
// until the file is ready, then starts the download.
(function () {
  var box = document.querySelector("[data-poll]");
  if (!box) return;
  function unfinished(state) { return state === "queued" || state === "running"; }
  function show(status) {
    box.querySelector("progress").value = status.percent;
    box.querySelector("[data-field=percent]").textContent = status.percent;
    var label = box.querySelector("[data-field=label]");
    label.textContent = status.label;
    label.classList.toggle("ok", status.state === "done");
    box.querySelectorAll("[data-show]").forEach(function (el) {
      el.hidden = el.dataset.show.split(" ").indexOf(status.state) < 0;
    });
  }
  function poll() {
    fetch(box.dataset.poll, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (status) {
        show(status);
        if (unfinished(status.state)) window.setTimeout(poll, 1000);
        else if (status.download) window.location.assign(status.download);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (unfinished(box.dataset.state)) window.setTimeout(poll, 1000);
})();
// <button data-print> prints the page (its print style sheet decides what goes on paper).
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) window.print();
});
// The header's menus (<details class="menu">) work without this; it closes an open one when
// the person clicks anywhere else, as menus do.
document.addEventListener("click", function (event) {
  document.querySelectorAll("details.menu[open]").forEach(function (menu) {
    if (!menu.contains(event.target)) menu.open = false;
  });
});

// An element with data-leave-warning (a receipt shown only once) makes the browser ask
// before the page is left or closed.
if (document.querySelector("[data-leave-warning]")) {
  window.addEventListener("beforeunload", function (event) {
    event.preventDefault();
    event.returnValue = "";
  });
}
// <form data-confirm="question"> asks before it is sent (withdrawing a tip cannot be undone).
document.addEventListener("submit", function (event) {
  var question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
// <div data-cascade="URL"> holds one <select> per region level (tips' place): choosing a
// level drops the ones below it and asks URL?parent=ID for the next; the last chosen wins.
document.addEventListener("change", function (event) {
  var select = event.target;
  var box = select.closest && select.closest("[data-cascade]");
  if (!box || select.tagName !== "SELECT") return;
  while (select.nextElementSibling) box.removeChild(select.nextElementSibling);
  if (!select.value) return;
  var url = box.dataset.cascade + "?parent=" + encodeURIComponent(select.value);
  fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
    .then(function (found) {
      if (!found.places.length || select.nextElementSibling) return;
      var next = document.createElement("select");
      next.name = select.name;
      next.setAttribute("aria-label", select.getAttribute("aria-label"));
      var blank = document.createElement("option");
      blank.value = "";
      blank.textContent = select.options[0].textContent;
      next.appendChild(blank);
      found.places.forEach(function (place) {
        var option = document.createElement("option");
        option.value = place.id;
        option.textContent = place.name;
        next.appendChild(option);
      });
      box.appendChild(next);
    })
    .catch(function () {});
});
