// Live parts of the Zonké dashboard. An element with data-poll="URL" re-fetches that
// server-rendered fragment every data-every seconds and swaps it in; it stops once the
// fragment carries data-final (a run has ended). Without JavaScript, a reload shows the same.
"use strict";
document.querySelectorAll("[data-poll]").forEach(function (box) {
  var every = Math.max(1, Number(box.getAttribute("data-every") || 5)) * 1000;
  function done() { return box.querySelector("[data-final]") !== null; }
  function tick() {
    if (done()) { return; }
    fetch(box.getAttribute("data-poll"), { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { box.innerHTML = html; box.setAttribute("aria-busy", "false"); })
      .catch(function () { box.setAttribute("aria-busy", "true"); })
      .finally(function () { setTimeout(tick, every); });
  }
  setTimeout(tick, every);
});
