"""Text made on purpose of what breaks markup: both quote kinds in one value, braces and
template delimiters, `<`, `&`, the end of a CDATA section, with letters around them.
Plain `st.text()` almost never draws two of these together."""

from __future__ import annotations

from hypothesis import strategies as st

FRAGMENTS = [
    "'", '"', "{", "}", "{{", "}}", "{%", "%}", "{#", "#}", "{{ 7*7 }}", "{% raw %}", "{#-",
    "<", ">", "&", "&amp;", "&#38;", "&lt;", "]]>", "<![CDATA[", "</title>", "<script>",
    "\\", "`", "\n", "\t", "#", "%", "*", "_", "[", "]",
]

markup_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet="aZ é9", max_size=3)),
    max_size=24,
).map("".join)
