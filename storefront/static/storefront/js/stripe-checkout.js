// Card payments with Stripe Elements (loaded only when a Stripe key is configured).
// The card never touches our server: Stripe.js turns it into a PaymentMethod id, which the
// form sends as `payment_token`; the server opens and confirms the PaymentIntent.
(function () {
  var box = document.getElementById("stripe-card");
  var form = document.getElementById("pay-form");
  if (!box || !form || typeof Stripe === "undefined") return;
  var stripe = Stripe(box.getAttribute("data-publishable-key"));
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var errors = document.getElementById("card-errors");
  card.on("change", function (event) { errors.textContent = event.error ? event.error.message : ""; });
  form.addEventListener("submit", function (event) {
    var chosen = form.querySelector('input[name="gateway"]:checked');
    var token = document.getElementById("payment-token");
    if (!chosen || chosen.value !== box.getAttribute("data-gateway") || token.value) return;
    event.preventDefault();
    stripe.createPaymentMethod({ type: "card", card: card }).then(function (result) {
      if (result.error) { errors.textContent = result.error.message; return; }
      token.value = result.paymentMethod.id;
      form.submit();
    });
  });
})();
