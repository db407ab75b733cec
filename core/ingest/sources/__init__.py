"""What people keep besides folders of documents: email archives (``mail``, ``mbox``), note
vaults (``vault``) and reference libraries (``zotero``).

Each source turns its items into ordinary parsed documents plus *metadata* (sender, tags,
authors, collections...): a ``dict[str, list[str]]`` (``meta``) that the store keeps per document,
that search filters on, and that names the item in its card and its citations.
"""
