// When the live connection drops, Blazor adds components-reconnect-show / -failed / -rejected to
// #components-reconnect-modal and retries for a while. A wall screen must come back by itself, so after Blazor
// gives up we keep asking every 5 seconds, and reload when the server has forgotten this session (rejected).
(() => {
  const modal = () => document.getElementById("components-reconnect-modal");
  let timer = null;

  function retryLater() {
    if (timer) return;
    timer = setInterval(async () => {
      try {
        const reconnected = window.Blazor && (await window.Blazor.reconnect());
        if (reconnected === false) {
          location.reload();
        } else if (reconnected) {
          clearInterval(timer);
          timer = null;
        }
      } catch {
        // the server is still away: try again at the next tick
      }
    }, 5000);
  }

  function watch() {
    const element = modal();
    if (!element) return;
    new MutationObserver(() => {
      if (element.classList.contains("components-reconnect-rejected")) {
        location.reload();
      } else if (element.classList.contains("components-reconnect-failed")) {
        retryLater();
      }
    }).observe(element, { attributes: true, attributeFilter: ["class"] });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
