// Minimal behaviour, no framework: a click on a highlighted quote also flashes its criterion.
document.addEventListener("click", (event) => {
  const mark = event.target.closest("mark.ev");
  if (!mark) return;
  const field = document.getElementById("field-" + mark.dataset.criterion);
  if (field) field.animate([{ background: "#fff7c2" }, { background: "#fff" }], 800);
});
