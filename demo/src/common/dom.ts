/** Small DOM helpers: typed look-ups by id, and elements built without innerHTML. */

/** The element with this id, checked to be of the expected class (a page and its script must agree). */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`the page has no ${type.name} with id "${id}"`);
  return element;
}

/** An element with attributes and children (text or nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/**
 * Disables or enables the page's control groups (fieldset.controls) while work runs; a `.live` group
 * (the char-RNN page's sampling, which works during training) stays usable.
 */
export function lockControls(locked: boolean): void {
  for (const group of document.querySelectorAll<HTMLFieldSetElement>('fieldset.controls:not(.live)'))
    group.disabled = locked;
}

/** Marks a field as holding an invalid value (for assistive technology and the red border) or not. */
export function markInvalid(input: HTMLInputElement, invalid: boolean): void {
  if (invalid) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}
