"""Stopwords: the English function words left out when words are matched.

Two lists, written for two jobs, and they differ: "not", "no", "should", "about" are
stopwords of a query but content words of an answer sentence; "source", "documents",
"according", "many" the other way round. One list for both would change what each matches.
"""

from __future__ import annotations

# Words too common to find a passage by (keyword search; the names in a question).
STOPWORDS = frozenset([
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "how",
    "i", "if", "in", "into", "is", "it", "its", "of", "on", "or", "that", "the", "their",
    "there", "these", "they", "this", "to", "was", "were", "what", "when", "where", "which",
    "who", "why", "will", "with", "does", "did", "do", "can", "could", "should", "would",
    "about", "than", "then", "so", "such", "not", "no",
])  # fmt: skip

# Words that say nothing of which source an answer sentence came from.
ATTRIBUTION_STOPWORDS = frozenset([
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "is", "are", "was",
    "were", "be", "been", "by", "with", "as", "from", "that", "this", "it", "its", "which",
    "who", "what", "when", "where", "how", "many", "much", "does", "do", "did", "has", "have",
    "had", "documents", "document", "source", "sources", "according",
])  # fmt: skip
