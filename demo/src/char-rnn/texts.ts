/**
 * The texts the page trains on, shipped in demo/texts (their sources and public-domain status:
 * demo/texts/README.md). Each is fetched once, when first chosen.
 */
import aliceUrl from '../../texts/alice-in-wonderland.txt?url';
import shakespeareUrl from '../../texts/tiny-shakespeare.txt?url';

export interface BundledText {
  readonly id: string;
  readonly title: string;
  /** Where it comes from, in a line. */
  readonly source: string;
  readonly url: string;
  /** The page's first prime for samples: characters the text begins with, so any prefix of it has them. */
  readonly prime: string;
}

export const TEXTS: readonly BundledText[] = [
  {
    id: 'tiny-shakespeare',
    title: 'Shakespeare: Coriolanus and the start of Richard III (200 kB)',
    source:
      "The first 199,994 characters of Karpathy's tiny shakespeare (karpathy/char-rnn), the classic char-rnn " +
      'text; public domain.',
    url: shakespeareUrl,
    prime: 'First Citizen:',
  },
  {
    id: 'alice-in-wonderland',
    title: "Lewis Carroll: Alice's Adventures in Wonderland (144 kB)",
    source: 'The whole book (1865), Project Gutenberg eBook #11 without its header; public domain.',
    url: aliceUrl,
    prime: 'ALICE',
  },
];

const loaded = new Map<string, Promise<string>>();

/** The text's characters; a failed fetch is forgotten, so choosing the text again retries it. */
export function loadText(text: BundledText): Promise<string> {
  let pending = loaded.get(text.id);
  if (!pending) {
    pending = fetch(text.url).then(async (response) => {
      if (!response.ok) throw new Error(`could not load ${text.url}: ${response.status} ${response.statusText}`);
      return response.text();
    });
    pending.catch(() => loaded.delete(text.id));
    loaded.set(text.id, pending);
  }
  return pending;
}
