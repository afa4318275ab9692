() => {
  // Runs once when the page loads. The app is designed light: Gradio's dark mode (from the phone's
  // system setting) would mix dark inputs with the light cards, so it is kept off.
  const keepLight = () => {
    // only when set: even a no-op classList.remove() is a mutation, which would re-run the observer
    if (document.body.classList.contains("dark")) document.body.classList.remove("dark");
  };
  keepLight();
  // Dialogs (#xf-modal, #xf-feedback) get a history entry while open,
  // so the phone's back button closes the dialog instead of leaving the app (and the conversation).
  const dialogs = ["xf-modal", "xf-feedback"];
  const isOpen = (id) => {
    const el = document.getElementById(id);
    return !!el && el.getClientRects().length > 0;  // offsetParent is null for position: fixed
  };
  const closeButton = (id) => document.getElementById(`${id}-close`);
  const openNow = new Set();
  const sync = () => {
    keepLight();
    for (const id of dialogs) {
      const open = isOpen(id);
      if (open && !openNow.has(id)) {
        openNow.add(id);
        history.pushState({ xfDialog: id }, "");
        const sheet = document.querySelector(`#${id} .xf-sheet`) || document.getElementById(id);
        if (sheet) sheet.scrollTop = 0;
        const btn = closeButton(id);
        if (btn) btn.focus({ preventScroll: true });
        document.documentElement.classList.add("xf-dialog-open");
      } else if (!open && openNow.has(id)) {
        openNow.delete(id);
        if (history.state && history.state.xfDialog === id) history.back();
      }
    }
    if (openNow.size === 0) document.documentElement.classList.remove("xf-dialog-open");
  };
  new MutationObserver(sync).observe(document.body, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["class", "style"],
  });
  for (const id of dialogs) {
    const el = document.getElementById(id);
    if (el) {
      el.setAttribute("role", "dialog");
      el.setAttribute("aria-modal", "true");
    }
  }
  window.addEventListener("popstate", () => {
    for (const id of dialogs) {
      if (openNow.has(id)) {
        openNow.delete(id);
        const btn = closeButton(id);
        if (btn) btn.click();
      }
    }
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.key !== "Escape") return;
    for (const id of dialogs) {
      if (isOpen(id)) {
        const btn = closeButton(id);
        if (btn) btn.click();
      }
    }
  });
}
