/**
 * Step 1: the text, chosen from the bundled ones, how it begins and where it comes from, and what
 * the run makes of it: the characters used, their vocabulary and the windows they cut into.
 */
import { byId, h } from '../common/dom.js';
import { formatCount } from '../common/format.js';
import { windowCount } from './char-windows.js';
import { loadText, TEXTS, type BundledText } from './texts.js';
import { buildVocabulary, type Vocabulary } from './vocabulary.js';

const PREVIEW_CHARACTERS = 600;

export interface LoadedText {
  readonly text: BundledText;
  readonly content: string;
}

/** What a run trains on: the text's first characters and their vocabulary. */
export interface RunText {
  readonly text: BundledText;
  readonly characters: string;
  readonly vocabulary: Vocabulary;
}

export interface TextCard {
  /** The text chosen, once loaded; null before. */
  loaded(): LoadedText | null;
  /** Called each time a newly chosen text has loaded. */
  onLoad(listener: (loaded: LoadedText) => void): void;
  /** Shows what a run with these settings trains on, and returns it (null without a loaded text). */
  describe(characters: number | null, timesteps: number | null): RunText | null;
}

export function createTextCard(onError: (error: unknown) => void): TextCard {
  const select = byId('text', HTMLSelectElement);
  const source = byId('text-source', HTMLParagraphElement);
  const preview = byId('text-preview', HTMLPreElement);
  const figures = byId('text-figures', HTMLDListElement);
  const listeners: ((loaded: LoadedText) => void)[] = [];
  let current: LoadedText | null = null;
  // The last run text, kept while the settings that made it stand (vocabularies of long texts take a moment).
  let described: RunText | null = null;

  select.replaceChildren(...TEXTS.map((text) => h('option', { value: text.id }, text.title)));

  async function choose(): Promise<void> {
    const text = TEXTS.find((t) => t.id === select.value) ?? TEXTS[0]!;
    current = null;
    described = null;
    source.textContent = text.source;
    preview.textContent = 'Loading…';
    try {
      const content = await loadText(text);
      if (select.value !== text.id) return;
      current = { text, content };
      preview.textContent = `${content.slice(0, PREVIEW_CHARACTERS)}…`;
      for (const listener of listeners) listener(current);
    } catch (error) {
      preview.textContent = 'The text could not be loaded.';
      onError(error);
    }
  }
  select.addEventListener('change', () => void choose());
  void choose();

  const figure = (label: string, value: string, unit: string) =>
    h('div', {}, h('dt', {}, label), h('dd', {}, value, h('small', {}, ` ${unit}`)));

  return {
    loaded: () => current,
    onLoad: (listener) => listeners.push(listener),
    describe(count, timesteps) {
      if (!current || count === null) {
        figures.replaceChildren();
        return null;
      }
      if (described?.text !== current.text || described.characters.length !== count) {
        const characters = current.content.slice(0, count);
        described = { text: current.text, characters, vocabulary: buildVocabulary(characters) };
      }
      const { characters, vocabulary } = described;
      figures.replaceChildren(
        figure('Characters used', formatCount(characters.length), `of ${formatCount(current.content.length)}`),
        figure('Vocabulary', formatCount(vocabulary.characters.length), 'distinct characters'),
        ...(timesteps === null
          ? []
          : [figure('Windows', formatCount(windowCount(characters.length, timesteps)), `of ${timesteps} steps`)]),
      );
      return described;
    },
  };
}
