// Starts loading Plotly (the bundle the dashboard's charts draw with) as the page is parsed, so that by the time the
// live connection has rendered the charts Plotly is already there. Without this the bundle is only asked for after the
// first live render, and its download and start-up (a few hundred ms on a busy machine) come after everything else.
// It loads through metric-chart.js, the module that draws the charts, so the bundle is put on the page once.
// Once Plotly is there, the charts whose figures came with the prerendered page are drawn, before the live connection
// renders the page again: its first draw takes them as they are (metric-chart.js, drawPrerendered).
import { load, drawPrerendered } from "./metric-chart.js";

const tag = document.getElementById("plotly-early");
if (tag && tag.dataset.bundle) {
  await load(tag.dataset.bundle);
  await drawPrerendered();
}
