/* The household entry page: each ID number checked as it is typed (GB 11643: 18 characters, a real
   birth date, the check digit). The server checks again on saving; this only saves a round trip. */
(function () {
  "use strict";
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";

  function normalise(value) {
    // Full-width digits and Ｘ from Chinese input methods; spaces and hyphens from copying.
    return value.replace(/[\uFF10-\uFF19]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); })
      .replace(/[Ｘｘx]/g, "X").replace(/[\s-]/g, "");
  }

  function problem(number) {
    if (number.length !== 18) { return "身份证号码应为18位，当前为" + number.length + "位。"; }
    if (!/^\d{17}[\dX]$/.test(number)) { return "前17位须为数字，末位须为数字或X。"; }
    var y = +number.slice(6, 10), m = +number.slice(10, 12), d = +number.slice(12, 14);
    var birth = new Date(y, m - 1, d);
    if (birth.getFullYear() !== y || birth.getMonth() !== m - 1 || birth.getDate() !== d) {
      return "出生日期 " + number.slice(6, 14) + " 不存在。";
    }
    if (y < 1900 || birth > new Date()) { return "出生日期 " + number.slice(6, 14) + " 不可能。"; }
    var sum = 0;
    for (var i = 0; i < 17; i++) { sum += (+number[i]) * WEIGHTS[i]; }
    var expected = CHECK[sum % 11];
    if (number[17] !== expected) { return "校验位错误：末位应为 " + expected + "，请核对。"; }
    return "";
  }

  document.querySelectorAll('input[name$="-id_number_entry"]').forEach(function (input) {
    var feedback = input.parentNode.querySelector("[data-id-feedback]");
    if (!feedback) { return; }
    var original = feedback.textContent;
    input.addEventListener("input", function () {
      var number = normalise(input.value);
      feedback.classList.remove("id-bad", "id-good");
      if (!number) { feedback.textContent = original; return; }
      if (number.length < 18) { feedback.textContent = "已输入" + number.length + "位，共18位。"; return; }
      var found = problem(number);
      feedback.textContent = found || ("号码格式正确：" + number.slice(6, 10) + "年" + (+number.slice(10, 12)) + "月" +
        (+number.slice(12, 14)) + "日出生，" + ((+number[16]) % 2 ? "男" : "女") + "。");
      feedback.classList.add(found ? "id-bad" : "id-good");
      input.setAttribute("aria-invalid", found ? "true" : "false");
    });
  });
})();
