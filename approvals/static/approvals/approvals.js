/* Small helps on the work pages; everything works without them (the server refuses a repeated
   submission on its own). */
(function () {
  "use strict";

  // 民主评议: the vote sums are checked before sending, so that a slip does not cost the files
  // already chosen (a browser cannot re-fill them after the server refuses; the server checks again).
  document.querySelectorAll("form[data-vote-check]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var present = parseInt((form.querySelector("[name=present_members]") || {}).value, 10);
      var message = form.querySelector("[data-vote-check-message]");
      var wrong = [];
      form.querySelectorAll("input[type=checkbox][name^=include_]").forEach(function (box) {
        if (!box.checked || isNaN(present)) { return; }
        var pk = box.name.slice(8), sum = 0;
        ["agree_", "against_", "abstain_"].forEach(function (p) {
          var v = parseInt((form.querySelector("[name=" + p + pk + "]") || {}).value, 10);
          sum += isNaN(v) ? 0 : v;
        });
        if (sum > present) {
          wrong.push(box.closest("tr").querySelector(".mono").textContent + "：合计" + sum + "票，超过实到人数" + present + "人");
        }
      });
      if (wrong.length && message) {
        event.preventDefault();
        event.stopImmediatePropagation();
        message.textContent = wrong.join("；") + "。请更正后再保存（已选择的文件仍保留）。";
        message.hidden = false;
        message.scrollIntoView({ block: "center" });
      }
    });
  });

  // A double click sends one request: the submit button is disabled once its form is sent.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent === "1") { event.preventDefault(); return; }
      form.dataset.sent = "1";
      form.querySelectorAll("button[data-once]").forEach(function (b) {
        window.setTimeout(function () { b.disabled = true; b.textContent = "正在提交…"; }, 0);
      });
    });
  });
  // Buttons outside their form (form="…") too.
  document.querySelectorAll("button[form]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });

  // Show the chosen file's name next to our own "选择文件" button.
  document.querySelectorAll(".file-pick input[type=file]").forEach(function (input) {
    input.addEventListener("change", function () {
      var name = input.parentNode.querySelector("[data-file-name]");
      if (name) {
        var n = input.files.length;
        name.textContent = n > 1 ? "已选择" + n + "个文件" : (n ? input.files[0].name : "未选择文件");
      }
    });
  });

  // Select every bulk checkbox of the page.
  document.querySelectorAll("[data-check-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll('input[type="checkbox"][name="task"]').forEach(function (c) { c.checked = box.checked; });
    });
  });

  // Background render progress: poll the status and show the link when it is done.
  var progress = document.querySelector("[data-progress-url]");
  if (progress) {
    var bar = progress.querySelector("progress");
    var text = progress.querySelector("[data-progress-text]");
    var done = document.querySelector("[data-progress-done]");
    var poll = function () {
      fetch(progress.dataset.progressUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          bar.max = data.total || 1;
          bar.value = data.done + data.failed;
          text.textContent = data.status_label + "：" + (data.done + data.failed) + " / " + data.total + "（" + data.percent + "%）";
          if (data.status === "finished" || data.status === "failed") {
            if (done) { done.hidden = false; }
          } else {
            window.setTimeout(poll, 1500);
          }
        })
        .catch(function () { window.setTimeout(poll, 4000); });
    };
    poll();
  }
})();
