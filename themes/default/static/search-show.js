// What the search page shows of a result: the words that match marked, the passage
// around them, dates in the reader's language, always as text. Part of search.js.
(function (search) {
  "use strict";
  const TEXT = window.DigestSearchText; // search-text.js: reads text as the build did
  const PASSAGE = 28; // words in a result's passage

  const PHRASE_WORD = PASSAGE; // one phrase found outweighs a passage full of loose words

  // Whether a word of a result matches one of `units` (the loose words of the query): as
  // written, by its start, by its stem in the story's language, or as a part of a compound.
  function wordMatcher(units, stem) {
    const stems = new Set();
    for (const unit of units) for (const s of [unit.term, ...unit.stems]) stems.add(s);
    const known = new Map(); // word -> whether it matches: a text repeats its words
    return (word) => {
      let found = known.get(word);
      if (found === undefined) {
        found = TEXT.analyseWord(word, stem).some(([term, stemmed]) => units.some((unit) => (
          term === unit.term || (unit.prefix && term.startsWith(unit.term))
          || (stemmed && stems.has(stemmed)) || stems.has(term)
          || (Array.from(unit.term).length >= 4 && !TEXT.isCjk(unit.term) && term.includes(unit.term))
          || (TEXT.isCjk(unit.term) && term.includes(unit.term)))));
        known.set(word, found);
      }
      return found;
    };
  }

  // What a query marks in a result's texts (<mark>, and the passage chosen), in the story's
  // language: `marker(text)` gives the text's words and a weight for each (0: not marked).
  // A loose word of the query counts wherever it matches (a stop word only when the query
  // has nothing else); a quoted phrase's words only where they follow each other as in
  // the phrase: "the" of "the government" is not marked in every sentence.
  function markerOf(parsed, stem) {
    const matches = wordMatcher(parsed.units.filter((unit) => unit.loose && unit.required), stem);
    const termsOf = new Map(); // word -> its terms: the passages of twenty results repeat words
    return (text) => {
      const words = Array.from(text.matchAll(TEXT.WORD));
      const weights = words.map((word) => (matches(word[0]) ? 1 : 0));
      if (!parsed.phrases.length) return { words, weights };
      const terms = []; // the text's terms, as the phrases were checked against
      const owners = []; // the word each term comes from
      words.forEach((word, k) => {
        if (!termsOf.has(word[0])) termsOf.set(word[0], TEXT.termsOf(word[0]));
        for (const term of termsOf.get(word[0])) {
          terms.push(term);
          owners.push(k);
        }
      });
      for (const phrase of parsed.phrases) {
        for (let at = 0; at + phrase.length <= terms.length; at += 1) {
          if (!phrase.every((term, j) => terms[at + j] === term)) continue;
          for (let j = 0; j < phrase.length; j += 1) weights[owners[at + j]] = PHRASE_WORD;
        }
      }
      return { words, weights };
    };
  }

  // The stretch of the stored text that weighs most (see markerOf), as [text, cut before,
  // cut after].
  function passageOf(parts, marker) {
    let best = null;
    for (const part of parts) {
      const { words, weights } = marker(part);
      if (!words.length) continue;
      let sum = 0;
      for (let k = 0; k < Math.min(PASSAGE, words.length); k += 1) sum += weights[k];
      let top = { sum, start: 0 };
      for (let k = PASSAGE; k < words.length; k += 1) {
        sum += weights[k] - weights[k - PASSAGE];
        if (sum > top.sum) {
          // The window ending at this match, moved on so its first match has a few words
          // before it (the last stays in).
          let first = k - PASSAGE + 1;
          while (!weights[first]) first += 1;
          top = { sum, start: Math.max(k - PASSAGE + 1, first - 4) };
        }
      }
      if (!best || top.sum > best.sum) best = { ...top, part, words };
    }
    if (!best) return null;
    const { part, words, start } = best;
    const end = Math.min(words.length, start + PASSAGE) - 1;
    const from = start === 0 ? 0 : words[start].index;
    const stop = end === words.length - 1 ? part.length : words[end].index + words[end][0].length;
    return [part.slice(from, stop).trim(), from > 0, stop < part.length];
  }

  // ---- text in the page: always text nodes, never markup ----

  function el(tag, className) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  }

  // Appends `text`, wrapping in <mark> every word the query marks (see markerOf).
  function appendMarked(parent, text, marker) {
    const { words, weights } = marker(text);
    let at = 0;
    for (const [k, found] of words.entries()) {
      if (!weights[k]) continue;
      parent.append(text.slice(at, found.index));
      const mark = el("mark");
      mark.textContent = found[0];
      parent.append(mark);
      at = found.index + found[0].length;
    }
    parent.append(text.slice(at));
  }

  function localeOf() {
    const lang = document.documentElement.lang || undefined;
    try {
      Intl.DateTimeFormat.supportedLocalesOf(lang || []);
      return lang;
    } catch (err) {
      return undefined; // an invalid lang attribute: the browser's own locale
    }
  }

  const LOCALE = localeOf();
  const STYLES = { // as precise as the date is; UTC so no time zone shifts the day
    day: { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" },
    month: { year: "numeric", month: "long", timeZone: "UTC" },
    year: { year: "numeric", timeZone: "UTC" },
  };
  const FORMATS = {};

  // "2025-10-06", "2025-10" or "2025" in the page's language; "" for anything else.
  function formatDate(iso) {
    const parts = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(iso);
    if (!parts) return "";
    const [year, month, day] = parts.slice(1).map((p) => (p ? Number(p) : 1));
    const date = new Date(Date.UTC(2000, month - 1, day));
    date.setUTCFullYear(year); // Date.UTC reads years below 100 as 19xx
    if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return ""; // 2025-13-40
    const style = parts[3] ? "day" : parts[2] ? "month" : "year";
    if (!FORMATS[style]) FORMATS[style] = new Intl.DateTimeFormat(LOCALE, STYLES[style]);
    return FORMATS[style].format(date); // a formatter is slow to make: one per style
  }

  Object.assign(search, { markerOf, passageOf, el, appendMarked, formatDate, LOCALE });
})((window.DigestSearch = window.DigestSearch || {}));
