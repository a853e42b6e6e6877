// The viewer's light/dark choice, kept in this browser across reloads.
const key = "shiproom-theme";

export function load() {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function save(theme) {
  try {
    localStorage.setItem(key, theme);
  } catch {
    // private mode or storage full: the choice lasts until the page reloads
  }
}
