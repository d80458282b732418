// Small behaviours of the site's pages, as data attributes (the CSP refuses inline handlers).

// A form with data-confirm asks before it is sent.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// A button with data-copy="#id" copies that element's text and says so (data-copied).
document.addEventListener("click", async (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source) return;
  try {
    await navigator.clipboard.writeText(source.textContent.trim());
    button.textContent = button.dataset.copied;
  } catch {
    // No clipboard (an insecure origin, a refused permission): select the text to copy by hand.
    window.getSelection().selectAllChildren(source);
    button.textContent = button.dataset.selected;
  }
});
