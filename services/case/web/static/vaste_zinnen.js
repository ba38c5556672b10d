// Adds a vetted sentence to its field in place, without posting the form. Without this script
// the button posts the form and the page comes back with the sentence added.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.vetted-sentence");
  if (!button) { return; }
  var box = button.closest(".vetted");
  var field = box && document.getElementById(box.getAttribute("data-veld"));
  if (!field) { return; }
  event.preventDefault();
  var current = field.value.replace(/\s+$/, "");
  field.value = current ? current + " " + button.getAttribute("data-zin") : button.getAttribute("data-zin");
  field.focus();
});
