"""Conversations as text: answers for the terminal and as JSON, chats exported to Markdown.

The conversations themselves are stored in the index database (``sourcewise.core.store.chats``).
"""
