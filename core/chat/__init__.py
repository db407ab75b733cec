"""Conversation storage: chats, their cited answers and feedback, kept in the index database."""
