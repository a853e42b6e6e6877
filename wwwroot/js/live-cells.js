// Live values a panel sent instead of rendering again (src/ShipRoom.Web/Live/LiveCells.cs).
// patches: [[scope, [value or null, ...]], ...]. Each [data-live] element of the [data-live-scope] element, in document
// order, takes one value per name in its data-live attribute ("text" when empty): "text" sets its text, any other name
// that attribute ("" removes it). null leaves that one as it is.
const attributes = new Set(["class", "title", "aria-label", "data-status", "datetime"]);

export function apply(patches) {
  for (const [scope, values] of patches) {
    const root = document.querySelector(`[data-live-scope="${scope}"]`);
    if (!root) {
      continue; // the panel went away since; its next render has the values
    }

    const slots = [];
    for (const cell of root.querySelectorAll("[data-live]")) {
      for (const slot of (cell.getAttribute("data-live") || "text").split(" ")) {
        if (slot !== "text" && !attributes.has(slot)) {
          throw new Error(`live cells: data-live names "${slot}", which is not a value ShipRoom sets`);
        }

        slots.push([cell, slot]);
      }
    }

    // The markup and the values disagree: change nothing and fail, so the server renders instead (LivePatches).
    if (slots.length !== values.length) {
      throw new Error(`live cells: scope ${scope} has ${slots.length} slots for ${values.length} values`);
    }

    slots.forEach(([cell, slot], i) => {
      const value = values[i];
      if (value === null) {
        return;
      }

      if (slot === "text") {
        cell.textContent = value;
      } else if (value === "") {
        cell.removeAttribute(slot);
      } else {
        cell.setAttribute(slot, value);
      }
    });
  }
}
