/* Opens the returns dialog (templates/factures/retours/_dialogue.html) once the DSFR is
   ready; when acknowledging is mandatory, reopens it if the user presses Escape. */
(function () {
  "use strict";
  var dialogue = document.getElementById("dialogue-retours");
  if (!dialogue) { return; }
  var obligatoire = dialogue.hasAttribute("data-obligatoire");
  function ouvrir() {
    if (window.dsfr && window.dsfr(dialogue) && window.dsfr(dialogue).modal) {
      window.dsfr(dialogue).modal.disclose();
      return true;
    }
    return false;
  }
  function essayer(reste) {
    if (!ouvrir() && reste > 0) { window.setTimeout(function () { essayer(reste - 1); }, 100); }
  }
  if (obligatoire) {
    dialogue.addEventListener("dsfr.conceal", function () { window.setTimeout(ouvrir, 0); });
  }
  if (document.readyState === "complete") { essayer(30); }
  else { window.addEventListener("load", function () { essayer(30); }); }
})();
