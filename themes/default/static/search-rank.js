// The search page's queries: parsed, looked up, scored (BM25F) and phrases checked
// against the stored text. Part of search.js (see there).
(function (search) {
  "use strict";
  const KEY = 65536; // a hit's key is chunk * KEY + index in the chunk
  const TEXT = window.DigestSearchText; // search-text.js: reads text as the build did
  const K1 = 1.2; // BM25: how soon more occurrences of a word stop adding to a score
  const EXACT = 1, STEMMED = 0.9, PREFIX = 0.5; // how much a term counts for a query word
  const PHRASE_CHECKS = 100; // candidates read to check a phrase, best first
  const READS = 8; // text files at least on the way to check phrases (a browser reads 6 at once)

  // ---- the query ----

  // Quoted parts are phrases; the rest are words. A CJK word of three characters or more is
  // a phrase too: its bigrams must follow each other.
  function parseQuery(query, meta, stemmers) {
    const phrases = [];
    const loose = query.replace(/["“”„«»]([^"“”„«»]*)(["“”„«»]|$)/g, (_, inner) => {
      if (TEXT.termsOf(inner).length) phrases.push(inner);
      return " ";
    });
    // term -> { term, stems, prefix, required, loose }; `loose`: a word of the query outside
    // a phrase (or a phrase of one word), marked wherever it is found.
    const units = new Map();
    const add = (word, inPhrase, isLoose = !inPhrase) => {
      const { terms, stems } = TEXT.queryWord(word, stemmers);
      const cjk = terms.length > 1 && terms.every(TEXT.isCjk);
      if (cjk && !inPhrase) phrases.push(word);
      for (const term of terms) {
        const single = terms.length === 1;
        const unit = units.get(term) || {
          term, stems: single ? stems : [], required: false, stop: !inPhrase && meta.stopWords.has(term),
          prefix: single && Array.from(term).length >= 2 && !TEXT.isCjk(term) || (single && TEXT.isCjk(term)),
        };
        if (inPhrase) unit.stop = false;
        if (isLoose) unit.loose = true;
        units.set(term, unit);
      }
    };
    for (const word of loose.match(TEXT.WORD) || []) add(word, false);
    for (const phrase of phrases) {
      const alone = TEXT.termsOf(phrase).length === 1;
      for (const word of phrase.match(TEXT.WORD) || []) add(word, true, alone);
    }
    const all = Array.from(units.values());
    const needed = all.some((unit) => !unit.stop);
    for (const unit of all) unit.required = !needed || !unit.stop;
    return { units: all, phrases: phrases.map((p) => TEXT.termsOf(p)).filter((t) => t.length > 1) };
  }

  // ---- matching and scoring (BM25F: the build weighed the fields, this saturates) ----

  async function find(index, meta, parsed) {
    const chunks = Array.from({ length: meta.chunks }, (_, k) => k);
    const wanted = new Set();
    for (const unit of parsed.units) {
      wanted.add(TEXT.bucketOf(unit.term, meta.buckets));
      for (const stem of unit.stems) wanted.add(TEXT.bucketOf(stem, meta.buckets));
    }
    const files = new Map(); // "chunk/bucket" -> file
    const own = chunks.filter((k) => !meta.base.has(k)); // the others are in the base's files
    const fetchAll = (buckets) => Promise.all(Array.from(buckets, async (bucket) => {
      const parts = [];
      if (meta.base.size) {
        parts.push(index.baseBucket(bucket, meta.base).then((perChunk) => {
          for (const [chunk, file] of perChunk) files.set(`${chunk}/${bucket}`, file);
        }));
      }
      for (const chunk of own) {
        parts.push(index.bucket(chunk, bucket).then((file) => files.set(`${chunk}/${bucket}`, file || {})));
      }
      await Promise.all(parts);
    }));
    await fetchAll(wanted);
    // A stem names the terms that have it; one of them may live in another bucket.
    const more = new Set();
    for (const unit of parsed.units) {
      for (const stem of [unit.term, ...unit.stems]) {
        for (const chunk of chunks) {
          const file = files.get(`${chunk}/${TEXT.bucketOf(stem, meta.buckets)}`);
          for (const term of (file && file.s && file.s[stem]) || []) {
            const bucket = TEXT.bucketOf(term, meta.buckets);
            if (!wanted.has(bucket)) more.add(bucket);
          }
        }
      }
    }
    await fetchAll(more);
    const postings = (chunk, term) => {
      const file = files.get(`${chunk}/${TEXT.bucketOf(term, meta.buckets)}`);
      const list = file && file.t && file.t[term];
      return Array.isArray(list) ? list : null;
    };

    const perUnit = parsed.units.map((unit) => {
      const tf = new Map(); // doc key -> weighted term frequency
      for (const chunk of chunks) {
        const factors = new Map(); // term -> factor
        const note = (term, factor) => {
          if ((factors.get(term) || 0) < factor) factors.set(term, factor);
        };
        note(unit.term, EXACT);
        for (const stem of [unit.term, ...unit.stems]) {
          if (stem !== unit.term) note(stem, STEMMED);
          const file = files.get(`${chunk}/${TEXT.bucketOf(stem, meta.buckets)}`);
          for (const term of (file && file.s && file.s[stem]) || []) note(String(term), STEMMED);
        }
        if (unit.prefix) {
          const file = files.get(`${chunk}/${TEXT.bucketOf(unit.term, meta.buckets)}`);
          for (const term of Object.keys((file && file.t) || {})) {
            if (term.startsWith(unit.term)) note(term, PREFIX);
          }
        }
        for (const [term, factor] of factors) {
          const list = postings(chunk, term);
          if (!list) continue;
          for (let j = 0; j + 1 < list.length; j += 2) {
            const key = chunk * KEY + list[j];
            tf.set(key, (tf.get(key) || 0) + factor * list[j + 1] / 10);
          }
        }
      }
      const df = tf.size;
      const idf = Math.log(1 + (meta.documents - df + 0.5) / (df + 0.5));
      const scores = new Map();
      for (const [key, f] of tf) scores.set(key, idf * (f * (K1 + 1)) / (f + K1));
      return { unit, scores };
    });
    const required = perUnit.filter((u) => u.unit.required).sort((a, b) => a.scores.size - b.scores.size);
    const optional = perUnit.filter((u) => !u.unit.required);
    if (!required.length) return [];
    const [first, ...rest] = required;
    const hits = [];
    for (const [key, score] of first.scores) {
      if (!rest.every((other) => other.scores.has(key))) continue; // every word must match
      let total = score;
      for (const other of [...rest, ...optional]) total += other.scores.get(key) || 0;
      hits.push({ chunk: Math.floor(key / KEY), index: key % KEY, score: total });
    }
    return hits.sort((a, b) => b.score - a.score || b.chunk - a.chunk || b.index - a.index);
  }

  // The stored text of a hit: [lead, note, body], as the article may show it.
  async function textOf(index, meta, hit, signal) {
    const group = await index.text(hit.chunk, Math.floor(hit.index / meta.textGroup), signal);
    const row = Array.isArray(group) ? group[hit.index % meta.textGroup] : null;
    return Array.isArray(row) ? row.map((part) => (part == null ? "" : String(part))) : [];
  }

  const contains = (terms, phrase) => {
    for (let at = 0; at + phrase.length <= terms.length; at += 1) {
      if (phrase.every((term, k) => terms[at + k] === term)) return true;
    }
    return false;
  };

  // The hits that pass the filters, in order, and a checker of the phrases (null without).
  async function narrow(index, meta, search, hits) {
    const { filters, parsed } = search;
    const active = filters.pub || filters.tag || filters.lang || filters.from || filters.to;
    if (!active && !parsed.phrases.length) return { hits, check: null };
    await Promise.all(Array.from(new Set(hits.map((h) => h.chunk)), (c) => index.loadDocs(c)));
    const kept = hits.filter((hit) => {
      const doc = index.doc(hit);
      const date = doc.date;
      return (!filters.pub || doc.publication === filters.pub)
        && (!filters.tag || doc.tags.includes(filters.tag))
        && (!filters.lang || doc.lang === filters.lang)
        && (!filters.from || (date && date.slice(0, filters.from.length) >= filters.from))
        && (!filters.to || (date && date.slice(0, filters.to.length) <= filters.to));
    });
    if (!parsed.phrases.length) return { hits: kept, check: null };
    const check = phraseCheck(index, meta, parsed.phrases, kept.slice(0, PHRASE_CHECKS));
    return { hits: check.passed, check };
  }

  // Checks the best candidates for the phrases in rank order, reading their stored text a
  // few files at a time, and only as far as asked: the results shown first need their own
  // candidates checked and no more; the count and the next results read on. `passed` grows
  // in place, in rank order: the hits.
  function phraseCheck(index, meta, phrases, candidates) {
    const passed = [];
    const known = []; // whether each candidate holds the phrases, once its text is read
    let checked = 0; // candidates[0..checked) are known
    let asked = 0; // candidates[0..asked) are known or being read
    let reading = new Map(); // text file -> its candidates being read
    let round = 0; // the answers of an older round (reads given up) are dropped
    let failure = null;
    let waiting = []; // those to wake when a read ends

    const fileOf = (hit) => `${hit.chunk}/${Math.floor(hit.index / meta.textGroup)}`;
    // Reading every candidate's text into terms was a fifth of a rare phrase's time (50 ms
    // of 100 texts): a quick test first, and only the texts that pass are read into terms.
    const quick = phrases.map(TEXT.phrasePattern);
    const holds = async (hit, signal) => {
      const doc = index.doc(hit);
      const parts = [doc.title, doc.publication, ...(await textOf(index, meta, hit, signal))];
      const folded = parts.map(TEXT.foldText);
      if (!quick.every((test) => test === null || folded.some((text) => test.test(text)))) {
        return false;
      }
      const terms = parts.map((part) => TEXT.termsOf(part));
      return phrases.every((phrase) => terms.some((t) => contains(t, phrase)));
    };
    function ask(k, signal) {
      const file = fileOf(candidates[k]);
      const mine = round;
      reading.set(file, (reading.get(file) || 0) + 1);
      holds(candidates[k], signal).then((held) => {
        if (mine !== round) return;
        known[k] = held;
        for (; checked < asked && known[checked] !== undefined; checked += 1) {
          if (known[checked]) passed.push(candidates[checked]);
        }
      }, (err) => {
        if (mine === round && !failure) failure = err;
      }).finally(() => {
        if (mine === round) {
          const left = reading.get(file) - 1;
          if (left) reading.set(file, left);
          else reading.delete(file);
        }
        const woken = waiting;
        waiting = [];
        woken.forEach((wake) => wake());
      });
    }
    // Reads, keeping `files()` text files on the way (a candidate whose file is already on
    // the way costs nothing), until `enough()` or every candidate is known.
    async function until(enough, files, signal) {
      while (checked < candidates.length && !enough()) {
        if (signal && signal.aborted) throw new DOMException("given up", "AbortError");
        if (failure) {
          const err = failure;
          failure = null;
          round += 1;
          asked = checked;
          known.length = checked;
          reading = new Map();
          // A read for the count, given up for a newer search: asked for again.
          if (err.name !== "AbortError" || (signal && signal.aborted)) throw err;
          continue;
        }
        while (asked < candidates.length
          && (reading.size < files() || reading.has(fileOf(candidates[asked])))) {
          ask(asked, signal);
          asked += 1;
        }
        await new Promise((wake) => waiting.push(wake));
      }
    }
    // Whether the first `count` hits are known: every candidate that could come before or
    // tie with the last of them is checked (ties are ordered by date).
    const settled = (count) => checked >= candidates.length
      || (passed.length >= count && candidates[checked].score < passed[count - 1].score);

    return {
      passed,
      get done() {
        return checked >= candidates.length;
      },
      // Reads enough to fill `count` results at the rate candidates have passed so far: a
      // phrase most of them hold reads about `count` files, a rare one all of them at once
      // (`stale`: whether the search is no longer wanted).
      fill: (count, stale) => until(() => settled(count) || stale(), () => {
        const rate = (passed.length + 1) / (checked + 1);
        return Math.max(READS, Math.ceil(Math.max(count - passed.length, 0) / rate));
      }),
      // Reads the rest, a few files at a time (`signal`: at low priority, given up with it).
      finish: (signal) => until(() => false, () => READS, signal),
    };
  }

  // The hits in the order they are shown, with everything up to `count` ready to show.
  // Only the chunks that can be shown are loaded: those of the first `count` hits and
  // of every hit tied with the last of them (dates order ties).
  async function arrange(index, search, count) {
    const { hits } = search;
    let needed = hits;
    if (hits.length > count) {
      const last = hits[count - 1].score;
      let end = count;
      while (end < hits.length && hits[end].score === last) end += 1;
      needed = hits.slice(0, end);
    }
    const chunks = new Set(needed.map((hit) => hit.chunk));
    await Promise.all(Array.from(chunks, (chunk) => index.loadDocs(chunk)));
    // The hits come by score: only those up to the last tie shown are sorted again with
    // their dates (a longer list is arranged again when asked for).
    const dates = new Map(needed.map((hit) => [hit, index.dateOf(hit)]));
    // ISO partial dates sort as text: "2025-10-06" > "2025-10" > "2025" > "".
    const newer = (a, b) => {
      const [x, y] = [dates.get(a), dates.get(b)];
      return x < y ? 1 : x > y ? -1 : 0;
    };
    const top = needed.slice().sort((a, b) => b.score - a.score || newer(a, b)
      || b.chunk - a.chunk || b.index - a.index);
    return top.concat(hits.slice(top.length));
  }

  Object.assign(search, { parseQuery, find, textOf, narrow, arrange });
})((window.DigestSearch = window.DigestSearch || {}));
