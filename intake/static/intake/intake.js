// The chosen file's name beside the Chinese 选择文件 button (templates/intake/_field.html).
document.querySelectorAll(".file-pick input[type=file]").forEach(function (input) {
  input.addEventListener("change", function () {
    var name = input.parentNode.querySelector("[data-file-name]");
    if (name) { name.textContent = input.files.length ? input.files[0].name : "未选择文件"; }
  });
});
