/*
 * "Cette page vous a-t-elle été utile ?" - overrides/partials/feedback.html.
 *
 * One POST /api/feedback per page view, JSON {page, helpful, comment?}:
 * - the person answers Oui or Non, then may add a comment and press "Envoyer mon avis";
 * - if they leave the page first, the answer alone is sent then (fetch keepalive: sendBeacon
 *   cannot send Content-Type application/json, which the API requires).
 * No cookie, no identifier, no third party: only the page path and the answer.
 */
(function () {
  "use strict";

  function setup() {
    var form = document.forms.feedback;
    if (!form || !window.fetch) return;
    var endpoint = form.getAttribute("data-endpoint") || "/api/feedback";
    var status = form.querySelector(".ent-feedback__status");
    var comment = form.querySelector(".ent-feedback__comment");
    var textarea = form.querySelector("textarea");
    var sendButton = form.querySelector("[data-feedback-send]");
    var fieldset = form.querySelector("fieldset");
    var answer = null;
    var sent = false;

    function send(keepalive) {
      if (answer === null || sent) return;
      sent = true;
      var body = { page: location.pathname, helpful: answer };
      var text = textarea ? textarea.value.trim() : "";
      if (text) body.comment = text.slice(0, 1000);
      var request = fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        keepalive: keepalive,
        body: JSON.stringify(body)
      });
      if (keepalive) return;
      request.then(function (response) {
        status.textContent = response.ok
          ? "Merci, votre avis a bien été envoyé."
          : "Votre avis n'a pas pu être envoyé. Merci quand même !";
      }, function () {
        status.textContent = "Votre avis n'a pas pu être envoyé. Merci quand même !";
      });
      comment.hidden = true;
      status.focus();
    }

    function choose(button) {
      if (answer !== null) return;
      var value = button.getAttribute("data-md-value");
      answer = value === "1";
      var note = form.querySelector("template[data-md-value='" + value + "']");
      status.textContent = note ? note.content.textContent.trim() : "Merci pour votre réponse.";
      for (var other of fieldset.querySelectorAll("button")) {
        other.setAttribute("aria-pressed", other === button ? "true" : "false");
        other.disabled = true;
      }
      comment.hidden = false;
      textarea.focus();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    for (var button of fieldset.querySelectorAll("button[data-md-value]")) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        choose(event.currentTarget);
      });
    }
    sendButton.addEventListener("click", function () {
      send(false);
    });
    window.addEventListener("pagehide", function () {
      send(true);
    });
    form.hidden = false;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
