// Blazor's JS initializer (found by its name, run before Blazor starts, so the events are known before any handler is
// attached): the events of rows written as one markup string (Live/RowsHtml.cs), which carry no handlers of their own.
// One handler on the list hears them all and learns which row and which action (Components/Controls/RowEvents.cs).
export function beforeWebStart() {
  const row = target => target.closest("[data-row]")?.getAttribute("data-row") ?? null;
  Blazor.registerCustomEventType("rowchange", {
    browserEventName: "change",
    createEventArgs: event => ({ row: row(event.target), checked: event.target.checked === true }),
  });
  Blazor.registerCustomEventType("rowclick", {
    browserEventName: "click",
    createEventArgs: event => ({ row: row(event.target), action: event.target.closest("[data-row-action]")?.getAttribute("data-row-action") ?? null }),
  });
}
