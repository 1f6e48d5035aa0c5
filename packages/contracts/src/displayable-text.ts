import { z } from 'zod';

/**
 * ### The string policy: what free text the edge accepts (ADR 0026)
 *
 * A string we accept is stored in JetStream and Kafka (JSON), in Postgres (`text`, and
 * `jsonb` on the way in), shown in the dashboard and written to logs and terminals. A
 * 201 promises the order will be readable, so every accepted string must survive every
 * one of them, and look like what it is. `displayableText()` decides it once, for every
 * free-text field a command carries (today: `customerId`); identifiers with a grammar of
 * their own (`sku`, `region`, `Idempotency-Key`) are visible ASCII, a subset of this.
 *
 * In this order:
 * 1. **Lone surrogates are refused.** A string with half a UTF-16 pair is not Unicode
 *    text: it has no UTF-8 form, and Postgres `jsonb` refuses the `\ud800` escape.
 * 2. **Whitespace at either end is trimmed** (Unicode `White_Space`: spaces, tabs, line
 *    breaks, NBSP, the ideographic space). Nobody means it, and it makes two ids that look
 *    the same differ.
 * 3. **Normalised to NFC.** The same text typed on two keyboards (`é` as one code point,
 *    or `e` + U+0301) becomes one string, so equal-looking ids are equal in the read model
 *    and in an `Idempotency-Key`'s request hash. NFC never changes how text looks; NFKC
 *    would (`ﬁ` → `fi`, `²` → `2`, full-width → ASCII), so it is not used. The stored
 *    value can therefore differ, in code points, from what was sent: the API docs say so.
 * 4. **Refused, wherever they are**, each with a message naming the code point:
 *    - control characters, C0 (U+0000–U+001F, NUL among them: Postgres `text` and `jsonb`
 *      cannot hold it), DEL and C1 (U+007F–U+009F): they end lines in logs, drive
 *      terminals, and mean nothing in a name;
 *    - bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069): they
 *      reorder how the rest of a line displays (Trojan Source); right-to-left scripts need
 *      none of them, the Unicode bidi algorithm lays them out;
 *    - invisible characters: format characters (`Cf`: zero-width space, word joiner, BOM,
 *      soft hyphen, ...) and the other default-ignorable ones (the Hangul fillers), which
 *      make two strings that look identical differ, or a string look empty;
 *    - line and paragraph separators (U+2028, U+2029): this is single-line text;
 *    - noncharacters, private-use and unassigned code points: no agreed meaning or glyph
 *      (unassigned in this runtime's Unicode version, 17.0 on Node 24.22 as on 20.20);
 *    - a combining mark (or variation selector) at the start or after whitespace: it has
 *      nothing to combine with.
 *
 *    Allowed although invisible, because writing systems need them: the zero-width
 *    (non-)joiners U+200C/U+200D **between two letters, marks, digits or emoji** (Persian
 *    spelling, Indic conjuncts after a virama, emoji ZWJ sequences such as 👩‍💻), never at
 *    an end, next to a space or doubled; variation selectors (the one kind of invisible
 *    mark allowed) after a character: emoji presentation U+FE0F, CJK ideographic
 *    variants; and the tag characters of an emoji tag sequence (subdivision flags such
 *    as 🏴󠁧󠁢󠁳󠁣󠁴󠁿).
 * 5. **Length in code points**, after trimming and normalising: `min` (default 1: empty is
 *    refused) to `max`. Not UTF-16 units (an emoji would count double) and not grapheme
 *    clusters (their boundaries move with the ICU version, and one cluster can be dozens
 *    of code points): code points bound the bytes too, `max` of them are at most
 *    `4 × max` UTF-8 bytes (`maxUtf8Bytes`).
 *
 * This is the policy for **new input**. Event schemas, which also read years of history
 * from Kafka, keep their old lenient `z.string()` for these fields: an event accepted
 * before the policy must replay as it did, not turn into a dead letter.
 */
export interface DisplayableTextOptions {
  /** Most code points after trimming and NFC. */
  max: number;
  /** Fewest code points after trimming and NFC; 1 unless said otherwise. */
  min?: number;
}

/** Most UTF-8 bytes a `displayableText({ max })` value can take: 4 per code point. */
export const maxUtf8Bytes = (max: number): number => 4 * max;

const LONE_SURROGATE = /\p{Cs}/u;
const EDGE_WHITESPACE = /^\p{White_Space}+|\p{White_Space}+$/gu;

/** An emoji tag sequence (UTS #51): a base emoji, tag characters, a cancel tag. */
const EMOJI_TAG_SEQUENCE = /\p{Extended_Pictographic}[\u{E0020}-\u{E007E}]+\u{E007F}/gu;
/** Stands in for an emoji tag sequence while scanning: one visible, allowed code point. */
const TAG_SEQUENCE_STAND_IN = '\u{1F3F4}';

