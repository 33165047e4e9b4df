// How the search reads text: the same steps as digest/search_text.py, which wrote the index
// (tests/search_tokens.json holds strings both must read alike). Used by search.js in the
// page, and by the test suite under node.
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.DigestSearchText = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  const MAX_TERM = 64; // code points
  const WORD = /[\p{L}\p{N}\p{M}]+/gu;
  const ONE_WORD = /^[\p{L}\p{N}\p{M}]+$/u;
  // Accents on Latin, Greek and Cyrillic letters; Devanagari's or Thai's marks stay.
  const ACCENTS = /(?<=[\u0000-\u052f])[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+/gu;
  const PLAIN = { "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i" };
  const PLAIN_RE = /[øæœłđðþı]/g;
  const CJK = "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff\u3131-\u318f"
    + "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
    + "\u1100-\u11ff\u{20000}-\u{3ffff}";
  const CJK_RUN = new RegExp(`([${CJK}]+)`, "u");
  const CJK_START = new RegExp(`^[${CJK}]`, "u");
  const ASCII = /^[\u0000-\u007f]*$/;

  const cut = (term) => {
    const cps = Array.from(term);
    return cps.length <= MAX_TERM ? term : cps.slice(0, MAX_TERM).join("");
  };

  function fold(word) {
    if (ASCII.test(word)) return word.toLowerCase();
    const text = word.toLowerCase().normalize("NFKD").replace(ACCENTS, "").normalize("NFC").toLowerCase();
    return text.replace(PLAIN_RE, (c) => PLAIN[c]);
  }

  const isCjk = (term) => CJK_START.test(term);

  // Terms of a folded word: CJK runs as overlapping bigrams, other runs whole.
  function pieces(folded) {
    if (ASCII.test(folded)) return [cut(folded)];
    const out = [];
    folded.split(CJK_RUN).forEach((run, index) => {
      if (!run) return;
      if (index % 2 === 0) {
        out.push(cut(run));
        return;
      }
      const cps = Array.from(run);
      if (cps.length === 1) out.push(run);
      for (let at = 0; at + 1 < cps.length; at += 1) out.push(cps[at] + cps[at + 1]);
    });
    return out;
  }

  // [[term, stem or null], ...] of one word; `stem` is a Snowball stemmer or null.
  function analyseWord(word, stem) {
    const lowered = word.toLowerCase();
    const folded = fold(lowered);
    const parts = ASCII.test(folded) ? [folded] : folded.match(WORD) || [];
    const tokens = [];
    for (const part of parts) for (const term of pieces(part)) tokens.push([term, null]);
    if (stem && tokens.length === 1 && !isCjk(tokens[0][0])) {
      const stemmed = cut(fold(stem(ASCII.test(lowered) ? lowered : lowered.normalize("NFC"))));
      if (stemmed !== tokens[0][0] && ONE_WORD.test(stemmed)) tokens[0][1] = stemmed;
    }
    return tokens;
  }

  function tokens(text, stem) {
    const out = [];
    for (const word of text.match(WORD) || []) out.push(...analyseWord(word, stem));
    return out;
  }

  const termsOf = (text) => tokens(text, null).map((token) => token[0]);

  // A term's bucket: its first two code points (a CJK term: its first only), so every term
  // a query word can be the start of is in the same file.
  function bucketOf(term, buckets) {
    const cps = Array.from(term, (c) => c.codePointAt(0));
    const second = cps.length > 1 && !isCjk(term) ? cps[1] : 0;
    return (cps[0] * 31 + second) % buckets;
  }

  // A query word: its terms, and the stems of a one-term word in every given language (of
  // the word as typed and as folded, so "hopitaux" finds "hôpital" as "hôpitaux" does).
  function queryWord(word, stemmers) {
    const terms = analyseWord(word, null).map((token) => token[0]);
    const stems = new Set();
    if (terms.length === 1 && !isCjk(terms[0])) {
      for (const stem of stemmers) {
        for (const form of [word, terms[0]]) {
          const found = analyseWord(form, stem)[0];
          if (found && found[1]) stems.add(found[1]);
        }
      }
      stems.delete(terms[0]);
    }
    return { terms, stems: Array.from(stems) };
  }

  // A text folded word by word as termsOf folds its words, separators kept.
  const foldText = (text) => (ASCII.test(text) ? text.toLowerCase()
    : text.replace(WORD, (word) => fold(word.toLowerCase())));

  // A pattern that every folded text whose terms hold `phrase` (terms, in order) matches:
  // the terms with nothing but separators between them. It may match texts that do not
  // hold the phrase (a term inside a longer word); termsOf tells. null where it cannot be
  // sure: CJK bigrams overlap, and a term at the length limit may be a longer word cut.
  function phrasePattern(phrase) {
    if (phrase.some((term) => isCjk(term) || Array.from(term).length >= MAX_TERM)) return null;
    const escaped = phrase.map((term) => term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    return new RegExp(escaped.join("[^\\p{L}\\p{N}\\p{M}]*"), "u");
  }

  return { WORD, fold, pieces, analyseWord, tokens, termsOf, bucketOf, queryWord, isCjk,
    foldText, phrasePattern };
});
