/** Loud, readable messages in the page (what went wrong and what to do), never only in the console. */

export type AlertKind = 'error' | 'warning';

/** Shows a message box in `container`; returns it so a caller can remove it. */
export function showAlert(container: HTMLElement, kind: AlertKind, title: string, detail?: string): HTMLElement {
  const alert = document.createElement('div');
  alert.className = `alert ${kind}`;
  alert.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  const heading = document.createElement('strong');
  heading.textContent = title;
  alert.append(heading);
  if (detail) {
    const body = document.createElement('p');
    body.textContent = detail;
    alert.append(body);
  }
  container.append(alert);
  return alert;
}

export function clearAlerts(container: HTMLElement): void {
  container.replaceChildren();
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Errors nothing else caught (a rejected promise, a throw in a handler) still reach the page. */
export function reportUncaughtErrors(container: HTMLElement): void {
  window.addEventListener('error', (event) => {
    // Browsers report a resize that settles on the next frame this way; charts that fit their box cause it, harmlessly.
    if (event.error == null && event.message.startsWith('ResizeObserver loop')) return;
    showAlert(container, 'error', 'Something went wrong', errorMessage(event.error ?? event.message));
  });
  window.addEventListener('unhandledrejection', (event) =>
    showAlert(container, 'error', 'Something went wrong', errorMessage(event.reason)),
  );
}