const JOINER = /\p{Join_Control}/u;
/** What a joiner may sit between: letters, marks (a virama, U+FE0F), digits, emoji. */
const JOINABLE = /[\p{L}\p{M}\p{N}\p{Extended_Pictographic}\p{Emoji_Modifier}]/u;
/** Combining marks, variation selectors among them: they need a character before them. */
const MARK = /\p{M}/u;
const WHITESPACE = /\p{White_Space}/u;
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
const VARIATION_SELECTOR = /\p{Variation_Selector}/u;

/** Refused code points, each with why; the first that matches names the class. */
const REFUSED: readonly (readonly [RegExp, string])[] = [
  [LONE_SURROGATE, 'a lone surrogate (half a UTF-16 pair: no UTF-8 form)'],
  [/\p{Cc}/u, 'a control character'],
  [/\p{Bidi_Control}/u, 'a bidirectional control (it reorders how text displays)'],
  [/[\p{Zl}\p{Zp}]/u, 'a line or paragraph separator'],
  [/\p{Noncharacter_Code_Point}/u, 'a noncharacter'],
  [/\p{Co}/u, 'a private-use character'],
  [/\p{Cn}/u, 'an unassigned code point'],
  [INVISIBLE, 'an invisible character'],
];

export interface RefusedCharacter {
  /** 1-based position in code points, as a reader counts characters. */
  position: number;
  /** `U+XXXX`. */
  codePoint: string;
  why: string;
}

const hex = (char: string) =>
  `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * The first code point of `text` that the policy refuses, or undefined. `text` is what
 * will be stored (trimmed, NFC). Exported for tests and for checks outside zod.
 */
export function refusedCharacter(text: string): RefusedCharacter | undefined {
  const chars = Array.from(text.replace(EMOJI_TAG_SEQUENCE, TAG_SEQUENCE_STAND_IN));
  for (const [index, char] of chars.entries()) {
    const refuse = (why: string) => ({ position: index + 1, codePoint: hex(char), why });
    const [before, after] = [chars[index - 1], chars[index + 1]];
    if (JOINER.test(char)) {
      if (before && after && JOINABLE.test(before) && JOINABLE.test(after)) continue;
      return refuse(
        'a zero-width joiner that joins nothing (allowed between two letters, marks, digits or emoji)',
      );
    }
    // Invisible marks (the combining grapheme joiner, Khmer's inherent vowels) fall
    // through to the list; variation selectors are the invisible marks text needs.
    if (MARK.test(char) && (VARIATION_SELECTOR.test(char) || !INVISIBLE.test(char))) {
      if (before && !WHITESPACE.test(before)) continue;
      return refuse('a combining mark with nothing before it to combine with');
    }
    const refused = REFUSED.find(([pattern]) => pattern.test(char));
    if (refused) return refuse(refused[1]);
  }
  return undefined;
}

const problemWith = (refused: RefusedCharacter) =>
  `${refused.codePoint} at character ${refused.position} is ${refused.why}: not allowed`;

/**
 * A zod string that applies the policy above: refuses lone surrogates, trims, normalises
 * to NFC, refuses control, bidirectional and invisible characters (the message names the
 * code point and its position), and bounds the length in code points.
 */
export function displayableText({ max, min = 1 }: DisplayableTextOptions) {
  return (
    z
      .string()
      // First, and final if it fails: NFC and trimming leave a lone surrogate as it is,
      // and the message must point at the character the client sent.
      .check(
        z.refine((text) => !LONE_SURROGATE.test(text), {
          error: (issue) => problemWith(refusedCharacter(issue.input as string)!),
          abort: true,
        }),
      )
      .overwrite((text) => text.replace(EDGE_WHITESPACE, '').normalize('NFC'))
      .superRefine((text, ctx) => {
        const refused = refusedCharacter(text);
        if (refused) {
          ctx.addIssue({ code: 'custom', message: problemWith(refused) });
          return;
        }
        const length = Array.from(text).length;
        if (length < min || length > max) {
          ctx.addIssue({
            code: 'custom',
            message: `must be ${min}-${max} characters (Unicode code points) after trimming; got ${length}`,
          });
        }
      })
      // The rules above have no JSON Schema; API documents (OpenAPI) say them in words.
      .describe(
        `${min}-${max} characters (Unicode code points) of text in any script, after trimming; ` +
          'stored trimmed and in Unicode NFC. Refused: control, bidirectional and invisible ' +
          'characters, lone surrogates, noncharacters, private-use and unassigned code points.',
      )
  );
}
