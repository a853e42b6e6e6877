// Blazor's JS initializer (found by its name, run before Blazor starts, so the events are known before any handler is
// attached): the events of rows written as markup (Live/RowsHtml.cs), which carry no handlers of their own. One handler
// on the list hears them all and learns which row and which action (Components/Controls/RowEvents.cs).
const actionEvent = "shiproom-rowaction";

export function beforeWebStart() {
  const row = target => target.closest("[data-row]")?.getAttribute("data-row") ?? null;
  Blazor.registerCustomEventType("rowchange", {
    browserEventName: "change",
    createEventArgs: event => ({ row: row(event.target), checked: event.target.checked === true }),
  });
  // Only a click on a row's action (a button marked data-row-action) becomes an event: a click elsewhere in the list
  // (a label, a checkbox, text) is not sent to the server.
  document.addEventListener("click", event => {
    const button = event.target instanceof Element ? event.target.closest("[data-row] [data-row-action]") : null;
    button?.dispatchEvent(new CustomEvent(actionEvent, { bubbles: true }));
  });
  Blazor.registerCustomEventType("rowaction", {
    browserEventName: actionEvent,
    createEventArgs: event => ({ row: row(event.target), action: event.target.getAttribute("data-row-action") }),
  });
  keepFocusInRows();
}

// A render of rows written as markup replaces them, so a button someone just used (by keyboard above all) would be gone
// and the focus would fall back to the page. When the focused control of a row goes that way, the control with the same
// id in the new rows takes the focus back; focus that moved anywhere else is left alone.
function keepFocusInRows() {
  let focused = null;
  document.addEventListener("focusin", event => {
    focused = event.target instanceof Element && event.target.id && event.target.closest("[data-row]") ? event.target : null;
  });
  new MutationObserver(() => {
    if (focused && !focused.isConnected) {
      const id = focused.id;
      focused = null;
      document.getElementById(id)?.focus();
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
}
