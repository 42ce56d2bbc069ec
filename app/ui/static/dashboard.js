// Orderflow dashboard: ask before any form marked data-confirm is sent. Everything else
// (the polling of live parts) is htmx attributes; the pages read fine without scripts.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
