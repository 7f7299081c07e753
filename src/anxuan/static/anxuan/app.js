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

// The SHA-256 of a File, read in slices of 4 MB (crypto.subtle is missing on plain http and
// digests only a whole buffer at once): what the app checks a direct upload against.
var sha256 = (function () {
  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ]);
  var SLICE = 4 * 1024 * 1024;
  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }
  function Hash() {
    this.h = new Uint32Array([
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
    ]);
    this.w = new Uint32Array(64);
    this.rest = new Uint8Array(64);
    this.filled = 0;
    this.length = 0;
  }
  Hash.prototype.block = function (bytes, at) {
    var w = this.w, h = this.h, i;
    for (i = 0; i < 16; i++, at += 4) {
      w[i] = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
    }
    for (i = 16; i < 64; i++) {
      var a = w[i - 15], b = w[i - 2];
      w[i] = w[i - 16] + (rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)) + w[i - 7] +
        (rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10));
    }
    var A = h[0], B = h[1], C = h[2], D = h[3], E = h[4], F = h[5], G = h[6], H = h[7];
    for (i = 0; i < 64; i++) {
      var t1 = (H + (rotr(E, 6) ^ rotr(E, 11) ^ rotr(E, 25)) + ((E & F) ^ (~E & G)) + K[i] + w[i]) | 0;
      var t2 = ((rotr(A, 2) ^ rotr(A, 13) ^ rotr(A, 22)) + ((A & B) ^ (A & C) ^ (B & C))) | 0;
      H = G; G = F; F = E; E = (D + t1) | 0; D = C; C = B; B = A; A = (t1 + t2) | 0;
    }
    h[0] += A; h[1] += B; h[2] += C; h[3] += D; h[4] += E; h[5] += F; h[6] += G; h[7] += H;
  };
  Hash.prototype.update = function (bytes) {
    var i = 0;
    this.length += bytes.length;
    if (this.filled) {
      i = Math.min(64 - this.filled, bytes.length);
      this.rest.set(bytes.subarray(0, i), this.filled);
      this.filled += i;
      if (this.filled < 64) return;
      this.block(this.rest, 0);
      this.filled = 0;
    }
    for (; i + 64 <= bytes.length; i += 64) this.block(bytes, i);
    if (i < bytes.length) {
      this.rest.set(bytes.subarray(i), 0);
      this.filled = bytes.length - i;
    }
  };
  Hash.prototype.hex = function () {
    var bits = this.length * 8;
    var pad = new Uint8Array((this.filled < 56 ? 64 : 128) - this.filled);
    var view = new DataView(pad.buffer);
    pad[0] = 0x80;
    view.setUint32(pad.length - 8, Math.floor(bits / 0x100000000));
    view.setUint32(pad.length - 4, bits >>> 0);
    this.update(pad);
    return Array.prototype.map.call(this.h, function (x) {
      return ("0000000" + x.toString(16)).slice(-8);
    }).join("");
  };
  return function (file) {
    var hash = new Hash();
    function from(at) {
      if (at >= file.size) return Promise.resolve(hash.hex());
      return file.slice(at, at + SLICE).arrayBuffer().then(function (buffer) {
        hash.update(new Uint8Array(buffer));
        return from(at + SLICE);
      });
    }
    return from(0);
  };
})();

// <div data-direct="URL"> holds a report's file input where files live in an object store:
// on sending the form, each chosen file goes from the browser straight to the store (a PUT
// the app signs at URL, then checks), and the form is then sent without them. When a file
// is refused or the store is away, the page says why and keeps the files chosen.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var box = form.querySelector("[data-direct]");
  var input = box && box.querySelector("input[type=file]");
  if (event.defaultPrevented || !input || !input.files.length) return;
  event.preventDefault();
  var files = Array.prototype.slice.call(input.files);
  var status = box.querySelector("[data-direct-status]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var chinese = document.documentElement.lang.indexOf("zh") === 0;
  function key() {
    return Array.prototype.map.call(window.crypto.getRandomValues(new Uint8Array(16)), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  function refused(response) {
    return response.json().then(function (body) {
      throw new Error(chinese ? body.message : body.message_en);
    }, function () { throw new Error(box.dataset.directFailed); });
  }
  function api(url, payload, idempotency) {
    var headers = { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf };
    if (idempotency) headers["Idempotency-Key"] = idempotency;
    return fetch(url, { method: "POST", credentials: "same-origin", headers: headers, body: JSON.stringify(payload) })
      .then(function (r) { return r.ok ? r.json() : refused(r); });
  }
  function send(n) {
    if (n === files.length) return Promise.resolve();
    var file = files[n];
    status.textContent = box.dataset.directSending + " " + (n + 1) + "/" + files.length + " " + file.name;
    return sha256(file)
      .then(function (hash) {
        return api(box.dataset.direct, { filename: file.name, size: file.size, sha256: hash }, key());
      })
      .then(function (put) {
        var headers = {};  // the browser sets Content-Length from the file itself
        Object.keys(put.headers).forEach(function (name) {
          if (name.toLowerCase() !== "content-length") headers[name] = put.headers[name];
        });
        return fetch(put.url, { method: put.method, headers: headers, body: file }).then(function (r) {
          if (!r.ok) throw new Error(box.dataset.directFailed);
          return api(put.complete, {});
        });
      })
      .then(function () { return send(n + 1); });
  }
  send(0).then(function () {
    input.value = "";
    if (event.submitter && event.submitter.name) {
      var pressed = document.createElement("input");
      pressed.type = "hidden";
      pressed.name = event.submitter.name;
      pressed.value = event.submitter.value;
      form.appendChild(pressed);
    }
    HTMLFormElement.prototype.submit.call(form);  // form.submit is the button named "submit"
  }, function (error) {
    // a TypeError is fetch's own "Failed to fetch" (no connection): said in the page's words
    status.textContent = (error instanceof TypeError ? "" : error.message) || box.dataset.directFailed;
    status.classList.add("error");
    delete form.dataset.sent;
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
  });
});
