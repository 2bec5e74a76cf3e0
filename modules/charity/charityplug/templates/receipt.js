// The donor's page: the receipt's QR code carries the receipt key in the
// address's fragment (#k=...), which browsers never send to a server.
// This fills the key into the "is this my donation" form.
(function () {
  var m = /(?:^|[#&])k=([0-9a-fA-F]{32})(?:&|$)/.exec(window.location.hash);
  var input = document.getElementById("key");
  if (m && input) {
    input.value = m[1].toLowerCase();
  }
})();
