// The service auditor's signing in the browser. The key is an Ed25519
// key made by WebCrypto as non-extractable: its private half never leaves
// this browser and no script can read it; it is kept in IndexedDB, one per
// engagement. Forms marked data-sign post their fields with the key's
// fingerprint; the server answers 428 with the statement of the act as it
// would record it; this script signs that statement and posts the same
// fields again with the statement and its signature. The organization
// serves this script, so a statement signed here is weaker than one
// signed with attest --auditor-key on the auditor's own machine, and the
// drafts say so.
(function () {
  "use strict";
  if (!window.crypto || !crypto.subtle || !window.indexedDB || !window.fetch) { return; }
  var engagement = document.body.getAttribute("data-engagement");
  if (!engagement) { return; }

  function db() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open("attest-auditor", 1);
      req.onupgradeneeded = function () { req.result.createObjectStore("keys", { keyPath: "engagement" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function getKey() {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var req = d.transaction("keys").objectStore("keys").get(engagement);
        req.onsuccess = function () { resolve(req.result || null); };
        req.onerror = function () { reject(req.error); };
      });
    });
  }
  function putKey(rec) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction("keys", "readwrite");
        tx.objectStore("keys").put(rec);
        tx.oncomplete = function () { resolve(rec); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function b64(buf) {
    var s = "", b = new Uint8Array(buf);
    for (var i = 0; i < b.length; i++) { s += String.fromCharCode(b[i]); }
    return btoa(s);
  }
  function sign(rec, text) {
    return crypto.subtle.sign({ name: "Ed25519" }, rec.privateKey, new TextEncoder().encode(text)).then(b64);
  }
  function show(el, text) {
    var out = el.querySelector(".sign-status") || document.getElementById("sign-status");
    if (out) { out.textContent = text; }
  }

  // post sends fields to url; a 428 answer is signed and sent again.
  function post(url, fields, rec) {
    var body = new URLSearchParams(fields);
    if (rec) { body.set("key", rec.fingerprint); }
    var opts = { method: "POST", body: body, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    return fetch(url, opts).then(function (resp) {
      if (resp.status !== 428 || !rec) { return resp; }
      return resp.json().then(function (j) {
        return sign(rec, j.sign.statement).then(function (sig) {
          body.set("statement", j.sign.statement);
          body.set("signature", sig);
          return fetch(url, opts);
        });
      });
    });
  }
  function finish(form, resp) {
    var type = resp.headers.get("Content-Type") || "";
    if (resp.ok) {
      if (type.indexOf("application/json") >= 0) { window.location.reload(); } else { window.location.assign(resp.url); }
      return;
    }
    if (type.indexOf("application/json") >= 0) {
      return resp.json().then(function (j) { show(form, (j.error && j.error.message) || ("Refused (HTTP " + resp.status + ")")); });
    }
    return resp.text().then(function (t) { show(form, "Refused (HTTP " + resp.status + "): " + t.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim().slice(0, 300)); });
  }

  // Every auditor form signs its act with this browser's key. The
  // handlers are attached at once (a quick click must not post unsigned);
  // the key is read from IndexedDB when needed.
  var keyReady = getKey();
  var forms = document.querySelectorAll("form[data-sign]");
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var button = form.querySelector("button[type=submit]");
      keyReady.then(function (rec) {
        if (!rec) { show(form, "Make and confirm a signing key first (the signing keys page)."); return; }
        if (button) { button.disabled = true; }
        show(form, "Signing...");
        return post(form.getAttribute("action"), new FormData(form), rec).then(function (resp) { return finish(form, resp); });
      }).catch(function (e) { show(form, "Not sent: " + e); })
        .then(function () { if (button) { button.disabled = false; } });
    });
  });

  // The signing keys page: make, enroll and confirm a key.
  var make = document.getElementById("make-key");
  var status = document.getElementById("sign-status");
  var confirmBox = document.getElementById("confirm-key");
  if (make) {
    make.addEventListener("click", function () {
      make.disabled = true;
      status.textContent = "Making a key...";
      crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]).then(function (pair) {
        return crypto.subtle.exportKey("raw", pair.publicKey).then(function (raw) {
          return post("/api/v1/engagements/" + encodeURIComponent(engagement) + "/auditor-keys", { public_key: b64(raw), holder: "browser" }, null)
            .then(function (resp) {
              return resp.json().then(function (j) {
                if (!resp.ok) { throw new Error((j.error && j.error.message) || ("HTTP " + resp.status)); }
                return putKey({ engagement: engagement, fingerprint: j.fingerprint, privateKey: pair.privateKey, publicKey: b64(raw) });
              });
            });
        });
      }).then(function (saved) {
        keyReady = Promise.resolve(saved);
        document.getElementById("key-fingerprint").textContent = saved.fingerprint;
        confirmBox.hidden = false;
        status.textContent = "Enrolled. Compare the fingerprint with your firm's record, then confirm it.";
      }).catch(function (e) { status.textContent = "Not enrolled: " + e.message; make.disabled = false; });
    });
    document.getElementById("confirm-button").addEventListener("click", function () {
      status.textContent = "Confirming...";
      keyReady.then(function (rec) {
        return post("/api/v1/engagements/" + encodeURIComponent(engagement) + "/auditor-keys/confirm", {}, rec);
      }).then(function (resp) {
        return resp.json().then(function (j) {
          if (!resp.ok) { throw new Error((j.error && j.error.message) || ("HTTP " + resp.status)); }
          status.textContent = "Confirmed: your acts on this engagement are now signed with this key.";
          window.location.reload();
        });
      }).catch(function (e) { status.textContent = "Not confirmed: " + e.message; });
    });
  }

  keyReady.then(function (rec) {
    var note = document.getElementById("sign-key");
    if (note) {
      note.textContent = rec ? ("Your acts are signed in this browser with key " + rec.fingerprint + ".") :
        "No signing key in this browser for this engagement: make one on the signing keys page before you draw, test or request.";
    }
    if (rec && confirmBox) {
      document.getElementById("key-fingerprint").textContent = rec.fingerprint;
      confirmBox.hidden = false;
    }
    document.body.setAttribute("data-sign-ready", "");
  });
})();
