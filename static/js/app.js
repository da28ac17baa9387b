/* Small enhancements; every page works without them. */
(function () {
  "use strict";

  // "查看完整号码": fetch the number in place instead of leaving the page (the server audits each use).
  document.querySelectorAll("form.reveal-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
        cache: "no-store"
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.status === 403 ? "无权查看" : "查看失败"); }
        return response.json();
      }).then(function (data) {
        var target = document.querySelector('[data-id-number="' + form.dataset.target + '"]');
        if (target) { target.textContent = data.id_number; target.classList.add("revealed-inline"); }
        form.remove();
      }).catch(function (error) {
        button.disabled = false;
        button.textContent = error.message + "，重试";
      });
    });
  });

  // A choice that changes the page's subject (e.g. the village of a new batch) reloads it at once
  // (no inline handler: the Content-Security-Policy allows scripts from our own files only).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
