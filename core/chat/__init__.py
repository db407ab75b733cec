"""Conversations as text: answers for the terminal and as JSON, chats exported to Markdown;
and the search filters a client's options ask for (``filters.py``).

The conversations themselves are stored in the index database (``sourcewise.core.store.chats``).
"""
