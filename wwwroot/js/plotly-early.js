// Starts loading Plotly (the bundle the dashboard's charts draw with) as the page is parsed, through Plotly.Blazor's
// own interop module, so that by the time the live connection has rendered the charts Plotly is already there. Without
// this the bundle is only asked for after the first live render, and its download and start-up (a few hundred ms on a
// busy machine) come after everything else. The script tag names both paths: the interop module is the same module
// Plotly.Blazor imports (same URL, so the same instance), and the bundle URL must be the exact text Plotly.Blazor
// passes, which is how its loader knows the bundle is already on the page.
const tag = document.getElementById("plotly-early");
if (tag && tag.dataset.interop && tag.dataset.bundle) {
  const interop = await import(new URL(tag.dataset.interop, document.baseURI).href);
  await interop.importScript("plotly-import", tag.dataset.bundle);
}
