// The call page: the transcript follows the player, a line or a verdict seeks it, a verdict
// highlights its evidence, and an overridden verdict asks for its reason. No dependencies.
(function () {
  "use strict";
  var player = document.getElementById("player");
  var lines = Array.prototype.slice.call(document.querySelectorAll("[data-testid=transcript-line]"));
  var current = null;

  function seek(seconds) {
    if (!player || isNaN(seconds)) { return; }
    player.currentTime = seconds;
    follow();
  }

  function follow() {
    if (!player) { return; }
    var t = player.currentTime, found = null;
    for (var i = 0; i < lines.length; i++) {
      if (parseFloat(lines[i].dataset.start) <= t + 0.05) { found = lines[i]; }
    }
    if (found === current) { return; }
    if (current) { current.classList.remove("playing"); current.removeAttribute("aria-current"); }
    current = found;
    if (current) {
      current.classList.add("playing");
      current.setAttribute("aria-current", "true");
      var box = document.getElementById("transcript");
      if (box && !player.paused) {
        box.scrollTop = current.offsetTop - box.offsetTop - box.clientHeight / 3;
      }
    }
  }

  // The measures' timeline: a line at the player's position; a click on a row seeks there.
  var timeline = document.getElementById("measures");
  var duration = timeline ? parseFloat(timeline.dataset.duration) : NaN;
  var heads = Array.prototype.slice.call(document.querySelectorAll("[data-testid=playhead]"));

  function moveHead() {
    if (!player || !(duration > 0)) { return; }
    var at = (Math.min(Math.max(player.currentTime / duration, 0), 1) * 100).toFixed(2) + "%";
    heads.forEach(function (head) { head.setAttribute("x1", at); head.setAttribute("x2", at); });
  }

  if (player) {
    player.addEventListener("timeupdate", follow);
    player.addEventListener("seeked", follow);
    player.addEventListener("timeupdate", moveHead);
    player.addEventListener("seeked", moveHead);
    if (timeline && duration > 0) {
      timeline.querySelectorAll(".tl-track").forEach(function (track) {
        track.addEventListener("click", function (event) {
          var box = track.getBoundingClientRect();
          if (box.width > 0) { seek((event.clientX - box.left) / box.width * duration); }
        });
      });
    }
  }
  lines.forEach(function (line) {
    line.addEventListener("click", function () { seek(parseFloat(line.dataset.start)); });
  });

  var verdicts = document.querySelectorAll("[data-testid=verdict]");
  Array.prototype.forEach.call(verdicts, function (button) {
    button.addEventListener("click", function () {
      var id = button.dataset.criterion;
      document.querySelectorAll(".highlight").forEach(function (el) { el.classList.remove("highlight"); });
      document.querySelectorAll("[aria-pressed=true]").forEach(function (el) { el.setAttribute("aria-pressed", "false"); });
      button.setAttribute("aria-pressed", "true");
      var marks = document.querySelectorAll('[data-testid=evidence][data-criterion="' + id + '"]');
      marks.forEach(function (mark) {
        mark.classList.add("highlight");
        var line = mark.closest("[data-testid=transcript-line]");
        if (line) { line.classList.add("highlight"); }
      });
      if (marks.length) {
        var box = document.getElementById("transcript");
        var line = marks[0].closest("[data-testid=transcript-line]");
        if (box && line) { box.scrollTop = line.offsetTop - box.offsetTop - 8; }
      }
      if (button.dataset.start !== undefined) { seek(parseFloat(button.dataset.start)); }
    });
  });

  // An outcome other than the automatic one needs a reason: say so before the server does.
  document.querySelectorAll("select[data-automatic]").forEach(function (select) {
    var reason = document.getElementById("r-" + select.id.slice(2));
    function check() {
      var overriding = select.value !== select.dataset.automatic;
      if (reason) { reason.required = overriding; reason.closest("tr").classList.toggle("overriding", overriding); }
    }
    select.addEventListener("change", check);
    check();
  });
})();
