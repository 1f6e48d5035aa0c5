import { displayableText, maxUtf8Bytes, refusedCharacter } from './displayable-text';

const text = displayableText({ max: 64 });

/** The one issue message for `input`, or the parsed value. */
function check(input: unknown): { ok: true; value: string } | { ok: false; messages: string[] } {
  const result = text.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, messages: result.error.issues.map((issue) => issue.message) };
}

describe('displayableText: the string policy', () => {
  describe('refuses, naming the code point and where it is', () => {
    it.each([
      // Control characters: C0, DEL, C1.
      ['NUL', 'c-\u0000-1', 'U+0000 at character 3 is a control character'],
      ['SOH', '\u0001c', 'U+0001 at character 1 is a control character'],
      ['a tab inside', 'c\t1', 'U+0009 at character 2 is a control character'],
      ['a line feed inside', 'c\n1', 'U+000A at character 2 is a control character'],
      ['a carriage return inside', 'c\r1', 'U+000D at character 2 is a control character'],
      ['ESC', '\u001b[31mred', 'U+001B at character 1 is a control character'],
      ['DEL', 'c\u007f', 'U+007F at character 2 is a control character'],
      ['NEL (C1)', 'c\u0085d', 'U+0085 at character 2 is a control character'],
      ['CSI (C1)', 'c\u009bd', 'U+009B at character 2 is a control character'],
      ['APC (C1), the last one', 'c\u009fd', 'U+009F at character 2 is a control character'],
      // Not Unicode text at all.
      ['a lone high surrogate', 'c-\ud800', 'U+D800 at character 3 is a lone surrogate'],
      ['a lone low surrogate', '\udc00c', 'U+DC00 at character 1 is a lone surrogate'],
      ['a low surrogate before a high one', '\udc00\ud800', 'is a lone surrogate'],
      // Bidirectional controls.
      ['LRE', 'a\u202ab', 'U+202A at character 2 is a bidirectional control'],
      ['RLO', 'a\u202eb', 'U+202E at character 2 is a bidirectional control'],
      ['PDF', 'a\u202cb', 'U+202C at character 2 is a bidirectional control'],
      ['LRI', 'a\u2066b', 'U+2066 at character 2 is a bidirectional control'],
      ['PDI', 'a\u2069b', 'U+2069 at character 2 is a bidirectional control'],
      ['LRM', 'a\u200eb', 'U+200E at character 2 is a bidirectional control'],
      ['RLM', 'a\u200fb', 'U+200F at character 2 is a bidirectional control'],
      ['ALM', 'a\u061cb', 'U+061C at character 2 is a bidirectional control'],
      // Invisible characters.
      ['a zero-width space', 'a\u200bb', 'U+200B at character 2 is an invisible character'],
      ['a BOM inside', 'a\ufeffb', 'U+FEFF at character 2 is an invisible character'],
      ['a BOM in front (not whitespace: not trimmed)', '\ufeffab', 'U+FEFF at character 1'],
      ['a word joiner', 'a\u2060b', 'U+2060 at character 2 is an invisible character'],
      ['a soft hyphen', 'a\u00adb', 'U+00AD at character 2 is an invisible character'],
      ['an invisible times', 'a\u2062b', 'U+2062 at character 2 is an invisible character'],
      [
        'a Mongolian vowel separator',
        'a\u180eb',
        'U+180E at character 2 is an invisible character',
      ],
      ['the Hangul filler', '\u3164', 'U+3164 at character 1 is an invisible character'],
      [
        'the half-width Hangul filler',
        'a\uffa0',
        'U+FFA0 at character 2 is an invisible character',
      ],
      [
        'a combining grapheme joiner',
        'a\u034fb',
        'U+034F at character 2 is an invisible character',
      ],
      ['a tag character outside a tag sequence', 'a\u{e0061}', 'U+E0061 at character 2'],
      ['an unterminated tag sequence', '\u{1F3F4}\u{e0067}\u{e0062}', 'U+E0067 at character 2'],
      // Joiners that join nothing.
      [
        'a ZWJ first',
        '\u200dab',
        'U+200D at character 1 is a zero-width joiner that joins nothing',
      ],
      ['a ZWJ last', 'ab\u200d', 'U+200D at character 3 is a zero-width joiner'],
      ['a ZWNJ next to a space', 'a \u200cb', 'U+200C at character 3 is a zero-width joiner'],
      ['two joiners in a row', 'a\u200d\u200db', 'U+200D at character 2 is a zero-width joiner'],
      ['a ZWJ between punctuation', 'a-\u200d-b', 'U+200D at character 3'],
      // Separators, noncharacters, private use, unassigned.
      ['a line separator', 'a\u2028b', 'U+2028 at character 2 is a line or paragraph separator'],
      ['a paragraph separator', 'a\u2029b', 'U+2029 at character 2 is a line or paragraph'],
      ['U+FFFF', 'a\uffff', 'U+FFFF at character 2 is a noncharacter'],
      ['U+FDD0', 'a\ufdd0', 'U+FDD0 at character 2 is a noncharacter'],
      ['U+1FFFE', 'a\u{1fffe}', 'U+1FFFE at character 2 is a noncharacter'],
      ['a private-use character', 'a\ue000', 'U+E000 at character 2 is a private-use character'],
      ['a supplementary private-use one', 'a\u{f0000}', 'U+F0000 at character 2 is a private-use'],
      ['an unassigned code point', 'a\u0378', 'U+0378 at character 2 is an unassigned code point'],
      // Marks with nothing to combine with.
      ['a leading combining accent', '\u0301a', 'U+0301 at character 1 is a combining mark'],
      [
        'a combining accent after a space',
        'a \u0301b',
        'U+0301 at character 3 is a combining mark',
      ],
      ['a leading variation selector', '\ufe0fa', 'U+FE0F at character 1 is a combining mark'],
    ])('%s', (_name, input, message) => {
      const result = check(input);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.messages).toEqual([expect.stringContaining(message)]);
    });

    it('counts positions in characters (code points), not UTF-16 units', () => {
      // Two emoji are four UTF-16 units; the NUL is the third character.
      expect(check('😀😀\u0000')).toEqual({
        ok: false,
        messages: ['U+0000 at character 3 is a control character: not allowed'],
      });
    });

    it.each([
      ['an empty string', ''],
      ['only spaces', '   '],
      ['only whitespace of every kind', ' \t\n\u00a0\u3000\u2003 '],
    ])('%s: empty once trimmed', (_name, input) => {
      expect(check(input)).toEqual({
        ok: false,
        messages: ['must be 1-64 characters (Unicode code points) after trimming; got 0'],
      });
    });

    it('more than max code points', () => {
      expect(check('x'.repeat(65))).toEqual({
        ok: false,
        messages: ['must be 1-64 characters (Unicode code points) after trimming; got 65'],
      });
    });

    it.each([
      ['a number', 42],
      ['null', null],
      ['an object', { toString: () => 'x' }],
    ])('%s: not a string', (_name, input) => {
      expect(check(input).ok).toBe(false);
    });
  });

  describe('accepts, storing the trimmed NFC form', () => {
    it.each([
      ['ASCII', 'c-42'],
      ['every printable ASCII character', ' !"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~'.trim()],
      ['markup (displayed through textContent, never innerHTML)', '<img src=x onerror=alert(1)>'],
      ['Latin-1 letters', 'José Müller, Ærøskøbing'],
      ['a non-breaking space inside', 'Jean\u00a0Dupont'],
      ['Cyrillic', 'Дмитрий Шостакович'],
      ['Greek', 'Αλέξανδρος'],
      ['Arabic, right to left without bidi controls', 'محمد بن موسى'],
      ['Hebrew with points', 'שָׁלוֹם'],
      ['Persian with a ZWNJ between letters', 'می\u200cخواهم'],
      ['Devanagari: virama and vowel signs', 'देवनागरी'],
      ['Devanagari half form: a ZWJ after a virama', 'क\u094d\u200dष'],
      ['Thai', 'สมชาย'],
      ['Chinese', '王小明'],
      ['Japanese with an ideographic space', '山田\u3000太郎'],
      ['a CJK ideographic variation sequence', '葛\u{e0100}城'],
      ['Korean', '김민준'],
      ['Amharic', 'አበበ'],
      ['a combining mark with no precomposed form', 'q\u0303'],
      ['math letters (NFC keeps them; NFKC would not)', '𝐀𝐁 ﬁ ²'],
      ['an emoji', 'c-😀'],
      ['an emoji with a skin tone', '👍🏽'],
      ['an emoji with presentation selector', '❤\ufe0f'],
      ['ZWJ sequences', '👩\u200d💻 👨\u200d👩\u200d👧\u200d👦 🏳\ufe0f\u200d🌈 🧑🏽\u200d💻'],
      ['a flag (regional indicators)', '🇺🇦'],
      ['a keycap', '1\ufe0f\u20e3'],
      [
        'a subdivision flag (emoji tag sequence)',
        '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}',
      ],
      ['exactly 64 characters', 'x'.repeat(64)],
      ['64 emoji: 128 UTF-16 units, still 64 characters', '😀'.repeat(64)],
    ])('%s', (_name, input) => {
      expect(check(input)).toEqual({ ok: true, value: input });
    });

    it.each([
      ['decomposed é (e + U+0301)', 'Jose\u0301', 'José'],
      ['Vietnamese stacked diacritics', 'Nguye\u0302\u0303n', 'Nguyễn'],
      ['marks in non-canonical order', 'a\u0323\u0302', 'ậ'],
      ['Hangul conjoining jamo', '\u1100\u1161\u11a8', '각'],
      ['the ångström sign (a canonical singleton)', '\u212b', 'Å'],
      ['an EN QUAD inside (canonically an EN SPACE)', 'a\u2000b', 'a\u2002b'],
    ])('normalises to NFC: %s', (_name, input, stored) => {
      expect(input).not.toBe(stored);
      expect(check(input)).toEqual({ ok: true, value: stored });
    });

    it('normalising is idempotent: what the gateway stores, the orders service accepts unchanged', () => {
      const once = text.parse(' Jose\u0301 ');
      expect(text.parse(once)).toBe(once);
    });

    it.each([
      ['spaces', '  c-1  ', 'c-1'],
      ['tabs and line breaks at the ends', '\t\r\nc-1\n', 'c-1'],
      ['NEL and NBSP at the ends (White_Space)', '\u0085\u00a0c-1\u00a0', 'c-1'],
      ['the ideographic space at the ends', '\u3000山田\u3000', '山田'],
    ])('trims whitespace at the ends: %s', (_name, input, stored) => {
      expect(check(input)).toEqual({ ok: true, value: stored });
    });

    it('counts the length after trimming and NFC', () => {
      // 64 decomposed é are 128 code points sent, 64 stored.
      expect(check('e\u0301'.repeat(64))).toEqual({ ok: true, value: 'é'.repeat(64) });
      expect(check(` ${'x'.repeat(64)} `)).toEqual({ ok: true, value: 'x'.repeat(64) });
    });
  });

  it('bounds the bytes: max code points are at most 4 × max UTF-8 bytes', () => {
    const widest = '\u{10FFFD}'.repeat(64); // private use: refused, but the widest code point
    expect(Buffer.byteLength(widest)).toBe(maxUtf8Bytes(64));
    expect(Buffer.byteLength(text.parse('😀'.repeat(64)))).toBeLessThanOrEqual(maxUtf8Bytes(64));
  });

  it('honours min and max', () => {
    const short = displayableText({ min: 3, max: 5 });
    expect(short.safeParse('ab').success).toBe(false);
    expect(short.safeParse('abc').success).toBe(true);
    expect(short.safeParse('abcdef').success).toBe(false);
  });

  it('refusedCharacter is undefined for allowed text', () => {
    expect(refusedCharacter('José 😀')).toBeUndefined();
  });
});
